"""What every backup action needs: the chosen sets, a runner per host, result shapes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from opskit.backup.call import LocalRunner, Runner
from opskit.backup.parse import Progress
from opskit.backup.repository import RepositoryAccess, Target, access_for, open_target
from opskit.catalog import sop_row
from opskit.errors import ConfigError, NotFoundError
from opskit.result import Metric, Result, Status

if TYPE_CHECKING:
    from opskit.config.schema import BackupSet, Config, Host, Repository

# (what is being backed up, its latest status message or None when it ended)
ProgressCallback = Callable[[str, Progress | None], None]
TargetOpener = Callable[[RepositoryAccess], AbstractContextManager[Target]]
Named = TypeVar("Named")


@dataclass
class HostAccess:
    """A runner on the set's host and a way to open repositories for it."""

    runner: Runner
    open: TargetOpener
    local: bool

    def missing_paths(self, paths: Sequence[str]) -> list[str]:
        from pathlib import Path

        if self.local:
            return [
                path for path in paths if not Path(path).exists() and not Path(path).is_symlink()
            ]
        return list(self.runner.missing_paths(paths))  # type: ignore[attr-defined]


@contextmanager
def host_access(config: Config, host: Host) -> Iterator[HostAccess]:
    """Local restic for this machine; restic over SSH (the backup playbook) for others."""
    if host.local:
        yield HostAccess(LocalRunner(), lambda repository: open_target(config, repository), True)
        return
    from opskit.backup.remote import remote_runner

    with remote_runner(config, host) as runner:
        yield HostAccess(runner, runner.target, False)


def select_sets(config: Config, names: Sequence[str]) -> list[BackupSet]:
    """The named sets (all when none are named); raises on unknown names or no sets at all."""
    return choose_sets({backup_set.name: backup_set for backup_set in config.backup.sets}, names)


def choose_sets(sets: Mapping[str, Named], names: Sequence[str]) -> list[Named]:
    """``select_sets`` over sets by name, in the config's order (a config's or a plan's)."""
    if not sets:
        raise ConfigError(
            "no backup sets are configured (backup.sets in the config)",
            details=["add a set naming paths and/or databases and the repositories to write to"],
        )
    unknown = [name for name in names if name not in sets]
    if unknown:
        raise NotFoundError(
            f"unknown backup set{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            details=[f"sets: {', '.join(sets)}"],
        )
    return [sets[name] for name in dict.fromkeys(names)] if names else list(sets.values())


def select_repositories(config: Config, names: Sequence[str]) -> list[Repository]:
    known = {repository.name: repository for repository in config.backup.repositories}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise NotFoundError(
            f"unknown repositor{'ies' if len(unknown) > 1 else 'y'}: {', '.join(unknown)}",
            details=[f"repositories: {', '.join(known) or 'none configured'}"],
        )
    return [known[name] for name in dict.fromkeys(names)] if names else list(known.values())


def repository_access(config: Config, repository: Repository | str) -> RepositoryAccess:
    """How restic reaches a repository (given or named) from this machine: what ``open`` takes."""
    if isinstance(repository, str):
        repository = config.backup.repository(repository)
    return access_for(config, repository)


def set_host(config: Config, backup_set: BackupSet) -> Host:
    return config.inventory()[backup_set.host]


def target_name(set_name: str, repository: str, database: str | None = None) -> str:
    """How a set (or one of its databases) in one repository is named in results."""
    what = f"{set_name}/{database}" if database else set_name
    return f"{what}:{repository}"


def result(
    check_id: str,
    target: str,
    status: Status,
    summary: str,
    evidence: dict[str, Any] | None = None,
    *,
    metrics: tuple[Metric, ...] = (),
) -> Result:
    return Result(
        check_id=check_id,
        target=target,
        status=status,
        summary=summary,
        evidence=evidence or {},
        metrics=metrics,
        sop_row=sop_row(check_id),
    )


def human_bytes(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(count) < 1024 or unit == "TiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} TiB"


def pairs(config: Config, sets: Sequence[BackupSet]) -> dict[tuple[str, str], list[BackupSet]]:
    """(host, repository) -> the sets written there: each repository is reached from each host."""
    found: dict[tuple[str, str], list[BackupSet]] = {}
    for backup_set in sets:
        for repository in backup_set.repositories:
            found.setdefault((backup_set.host, repository), []).append(backup_set)
    return found


def set_snapshots(access: HostAccess, target: Target, set_name: str | None = None) -> list[Any]:
    """Snapshots in ``target`` (of one set when named), oldest first; raises ResticError."""
    from opskit.backup.call import call, require_ok
    from opskit.backup.listings import snapshots
    from opskit.backup.restic import set_tag, snapshots_argv

    tags = [set_tag(set_name)] if set_name else []
    answer = require_ok(
        call(access.runner, target, snapshots_argv(target.restic, tags=tags)), target
    )
    return snapshots(answer.stdout)


def local_time(moment: Any, zone: Any) -> str:
    return str(moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z"))


def repository_hosts(config: Config, repository: Repository) -> list[str]:
    """Hosts a repository is used from: a local-type one is a directory on each set's host."""
    if repository.type != "local":
        return ["local"]
    hosts = [s.host for s in config.backup.sets if repository.name in s.repositories]
    return list(dict.fromkeys(hosts)) or ["local"]
