"""``opskit users ...``: handlers; the password is read here, at the edge, never from argv."""

from __future__ import annotations

import argparse
import getpass
import sys

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.outcome import Outcome


def read_password(interactive: bool) -> str:
    """Twice at a terminal (without echo), else one line of standard input."""
    if interactive:
        first = getpass.getpass("New password: ")
        if getpass.getpass("Once more: ") != first:
            raise UsageError("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline()
    if not line:
        raise UsageError("no password on standard input (give it as one line)")
    return line.rstrip("\r\n")


def _passwd(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.users import person_for, set_password

    person_for(context, args.login)  # a typo is named before the password is asked
    return set_password(context, args.login, read_password(context.interactive))


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.users import list_users

    return list_users(context)


def _disable(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.users import set_enabled

    return set_enabled(context, args.login, enabled=False)


def _enable(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.users import set_enabled

    return set_enabled(context, args.login, enabled=True)


def _totp(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.users import enrol_totp

    if args.format == "json" and not args.remove:
        raise UsageError("a one-time-code seed is shown only to a person; leave out --format json")
    return enrol_totp(context, args.login, remove=args.remove)


# What each command runs, by its name (the grammar is in opskit.grammar.users).
HANDLERS: dict[str, Handler] = {
    "users passwd": _passwd,
    "users list": _list,
    "users disable": _disable,
    "users enable": _enable,
    "users totp": _totp,
}
