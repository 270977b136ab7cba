"""Options and help of ``opskit users passwd|list|disable|enable|totp``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("users",)

GROUP_DESCRIPTION = """\
Console accounts of the people in people[] who have a `login`. Only the
terminal manages them. A password is read from the terminal (asked twice),
or from one line of standard input when it is not a terminal; never from the
command line. Every change is written to the audit trail."""


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers,
        "users",
        "console accounts: set passwords, list, disable, one-time codes",
        description=GROUP_DESCRIPTION,
    )
    parser = add_command(
        group,
        common,
        "passwd",
        command_name="users passwd",
        help_text="set a person's console password (creates the account); ends their sessions",
        examples=[
            "opskit users passwd budi",
            "printf '%s\\n' \"$PASSWORD\" | opskit users passwd budi   # from a script",
        ],
    )
    parser.add_argument("login", metavar="LOGIN", help="people[].login of the person")
    add_command(
        group,
        common,
        "list",
        command_name="users list",
        help_text="people with a login: password set, disabled, one-time code, open sessions",
        examples=["opskit users list"],
    )
    for name, help_text in (
        ("disable", "stop a person signing in (ends their sessions); the account stays"),
        ("enable", "let a disabled person sign in again"),
    ):
        parser = add_command(
            group,
            common,
            name,
            command_name=f"users {name}",
            help_text=help_text,
            examples=[f"opskit users {name} budi"],
        )
        parser.add_argument("login", metavar="LOGIN", help="people[].login of the person")
    parser = add_command(
        group,
        common,
        "totp",
        command_name="users totp",
        help_text="give a person a one-time-code (TOTP) seed for an authenticator app",
        description="Make a new seed, show it once as a QR code and an otpauth:// address for "
        "the person's authenticator app, and ask for a code at every sign-in from then on. "
        "console.totp_roles makes it required for roles that approve.",
        examples=["opskit users totp ketua", "opskit users totp ketua --remove"],
    )
    parser.add_argument("login", metavar="LOGIN", help="people[].login of the person")
    parser.add_argument(
        "--remove", action="store_true", help="remove the seed (sign-in without a code)"
    )
