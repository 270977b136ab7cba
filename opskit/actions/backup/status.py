"""``opskit check backup``: are the backups fresh, did the last run work, are restores proven,
does the offsite bucket still protect them?"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from datetime import datetime, timedelta

from opskit.actions.backup.common import (
    HostAccess,
    host_access,
    pairs,
    repository_access,
    result,
    select_sets,
    set_snapshots,
    target_name,
)
from opskit.actions.backup.interrupted import Interrupted, interrupted
from opskit.actions.backup.locks import describe, is_stale, read_locks
from opskit.actions.backup.protection import check_protection
from opskit.backup.listings import Lock, Snapshot
from opskit.backup.restic import DATABASE_TAG, SET_TAG
from opskit.config.schema import BackupSet
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Metric, Result, Status, utc_now
from opskit.sharding import parse_shard
from opskit.text import Message


def check_backups(
    context: AppContext, set_names: Sequence[str], shard: str | None = None
) -> Outcome:
    config = context.config
    sets = select_sets(config, set_names)
    part = parse_shard(shard)
    if part is not None:
        sets = part.select(sets, key=lambda backup_set: backup_set.name)
    now = utc_now()
    results: list[Result] = []
    for (host_name, repository), members in pairs(config, sets).items():
        host = config.inventory()[host_name]
        label = repository if host.local else f"{repository}@{host_name}"
        try:
            with (
                host_access(config, host) as access,
                access.open(repository_access(config, repository)) as target,
            ):
                snapshots = set_snapshots(access, target)
                results.append(_locks(label, access, read_locks(access, target), now))
        except OpskitError as error:
            for backup_set in members:
                results.append(
                    result(
                        "backup.freshness",
                        target_name(backup_set.name, repository),
                        Status.UNKNOWN,
                        Message("backup.freshness.unreadable", reason=error.message),
                    )
                )
            continue
        left = interrupted(context.store(), snapshots)
        for backup_set in members:
            results += _freshness(context, backup_set, repository, snapshots, now=now, left=left)
    for backup_set in sets:
        results.append(_verification_age(context, backup_set, now))
    used = {name for _, name in pairs(config, sets)}
    for bucket in config.backup.repositories:
        if bucket.name in used and bucket.type == "s3":
            results.append(check_protection(context.store(), bucket, now))
    return Outcome(command="check backup", results=results, record=True)


def _components(backup_set: BackupSet) -> list[str | None]:
    """What a set's snapshots are made of: its files (None) and each database."""
    parts: list[str | None] = [None] if backup_set.paths else []
    return parts + [database.name for database in backup_set.databases]


def _freshness(
    context: AppContext,
    backup_set: BackupSet,
    repository: str,
    snapshots: list[Snapshot],
    *,
    now: datetime,
    left: Interrupted,
) -> list[Result]:
    """Age of each component's newest completed backup; an interrupted run's work is not one."""
    results = []
    for database in _components(backup_set):
        component = [
            snapshot
            for snapshot in snapshots
            if snapshot.tag_value(SET_TAG) == backup_set.name
            and snapshot.tag_value(DATABASE_TAG) == database
        ]
        name = target_name(backup_set.name, repository, database)
        results.append(_component(context, backup_set, name, component, now=now, left=left))
    return results


