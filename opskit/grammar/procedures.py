"""Options and help of ``opskit procedures list|show|validate``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("procedures",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers,
        "procedures",
        "the SOP's procedures as data: steps, roles, time standards (checks/procedures/)",
    )
    add_command(
        group,
        common,
        "list",
        command_name="procedures list",
        help_text="the procedures: built-in ones and those in procedures.directory",
        examples=["opskit procedures list"],
    )
    parser = add_command(
        group,
        common,
        "show",
        command_name="procedures show",
        help_text="a procedure's transition table: who takes which step in which state, how fast",
        examples=["opskit procedures show service-request"],
    )
    parser.add_argument("name", metavar="NAME", help="procedure name (opskit procedures list)")
    parser = add_command(
        group,
        common,
        "validate",
        command_name="procedures validate",
        help_text="check a procedure file: every problem with its line",
        examples=["opskit procedures validate /etc/opskit/procedures/service-request.yaml"],
    )
    parser.add_argument("procedure", metavar="FILE", help="procedure file or name")
