"""``opskit config validate`` and ``opskit config show``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _validate(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.config import validate

    return validate(context)


def _show(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.config import show

    return show(context)


# What each command runs, by its name (the grammar is in opskit.grammar.config).
HANDLERS: dict[str, Handler] = {
    "config validate": _validate,
    "config show": _show,
}
