"""``opskit procedures list|show|validate``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.procedures import list_procedures

    return list_procedures(context)


def _show(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.procedures import show_procedure

    return show_procedure(context, args.name)


def _validate(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.procedures import validate_procedure

    return validate_procedure(context, args.procedure)


# What each command runs, by its name (the grammar is in opskit.grammar.procedures).
HANDLERS: dict[str, Handler] = {
    "procedures list": _list,
    "procedures show": _show,
    "procedures validate": _validate,
}
