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
from opskit.result import Result, Status

logger = logging.getLogger(__name__)


def lock_path(config: Config, set_name: str) -> Path:
    return config.state_dir / "locks" / f"backup-{set_name}.lock"


def run_backups(
    context: AppContext,
    set_names: Sequence[str],
    *,
    wait_seconds: float | None = None,
    progress: ProgressCallback | None = None,
) -> Outcome:
    """Back up the chosen sets; two runs of one set never overlap (opskit's own lock)."""
    config = context.config
    sets = select_sets(config, set_names)
    wait = config.backup.lock_wait_seconds if wait_seconds is None else wait_seconds
    results: list[Result] = []
    for backup_set in sets:
        try:
            with (
                hold(
                    lock_path(config, backup_set.name), f"backup of set {backup_set.name}", wait
                ) as held,
                # restic and the dumps hold it too, so a killed run never overlaps its successor.
                handing_down(held.descriptor),
            ):
                results += _one_set(context, backup_set, progress)
        except LockBusy as error:
            results.append(result("backup.run", backup_set.name, Status.UNKNOWN, error.message))
    return Outcome(command="backup run", results=results, record=True)


def _one_set(
    context: AppContext, backup_set: BackupSet, progress: ProgressCallback | None
) -> list[Result]:
    config = context.config
    host = set_host(config, backup_set)
    results: list[Result] = []
    try:
        with host_access(config, host) as access:
            missing = access.missing_paths(backup_set.paths)
            for repository_name in backup_set.repositories:
                results += _one_repository(
                    context,
                    access,
                    backup_set,
                    repository_name=repository_name,
                    missing=missing,
                    progress=progress,
                )
    except OpskitError as error:
        logger.error("backup of set %s failed: %s", backup_set.name, error.message)
        results.append(
            result(
                "backup.run",
                backup_set.name,
                Status.CRITICAL,
                f"backup of set {backup_set.name} on {host.name} did not run: {error.message}",
                {"host": host.name, "details": error.details},
            )
        )
    return results


def _one_repository(
    context: AppContext,
    access: HostAccess,
    backup_set: BackupSet,
    *,
    repository_name: str,
    missing: list[str],
    progress: ProgressCallback | None,
) -> list[Result]:
    config = context.config
    repository = config.backup.repository(repository_name)
    results: list[Result] = []
    try:
        with access.open(repository) as target:
            if backup_set.paths:
                results.append(backup_files(access, target, backup_set, missing, progress))
            for database in backup_set.databases:
                results.append(
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
        results.append(
            result(
                "backup.run",
                target_name(backup_set.name, repository_name),
                Status.CRITICAL,
                error.message,
                {"repository": repository_name, "details": error.details},
            )
        )
    return results
