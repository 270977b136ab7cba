"""restic command lines, built as argv tuples and nothing else.

Every function returns the exact argv opskit runs (tests assert it, then
run it). The repository, password and S3 keys are never in argv: they
reach restic through its environment (``RESTIC_REPOSITORY``,
``RESTIC_PASSWORD_FILE``, ``AWS_*``), see ``opskit.backup.repository``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from opskit.backup.version import ResticVersion

SET_TAG = "opskit-set="
DATABASE_TAG = "opskit-database="


@dataclass(frozen=True)
class Restic:
    """The restic program, its global options (``-o sftp.command=...``) and its version."""

    binary: str = "restic"
    options: tuple[str, ...] = ()
    version: ResticVersion | None = None

    def argv(self, *tail: str) -> tuple[str, ...]:
        return (self.binary, *self.options, *tail)


def set_tag(set_name: str) -> str:
    return f"{SET_TAG}{set_name}"


def database_tag(database_name: str) -> str:
    return f"{DATABASE_TAG}{database_name}"


def dump_file_name(database_name: str) -> str:
    """The constant file name a database dump gets in every snapshot (retention groups by it)."""
    return f"{database_name}.sql"


def version_argv(restic: Restic) -> tuple[str, ...]:
    return (restic.binary, "version")


def init_argv(restic: Restic) -> tuple[str, ...]:
    return restic.argv("init")


def cat_config_argv(restic: Restic) -> tuple[str, ...]:
    """Whether a repository exists and the password opens it, without taking a lock."""
    return restic.argv("cat", "config", "--no-lock")


def backup_argv(
    restic: Restic,
    paths: Sequence[str],
    *,
    tags: Sequence[str],
    exclude: Sequence[str] = (),
    host: str | None = None,
) -> tuple[str, ...]:
    argv = ["backup", "--json"]
    argv += _tags(tags)
    if host:
        argv += ["--host", host]
    for pattern in exclude:
        argv += ["--exclude", pattern]
    return restic.argv(*argv, "--", *paths)


def backup_stdin_argv(
    restic: Restic,
    file_name: str,
    *,
    tags: Sequence[str],
    host: str | None = None,
    command: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Back up stdin (or, from 0.17, a command's stdout) as ``file_name``.

    With ``command`` restic runs it and keeps no snapshot when it exits
    non-zero; only pass it when ``restic.version.has_stdin_from_command``.
    """
    argv = ["backup", "--json"]
    argv += ["--stdin-from-command"] if command else ["--stdin"]
    argv += ["--stdin-filename", file_name]
    argv += _tags(tags)
    if host:
        argv += ["--host", host]
    if command:
        return restic.argv(*argv, "--", *command)
    return restic.argv(*argv)


def snapshots_argv(
    restic: Restic, *, tags: Sequence[str] = (), latest: int | None = None
) -> tuple[str, ...]:
    argv = ["snapshots", "--json", "--no-lock"]
    argv += _tags(tags)
    if latest is not None:
        argv += ["--latest", str(latest)]
    return restic.argv(*argv)


@dataclass(frozen=True)
class Retention:
    """How many snapshots ``forget`` keeps per group; None leaves a rule out."""

    keep_last: int | None = None
    keep_daily: int | None = None
    keep_weekly: int | None = None
    keep_monthly: int | None = None
    keep_yearly: int | None = None

    def flags(self) -> list[str]:
        flags = []
        for name in ("last", "daily", "weekly", "monthly", "yearly"):
            value = getattr(self, f"keep_{name}")
            if value is not None:
                flags += [f"--keep-{name}", str(value)]
        return flags


def forget_argv(restic: Restic, retention: Retention, *, tags: Sequence[str]) -> tuple[str, ...]:
    """Forget by ``retention`` among the snapshots tagged ``tags``, grouped per host and path.

    Never with ``--prune``: on 0.14 that mixes prune's text into the JSON.
    """
    flags = retention.flags()
    if not flags:
        raise ValueError("a retention policy needs at least one keep rule")
    return restic.argv("forget", "--json", *_tags(tags), "--group-by", "host,paths", *flags)


def forget_ids_argv(restic: Restic, snapshot_ids: Sequence[str]) -> tuple[str, ...]:
    """Forget exactly these snapshots (an empty dump restic 0.17+ already saved)."""
    if not snapshot_ids:
        raise ValueError("no snapshot ids to forget")
    return restic.argv("forget", *snapshot_ids)


def prune_argv(restic: Restic) -> tuple[str, ...]:
    return restic.argv("prune")


def check_argv(restic: Restic, *, subset: tuple[int, int] | None = None) -> tuple[str, ...]:
    """``check``, reading data group ``n/t`` when ``subset`` is given; JSON from 0.18."""
    argv = ["check"]
    if restic.version is not None and restic.version.has_check_json:
        argv.append("--json")
    if subset is not None:
        part, total = subset
        if not 1 <= part <= total:
            raise ValueError(f"subset {part}/{total}: need 1 <= part <= total")
        argv.append(f"--read-data-subset={part}/{total}")
    return restic.argv(*argv)


def restore_argv(
    restic: Restic,
    snapshot: str,
    target: str,
    *,
    includes: Sequence[str] = (),
    tags: Sequence[str] = (),
    paths: Sequence[str] = (),
) -> tuple[str, ...]:
    argv = ["restore", snapshot, "--target", target]
    if snapshot == "latest":
        argv += _tags(tags)
        for path in paths:
            argv += ["--path", path]
    for include in includes:
        argv += ["--include", include]
    return restic.argv(*argv)


def stats_argv(restic: Restic, *, mode: str = "restore-size") -> tuple[str, ...]:
    return restic.argv("stats", "--json", "--no-lock", "--mode", mode)


def dump_argv(restic: Restic, snapshot: str, path: str) -> tuple[str, ...]:
    return restic.argv("dump", "--no-lock", snapshot, path)


def ls_argv(restic: Restic, snapshot: str) -> tuple[str, ...]:
    return restic.argv("ls", "--json", "--no-lock", snapshot)


def list_locks_argv(restic: Restic) -> tuple[str, ...]:
    return restic.argv("list", "locks", "--no-lock")


def cat_lock_argv(restic: Restic, lock_id: str) -> tuple[str, ...]:
    return restic.argv("cat", "lock", lock_id, "--no-lock")


def unlock_argv(restic: Restic) -> tuple[str, ...]:
    """Remove stale locks only; opskit never passes ``--remove-all``."""
    return restic.argv("unlock")


def _tags(tags: Sequence[str]) -> list[str]:
    flags: list[str] = []
    for tag in tags:
        if "," in tag:
            raise ValueError(f"restic tags cannot contain commas: {tag!r}")
        flags += ["--tag", tag]
    return flags
