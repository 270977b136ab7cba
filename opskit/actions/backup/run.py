"""``opskit backup run``: each set to each repository; one failure never stops the rest."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from opskit.actions.backup.common import (
    HostAccess,
    ProgressCallback,
    choose_sets,
    host_access,
    result,
    target_name,
)
from opskit.actions.backup.files import backup_files
from opskit.backup import plan as plans
from opskit.backup.call import LocalRunner
from opskit.backup.plan import BackupPlan, SetPlan
from opskit.backup.repository import open_access
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.execute import handing_down
from opskit.locking import LockBusy, hold
from opskit.outcome import Outcome
from opskit.result import Result, Status, utc_now
from opskit.store import Store

if TYPE_CHECKING:
    from opskit.config.schema import BackupSet, Database

logger = logging.getLogger(__name__)
COMMAND = "backup run"


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
    An unchanged config's kept plan starts restic without the config, which
    a quiet run never loads (``opskit.backup.plan``).
    """
    plan = _plan(context)
    sets = choose_sets({backup_set.name: backup_set for backup_set in plan.sets}, set_names)
    wait = plan.lock_wait_seconds if wait_seconds is None else wait_seconds
    log = RunLog(context.store())
    for backup_set in sets:
        try:
            with (
                hold(
                    plan.lock_path(backup_set.name), f"backup of set {backup_set.name}", wait
                ) as held,
                # restic and the dumps hold it too, so a killed run never overlaps its successor.
                handing_down(held.descriptor),
            ):
                _one_set(context, plan, backup_set, progress, log)
        except LockBusy as error:
            log.add(result("backup.run", backup_set.name, Status.UNKNOWN, error.message))
    return Outcome(
        command=COMMAND,
        results=log.results,
        record=True,
        run_id=log.run_id,
        recorded_results=len(log.results),
    )


def _plan(context: AppContext) -> BackupPlan:
    """The plan kept for this config if it is unchanged since, else one made from it."""
    if not context.config_known():
        kept = plans.kept(context.config_file)
        if kept is not None:
            context.defer_config()
            return kept
    return plans.made(context.config)


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
    context: AppContext,
    plan: BackupPlan,
    backup_set: SetPlan,
    progress: ProgressCallback | None,
    log: RunLog,
) -> None:
    try:
        with _host_access(context, plan, backup_set) as access:
            missing = access.missing_paths(backup_set.paths)
            for repository_name in backup_set.repositories:
                _one_repository(
                    context,
                    access,
                    plan,
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
                f"backup of set {backup_set.name} on {backup_set.host} did not run: "
                f"{error.message}",
                {"host": backup_set.host, "details": error.details},
            )
        )


@contextmanager
def _host_access(
    context: AppContext, plan: BackupPlan, backup_set: SetPlan
) -> Iterator[HostAccess]:
    """This machine's restic, from the plan alone; another host's, through the config."""
    if backup_set.local:
        yield HostAccess(
            LocalRunner(),
            lambda repository: open_access(repository, plan.restic, plan.cache_dir),
            True,
        )
        return
    config = context.config
    with host_access(config, config.inventory()[backup_set.host]) as access:
        yield access


def _one_repository(
    context: AppContext,
    access: HostAccess,
    plan: BackupPlan,
    backup_set: SetPlan,
    *,
    repository_name: str,
    missing: list[str],
    progress: ProgressCallback | None,
    log: RunLog,
) -> None:
    try:
        with access.open(plan.repository(repository_name)) as target:
            if backup_set.paths:
                log.add(
                    backup_files(
                        access,
                        target,
                        backup_set,
                        missing,
                        progress,
                    )
                )
            databases = _databases(context, backup_set)
            if databases:
                from opskit.actions.backup.dumps import backup_database
            for database in databases:
                log.add(
                    backup_database(
                        context,
                        access,
                        target=target,
                        backup_set=database[0],
                        database=database[1],
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


def _databases(context: AppContext, backup_set: SetPlan) -> list[tuple[BackupSet, Database]]:
    """The set's databases to dump, from the config (with the set's paths as backed up)."""
    if not backup_set.databases:
        return []
    configured = next(item for item in context.config.backup.sets if item.name == backup_set.name)
    as_backed_up = configured.model_copy(update={"paths": list(backup_set.paths)})
    return [(as_backed_up, database) for database in configured.databases]
