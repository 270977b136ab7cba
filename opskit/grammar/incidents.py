"""Options and help of ``opskit incidents`` and ``opskit incidents ack``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("incidents",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "incidents",
        command_name="incidents",
        help_text="list incidents (a check on a target gone CRITICAL), or acknowledge one",
        description="Without a subcommand: incidents, newest first. An incident opens when a check "
        "goes CRITICAL, is reminded at notifications.reminder_hours, and is resolved when the "
        "check "
        "is OK again.",
        examples=[
            "opskit incidents --open",
            "opskit incidents ack 12 --by 'Budi' --note 'disk cleaned'",
        ],
    )
    parser.add_argument("--open", action="store_true", help="only open incidents")
    parser.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="at most N (default 50)"
    )
    actions = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=type(parser))
    ack = add_command(
        actions,
        common,
        "ack",
        command_name="incidents ack",
        help_text="record who took an incident on and what was done (shown as follow-up)",
        examples=["opskit incidents ack 12 --by 'Budi Santoso' --note 'restarted php-fpm'"],
    )
    ack.add_argument("id", type=positive_int, metavar="ID", help="incident id")
    ack.add_argument("--by", required=True, metavar="NAME", help="who acknowledges")
    ack.add_argument("--note", required=True, metavar="TEXT", help="what was done or decided")
