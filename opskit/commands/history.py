"""``opskit history``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _history(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.history import history

    if args.export or args.import_files:
        from opskit.actions.history import export_history, import_history

        if args.export:
            return export_history(context, args.export, args.since)
        return import_history(context, args.import_files)
    return history(
        context,
        run_id=args.run,
        check_id=args.check,
        target=args.target,
        status=args.status,
        since=args.since,
        results=args.results,
        limit=args.limit,
    )


# Commands that read only the store: where it is, the time zone and language (AppContext).
SETTINGS_ONLY = frozenset({"history"})

# What each command runs, by its name (the grammar is in opskit.grammar.history).
HANDLERS: dict[str, Handler] = {
    "history": _history,
}
