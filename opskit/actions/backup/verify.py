"""``opskit backup verify``: proof that restores work, each proof a recorded result.

(a) ``restic check`` reading one data group per run, rotating, so the
whole repository is read over ``read_data_groups`` runs; (b) the restore
drill (``drill.py``); (c) each database dump loaded into a throwaway
database whose row counts are compared with those counted at backup time.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

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
from opskit.actions.backup.drill import restore_drill
from opskit.actions.backup.dumps import COUNTS_NAMESPACE
from opskit.actions.backup.sql import row_counts, sql_client
from opskit.backup import database as db
from opskit.backup.call import call
from opskit.backup.exitcodes import explain
from opskit.backup.listings import check_report
from opskit.backup.repository import Target
from opskit.backup.restic import DATABASE_TAG, check_argv, dump_file_name
from opskit.config.schema import BackupSet, Database
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Metric, Result, Status
from opskit.text import Message

ROTATION_NAMESPACE = "backup.verify-rotation"


def verify(context: AppContext, set_names: Sequence[str], *, only: str | None = None) -> Outcome:
    config = context.config
    sets = select_sets(config, set_names)
    results: list[Result] = []
    for (host_name, repository), members in pairs(config, sets).items():
        host = config.inventory()[host_name]
        label = repository if host.local else f"{repository}@{host_name}"
        try:
            with (
                host_access(config, host) as access,
                access.open(repository_access(config, repository)) as target,
            ):
                if only in (None, "check"):
                    results.append(_check(context, access, target, label, members))
                for backup_set in members:
                    wants_drill = backup_set.paths and backup_set.verification.drill_files > 0
                    if only in (None, "drill") and wants_drill:
                        results.append(restore_drill(access, target, backup_set))
                    if only in (None, "database") and backup_set.verification.restore_databases:
                        results += [
                            _database(context, access, target, backup_set, database)
                            for database in backup_set.databases
                        ]
        except OpskitError as error:
            results.append(result("backup.verify.check", label, Status.UNKNOWN, error.message))
    return Outcome(command="backup verify", results=results, record=True)


def _check(
    context: AppContext, access: HostAccess, target: Target, label: str, members: list[BackupSet]
) -> Result:
    total = max(backup_set.verification.read_data_groups for backup_set in members)
    key = f"{access.runner.where}:{target.name}"
    previous = context.store().get_state(ROTATION_NAMESPACE, key) or {}
    part = int(previous.get("last", 0)) % total + 1
    argv = check_argv(target.restic, subset=(part, total))
    answer = call(access.runner, target, argv)
    version = target.restic.version
    report = check_report(
        answer.stdout, answer.stderr, json_output=bool(version and version.has_check_json)
    )
    evidence: dict[str, object] = {
        "read_data_subset": f"{part}/{total}",
        "read": report.read_packs,
        "errors": list(report.errors[:20]),
        "suggestions": list(report.suggestions),
    }
    if not answer.ok:
        text = (
            Message("backup.verify.check_errors", errors=list(report.errors[:3]))
            if report.errors and answer.kind.value == "failed"
            else explain(answer.kind, target.name, answer.stderr)
        )
        return result("backup.verify.check", label, Status.CRITICAL, text, evidence)
    context.store().put_state(ROTATION_NAMESPACE, key, {"last": part, "total": total})
    return result(
        "backup.verify.check",
        label,
        Status.OK,
        Message("backup.verify.check_ok", part=part, total=total),
        evidence,
    )


def _database(
    context: AppContext,
    access: HostAccess,
    target: Target,
    backup_set: BackupSet,
    database: Database,
) -> Result:
    name = target_name(backup_set.name, target.name, database.name)
    found = [
        snapshot
        for snapshot in set_snapshots(access, target, backup_set.name)
        if snapshot.tag_value(DATABASE_TAG) == database.name
    ]
    if not found:
        return result(
            "backup.verify.database", name, Status.WARNING, Message("backup.verify.no_dump")
        )
    snapshot = found[-1]
    recorded = context.store().get_state(COUNTS_NAMESPACE, f"{target.name}:{snapshot.id[:8]}")
    scratch = (
        "opskit_verify_" + re.sub(r"[^a-z0-9]", "_", database.name) + "_" + secrets.token_hex(4)
    )
    evidence: dict[str, object] = {
        "snapshot": snapshot.short_id,
        "scratch_database": scratch,
        "host": access.runner.where,
    }
    password = db.database_password(database, backup_set.name)
    with sql_client(access, database, password) as client:
        created = client.run_sql(f"CREATE DATABASE {db.quote_identifier(scratch)}")
        if not created.ok:
            return result(
                "backup.verify.database",
                name,
                Status.UNKNOWN,
                Message(
                    "backup.verify.no_scratch",
                    where=client.where,
                    detail=created.stderr_tail.strip()[-200:],
                ),
                evidence,
            )
        try:
            failure = client.load_dump(
                target, snapshot.id, "/" + dump_file_name(database.name), scratch
            )
            if failure is not None:
                return result(
                    "backup.verify.database",
                    name,
                    Status.CRITICAL,
                    Message(
                        "backup.verify.not_loading", snapshot=snapshot.short_id, detail=failure
                    ),
                    evidence,
                )
            restored = row_counts(client, scratch)
            expected = (recorded or {}).get("counts")
            source = Message("backup.verify.counted")
            if expected is None:
                expected = row_counts(client, database.database)
                source = Message("backup.verify.live")
        finally:
            client.run_sql(f"DROP DATABASE IF EXISTS {db.quote_identifier(scratch)}")
    return _compare(name, snapshot.short_id, restored, expected, source=source, evidence=evidence)


def _compare(
    name: str,
    snapshot: str,
    restored: dict[str, int],
    expected: dict[str, int],
    *,
    source: Message,
    evidence: dict[str, object],
) -> Result:
    differences = {
        table: {"restored": restored.get(table), "expected": expected.get(table)}
        for table in sorted(set(restored) | set(expected))
        if restored.get(table) != expected.get(table)
    }
    evidence.update(
        {
            "restored_counts": restored,
            "expected_counts": expected,
            "expected_from": str(source),
            "differences": differences,
        }
    )
    metrics = (Metric("tables", len(restored)), Metric("rows", sum(restored.values())))
    if differences:
        status = Status.CRITICAL if source.startswith("counted") else Status.WARNING
        return result(
            "backup.verify.database",
            name,
            status,
            Message(
                "backup.verify.differ",
                snapshot=snapshot,
                count=len(differences),
                tables=", ".join(list(differences)[:3]),
                source=source,
            ),
            evidence,
            metrics=metrics,
        )
    return result(
        "backup.verify.database",
        name,
        Status.OK,
        Message(
            "backup.verify.match",
            snapshot=snapshot,
            tables=len(restored),
            rows=sum(restored.values()),
            source=source,
        ),
        evidence,
        metrics=metrics,
    )
