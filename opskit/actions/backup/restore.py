"""``opskit backup restore``: a set's files or a database dump back into a directory."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from opskit.actions.backup.common import (
    HostAccess,
    host_access,
    repository_access,
    result,
    select_sets,
    set_host,
    set_snapshots,
    target_name,
)
from opskit.backup.call import call
from opskit.backup.exitcodes import Kind, explain
from opskit.backup.repository import Target
from opskit.backup.restic import DATABASE_TAG, restore_argv
from opskit.context import AppContext
from opskit.errors import NotFoundError, OpskitError, UsageError
from opskit.execute import display
from opskit.outcome import Outcome
from opskit.result import Result, Status
from opskit.text import Message


def restore(
    context: AppContext,
    set_name: str,
    *,
    target_dir: str,
    repository_name: str | None = None,
    snapshot: str | None = None,
    database: str | None = None,
    includes: Sequence[str] = (),
    force: bool = False,
) -> Outcome:
    config = context.config
    backup_set = select_sets(config, [set_name])[0]
    repository = repository_name or backup_set.repositories[0]
    if repository not in backup_set.repositories:
        raise UsageError(
            f"set {set_name} is not written to repository {repository}",
            details=[f"its repositories: {', '.join(backup_set.repositories)}"],
        )
    if database is not None and database not in {item.name for item in backup_set.databases}:
        raise NotFoundError(f"set {set_name} has no database named {database}")
    host = set_host(config, backup_set)
    label = target_name(set_name, repository, database)
    with (
        host_access(config, host) as access,
        access.open(repository_access(config, repository)) as target,
    ):
        directory = _target_directory(access, target_dir, force)
        chosen = snapshot or _latest(access, target, set_name, database)
        argv = restore_argv(target.restic, chosen, directory, includes=includes)
        before = _file_states(directory) if access.local else {}
        answer = call(access.runner, target, argv)
        if access.local:
            files = _written_files(directory, before) if answer.ok else None
        else:
            # Without --force the target was empty, so what is there now is what restic wrote.
            files = None if force or not answer.ok else _remote_files(access, directory)
    evidence: dict[str, object] = {
        "snapshot": chosen,
        "target": directory,
        "host": host.name,
        "command": display(argv),
        "exit_code": answer.exit_code,
    }
    if not answer.ok:
        message = explain(answer.kind, repository, answer.stderr)
        if answer.kind is Kind.NO_SPACE:
            message = Message("backup.restore.no_space", directory=directory)
        if "no matching ID found" in answer.stderr or "invalid id" in answer.stderr:
            message = Message("backup.restore.no_snapshot", snapshot=chosen, repository=repository)
        outcome_result = result(
            "backup.restore",
            label,
            Status.CRITICAL,
            message,
            {**evidence, "stderr": answer.stderr.splitlines()[-5:]},
        )
        return Outcome(command="backup restore", results=[outcome_result], record=True)
    if files == 0:
        # restic exits 0 when nothing matched; an empty restore must not pass for a good one.
        matched = Message("backup.restore.empty_snapshot", snapshot=chosen[:8])
        if includes:
            matched = Message(
                "backup.restore.nothing_matched",
                count=len(includes),
                patterns=", ".join(includes),
                snapshot=chosen[:8],
            )
        empty = result(
            "backup.restore",
            label,
            Status.WARNING,
            Message("backup.restore.nothing", directory=directory, host=host.name, why=matched),
            {**evidence, "files": 0, "includes": list(includes)},
        )
        return Outcome(command="backup restore", results=[empty], record=True)
    summary = Message(
        "backup.restore.done",
        snapshot=chosen[:8],
        directory=directory,
        host=host.name,
        files=Message("backup.restore.files", count=files) if files is not None else "",
    )
    restored: Result = result(
        "backup.restore", label, Status.OK, summary, {**evidence, "files": files}
    )
    return Outcome(command="backup restore", results=[restored], record=True)


def _remote_files(access: HostAccess, directory: str) -> int | None:
    from opskit.playbooks.backup import count_files

    return count_files(access.runner.connection, directory)  # type: ignore[attr-defined]


def _target_directory(access: HostAccess, target_dir: str, force: bool) -> str:
    if not target_dir.startswith("/") and not access.local:
        raise UsageError("the restore target on an SSH host must be an absolute path")
    directory = str(Path(target_dir).expanduser().resolve()) if access.local else target_dir
    if access.local:
        _refuse_file_on_the_way(Path(directory))
    if force:
        return directory
    if access.local:
        path = Path(directory)
        non_empty = path.is_dir() and any(path.iterdir())
    else:
        from opskit.playbooks.backup import has_entries

        non_empty = has_entries(access.runner.connection, directory)  # type: ignore[attr-defined]
    if non_empty:
        raise UsageError(
            f"restore target {directory} is not empty; choose an empty directory or add --force "
            "to restore over what is there"
        )
    return directory


def _refuse_file_on_the_way(path: Path) -> None:
    """The target and its nearest existing parent must be directories, even with --force.

    restic would otherwise fail on every file with "not a directory" and report only
    an error count.
    """
    for candidate in (path, *path.parents):
        if candidate.is_dir():
            return
        if candidate.exists() or candidate.is_symlink():
            where = "restore target" if candidate == path else f"restore target {path}:"
            raise UsageError(f"{where} {candidate} is a file, not a directory")


def _latest(access: HostAccess, target: Target, set_name: str, database: str | None) -> str:
    snapshots = [
        snapshot
        for snapshot in set_snapshots(access, target, set_name)
        if snapshot.tag_value(DATABASE_TAG) == database
    ]
    if not snapshots:
        what = f"database {database} of set {set_name}" if database else f"set {set_name}"
        raise OpskitError(f"no snapshot of {what} in this repository yet")
    return str(snapshots[-1].id)


FileState = tuple[int, int]


def _file_states(directory: str) -> dict[str, FileState]:
    """Every file under ``directory`` with its inode and ctime: what was there before restic."""
    states: dict[str, FileState] = {}
    for root, _, files in os.walk(directory):
        for name in files:
            path = Path(root) / name
            try:
                stat = path.lstat()
            except OSError:
                continue
            states[str(path)] = (stat.st_ino, stat.st_ctime_ns)
    return states


def _written_files(directory: str, before: dict[str, FileState]) -> int:
    """Files restic created or rewrote; with --force the files already there do not count."""
    after = _file_states(directory)
    return sum(1 for path, state in after.items() if before.get(path) != state)
