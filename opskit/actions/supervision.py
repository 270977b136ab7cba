"""The supervising court's view: every court it oversees, worst first, and one court's state.

A Pengadilan Tinggi Agama oversees the religious courts of its province. Its
console reads their parts of the shared store (never writes them) and puts
the court that most needs attention first: open incidents, sites down,
backups stale, certificates and domains expiring, and the lowest
public-information and hardening scores. Who may read which courts is the
role table's (``supervision.view``) and this config's ``organisation.oversees``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from opskit.actions.dashboard import EXPIRY_HORIZON_DAYS
from opskit.config.schema import Config
from opskit.errors import NotFoundError
from opskit.result import Status, worst
from opskit.store import Store
from opskit.store.fleet import HARDENING_SCORE, PUBLIC_INFO_SCORE, CourtState, court_states

STALE_AFTER = timedelta(hours=48)


def supervision(config: Config, store: Store, now: datetime) -> dict[str, Any]:
    """Every overseen court's summary, the one that most needs attention first."""
    names = {court.code: court.name for court in config.organisation.oversees}
    states = court_states(store, list(names))
    courts = [_summary(names[code], state, now) for code, state in states.items()]
    courts.sort(key=_attention)
    return {"courts": courts, "horizon_days": EXPIRY_HORIZON_DAYS}


def court(config: Config, store: Store, code: str, now: datetime) -> dict[str, Any]:
    """One overseen court's summary and its checks by target, worst first (read-only)."""
    names = {court.code: court.name for court in config.organisation.oversees}
    if code not in names:
        raise NotFoundError(f"no court {code} among those this office oversees")
    state = court_states(store, [code])[code]
    checks = sorted(
        (
            {
                "check_id": check_id,
                "target": target,
                "status": status.value,
                "observed_at": observed_at.isoformat(),
            }
            for check_id, target, status, _, observed_at in state.checks
        ),
        key=lambda row: (-Status(row["status"]).severity, row["target"], row["check_id"]),
    )
    return {
        "court": _summary(names[code], state, now),
        "checks": checks,
        "horizon_days": EXPIRY_HORIZON_DAYS,
    }


def _summary(name: str, state: CourtState, now: datetime) -> dict[str, Any]:
    checks = state.checks
    checked_at = max((observed for *_, observed in checks), default=None)
    stale = checked_at is None or now - checked_at > STALE_AFTER
    status = worst((check[2] for check in checks), default=Status.UNKNOWN)
    if stale and status is not Status.CRITICAL:
        status = Status.UNKNOWN  # nothing recent: cannot say it is fine
    return {
        "code": state.code,
        "name": name,
        "reporting": state.reporting,
        "status": status.value,
        "checked_at": checked_at.isoformat() if checked_at else None,
        "stale": stale,
        "open_incidents": state.open_incidents,
        "sites_down": len(
            {target for check_id, target, found, *_ in checks
             if check_id == "web.http" and found is Status.CRITICAL}
        ),
        "backups_stale": sum(
            1 for check_id, _, found, *_ in checks
            if check_id == "backup.freshness" and found is not Status.OK
        ),
        "expiring": sum(
            1 for check_id, _, _, figures, _ in checks
            if check_id in ("web.tls", "web.domain")
            and figures.get("days_left", EXPIRY_HORIZON_DAYS + 1) <= EXPIRY_HORIZON_DAYS
        ),
        "public_info_percent": _lowest(checks, *PUBLIC_INFO_SCORE),
        "hardening_percent": _lowest(checks, *HARDENING_SCORE),
    }  # fmt: skip


def _lowest(checks: list[Any], check_id: str, metric: str) -> float | None:
    found = [figures[metric] for found_id, _, _, figures, _ in checks
             if found_id == check_id and metric in figures]  # fmt: skip
    return min(found) if found else None


def _attention(summary: dict[str, Any]) -> tuple[Any, ...]:
    return (
        -Status(summary["status"]).severity,
        -summary["open_incidents"],
        -summary["sites_down"],
        -summary["backups_stale"],
        -summary["expiring"],
        summary["public_info_percent"] if summary["public_info_percent"] is not None else 101,
        summary["hardening_percent"] if summary["hardening_percent"] is not None else 101,
        summary["name"],
    )
