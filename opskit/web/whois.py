"""WHOIS (port 43) lookups and the parsers for the formats registries write.

One raw query goes to the TLD's WHOIS server (``web.whois_servers`` or the
built-in list; host or host:port). Its text is read by python-whois first,
then by opskit's own parsers: the current ICANN-style format (``Registry
Expiry Date:``), which the ``.id`` registry now writes and python-whois's
``.id`` parser does not read, and the older ``.id`` format (``Expiration
Date:08-Jan-2026 23:59:59 UTC``).
"""

from __future__ import annotations

import logging
import re
import socket
import time
from datetime import datetime

from opskit.config.schema import split_address
from opskit.web.dates import parse_date
from opskit.web.rdap import Registration

logger = logging.getLogger(__name__)

PORT = 43
MAX_ANSWER_BYTES = 256_000

SERVERS = {
    "id": "whois.id",
    "com": "whois.verisign-grs.com",
    "net": "whois.verisign-grs.com",
    "org": "whois.publicinterestregistry.org",
    "info": "whois.identity.digital",
    "my": "whois.mynic.my",
    "sg": "whois.sgnic.sg",
}

# Label patterns in the order they are trusted: registry dates before registrar dates.
EXPIRY_LABELS = (
    r"Registry Expiry Date",
    r"Registrar Registration Expiration Date",
    r"Expiration Date",
    r"Expiry Date",
    r"Expiration Time",
    r"expires",
    r"Expires On",
    r"paid-till",
    r"Valid Until",
)
_NOT_FOUND = re.compile(
    r"^(?:NOT FOUND|No match for|DOMAIN NOT FOUND|No Data Found|The queried object does not exist)",
    re.IGNORECASE | re.MULTILINE,
)


class WhoisError(Exception):
    """A WHOIS query that gave no usable answer; the message says why."""


def server_for(domain: str, configured: dict[str, str]) -> tuple[str, int]:
    """The WHOIS server (host, port) for ``domain``'s TLD; raises WhoisError when none is known."""
    labels = domain.lower().rstrip(".").split(".")
    for length in range(len(labels) - 1, 0, -1):
        suffix = ".".join(labels[-length:])
        if suffix in configured:
            return split_address(configured[suffix], PORT)
    tld = labels[-1]
    if tld in SERVERS:
        return SERVERS[tld], PORT
    raise WhoisError(f"no WHOIS server known for .{tld}; set web.whois_servers.{tld}")


def query(domain: str, host: str, port: int, timeout_seconds: float) -> str:
    """The raw WHOIS answer for ``domain``; raises WhoisError on network failure."""
    deadline = time.monotonic() + 2 * timeout_seconds  # a trickling server cannot hold us
    try:
        with socket.create_connection((host, port), timeout=timeout_seconds) as connection:
            connection.sendall(domain.encode("idna") + b"\r\n")
            parts = []
            size = 0
            while size < MAX_ANSWER_BYTES and time.monotonic() < deadline:
                chunk = connection.recv(8192)
                if not chunk:
                    break
                parts.append(chunk)
                size += len(chunk)
    except TimeoutError:
        raise WhoisError(
            f"WHOIS {host}:{port} did not answer within {timeout_seconds:g} s"
        ) from None
    except OSError as error:
        raise WhoisError(f"WHOIS {host}:{port}: {error.strerror or error}") from None
    return b"".join(parts).decode("utf-8", errors="replace")


def parse(domain: str, text: str, server: str) -> Registration:
    """Registration dates from a WHOIS answer; ``expires`` is None when no parser found one.

    Raises WhoisError when the registry says the domain does not exist.
    """
    if _NOT_FOUND.search(text):
        raise WhoisError(f"{server}: the registry does not know {domain}")
    expires, parser = _with_python_whois(domain, text), "python-whois"
    if expires is None:
        expires, parser = parse_expiry(text), "opskit"
    return Registration(
        domain=domain,
        expires=expires,
        registered=_labelled(text, (r"Creation Date", r"Created On", r"created", r"Registered on")),
        registrar=_registrar(text),
        source=f"whois ({parser})" if expires else "whois",
        server=server,
        raw=text[:4000],
    )


def parse_expiry(text: str) -> datetime | None:
    """The expiry date in ICANN-style or older ``.id`` WHOIS text, or None."""
    return _labelled(text, EXPIRY_LABELS)


def _labelled(text: str, labels: tuple[str, ...]) -> datetime | None:
    for label in labels:
        match = re.search(rf"^\s*{label}\s*\.*:\s*(.+?)\s*$", text, re.IGNORECASE | re.MULTILINE)
        if match:
            moment = parse_date(match.group(1))
            if moment is not None:
                return moment
    return None


def _registrar(text: str) -> str | None:
    match = re.search(
        r"^\s*(?:Registrar|Sponsoring Registrar Organization)\s*:\s*(.+?)\s*$",
        text,
        re.IGNORECASE | re.MULTILINE,
    )
    return match.group(1) if match else None


def _with_python_whois(domain: str, text: str) -> datetime | None:
    """python-whois's reading of the text (its own network client is never used)."""
    try:
        from whois.parser import WhoisEntry

        entry = WhoisEntry.load(domain, text)
    except Exception as error:  # noqa: BLE001 - a third-party parser failing means "try ours next"
        logger.debug("python-whois could not parse the answer for %s: %s", domain, error)
        return None
    value = entry.get("expiration_date")
    if isinstance(value, list):
        value = min((item for item in value if isinstance(item, datetime)), default=None)
    if not isinstance(value, datetime):
        return None
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
