"""restic argv builders: the exact command lines opskit runs (integration tests run them)."""

from __future__ import annotations

import pytest

from opskit.backup.restic import (
    Restic,
    Retention,
    backup_argv,
    backup_stdin_argv,
    check_argv,
    forget_argv,
    forget_ids_argv,
    restore_argv,
    snapshots_argv,
    unlock_argv,
)
from opskit.backup.version import parse_version

OLD = Restic("restic", version=parse_version("restic 0.14.0 compiled with go1.19.8 on linux/amd64"))
NEW = Restic("restic", version=parse_version("restic 0.18.0 compiled with go1.24.1 on linux/amd64"))


def test_backup_argv_puts_paths_after_a_double_dash_with_tags_and_excludes() -> None:
    argv = backup_argv(
        OLD, ["/var/www/html", "-odd"], tags=["opskit-set=website"], exclude=["*.tmp"]
    )

    assert argv == (
        "restic",
        "backup",
        "--json",
        "--tag",
        "opskit-set=website",
        "--exclude",
        "*.tmp",
        "--",
        "/var/www/html",
        "-odd",
    )


def test_global_options_come_before_the_command() -> None:
    restic = Restic("/usr/bin/restic", ("-o", "s3.region=ap-southeast-1"))

    assert snapshots_argv(restic, tags=["opskit-set=a"]) == (
        "/usr/bin/restic",
        "-o",
        "s3.region=ap-southeast-1",
        "snapshots",
        "--json",
        "--no-lock",
        "--tag",
        "opskit-set=a",
    )


def test_database_dump_uses_stdin_on_014_and_stdin_from_command_on_017() -> None:
    dump = ("mariadb-dump", "--defaults-extra-file=/tmp/x/client.cnf", "--", "joomla")

    old = backup_stdin_argv(OLD, "website.sql", tags=["t"])
    new = backup_stdin_argv(NEW, "website.sql", tags=["t"], command=dump)

    assert old == (
        "restic",
        "backup",
        "--json",
        "--stdin",
        "--stdin-filename",
        "website.sql",
        "--tag",
        "t",
    )
    assert new == (
        "restic",
        "backup",
        "--json",
        "--stdin-from-command",
        "--stdin-filename",
        "website.sql",
        "--tag",
        "t",
        "--",
        *dump,
    )


def test_forget_never_prunes_and_groups_by_host_and_paths() -> None:
    argv = forget_argv(OLD, Retention(keep_daily=7, keep_monthly=12), tags=["opskit-set=website"])

    assert argv == (
        "restic",
        "forget",
        "--json",
        "--tag",
        "opskit-set=website",
        "--group-by",
        "host,paths",
        "--keep-daily",
        "7",
        "--keep-monthly",
        "12",
    )
    assert "--prune" not in argv


def test_forget_without_any_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one keep rule"):
        forget_argv(OLD, Retention(), tags=[])
    with pytest.raises(ValueError, match="no snapshot ids"):
        forget_ids_argv(NEW, [])
    assert forget_ids_argv(NEW, ["5c1a7d2e"]) == ("restic", "forget", "5c1a7d2e")


def test_check_reads_a_subset_and_asks_for_json_only_from_018() -> None:
    assert check_argv(OLD, subset=(3, 12)) == ("restic", "check", "--read-data-subset=3/12")
    assert check_argv(NEW, subset=(1, 4)) == (
        "restic",
        "check",
        "--json",
        "--read-data-subset=1/4",
    )
    with pytest.raises(ValueError):
        check_argv(OLD, subset=(5, 4))


def test_restore_and_unlock_argv() -> None:
    assert restore_argv(OLD, "abc123", "/srv/r", includes=["/var/www/a.php"]) == (
        "restic",
        "restore",
        "abc123",
        "--target",
        "/srv/r",
        "--include",
        "/var/www/a.php",
    )
    assert unlock_argv(OLD) == ("restic", "unlock")


def test_tags_with_commas_are_refused() -> None:
    with pytest.raises(ValueError, match="commas"):
        backup_argv(OLD, ["/a"], tags=["a,b"])
