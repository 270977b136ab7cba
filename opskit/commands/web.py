"""``opskit check web``: availability, TLS, domain, DNS, freshness, integrity, links, exposure."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _web(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.web import check_web

    return check_web(
        context,
        args.names,
        only=args.only,
        jobs=args.jobs,
        accept_baseline=args.accept_baseline,
        shard=args.shard,
    )


# What each command runs, by its name (the grammar is in opskit.grammar.web).
HANDLERS: dict[str, Handler] = {
    "check web": _web,
}
