"""What stands where now: every site, host, backup set and log source at a glance.

Read from the store's current status (one row per check and target), so a
year of history costs nothing here. Used by the console's dashboard and its
polling; the data is the same for every reader, the edges decide what each
may do with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from opskit import audit, incidents
from opskit.config.schema import Config
from opskit.result import Status, worst
from opskit.store import CurrentStatus, Store
from opskit.uat import records as uat_records

EXPIRY_HORIZON_DAYS = 60
HOST_CHECKS = ("host.", "fw.", "net.", "ssh.", "av.", "os.", "web.files.", "code.", "security.")


@dataclass
class Entity:
    """One thing the office looks after, with the checks that judge it."""

    kind: str  # site, host, backup, logs
    name: str
    status: Status = Status.UNKNOWN
    since: datetime | None = None
    checked_at: datetime | None = None
    checks: list[CurrentStatus] = field(default_factory=list)

    def settle(self) -> None:
        """Status = worst of its checks; since = when the newest of those got there."""
        if not self.checks:
            return
        self.status = worst(check.status for check in self.checks)
        self.since = max(check.since for check in self.checks if check.status == self.status)
        self.checked_at = max(check.observed_at for check in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "status": self.status.value,
            "since": self.since.isoformat() if self.since else None,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
            "checks": [
                {
                    "check_id": check.check_id,
                    "target": check.target,
                    "status": check.status.value,
                    "since": check.since.isoformat(),
                    "observed_at": check.observed_at.isoformat(),
                    "summary": check.summary,
                }
                for check in worst_first(self.checks)
            ],
        }


def worst_first(checks: Iterable[CurrentStatus]) -> list[CurrentStatus]:
    """Worst status first, then by check and target."""
    return sorted(checks, key=lambda check: (-check.status.severity, check.check_id, check.target))


def entities(config: Config, current: list[CurrentStatus]) -> list[Entity]:
    """Every configured site, host, backup set and log source with its checks' status."""
    from opskit.web.domain import registrable_domain

    by_root: dict[str, list[CurrentStatus]] = {}
    for check in current:
        by_root.setdefault(_root(check.target), []).append(check)
    found: list[Entity] = []
    for site in config.sites:
        domain = registrable_domain(site)
        candidates = by_root.get(site.name, []) + (by_root.get(domain, []) if domain else [])
        found.append(
            _entity(
                "site",
                site.name,
                [
                    check
                    for check in candidates
                    if check.check_id.startswith("web.")
                    and not check.check_id.startswith("web.files.")
                    and (_belongs(check.target, site.name) or check.target == domain)
                ],
            )
        )
    for name in config.inventory():
        found.append(
            _entity(
                "host",
                name,
                [
                    check
                    for check in by_root.get(name, [])
                    if check.check_id.startswith(HOST_CHECKS) and _belongs(check.target, name)
                ],
            )
        )
    for backup_set in config.backup.sets:
        found.append(
            _entity(
                "backup",
                backup_set.name,
                [
                    check
                    for check in by_root.get(backup_set.name, [])
                    if check.check_id.startswith("backup.")
                ],
            )
        )
    for site in config.sites:
        if site.logs:
            found.append(
                _entity(
                    "logs",
                    site.name,
                    [
                        check
                        for check in by_root.get(site.name, [])
                        if check.check_id.startswith("logs.") and _belongs(check.target, site.name)
                    ],
                )
            )
    return found


def dashboard(config: Config, store: Store, now: datetime) -> dict[str, Any]:
    """The dashboard's data: entities, incidents, backups, expiries, scores, UAT, audit."""
    current = store.current()
    things = entities(config, current)
    counts = {status.value: 0 for status in Status}
    for thing in things:
        counts[thing.status.value] += 1
    return {
        "generated_at": now.isoformat(),
        "counts": counts,
        "overall": worst((thing.status for thing in things), default=Status.OK).value,
        "entities": [thing.to_dict() for thing in things],
        "incidents": open_incidents(store, now),
        "backups": backups(config, current),
        "expiring": expiring(current),
        "hardening": hardening(current),
        "uat": uat_waiting(store),
        "audit": [entry.to_dict() for entry in audit.listing(store, limit=8)],
    }


