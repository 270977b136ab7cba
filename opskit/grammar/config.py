"""Options and help of ``opskit config validate`` and ``opskit config show``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("config",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(subparsers, "config", "check and show the configuration")
    add_command(
        group,
        common,
        "validate",
        command_name="config validate",
        help_text="report every problem in opskit.yaml at once, with its line and path",
        description="Check the configuration against the schema and the rules between fields "
        "(a site naming a host that does not exist). Every error is listed at once as "
        "FILE:LINE: PATH: message. Exit 0 when valid, 3 when not.",
        examples=[
            "opskit config validate",
            "opskit config validate --config /etc/opskit/opskit.yaml",
        ],
    )
    add_command(
        group,
        common,
        "show",
        command_name="config show",
        help_text="print the effective configuration with every secret masked",
        examples=["opskit config show"],
    )
