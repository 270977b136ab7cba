"""Options and help of ``opskit backup ...`` and ``opskit check backup``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, add_shard_option, check_group

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("backup", "check")


def _sets_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sets", nargs="*", metavar="SET", help="backup sets (default: all)")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers,
        "backup",
        "back up files and website databases with restic, and prove restores work (SOP D7, F2)",
    )
    parser = add_command(
        group,
        common,
        "init",
        command_name="backup init",
        help_text="create restic repositories; for S3 check the bucket, versioning and Object Lock",
        description="Create each named repository (all when none are named) if it does not exist "
        "yet. For an S3 repository first check that the bucket exists and the keys work (with "
        "--create-bucket create it, versioning on), and report whether versioning and Object "
        "Lock protect the backups against deletion.",
        examples=["opskit backup init", "opskit backup init offsite --create-bucket"],
    )
    parser.add_argument("names", nargs="*", metavar="REPO", help="repositories (default: all)")
    parser.add_argument(
        "--create-bucket", action="store_true", help="S3: create a missing bucket (versioning on)"
    )

    parser = add_command(
        group,
        common,
        "run",
        command_name="backup run",
        help_text="back up sets (all by default) to each of their repositories",
        description="Back up each set's files and databases to each of its repositories. A "
        "missing path or an unreadable file makes the backup INCOMPLETE (WARNING); a failed "
        "one is CRITICAL; one failing repository or set never stops the others. Results "
        "(snapshot id, bytes added, duration) are recorded in history.",
        examples=["opskit backup run", "opskit backup run website --wait 600"],
    )
    _sets_argument(parser)
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="wait this long for another run of the same set (default: backup.lock_wait_seconds)",
    )

    parser = add_command(
        group,
        common,
        "snapshots",
        command_name="backup snapshots",
        help_text="list the snapshots of each set in each repository",
        examples=["opskit backup snapshots", "opskit backup snapshots website --repository local"],
    )
    _sets_argument(parser)
    parser.add_argument("--repository", metavar="REPO", help="only this repository")

    parser = add_command(
        group,
        common,
        "restore",
        command_name="backup restore",
        help_text="restore a set's files (or a database dump) into a directory",
        description="Restore the latest (or the given) snapshot of a set into TARGET on the set's "
        "host. A non-empty TARGET is refused unless --force is given.",
        examples=[
            "opskit backup restore website --target /srv/restore",
            "opskit backup restore website --include /var/www/html/index.php --target /tmp/r",
            "opskit backup restore website --database website --target /tmp/db",
        ],
    )
    parser.add_argument("set", metavar="SET", help="the backup set")
    parser.add_argument("--target", required=True, metavar="DIR", help="where to restore to")
    parser.add_argument("--snapshot", metavar="ID", help="snapshot id (default: the latest)")
    parser.add_argument("--repository", metavar="REPO", help="repository (default: the first)")
    parser.add_argument("--database", metavar="NAME", help="restore this database's dump file")
    parser.add_argument(
        "--include", action="append", default=[], metavar="PATH", help="only this path (repeat)"
    )
    parser.add_argument("--force", action="store_true", help="restore into a non-empty directory")

    parser = add_command(
        group,
        common,
        "prune",
        command_name="backup prune",
        help_text="forget snapshots by each set's retention, then prune the repositories",
        examples=["opskit backup prune", "opskit backup prune website"],
    )
    _sets_argument(parser)

    parser = add_command(
        group,
        common,
        "verify",
        command_name="backup verify",
        help_text="prove restores work: restic check, a restore drill, database restores",
        description="(a) `restic check` reading one rotating group of the data, so the whole "
        "repository is read over read_data_groups runs; (b) restore a sample of files from "
        "the latest snapshot and compare their hashes with the unchanged live files; (c) load "
        "each database dump into a throwaway database and compare row counts.",
        examples=["opskit backup verify", "opskit backup verify website --only drill"],
    )
    _sets_argument(parser)
    parser.add_argument(
        "--only", choices=("check", "drill", "database"), help="run only this verification"
    )

    parser = add_command(
        group,
        common,
        "unlock",
        command_name="backup unlock",
        help_text="remove stale restic locks (never locks of running processes)",
        examples=["opskit backup unlock", "opskit backup unlock offsite"],
    )
    parser.add_argument("names", nargs="*", metavar="REPO", help="repositories (default: all)")

    parser = add_command(
        check_group(subparsers),
        common,
        "backup",
        command_name="check backup",
        help_text="age of the latest snapshots, last run and verification, stale locks (SOP D7)",
        description="For each set and repository: the age of the latest snapshot against the "
        "set's interval (WARNING past warning_intervals, CRITICAL past critical_intervals), "
        "the last backup outcome and the age of the last verification; and stale restic locks.",
        examples=["opskit check backup", "opskit check backup website --format json"],
    )
    _sets_argument(parser)
    add_shard_option(parser)
