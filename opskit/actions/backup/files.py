"""Backing up a set's files into one repository, and judging the outcome."""

from __future__ import annotations

from opskit.actions.backup.common import (
    HostAccess,
    ProgressCallback,
    result,
    target_name,
)
from opskit.backup.call import Answer, call
from opskit.backup.exitcodes import Kind, explain
from opskit.backup.parse import (
    BackupSummary,
    backup_summary,
    json_lines,
    progress,
    unreadable_items,
)
from opskit.backup.plan import SetPlan
from opskit.backup.repository import Target
from opskit.backup.restic import backup_argv, set_tag
from opskit.execute import display
from opskit.result import Metric, Result, Status
from opskit.text import Message

MAX_LISTED_PATHS = 20


def backup_files(
    access: HostAccess,
    target: Target,
    backup_set: SetPlan,
    missing: list[str],
    on_progress: ProgressCallback | None,
) -> Result:
    """``restic backup`` of the set's existing paths: OK, WARNING (incomplete) or CRITICAL."""
    name = target_name(backup_set.name, target.name)
    present = [path for path in backup_set.paths if path not in missing]
    evidence: dict[str, object] = {
        "set": backup_set.name,
        "repository": target.name,
        "location": target.repository.location,
        "host": access.runner.where,
        "restic_version": str(target.restic.version),
        "missing_paths": missing[:MAX_LISTED_PATHS],
    }
    if not present:
        return result(
            "backup.run",
            name,
            Status.CRITICAL,
            Message("backup.run.no_paths", set=backup_set.name, paths=missing),
            evidence,
        )
    argv = backup_argv(
        target.restic, present, tags=[set_tag(backup_set.name)], exclude=backup_set.exclude
    )
    evidence["command"] = display(argv)

    def status_message(message: dict[str, object]) -> None:
        parsed = progress(message)
        if on_progress is not None and parsed is not None:
            on_progress(name, parsed)

    answer = call(access.runner, target, argv, on_message=status_message)
    if on_progress is not None:
        on_progress(name, None)
    return judge_backup(name, answer, target, missing, evidence)


def last_summary(answer: Answer) -> BackupSummary | None:
    found = None
    for message in json_lines(answer.stdout):
        found = backup_summary(message) or found
    return found


def judge_backup(
    name: str, answer: Answer, target: Target, missing: list[str], evidence: dict[str, object]
) -> Result:
    summary = last_summary(answer)
    unreadable = unreadable_items(answer.stderr)
    evidence.update(
        {
            "exit_code": answer.exit_code,
            "outcome": answer.kind.value,
            "unreadable_paths": unreadable[:MAX_LISTED_PATHS],
            "duration_seconds": round(answer.duration_seconds, 3),
        }
    )
    if summary is None or answer.kind not in (Kind.OK, Kind.INCOMPLETE):
        kind = answer.kind if answer.kind is not Kind.OK else Kind.FAILED
        return result(
            "backup.run",
            name,
            Status.CRITICAL,
            explain(kind, target.name, answer.stderr),
            {**evidence, "stderr": answer.stderr.splitlines()[-5:]},
        )
    evidence.update(summary.to_dict())
    metrics = (
        Metric("data_added_bytes", summary.data_added_bytes, "B"),
        Metric("duration_seconds", round(summary.duration_seconds, 3), "s"),
        Metric("total_bytes_processed", summary.total_bytes_processed, "B"),
    )
    text = Message(
        "backup.run.done",
        snapshot=summary.snapshot_id,
        added=summary.data_added_bytes,
        files=summary.total_files_processed,
        seconds=summary.duration_seconds,
    )
    if answer.kind is Kind.INCOMPLETE or missing:
        problems = []
        if unreadable:
            problems.append(Message("backup.run.unreadable", paths=unreadable))
        elif answer.kind is Kind.INCOMPLETE:
            problems.append(Message("backup.run.some_unreadable"))
        if missing:
            problems.append(Message("backup.run.missing", paths=missing))
        return result(
            "backup.run",
            name,
            Status.WARNING,
            Message("backup.run.incomplete", done=text, problems=problems),
            evidence,
            metrics=metrics,
        )
    return result("backup.run", name, Status.OK, text, evidence, metrics=metrics)
