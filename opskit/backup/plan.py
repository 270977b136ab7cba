"""A backup run as plain data: each set's paths and each repository as restic reaches it.

``opskit backup run`` works from a plan. It is built from the validated
config (``plan_for``) by ``backup init`` and by a run that found none, and
kept beside the kept config (``keep``), valid exactly while that is
(``opskit.config.snapshot``): same file, same code, the same facts of this
machine. A run of an unchanged config takes the plan (``kept``) and starts
restic without the config's schema, whose import alone is a tenth of a
second on a small machine. A run that ends well, with no incident open on
its sets and no delivery due, never loads the config (``opskit.alerting``);
anything else loads it after restic, as does a set on another host or with
database dumps, which still read the config itself.

A plan holds names and paths, never a secret: each repository's password
and keys are named by their file or variable and read when restic starts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opskit.backup.repository import RepositoryAccess

if TYPE_CHECKING:
    from opskit.config.schema import Config

# The name a plan is kept under, beside the validated config it was built from.
COMPANION = "backup-plan.json"
# The code that builds a plan: a change to it makes kept plans stale.
CODE = (Path(__file__), Path(__file__).with_name("repository.py"))


@dataclass(frozen=True)
class SetPlan:
    """One backup set: what ``restic backup`` is given, and what needs the config itself."""

    name: str
    host: str
    local: bool
    paths: tuple[str, ...]  # as backed up: with opskit's archive for a set on this machine
    exclude: tuple[str, ...]
    repositories: tuple[str, ...]
    databases: tuple[str, ...]


@dataclass(frozen=True)
class BackupPlan:
    """Every set and repository of one config, and what a run needs around them."""

    restic: str
    cache_dir: str
    locks_dir: str
    lock_wait_seconds: float
    sets: tuple[SetPlan, ...]
    repositories: tuple[RepositoryAccess, ...]

    def repository(self, name: str) -> RepositoryAccess:
        return next(repository for repository in self.repositories if repository.name == name)

    def lock_path(self, set_name: str) -> Path:
        return Path(self.locks_dir) / f"backup-{set_name}.lock"


def plan_for(config: Config) -> BackupPlan:
    from opskit.backup.repository import access_for, cache_dir

    inventory = config.inventory()
    return BackupPlan(
        restic=config.backup.restic,
        cache_dir=str(cache_dir(config)),
        locks_dir=str(config.state_dir / "locks"),
        lock_wait_seconds=config.backup.lock_wait_seconds,
        sets=tuple(
            SetPlan(
                name=backup_set.name,
                host=backup_set.host,
                local=inventory[backup_set.host].local,
                paths=tuple(config.backup_paths(backup_set)),
                exclude=tuple(backup_set.exclude),
                repositories=tuple(backup_set.repositories),
                databases=tuple(database.name for database in backup_set.databases),
            )
            for backup_set in config.backup.sets
        ),
        repositories=tuple(access_for(config, item) for item in config.backup.repositories),
    )


def made(config: Config) -> BackupPlan:
    """The plan for ``config``, kept beside it for the runs to come."""
    plan = plan_for(config)
    keep(config, plan)
    return plan


def keep(config: Config, plan: BackupPlan) -> None:
    """Keep ``plan`` beside ``config``'s kept validation; nothing when that was not kept."""
    from opskit.config import snapshot

    snapshot.keep_companion(config, COMPANION, encode(plan), code=CODE)


def kept(path: Path) -> BackupPlan | None:
    """The plan kept for the config file at ``path`` as it is now, if still valid; else None."""
    from opskit.config import snapshot

    try:
        data = path.read_bytes()
    except OSError:
        return None  # the config's own loading says why, as always
    found = snapshot.companion(path, data, COMPANION, code=CODE)
    if found is None:
        return None
    try:
        return decode(found)
    except (ValueError, KeyError, TypeError):
        return None


def encode(plan: BackupPlan) -> bytes:
    return json.dumps(asdict(plan), default=str, sort_keys=True).encode()


def decode(data: bytes) -> BackupPlan:
    """The plan ``encode`` wrote; raises ValueError, KeyError or TypeError on anything else."""
    value = json.loads(data)
    return BackupPlan(
        restic=_text(value["restic"]),
        cache_dir=_text(value["cache_dir"]),
        locks_dir=_text(value["locks_dir"]),
        lock_wait_seconds=_number(value["lock_wait_seconds"]),
        sets=tuple(_set(item) for item in _list(value["sets"])),
        repositories=tuple(_repository(item) for item in _list(value["repositories"])),
    )


def _set(value: Any) -> SetPlan:
    return SetPlan(
        name=_text(value["name"]),
        host=_text(value["host"]),
        local=_flag(value["local"]),
        paths=_texts(value["paths"]),
        exclude=_texts(value["exclude"]),
        repositories=_texts(value["repositories"]),
        databases=_texts(value["databases"]),
    )


def _repository(value: Any) -> RepositoryAccess:
    names = {field.name for field in fields(RepositoryAccess)}
    if set(value) != names:
        raise KeyError("not a repository's access")
    return RepositoryAccess(
        name=_text(value["name"]),
        type=_text(value["type"]),
        location=_text(value["location"]),
        url=_text(value["url"]),
        options=_texts(value["options"]),
        region=_text(value["region"]),
        timeout_seconds=_number(value["timeout_seconds"]),
        password_file=_path(value["password_file"]),
        password_env=_optional(value["password_env"]),
        access_key_id_file=_path(value["access_key_id_file"]),
        access_key_id_env=_optional(value["access_key_id_env"]),
        secret_access_key_file=_path(value["secret_access_key_file"]),
        secret_access_key_env=_optional(value["secret_access_key_env"]),
        unusable=_optional(value["unusable"]),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def _path(value: Any) -> Path | None:
    return None if value is None else Path(_text(value))


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(_text(item) for item in _list(value))


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not true or false")
    return value