def _component(
    context: AppContext,
    backup_set: BackupSet,
    name: str,
    component: list[Snapshot],
    *,
    now: datetime,
    left: Interrupted,
) -> Result:
    interval = timedelta(hours=backup_set.interval_hours)
    mine = [snapshot for snapshot in component if snapshot.id not in left.snapshots]
    not_counted = [
        {"snapshot": snapshot.short_id, "run": left.snapshots[snapshot.id]}
        for snapshot in component
        if snapshot.id in left.snapshots
    ]
    last_run = _last_run(context, name)
    evidence: dict[str, object] = {
        "interval_hours": backup_set.interval_hours,
        "last_run": last_run,
        "not_counted": not_counted,
    }
    note: Message | str = ""
    if not_counted:
        note = Message(
            "backup.freshness.not_counted",
            items=[
                Message(
                    "backup.freshness.not_counted_one", snapshot=item["snapshot"], run=item["run"]
                )
                for item in not_counted
            ],
        )
    if not mine:
        empty = Message("backup.freshness.none")
        summary = Message("backup.freshness.noted", summary=empty, note=note) if note else empty
        return result("backup.freshness", name, Status.CRITICAL, summary, evidence)
    latest = mine[-1]
    age = now - latest.time
    status = Status.OK
    if age > interval * backup_set.critical_intervals:
        status = Status.CRITICAL
    elif age > interval * backup_set.warning_intervals:
        status = Status.WARNING
    failures: list[Message] = []
    if last_run and last_run["status"] in ("CRITICAL", "UNKNOWN"):
        failures.append(
            Message("backup.freshness.run_failed", summary=_last_summary(context, name))
        )
    if any(item.id in left.snapshots and item.time > latest.time for item in component):
        failures.append(Message("backup.freshness.interrupted"))  # its newest attempt never ended
    if failures:
        status = Status.CRITICAL if status is Status.CRITICAL else Status.WARNING
    summary = Message(
        "backup.freshness.age",
        snapshot=latest.short_id,
        age=_age_text(age),
        at=latest.time,
        hours=float(backup_set.interval_hours),
        failed=Message("backup.freshness.problems", items=failures) if failures else "",
    )
    evidence.update({"snapshot_id": latest.short_id, "snapshot_time": latest.time.isoformat()})
    metrics = (
        Metric(
            "age_hours",
            round(age.total_seconds() / 3600, 2),
            "h",
            backup_set.interval_hours * backup_set.warning_intervals,
            backup_set.interval_hours * backup_set.critical_intervals,
        ),
    )
    if note:
        summary = Message("backup.freshness.noted", summary=summary, note=note)
    return result("backup.freshness", name, status, summary, evidence, metrics=metrics)


def _last_run(context: AppContext, name: str) -> dict[str, str] | None:
    for check_id in ("backup.run", "backup.database"):
        found = context.store().recent(check_id, name, limit=1)
        if found:
            return {
                "status": found[0].status.value,
                "summary": str(found[0].summary),
                "at": found[0].observed_at.isoformat(),
            }
    return None


def _last_summary(context: AppContext, name: str) -> str:
    """The summary of the newest backup of ``name``, as recorded (a Message when it is one)."""
    for check_id in ("backup.run", "backup.database"):
        found = context.store().recent(check_id, name, limit=1)
        if found:
            return found[0].summary
    return ""


def _locks(label: str, access: HostAccess, locks: list[Lock], now: datetime) -> Result:
    machine = socket.gethostname()
    stale = [
        item for item in locks if is_stale(item, now, this_machine=machine, local=access.local)
    ]
    evidence = {"locks": [describe(item, now) for item in locks]}
    if stale:
        who = [Message("backup.locks.who", pid=item.pid, host=item.hostname) for item in stale[:3]]
        return result(
            "backup.locks",
            label,
            Status.WARNING,
            Message("backup.locks.stale", count=len(stale), who=who),
            evidence,
        )
    text = Message("backup.locks.held", count=len(locks)) if locks else Message("backup.locks.none")
    return result("backup.locks", label, Status.OK, text, evidence)


def _verification_age(context: AppContext, backup_set: BackupSet, now: datetime) -> Result:
    interval = timedelta(days=backup_set.verification.check_interval_days)
    found = sorted(
        (
            item
            for item in context.store().latest("backup.verify")
            if item.target.split(":")[0].split("/")[0] == backup_set.name
            and item.check_id in ("backup.verify.drill", "backup.verify.database")
        ),
        key=lambda item: item.observed_at,
        reverse=True,
    )
    name = backup_set.name
    if not found:
        return result(
            "backup.verify.age",
            name,
            Status.WARNING,
            Message("backup.verify.never"),
        )
    latest = found[0]
    age = now - latest.observed_at
    status = Status.OK
    if age > interval * 3:
        status = Status.CRITICAL
    elif age > interval * 1.5:
        status = Status.WARNING
    summary = Message(
        "backup.verify.age",
        age=_age_text(age),
        status=latest.status.value,
        summary=latest.summary,
    )
    if latest.status is not Status.OK:
        status = Status.CRITICAL if latest.status is Status.CRITICAL else Status.WARNING
    return result(
        "backup.verify.age",
        name,
        status,
        summary,
        {"check_id": latest.check_id, "at": latest.observed_at.isoformat()},
        metrics=(Metric("age_days", round(age.total_seconds() / 86400, 2), "d"),),
    )


def _age_text(age: timedelta) -> Message:
    seconds = max(0, int(age.total_seconds()))
    if seconds < 3600:
        return Message("backup.age.minutes", count=seconds // 60)
    if seconds < 86400 * 2:
        return Message("backup.age.hours", count=seconds / 3600)
    return Message("backup.age.days", count=seconds / 86400)
