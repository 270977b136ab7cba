"""``opskit verify FILE.pdf``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _verify(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.signing import verify_file

    return verify_file(context, args.file, args.trust)


# What each command runs, by its name (the grammar is in opskit.grammar.signing).
HANDLERS: dict[str, Handler] = {"verify": _verify}
