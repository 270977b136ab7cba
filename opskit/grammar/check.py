"""Options and help of ``opskit check host``; other areas add theirs to ``check``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_jobs_option, add_shard_option, check_group

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("check",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        check_group(subparsers),
        common,
        "host",
        command_name="check host",
        help_text="disk, memory and load of each host (SOP C5)",
        description="Gather facts on each host (the facts playbook, over SSH or locally) and judge "
        "disk space and inodes per mount (WARNING 80%, CRITICAL 90% by default), memory in use "
        "and load per CPU against host_checks in the config. Results are recorded in history.",
        examples=["opskit check host", "opskit check host web1 --format json"],
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="hosts to check (default: all)")
    add_jobs_option(parser)
    add_shard_option(parser)
