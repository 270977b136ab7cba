"""RDAP lookups of a domain's registration dates (RFC 9083), with IANA's bootstrap file.

The bootstrap file (which RDAP server serves which TLD) is cached on disk
under the state directory and fetched again after the refresh interval;
when fetching fails, a stale copy is still used. Every address is
configurable (``web.rdap_bootstrap_url``, ``web.rdap_servers``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit.web.dates import parse_date

TIMEOUT_SECONDS = 15.0


class RdapError(Exception):
    """An RDAP lookup that gave no usable answer; the message says why."""


@dataclass(frozen=True)
class Registration:
    """A domain's registration dates as found, and where from."""

    domain: str
    expires: datetime | None
    source: str
    server: str
    registered: datetime | None = None
    registrar: str | None = None
    raw: str = ""


def bootstrap(url: str, cache_file: Path, refresh_days: float, get: Any) -> dict[str, Any]:
    """The bootstrap document: the cached copy when fresh, else fetched (stale copy on failure)."""
    cached = _read_json(cache_file)
    age_days = (time.time() - cache_file.stat().st_mtime) / 86400 if cached else None
    if cached is not None and age_days is not None and age_days < refresh_days:
        return cached
    page = get(url)
    document = None
    if page.ok and page.status == 200:
        try:
            document = json.loads(page.text)
        except ValueError:
            document = None
    if isinstance(document, dict) and isinstance(document.get("services"), list):
        cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Unique per process and thread: two lookups may refresh the file at once.
        temporary = cache_file.with_name(
            f".{cache_file.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        )
        temporary.write_text(json.dumps(document), encoding="utf-8")
        temporary.replace(cache_file)
        return document
    if cached is not None:
        return cached
    reason = (page.error or f"HTTP {page.status}") if page.status != 200 else "not JSON"
    raise RdapError(f"RDAP bootstrap {url} unusable: {reason}")


def servers_for(domain: str, document: dict[str, Any]) -> list[str]:
    """RDAP base URLs serving ``domain``'s TLD (the longest matching label wins)."""
    labels = domain.lower().rstrip(".").split(".")
    best: list[str] = []
    best_length = 0
    for service in document.get("services", []):
        if not isinstance(service, list) or len(service) < 2:
            continue
        for suffix in service[0]:
            suffix_labels = str(suffix).lower().split(".")
            if labels[-len(suffix_labels) :] == suffix_labels and len(suffix_labels) > best_length:
                best, best_length = [str(url) for url in service[1]], len(suffix_labels)
    return best


def lookup(domain: str, base_url: str, get: Any) -> Registration:
    """Ask one RDAP server for ``domain``; raises RdapError when no answer is usable."""
    url = base_url.rstrip("/") + "/domain/" + domain
    page = get(url, headers={"Accept": "application/rdap+json"})
    if not page.ok:
        raise RdapError(f"{url}: {page.error}")
    if page.status == 404:
        raise RdapError(f"{url}: the registry does not know {domain} (HTTP 404)")
    if page.status != 200:
        raise RdapError(f"{url}: HTTP {page.status}")
    return parse(domain, page.text, url)


def parse(domain: str, text: str, server: str) -> Registration:
    """Registration dates from an RDAP domain object; raises RdapError when it is not one."""
    try:
        document = json.loads(text)
    except ValueError:
        raise RdapError(f"{server}: the answer is not JSON") from None
    if not isinstance(document, dict) or document.get("objectClassName") != "domain":
        raise RdapError(f"{server}: the answer is not an RDAP domain object")
    events = {}
    for event in document.get("events") or []:
        if isinstance(event, dict) and event.get("eventAction") and event.get("eventDate"):
            events[str(event["eventAction"]).lower()] = parse_date(str(event["eventDate"]))
    return Registration(
        domain=domain,
        expires=events.get("expiration"),
        registered=events.get("registration"),
        registrar=_registrar(document),
        source="rdap",
        server=server,
        raw=text[:4000],
    )


def _registrar(document: dict[str, Any]) -> str | None:
    for entity in document.get("entities") or []:
        if not isinstance(entity, dict) or "registrar" not in (entity.get("roles") or []):
            continue
        card = entity.get("vcardArray")
        if isinstance(card, list) and len(card) > 1:
            for item in card[1]:
                if isinstance(item, list) and item[:1] == ["fn"] and len(item) > 3:
                    return str(item[3])
        return str(entity.get("handle") or "") or None
    return None


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None
