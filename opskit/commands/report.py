"""``opskit report incident|daily|recap|handoff|schedule|public-info``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.grammar.report import DOCUMENTS
from opskit.outcome import Outcome


def _report(kind: str) -> Any:
    def handler(context: AppContext, args: argparse.Namespace) -> Outcome:
        from opskit.actions.report import Request, produce

        request = Request(
            incident_id=getattr(args, "incident", None),
            day=getattr(args, "date", None),
            month=getattr(args, "month", None),
            site=getattr(args, "site", None),
            court=getattr(args, "court", None),
            policy_id=getattr(args, "policy", None),
        )
        return produce(
            context,
            kind,
            request,
            language=getattr(args, "lang", None),
            formats=args.formats.split(","),
            out=args.out,
            send=args.send,
            appendix=args.appendix,
        )

    return handler


# What each command runs, by its name (the grammar is in opskit.grammar.report).
def _status_page(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.console.public import write_status_page

    return write_status_page(context, args.output, getattr(args, "lang", None))


HANDLERS: dict[str, Handler] = {
    **{f"report {document[0]}": _report(document[0]) for document in DOCUMENTS},
    "report status-page": _status_page,
}
