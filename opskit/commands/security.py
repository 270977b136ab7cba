"""``opskit check security`` and its parts (firewall, ports, ssh ...), ``antivirus scan``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler, terminal_progress
from opskit.context import AppContext
from opskit.grammar.security import CHECKS
from opskit.outcome import Outcome


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.security import check_security

    areas = CHECKS[args.security_check][0]
    with terminal_progress(args, steps=True) as progress:
        return check_security(
            context,
            getattr(args, "names", []),
            getattr(args, "jobs", 8),
            areas=areas,
            accept=getattr(args, "accept", False),
            command=f"check {args.security_check}",
            shard=getattr(args, "shard", None),
            progress=progress,
        )


def _scan(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.antivirus import antivirus_scan

    return antivirus_scan(context, args.name, args.path)


# What each command runs, by its name (the grammar is in opskit.grammar.security).
HANDLERS: dict[str, Handler] = {
    "antivirus scan": _scan,
    **{f"check {name}": _check for name in CHECKS},
}
