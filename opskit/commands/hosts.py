"""``opskit hosts list|ping|trust``."""

from __future__ import annotations

import argparse
import sys

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.outcome import Outcome


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.hosts import list_hosts

    return list_hosts(context)


def _ping(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.hosts import ping

    return ping(context, args.names, args.jobs)


def _trust(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.hosts import trust

    def confirm(question: str) -> bool:
        if args.yes:
            return True
        if not context.interactive:
            raise UsageError(
                f"{question} -- not a terminal: add --yes after checking the fingerprint"
            )
        sys.stderr.write(f"{question} [y/N] ")
        sys.stderr.flush()
        return sys.stdin.readline().strip().lower() in ("y", "yes", "ya")

    return trust(context, args.name, args.replace, confirm)


# What each command runs, by its name (the grammar is in opskit.grammar.hosts).
HANDLERS: dict[str, Handler] = {
    "hosts list": _list,
    "hosts ping": _ping,
    "hosts trust": _trust,
}
