"""``opskit report incident|daily|recap|handoff|schedule``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.commands import add_command, add_group, positive_int
from opskit.context import AppContext
from opskit.outcome import Outcome


def _report(kind: str) -> Any:
    def handler(context: AppContext, args: argparse.Namespace) -> Outcome:
        from opskit.actions.report import Request, produce

        request = Request(
            incident_id=getattr(args, "incident", None),
            day=getattr(args, "date", None),
            month=getattr(args, "month", None),
        )
        return produce(
            context,
            kind,
            request,
            language=args.lang,
            formats=args.formats.split(","),
            out=args.out,
            send=args.send,
        )

    return handler


def _document_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("id", "en"), help="language (default: organisation.language)"
    )
    parser.add_argument(
        "--formats",
        default="html,pdf,md",
        metavar="LIST",
        help="comma-separated: html, pdf, md (default: all three)",
    )
    parser.add_argument("--out", metavar="DIR", help="write here instead of paths.output_dir")
    parser.add_argument(
        "--send",
        action="store_true",
        help="also send it to the people routed to this document (notifications.routes)",
    )


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "report", "write the documents the SOP asks for (HTML, PDF, Markdown)"
    )
    parser = add_command(
        group,
        common,
        "incident",
        _report("incident"),
        command_name="report incident",
        help_text="Laporan Situasi dan Kondisi for one incident (SOP F5-F7)",
        examples=["opskit report incident 12", "opskit report incident 12 --lang en --send"],
    )
    parser.add_argument(
        "incident", type=positive_int, metavar="ID", help="incident id (see `opskit incidents`)"
    )
    _document_options(parser)
    parser = add_command(
        group,
        common,
        "daily",
        _report("daily"),
        command_name="report daily",
        help_text="daily situation report: everything checked today (SOP F5)",
        examples=["opskit report daily --send", "opskit report daily --date 2026-11-21"],
    )
    parser.add_argument("--date", metavar="DAY", help="the day, YEAR-MONTH-DAY (default: today)")
    _document_options(parser)
    parser = add_command(
        group,
        common,
        "recap",
        _report("recap"),
        command_name="report recap",
        help_text="monthly Rekap Hasil Monitoring dan Pemeliharaan with charts (SOP C8-C11)",
        examples=["opskit report recap --month 2026-11 --send"],
    )
    parser.add_argument(
        "--month", metavar="MONTH", help="YEAR-MONTH, previous or next (default: this month)"
    )
    _document_options(parser)
    parser = add_command(
        group,
        common,
        "handoff",
        _report("handoff"),
        command_name="report handoff",
        help_text="handoff document for a third-party provider (SOP F7)",
        examples=["opskit report handoff", "opskit report handoff --incident 12 --send"],
    )
    parser.add_argument("--incident", type=positive_int, metavar="ID", help="only this incident")
    _document_options(parser)
    parser = add_command(
        group,
        common,
        "schedule",
        _report("schedule"),
        command_name="report schedule",
        help_text="Jadwal Pemeliharaan: the month's jobs and manual SOP activities (SOP C1)",
        examples=["opskit report schedule --month 2026-12"],
    )
    parser.add_argument(
        "--month", metavar="MONTH", help="YEAR-MONTH, previous or next (default: this month)"
    )
    _document_options(parser)
