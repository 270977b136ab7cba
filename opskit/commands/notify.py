"""``opskit notify test [PERSON]`` and ``opskit notify outbox``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _test(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.incidents import notify_test

    return notify_test(context, args.people)


def _retry(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.incidents import retry_outbox

    return retry_outbox(context)


def _outbox(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.incidents import show_outbox

    return show_outbox(context, args.limit)


# What each command runs, by its name (the grammar is in opskit.grammar.notify).
HANDLERS: dict[str, Handler] = {
    "notify test": _test,
    "notify outbox": _outbox,
    "notify retry": _retry,
}
