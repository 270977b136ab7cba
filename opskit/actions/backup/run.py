"""``opskit backup run``: each set to each repository; one failure never stops the rest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from opskit.actions.backup.common import (
    HostAccess,
    ProgressCallback,
    host_access,
    result,
    select_sets,
    set_host,
    target_name,
)
from opskit.actions.backup.dumps import backup_database
from opskit.actions.backup.files import backup_files
from opskit.config.schema import BackupSet, Config
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.execute import handing_down
from opskit.locking import LockBusy, hold
from opskit.outcome import Outcome
from opskit.result import Result, Status, utc_now
from opskit.store import Store

logger = logging.getLogger(__name__)
COMMAND = "backup run"


def lock_path(config: Config, set_name: str) -> Path:
    return config.state_dir / "locks" / f"backup-{set_name}.lock"


def run_backups(
    context: AppContext,
    set_names: Sequence[str],
    *,
    wait_seconds: float | None = None,
    progress: ProgressCallback | None = None,
) -> Outcome:
    """Back up the chosen sets; two runs of one set never overlap (opskit's own lock).

    The run is in history from its start and each result as soon as it is
    known, so a run killed halfway shows as interrupted with what it had done.
    """
    config = context.config
    sets = select_sets(config, set_names)
    wait = config.backup.lock_wait_seconds if wait_seconds is None else wait_seconds
    log = RunLog(context.store())
    for backup_set in sets:
        try:
            with (
                hold(
                    lock_path(config, backup_set.name), f"backup of set {backup_set.name}", wait
                ) as held,
                # restic and the dumps hold it too, so a killed run never overlaps its successor.
                handing_down(held.descriptor),
            ):
                _one_set(context, backup_set, progress, log)
        except LockBusy as error:
            log.add(result("backup.run", backup_set.name, Status.UNKNOWN, error.message))
    return Outcome(
        command=COMMAND,
        results=log.results,
        record=True,
        run_id=log.run_id,
        recorded_results=len(log.results),
    )


class RunLog:
    """This run in history from its start; each result stored the moment it is known."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.run_id = store.start_run(COMMAND, utc_now())
        self.results: list[Result] = []

    def add(self, item: Result) -> None:
        self.store.add_results(self.run_id, [item])
        self.results.append(item)


def _one_set(
    context: AppContext, backup_set: BackupSet, progress: ProgressCallback | None, log: RunLog
) -> None:
    config = context.config
    host = set_host(config, backup_set)
    # The set as backed up: its paths and, on this machine, opskit's own archive.
    backup_set = backup_set.model_copy(update={"paths": config.backup_paths(backup_set)})
    try:
        with host_access(config, host) as access:
            missing = access.missing_paths(backup_set.paths)
            for repository_name in backup_set.repositories:
                _one_repository(
                    context,
                    access,
                    backup_set,
                    repository_name=repository_name,
                    missing=missing,
                    progress=progress,
                    log=log,
                )
    except OpskitError as error:
        logger.error("backup of set %s failed: %s", backup_set.name, error.message)
        log.add(
            result(
                "backup.run",
                backup_set.name,
                Status.CRITICAL,
                f"backup of set {backup_set.name} on {host.name} did not run: {error.message}",
                {"host": host.name, "details": error.details},
            )
        )


def _one_repository(
    context: AppContext,
    access: HostAccess,
    backup_set: BackupSet,
    *,
    repository_name: str,
    missing: list[str],
    progress: ProgressCallback | None,
    log: RunLog,
) -> None:
    config = context.config
    repository = config.backup.repository(repository_name)
    try:
        with access.open(repository) as target:
            if backup_set.paths:
                log.add(backup_files(access, target, backup_set, missing, progress))
            for database in backup_set.databases:
                log.add(
                    backup_database(
                        context,
                        access,
                        target=target,
                        backup_set=backup_set,
                        database=database,
                        on_progress=progress,
                    )
                )
    except OpskitError as error:
        log.add(
            result(
                "backup.run",
                target_name(backup_set.name, repository_name),
                Status.CRITICAL,
                error.message,
                {"repository": repository_name, "details": error.details},
            )
        )