def open_incidents(store: Store, now: datetime) -> list[dict[str, Any]]:
    rows = []
    for incident in incidents.listing(store, open_only=True, limit=100):
        notes = incidents.notes(store, incident.id)
        acknowledgement = next((note for note in reversed(notes) if note.kind == "ack"), None)
        row = incident.to_dict()
        row["age_seconds"] = round(incident.duration_seconds(now))
        row["acknowledged_by"] = acknowledgement.author if acknowledgement else None
        rows.append(row)
    return rows


def backups(config: Config, current: list[CurrentStatus]) -> list[dict[str, Any]]:
    """Per set and repository: the last backup run and the last restore drill."""
    rows = []
    for backup_set in config.backup.sets:
        for repository in backup_set.repositories:
            target = f"{backup_set.name}:{repository}"
            run = _find(current, "backup.run", target)
            drill = _find(current, "backup.verify.drill", target)
            judged = _find(current, "backup.freshness", target) or run
            rows.append(
                {
                    "set": backup_set.name,
                    "repository": repository,
                    "status": judged.status.value if judged else Status.UNKNOWN.value,
                    "last_backup": run.observed_at.isoformat() if run else None,
                    "last_backup_status": run.status.value if run else None,
                    "last_drill": drill.observed_at.isoformat() if drill else None,
                    "last_drill_status": drill.status.value if drill else None,
                }
            )
    return rows


def expiring(current: list[CurrentStatus]) -> list[dict[str, Any]]:
    """Certificates and domains with fewer than EXPIRY_HORIZON_DAYS left, soonest first."""
    rows = [
        {
            "what": "certificate" if check.check_id == "web.tls" else "domain",
            "target": check.target,
            "days_left": check.metrics["days_left"],
            "status": check.status.value,
        }
        for check in current
        if check.check_id in ("web.tls", "web.domain")
        and check.metrics.get("days_left", EXPIRY_HORIZON_DAYS + 1) <= EXPIRY_HORIZON_DAYS
    ]
    return sorted(rows, key=lambda row: row["days_left"])


def hardening(current: list[CurrentStatus]) -> list[dict[str, Any]]:
    return [
        {
            "host": check.target,
            "percent": check.metrics.get("hardening_score_percent"),
            "status": check.status.value,
        }
        for check in current
        if check.check_id == "security.score"
    ]


def uat_waiting(store: Store) -> list[dict[str, Any]]:
    """UAT runs waiting for a review or for a decision."""
    rows = []
    for run in uat_records.listing(store, limit=50):
        if run.ruling is not None or run.result != "passed":
            continue
        rows.append(
            {
                "id": run.id,
                "application": run.application,
                "version": run.version,
                "started_at": run.started_at.isoformat(),
                "waiting_for": "decision" if run.reviews else "review",
            }
        )
    return rows


def stale(entity: dict[str, Any], now: datetime, hours: float = 48) -> bool:
    """Whether an entity's last check is too old to trust its status."""
    checked = entity.get("checked_at")
    return checked is None or now - datetime.fromisoformat(checked) > timedelta(hours=hours)


def _entity(kind: str, name: str, checks: list[CurrentStatus]) -> Entity:
    entity = Entity(kind, name, checks=checks)
    entity.settle()
    return entity


def _root(target: str) -> str:
    """What a target belongs to: ``web1`` of ``web1:/var``, ``website`` of ``website/db:local``."""
    return target.split(":", 1)[0].split("/", 1)[0]


def _belongs(target: str, name: str) -> bool:
    return target == name or target.startswith(f"{name}:")


def _find(current: list[CurrentStatus], check_id: str, target: str) -> CurrentStatus | None:
    return next(
        (check for check in current if check.check_id == check_id and check.target == target),
        None,
    )
