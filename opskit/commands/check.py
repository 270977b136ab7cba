"""``opskit check host``; other areas add ``check web``, ``check backup`` ... to the same group."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _host(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.hosts import check_hosts

    return check_hosts(context, args.names, args.jobs, args.shard)


# What each command runs, by its name (the grammar is in opskit.grammar.check).
HANDLERS: dict[str, Handler] = {
    "check host": _host,
}
