"""``opskit store``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _migrate(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.store import migrate

    return migrate(
        context,
        to=args.to,
        password_file=args.password_file,
        source=args.source,
        batch_rows=args.batch,
    )


# What each command runs, by its name (the grammar is in opskit.grammar.store).
HANDLERS: dict[str, Handler] = {
    "store migrate": _migrate,
}
