"""Options and help of ``opskit store``: the history database itself."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("store",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(subparsers, "store", "the history database: copy it into a shared store")
    parser = add_command(
        group,
        common,
        "migrate",
        command_name="store migrate",
        help_text="copy this court's SQLite history into a shared PostgreSQL store",
        description=(
            "Copy every run, result, incident, document, register number, UAT record and\n"
            "request of this court's SQLite history (paths.history_db) into the shared\n"
            "store at URL, under organisation.code. Rows the store already has are\n"
            "skipped: run it again after an interruption and it completes the copy; run\n"
            "it twice and the second copies nothing. The password comes from\n"
            "--password-file (or libpq's PGPASSWORD / ~/.pgpass), never the URL."
        ),
        examples=[
            "opskit store migrate --to postgresql://opskit@db.pta.example/opskit "
            "--password-file /etc/opskit/store.password",
            "opskit store migrate --to postgresql://opskit@db.pta.example/opskit --format json",
        ],
    )
    parser.add_argument("--to", required=True, metavar="URL", help="the shared store")
    parser.add_argument(
        "--password-file", metavar="FILE", help="a 0600 file whose first line is the password"
    )
    parser.add_argument(
        "--from", dest="source", metavar="FILE", help="the SQLite history (paths.history_db)"
    )
    parser.add_argument(
        "--batch", type=positive_int, default=500, metavar="N", help="rows per transaction (500)"
    )
