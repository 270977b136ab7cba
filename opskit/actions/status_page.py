"""The public status page: is each website up, how it did day by day, what is going on.

Public-safe by construction: it reads only statuses, counts, response times
and the time an incident opened, never a summary, evidence, address or path
from the store, and words the incidents itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from opskit import incidents
from opskit.config.schema import Config
from opskit.result import Status
from opskit.store import Store, to_text

HTTP_CHECK = "web.http"
# Which public words an open incident gets, by the check that raised it.
INCIDENT_KINDS = {
    "web.http": "outage",
    "web.tls": "certificate",
    "web.domain": "domain",
    "web.dns": "dns",
}


def status_page(config: Config, store: Store, now: datetime) -> dict[str, Any]:
    """Per chosen site: current state, latest response time, daily availability, incidents."""
    page = config.console.status_page
    chosen = set(page.sites)
    sites = [site for site in config.sites if not chosen or site.name in chosen]
    zone = _zone(config)
    offset_minutes = int((now.astimezone(zone).utcoffset() or timedelta()).total_seconds() // 60)
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=page.days - 1)
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    current = {check.target: check for check in store.current(HTTP_CHECK)}
    open_by_site = _open_incidents(store, {site.name for site in sites})
    rows = []
    for site in sites:
        days = _days(store, site.name, since, offset_minutes)
        latest = current.get(site.name)
        state = _state(latest.status if latest else None, open_by_site.get(site.name, []))
        up = sum(day["up"] for day in days.values())
        total = sum(day["total"] for day in days.values())
        rows.append(
            {
                "name": site.name,
                "host": _public_host(site.url),
                "state": state,
                "response_ms": latest.metrics.get("response_ms") if latest else None,
                "checked_at": latest.observed_at.isoformat() if latest else None,
                "availability_percent": round(100 * up / total, 2) if total else None,
                "days": [
                    _day(first_day + timedelta(days=index), days) for index in range(page.days)
                ],
                "incidents": open_by_site.get(site.name, []),
            }
        )
    return {
        "title": page.title,
        "organisation": config.organisation.name,
        "generated_at": now.isoformat(),
        "days": page.days,
        "overall": _overall(row["state"] for row in rows),
        "sites": rows,
    }


def _days(
    store: Store, site: str, since: datetime, offset_minutes: int
) -> dict[str, dict[str, int]]:
    """Checks and answered checks per local day (Indonesian zones keep one UTC offset)."""
    shift = f"{offset_minutes:+d} minutes"
    rows = store.read(
        "SELECT substr(datetime(observed_at, ?), 1, 10) AS day, COUNT(*) AS total,"
        " SUM(CASE WHEN status IN ('OK', 'WARNING') THEN 1 ELSE 0 END) AS up"
        " FROM results WHERE check_id = ? AND target = ? AND observed_at >= ?"
        " AND status != 'UNKNOWN' GROUP BY day",
        (shift, HTTP_CHECK, site, to_text(since)),
    )
    return {row["day"]: {"total": row["total"], "up": row["up"]} for row in rows}


def _day(day: date, days: dict[str, dict[str, int]]) -> dict[str, Any]:
    counts = days.get(day.isoformat())
    if not counts or not counts["total"]:
        return {"date": day.isoformat(), "percent": None, "level": "none"}
    percent = 100 * counts["up"] / counts["total"]
    level = "up" if percent >= 99.5 else "partial" if percent >= 90 else "down"
    return {"date": day.isoformat(), "percent": round(percent, 2), "level": level}


def _open_incidents(store: Store, sites: set[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for incident in incidents.listing(store, open_only=True, limit=200):
        kind = INCIDENT_KINDS.get(incident.check_id)
        if kind is None and incident.check_id.startswith("web.integrity"):
            kind = "content"
        if kind is None or incident.target not in sites:
            continue
        found.setdefault(incident.target, []).append(
            {"kind": kind, "since": incident.opened_at.isoformat()}
        )
    return found


def _state(status: Status | None, open_incidents: list[dict[str, Any]]) -> str:
    if status is None or status == Status.UNKNOWN:
        return "unknown"
    if status == Status.CRITICAL or any(item["kind"] == "outage" for item in open_incidents):
        return "down"
    if status == Status.WARNING or open_incidents:
        return "degraded"
    return "up"


def _overall(states: Any) -> str:
    ranked = ("down", "degraded", "unknown", "up")
    found = set(states)
    return next((state for state in ranked if state in found), "unknown")


def _public_host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


def _zone(config: Config) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(config.organisation.timezone)
