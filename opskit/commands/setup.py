"""``opskit init``, ``opskit demo`` and ``opskit paths``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _init(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.setup import init

    return init(args.config, args.force)


def _demo(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.demo.run import demo

    return demo(args.dir)


def _paths(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.setup import paths

    return paths(context, args.name)


# What each command runs, by its name (the grammar is in opskit.grammar.setup).
HANDLERS: dict[str, Handler] = {
    "init": _init,
    "demo": _demo,
    "paths": _paths,
}
