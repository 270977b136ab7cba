"""``opskit incidents [--open]`` and ``opskit incidents ack ID --by NAME --note TEXT``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.incidents import list_incidents

    return list_incidents(context, open_only=args.open, limit=args.limit)


def _ack(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.incidents import acknowledge
    from opskit.identity import terminal_actor

    return acknowledge(context, args.id, terminal_actor(context.config, args.by), args.note)


# What each command runs, by its name (the grammar is in opskit.grammar.incidents).
HANDLERS: dict[str, Handler] = {
    "incidents": _list,
    "incidents ack": _ack,
}
