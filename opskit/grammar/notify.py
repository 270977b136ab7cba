"""Options and help of ``opskit notify test [PERSON]`` and ``opskit notify outbox``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("notify",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(subparsers, "notify", "notification channels: test them, see the outbox")
    parser = add_command(
        group,
        common,
        "test",
        command_name="notify test",
        help_text="send a test message through every channel of a person (default: everyone)",
        examples=["opskit notify test", "opskit notify test 'Rahmat Hidayat'"],
    )
    parser.add_argument(
        "people", nargs="*", metavar="PERSON", help="names from people[] (default: all)"
    )
    parser = add_command(
        group,
        common,
        "outbox",
        command_name="notify outbox",
        help_text="recent deliveries: sent, failed (retried on later runs), pending",
        examples=["opskit notify outbox"],
    )
    parser.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="at most N (default 50)"
    )
    add_command(
        group,
        common,
        "retry",
        command_name="notify retry",
        help_text="try every waiting delivery now (after fixing the mail server or a channel)",
        description="Failed deliveries are retried by later runs after a wait that doubles from "
        "5 minutes to 6 hours; this sends every waiting one now.",
        examples=["opskit notify retry"],
    )
