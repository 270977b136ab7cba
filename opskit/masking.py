"""Masking of secret values wherever text leaves the process.

Every secret opskit reads (from a ``*_file`` or ``*_env`` reference, or a
``${VAR}`` interpolation) is registered here the moment it is read. Logs,
terminal output, JSON, the history store and reports pass their text
through ``mask`` so a secret that slips into an error message or an
evidence excerpt is still replaced by ``***``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

MASK = "***"
# Shorter values cannot be masked without mangling ordinary text.
MIN_SECRET_LENGTH = 4
# Parts of a notification URL at least this long, mixing letters with digits or
# capitals, are taken for tokens.
MIN_TOKEN_LENGTH = 8
# Query parameters of Apprise URLs that address or tune a message and hold no secret.
PUBLIC_QUERY_KEYS = frozenset(
    {"to", "from", "cc", "bcc", "name", "format", "cto", "rto", "smtp", "mode", "port",
     "user", "method", "overflow", "lang", "reply", "subject", "verify"}
)  # fmt: skip

logger = logging.getLogger(__name__)


class _Registry:
    """The secrets seen so far, longest first so a secret containing another is masked whole."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: set[str] = set()
        self.ordered: tuple[str, ...] = ()

    def add(self, values: set[str]) -> None:
        with self.lock:
            self.values |= values
            self.ordered = tuple(sorted(self.values, key=len, reverse=True))

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.ordered = ()


_registry = _Registry()


def register_secret(value: str, origin: str = "a secret") -> None:
    """Remember ``value`` so every later output masks it."""
    accepted = set()
    for candidate in {value, value.strip()}:
        if len(candidate) >= MIN_SECRET_LENGTH:
            accepted.add(candidate)
        elif candidate:
            logger.warning(
                "%s is shorter than %d characters and cannot be masked reliably",
                origin,
                MIN_SECRET_LENGTH,
            )
    _registry.add(accepted)


def url_tokens(url: str) -> set[str]:
    """The parts of an Apprise URL that are credentials, by their look.

    Services put their tokens in different places (Telegram's bot token where
    a host would be, Discord's and Slack's in the path, webhooks in the query),
    and Apprise logs the URLs it derives from them at debug level, so the whole
    URL alone is not enough to mask.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return set()
    userinfo, _, host = parts.netloc.rpartition("@")
    candidates = {unquote(value) for value in userinfo.split(":")[1:]} if userinfo else set()
    name, _, port = host.rpartition(":") if ":" in host else (host, "", "")
    if port and not port.isdigit():
        candidates |= {unquote(host), unquote(port)}  # tgram://ID:TOKEN/..., not host:port
    elif "." not in name and name != "localhost":
        candidates.add(unquote(name))  # slack://TOKEN_A/..., not a host name
    candidates |= {unquote(segment) for segment in parts.path.split("/")}
    try:
        query = parse_qsl(parts.query, keep_blank_values=False)
    except ValueError:
        query = []
    candidates |= {value for key, value in query if key.lower() not in PUBLIC_QUERY_KEYS}
    return {value for value in candidates if _looks_like_token(value)}


def register_url(url: str, origin: str = "a notification URL") -> None:
    """Remember every token in a notification URL, so each is masked wherever it appears."""
    for token in url_tokens(url):
        register_secret(token, origin)


def _looks_like_token(value: str) -> bool:
    """Long, with letters and digits or capitals: a token, not a word, a name or a number."""
    return (
        len(value) >= MIN_TOKEN_LENGTH
        and any(character.isalpha() for character in value)
        and any(character.isdigit() or character.isupper() for character in value)
    )


def forget_secrets() -> None:
    """Clear the registry (between independent runs in one process, e.g. tests)."""
    _registry.clear()


def has_secrets() -> bool:
    """Whether any secret is registered (when none is, output needs no masking pass)."""
    return bool(_registry.ordered)


def mask(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _registry.ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_data(data: Any) -> Any:
    """A copy of JSON-like ``data`` with secrets masked in every string."""
    if not _registry.ordered:
        return data
    if isinstance(data, str):
        return mask(data)
    if isinstance(data, dict):
        return {mask_data(key): mask_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [mask_data(item) for item in data]
    return data


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _registry.ordered:
            record.msg = mask(record.getMessage())
            record.args = None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True


# Characters that JSON text may hold outside its strings: structure, numbers, literals, space.
_OUTSIDE_STRINGS = frozenset("{}[],: \t\r\n0123456789.eE+-truefalsn")


def mask_json(text: str) -> str:
    """One JSON document's text with secrets masked in its strings, as ``mask_data`` would.

    Replacing in the text is exact, and avoids decoding, when no secret could
    match anything but the inside of a string: a secret with a quote, a
    backslash or a control character (JSON escapes those) or made only of
    characters found outside strings (``true``, ``2024``) is masked in the
    decoded data instead, as is any text with escapes in it.
    """
    secrets = _registry.ordered
    if not secrets or not any(secret in text for secret in secrets):
        return text
    if "\\" in text or not all(_only_in_strings(secret) for secret in secrets):
        import json

        return json.dumps(mask_data(json.loads(text)), ensure_ascii=False, separators=(",", ":"))
    return mask(text)


def _only_in_strings(secret: str) -> bool:
    return (
        '"' not in secret
        and "\\" not in secret
        and all(ord(character) >= 0x20 for character in secret)
        and not set(secret) <= _OUTSIDE_STRINGS
    )
