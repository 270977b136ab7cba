"""Options and help of ``opskit report ...``: every document the SOP asks for."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("report",)


def document_options(parser: argparse.ArgumentParser) -> None:
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
    parser.add_argument(
        "--appendix",
        action="store_true",
        help="add an appendix with the raw data of the checks behind the document",
    )


MONTH = {"metavar": "MONTH", "help": "YEAR-MONTH, previous or next (default: this month)"}


# Each document: its help, examples, and the argument that says which one.
DOCUMENTS: tuple[tuple[str, str, list[str], str, dict[str, Any]], ...] = (
    (
        "incident",
        "Laporan Situasi dan Kondisi for one incident (SOP F5-F7)",
        ["opskit report incident 12", "opskit report incident 12 --lang en --send"],
        "incident",
        {"type": positive_int, "metavar": "ID", "help": "incident id (see `opskit incidents`)"},
    ),
    (
        "daily",
        "daily situation report: everything checked today (SOP F5)",
        ["opskit report daily --send", "opskit report daily --date 2026-11-21"],
        "--date",
        {"metavar": "DAY", "help": "the day, YEAR-MONTH-DAY (default: today)"},
    ),
    (
        "recap",
        "monthly Rekap Hasil Monitoring dan Pemeliharaan with charts (SOP C8-C11)",
        [
            "opskit report recap --month 2026-11 --send",
            "opskit report recap --month previous",
            "opskit report recap --month previous --court all",
        ],
        "--month",
        MONTH,
    ),
    (
        "handoff",
        "handoff document for a third-party provider (SOP F7)",
        ["opskit report handoff", "opskit report handoff --incident 12 --send"],
        "--incident",
        {"type": positive_int, "metavar": "ID", "help": "only this incident"},
    ),
    (
        "schedule",
        "Jadwal Pemeliharaan: the month's jobs and manual SOP activities (SOP C1)",
        ["opskit report schedule --month next"],
        "--month",
        MONTH,
    ),
    (
        "policy",
        "a programme plan, policy or SK Tim IT from the register of IT policy (SOP A4)",
        ["opskit report policy 3", "opskit report policy 3 --formats pdf"],
        "policy",
        {
            "type": positive_int,
            "metavar": "ID",
            "help": "document number (see `opskit policy list`)",
        },
    ),
    (
        "public-info",
        "Laporan Kepatuhan Informasi Publik Website from the last web.public-info audit (SOP E1)",
        ["opskit report public-info --send", "opskit report public-info website --lang en"],
        "site",
        {"nargs": "?", "metavar": "SITE", "help": "the site (default: the only one audited)"},
    ),
)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "report", "write the documents the SOP asks for (HTML, PDF, Markdown)"
    )
    for name, help_text, examples, selector, options in DOCUMENTS:
        parser = add_command(
            group,
            common,
            name,
            command_name=f"report {name}",
            help_text=help_text,
            examples=examples,
        )
        parser.add_argument(selector, **options)
        if name == "recap":
            parser.add_argument(
                "--court",
                metavar="CODE",
                help="at a supervising court: the recap of one overseen court (its code), or "
                "all for a table per court (organisation.oversees, read from the shared store)",
            )
        document_options(parser)
    parser = add_command(
        group,
        common,
        "status-page",
        command_name="report status-page",
        help_text="write the public status page as static files (for GitHub Pages or a web server)",
        description="Write index.html, status.json and the stylesheet of the public status page "
        "(the same page `opskit serve` shows at /status) into DIR: availability per day, "
        "response time and current incidents of each site, in public-safe words only.",
        examples=["opskit report status-page --output public/"],
    )
    parser.add_argument("--output", required=True, metavar="DIR", help="directory to write to")
