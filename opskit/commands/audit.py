"""``opskit audit public-info URL``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _public_info(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.public_info import AuditOptions, audit_url

    options = AuditOptions(
        catalogue=args.catalogue,
        max_pages=args.max_pages,
        max_depth=args.max_depth,
        requests_per_second=args.rate,
        workers=args.workers,
        timeout_seconds=args.timeout,
        as_of=args.as_of,
        ca_bundle=args.ca_bundle,
        report_dir=args.report,
        language=getattr(args, "lang", None) or "id",
        organisation=args.organisation,
        timezone=args.timezone,
    )
    return audit_url(args.url, options)


# What each command runs, by its name (the grammar is in opskit.grammar.audit).
HANDLERS: dict[str, Handler] = {
    "audit public-info": _public_info,
}
