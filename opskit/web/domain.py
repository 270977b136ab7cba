"""``web.domain``: when the registrable domain expires (SOP F4: renew the domain in time).

RDAP first (IANA bootstrap, cached on disk), then WHOIS (python-whois's
parser, then opskit's parsers for ICANN-style and older ``.id`` text). No
date found is UNKNOWN with the raw answers in the evidence, never OK.
Lookups are cached in the store so a domain is looked up at most once per
``web.domain_cache_hours``.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from opskit.catalog import sop_row
from opskit.config.schema import Site, WebSettings
from opskit.result import Metric, Result, Status, grade_low, utc_now
from opskit.text import Message
from opskit.web import rdap, whois
from opskit.web.rdap import RdapError, Registration
from opskit.web.whois import WhoisError

CHECK_ID = "web.domain"
FAILED_LOOKUP_RETRY_HOURS = 1.0


@dataclass(frozen=True)
class DomainFacts:
    """The outcome of looking a domain up: its registration (if found) and every attempt."""

    domain: str
    registration: Registration | None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    looked_up_at: datetime = field(default_factory=utc_now)
    from_cache: bool = False

    def to_state(self) -> dict[str, Any]:
        found = self.registration
        return {
            "domain": self.domain,
            "looked_up_at": self.looked_up_at.isoformat(),
            "attempts": self.attempts,
            "registration": None
            if found is None
            else {
                "expires": found.expires.isoformat() if found.expires else None,
                "registered": found.registered.isoformat() if found.registered else None,
                "registrar": found.registrar,
                "source": found.source,
                "server": found.server,
            },
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> DomainFacts:
        found = data.get("registration")
        registration = None
        if found:
            registration = Registration(
                domain=data["domain"],
                expires=_time(found.get("expires")),
                registered=_time(found.get("registered")),
                registrar=found.get("registrar"),
                source=found["source"],
                server=found["server"],
            )
        return cls(
            domain=data["domain"],
            registration=registration,
            attempts=list(data.get("attempts") or []),
            looked_up_at=datetime.fromisoformat(data["looked_up_at"]),
            from_cache=True,
        )

    def fresh(self, now: datetime, cache_hours: float) -> bool:
        """Whether this lookup can be reused instead of asking the registry again."""
        found = self.registration is not None and self.registration.expires is not None
        hours = cache_hours if found else min(cache_hours, FAILED_LOOKUP_RETRY_HOURS)
        return now - self.looked_up_at < timedelta(hours=hours)


def registrable_domain(site: Site) -> str | None:
    """The domain a registrar renews (``pa-penajam.go.id`` for ``www.pa-penajam.go.id``).

    None when the site is addressed by IP or by a single-label name.
    """
    if site.domain:
        return site.domain.lower().rstrip(".")
    host = (urlsplit(site.url).hostname or "").lower().rstrip(".")
    if not host or "." not in host or is_ip_address(host):
        return None
    labels = host.split(".")
    rules, exceptions = _public_suffixes()
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        wildcard = "*." + ".".join(labels[start + 1 :]) if start + 1 < len(labels) else ""
        if candidate in exceptions:
            return ".".join(labels[start:])
        if candidate in rules or (wildcard and wildcard in rules):
            return ".".join(labels[start - 1 :]) if start > 0 else None
    return ".".join(labels[-2:])


def look_up(domain: str, settings: WebSettings, cache_dir: Path, get: Any) -> DomainFacts:
    """Ask RDAP and WHOIS in ``settings.domain_sources`` order until a date is found."""
    attempts: list[dict[str, Any]] = []
    best: Registration | None = None
    for source in settings.domain_sources:
        try:
            found = (
                _rdap(domain, settings, cache_dir, get)
                if source == "rdap"
                else _whois(domain, settings)
            )
        except (RdapError, WhoisError) as error:
            attempts.append({"source": source, "error": str(error)})
            continue
        attempts.append(
            {
                "source": found.source,
                "server": found.server,
                "expires": found.expires.isoformat() if found.expires else None,
                "raw": found.raw if found.expires is None else found.raw[:600],
            }
        )
        best = best or found
        if found.expires is not None:
            best = found
            break
    return DomainFacts(domain=domain, registration=best, attempts=attempts)


def _rdap(domain: str, settings: WebSettings, cache_dir: Path, get: Any) -> Registration:
    labels = domain.split(".")
    servers = [
        settings.rdap_servers[".".join(labels[-length:])]
        for length in range(len(labels), 0, -1)
        if ".".join(labels[-length:]) in settings.rdap_servers
    ]
    if not servers:
        document = rdap.bootstrap(
            settings.rdap_bootstrap_url,
            cache_dir / "rdap-bootstrap.json",
            settings.rdap_bootstrap_refresh_days,
            get,
        )
        servers = rdap.servers_for(domain, document)
    if not servers:
        raise RdapError(f"no RDAP server for .{labels[-1]} in the bootstrap file")
    errors = []
    for base in servers[:2]:
        try:
            return rdap.lookup(domain, base, get)
        except RdapError as error:
            errors.append(str(error))
    raise RdapError("; ".join(errors))


def _whois(domain: str, settings: WebSettings) -> Registration:
    host, port = whois.server_for(domain, settings.whois_servers)
    text = whois.query(domain, host, port, rdap.TIMEOUT_SECONDS)
    return whois.parse(domain, text, f"{host}:{port}")


def evaluate(site: Site, facts: DomainFacts, now: datetime | None = None) -> Result:
    """Days until the domain expires against the site's thresholds; no date is UNKNOWN."""
    now = now or utc_now()
    evidence: dict[str, Any] = {
        "domain": facts.domain,
        "looked_up_at": facts.looked_up_at.isoformat(),
        "from_cache": facts.from_cache,
        "attempts": facts.attempts,
    }
    found = facts.registration
    if found is None or found.expires is None:
        tried = [item["source"] for item in facts.attempts] or [Message("web.domain.nothing")]
        return Result(
            check_id=CHECK_ID,
            target=facts.domain,
            status=Status.UNKNOWN,
            summary=Message("web.domain.none", domain=facts.domain, tried=tried),
            evidence=evidence,
            sop_row=sop_row(CHECK_ID),
        )
    remaining = (found.expires - now).total_seconds() / 86400
    status = grade_low(remaining, site.domain_warning_days, site.domain_critical_days)
    when = found.expires.date()
    summary = (
        Message("web.domain.expired", domain=facts.domain, days=round(-remaining), date=when)
        if remaining < 0
        else Message(
            "web.domain.expires",
            domain=facts.domain,
            days=round(remaining),
            date=when,
            source=found.source,
        )
    )
    evidence.update(
        {
            "expires": found.expires.isoformat(),
            "registered": found.registered.isoformat() if found.registered else None,
            "registrar": found.registrar,
            "source": found.source,
            "server": found.server,
        }
    )
    return Result(
        check_id=CHECK_ID,
        target=facts.domain,
        status=status,
        summary=summary,
        evidence=evidence,
        metrics=(
            Metric(
                "days_left",
                round(remaining, 1),
                "d",
                site.domain_warning_days,
                site.domain_critical_days,
            ),
        ),
        sop_row=sop_row(CHECK_ID),
    )


@functools.cache
def _public_suffixes() -> tuple[frozenset[str], frozenset[str]]:
    """The public suffix list shipped with python-whois (read from disk, never fetched)."""
    from importlib import resources

    text = (resources.files("whois") / "data" / "public_suffix_list.dat").read_text("utf-8")
    rules, exceptions = set(), set()
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("//") or not line.isascii():
            continue
        if line.startswith("!"):
            exceptions.add(line[1:])
        else:
            rules.add(line)
    return frozenset(rules), frozenset(exceptions)


def is_ip_address(host: str) -> bool:
    """Whether ``host`` is an IP address rather than a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
