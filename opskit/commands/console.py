"""``opskit serve``: the console, until Ctrl-C."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _serve(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.console.server import Listen, serve

    listen = Listen.choose(
        context.config,
        address=args.address,
        port=args.port,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        behind_proxy=args.behind_proxy,
    )
    return serve(context, listen)


# What each command runs, by its name (the grammar is in opskit.grammar.console).
HANDLERS: dict[str, Handler] = {"serve": _serve}
