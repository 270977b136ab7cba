"""Options and help of ``opskit history``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("history",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "history",
        command_name="history",
        help_text="list recorded runs, or results with filters",
        description="Without arguments: the most recent runs. With a run id, or any filter "
        "(--check, --target, --status) or --results: the matching results, newest first.",
        examples=[
            "opskit history",
            "opskit history 42",
            "opskit history --status critical --since 7d",
            "opskit history --check host.disk --target web1:/var --format json",
            "opskit history --check web.http --since 30d --limit 100000 --format csv > http.csv",
        ],
    )
    parser.set_defaults(lists_rows=True)
    parser.add_argument(
        "run", nargs="?", type=positive_int, metavar="RUN", help="show this run's results"
    )
    parser.add_argument("--check", metavar="ID", help="check id, or a prefix such as host")
    parser.add_argument("--target", metavar="TARGET", help="exact target, e.g. web1 or web1:/var")
    parser.add_argument("--status", metavar="STATUS", help="ok, warning, critical or unknown")
    parser.add_argument("--since", metavar="WHEN", help="e.g. 24h, 7d, 2026-11-01")
    parser.add_argument("--results", action="store_true", help="list results instead of runs")
    parser.add_argument(
        "--export",
        metavar="FILE",
        help="write runs (with --since) as JSON lines, for another machine's history",
    )
    parser.add_argument(
        "--import",
        dest="import_files",
        nargs="+",
        metavar="FILE",
        help="add runs exported elsewhere (e.g. by each shard); runs already here are "
        "skipped, and a bad line in any file imports nothing",
    )
    parser.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="at most N rows (default 50)"
    )
