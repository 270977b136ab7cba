"""Options and help of ``opskit request ...``, ``opskit check requests`` and the request
documents under ``opskit report``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, by_option, check_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("check", "report", "request")

GROUP_DESCRIPTION = """\
IT service requests (SOP B, Permintaan Layanan TI), step by step:

  B1 opskit request new          register the request (Formulir Permintaan Layanan TI)
  B2 opskit request dispose      the sekretaris disposes it to someone (Lembar Disposisi)
  B3 opskit request study        the kasubbag examines it
  B4 opskit request classify     ... sets its category
  B5 opskit request verify       ... verifies it (or --reject --reason)
  B6 opskit request prioritise   ... sets urgency and impact, giving the priority P1-P4
  B7 opskit request consider     ... recommends how to serve it
  B8 opskit request approve      the ketua approves it (or --reject --reason)
  B9 opskit request handle       the operator or provider logs work; --done when resolved
     opskit request close        the requester (or operator) confirms it is done
     opskit request reopen       ... or reopens it with a reason

Every step names who takes it (--by NAME, a person in people[] with the step's role)
and is recorded with the time and edge (terminal). Any open step can be refused
with `opskit request reject ID --by NAME --reason TEXT` by whoever holds it.
Times are counted in office hours (procedures.office_hours, procedures.holidays)."""

# Each step command: its help, the step(s) it takes, and its own options.
STEPS: tuple[tuple[str, str, list[str]], ...] = (
    (
        "dispose",
        "B2: dispose the request to a person, with an instruction (--note)",
        ["opskit request dispose 7 --by 'Dewi Lestari' --to 'Siti Aminah' --note 'Mohon ditelaah'"],
    ),
    (
        "study",
        "B3: examine the request (--note: the findings)",
        ["opskit request study 7 --by 'Siti Aminah' --note 'Printer ruang sidang 2 rusak'"],
    ),
    (
        "classify",
        "B4: set the category (see `opskit request show`)",
        ["opskit request classify 7 --by 'Siti Aminah' --category hardware"],
    ),
    (
        "verify",
        "B5: verify the request as valid, or --reject it with --reason",
        [
            "opskit request verify 7 --by 'Siti Aminah'",
            "opskit request verify 7 --by 'Siti Aminah' --reject --reason 'Bukan layanan TI'",
        ],
    ),
    (
        "prioritise",
        "B6: set urgency and impact; the matrix gives the priority",
        ["opskit request prioritise 7 --by 'Siti Aminah' --urgency high --impact medium"],
    ),
    (
        "consider",
        "B7: recommend how to serve it (--note)",
        ["opskit request consider 7 --by 'Siti Aminah' --note 'Ganti toner, stok ada'"],
    ),
    (
        "approve",
        "B8: approve the service, or --reject it with --reason",
        [
            "opskit request approve 7 --by 'Ahmad Fauzi'",
            "opskit request approve 7 --by 'Ahmad Fauzi' --reject --reason 'Anggaran belum ada'",
        ],
    ),
    (
        "handle",
        "B9: log work (--note); with --done, the resolution",
        ["opskit request handle 7 --by 'Budi Santoso' --note 'Toner diganti' --done"],
    ),
    (
        "close",
        "the requester (or operator) confirms the request is done",
        ["opskit request close 7 --by 'Rina Wulandari'"],
    ),
    (
        "reopen",
        "the requester (or operator) reopens a handled request (--reason)",
        ["opskit request reopen 7 --by 'Rina Wulandari' --reason 'Masih bergaris'"],
    ),
    (
        "reject",
        "reject the request at the step it waits for (--reason); final",
        ["opskit request reject 7 --by 'Dewi Lestari' --reason 'Bukan kewenangan TI'"],
    ),
)
WITH_REJECT = ("verify", "approve")


def _request_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "request", type=positive_int, metavar="REQUEST", help="request number (opskit request list)"
    )


def _attach(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="FILE",
        help="attach a file (repeat for more); size and types: requests.attachments",
    )


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers,
        "request",
        "IT service requests: register, dispose ... approve, handle, close (SOP B)",
        description=GROUP_DESCRIPTION,
    )
    parser = add_command(
        group,
        common,
        "new",
        command_name="request new",
        help_text="B1: register a request (Registrasi Permintaan Layanan TI) with its number",
        examples=[
            "opskit request new --by 'Budi Santoso' --requester 'Rina Wulandari' "
            "--unit Kepaniteraan --contact 0812-5555-0101 --subject 'Printer macet' "
            "--description 'Printer ruang sidang 2 tidak menarik kertas' --attach foto.jpg",
        ],
    )
    by_option(parser)
    parser.add_argument("--requester", metavar="NAME", help="who asks (default: --by)")
    parser.add_argument("--unit", required=True, metavar="UNIT", help="the requester's unit")
    parser.add_argument("--contact", required=True, metavar="TEXT", help="phone or e-mail")
    parser.add_argument("--subject", required=True, metavar="TEXT", help="what is asked, briefly")
    parser.add_argument("--description", required=True, metavar="TEXT", help="what is asked")
    parser.add_argument(
        "--arrived",
        metavar="TIME",
        help="when the form arrived, e.g. 2026-12-01T08:05 (default: now)",
    )
    parser.add_argument(
        "--incident", type=positive_int, metavar="ID", help="the monitoring incident it is about"
    )
    _attach(parser)

    parser = add_command(
        group,
        common,
        "from-incident",
        command_name="request from-incident",
        help_text="register a request for work on a monitoring incident (linked both ways)",
        examples=["opskit request from-incident 12 --by 'Budi Santoso'"],
    )
    parser.add_argument("incident", type=positive_int, metavar="INCIDENT", help="incident id")
    by_option(parser)
    parser.add_argument("--description", metavar="TEXT", help="the work asked for")

    for name, help_text, examples in STEPS:
        parser = add_command(
            group,
            common,
            name,
            command_name=f"request {name}",
            help_text=help_text,
            examples=examples,
        )
        _request_argument(parser)
        by_option(parser)
        if name in ("reject", "reopen"):
            parser.add_argument("--reason", required=True, metavar="TEXT", help="why")
        else:
            parser.add_argument("--note", metavar="TEXT", help="the step's note")
        if name in WITH_REJECT:
            parser.add_argument("--reject", action="store_true", help="reject instead (final)")
            parser.add_argument("--reason", metavar="TEXT", help="why (with --reject)")
        if name == "dispose":
            parser.add_argument("--to", required=True, metavar="NAME", help="disposed to whom")
        if name == "classify":
            parser.add_argument("--category", required=True, metavar="NAME", help="category")
        if name == "prioritise":
            parser.add_argument(
                "--urgency", required=True, metavar="LEVEL", help="high, medium, low"
            )
            parser.add_argument(
                "--impact", required=True, metavar="LEVEL", help="high, medium, low"
            )
        if name == "handle":
            parser.add_argument("--done", action="store_true", help="resolved: the resolution")
        _attach(parser)

    parser = add_command(
        group,
        common,
        "list",
        command_name="request list",
        help_text="requests, newest first, with their state and clock",
        examples=[
            "opskit request list",
            "opskit request list --state late",
            "opskit request list --waiting-for 'Siti Aminah'",
        ],
    )
    parser.add_argument(
        "--state", metavar="STATE", help="open (default), late, closed, rejected, all, or a state"
    )
    parser.add_argument("--waiting-for", metavar="NAME", help="only those NAME may act on now")
    parser.add_argument(
        "--limit", type=positive_int, default=200, metavar="N", help="at most N (default 200)"
    )
    parser = add_command(
        group,
        common,
        "show",
        command_name="request show",
        help_text="one request: its facts, every step with who and when, the clock",
        examples=["opskit request show 7", "opskit request show 7 --format json"],
    )
    _request_argument(parser)

    add_command(
        check_group(subparsers),
        common,
        "requests",
        command_name="check requests",
        help_text="requests late on the SOP's time standards (WARNING, CRITICAL past "
        "procedures.critical_after_hours); reminds who holds each late step",
        examples=["opskit check requests"],
    )
    _documents(subparsers, common)


REGISTERS = ("permintaan", "klasifikasi", "verifikasi", "prioritas", "persetujuan")


def _documents(subparsers: Any, common: argparse.ArgumentParser) -> None:
    report = add_group(subparsers, "report", "write the documents the SOP asks for")
    for name, help_text, example in (
        (
            "request-form",
            "Formulir Permintaan Layanan TI of one request, to print and sign (B1)",
            "opskit report request-form 7",
        ),
        ("disposition", "Lembar Disposisi of one request (B2)", "opskit report disposition 7"),
    ):
        parser = add_command(
            report,
            common,
            name,
            command_name=f"report {name}",
            help_text=help_text,
            examples=[example, f"{example} --lang en --formats pdf"],
        )
        _request_argument(parser)
        _document_options(parser, "html,pdf,md")
    parser = add_command(
        report,
        common,
        "requests",
        command_name="report requests",
        help_text="a register of the month's requests (SOP B): " + ", ".join(REGISTERS),
        description="The registers the SOP names as outputs: Daftar Permintaan Layanan TI, "
        "Daftar Klasifikasi Permintaan, Daftar Verifikasi, Daftar Prioritas Layanan and "
        "Daftar Persetujuan, for the requests registered in a month; as documents (html, pdf, "
        "md) and as spreadsheets (csv, xlsx) for the office's own files.",
        examples=[
            "opskit report requests --register permintaan --month 2026-12",
            "opskit report requests --register prioritas --month previous --formats pdf,xlsx",
        ],
    )
    parser.add_argument("--register", required=True, choices=REGISTERS, help="which register")
    parser.add_argument(
        "--month", metavar="MONTH", help="YEAR-MONTH, previous or next (default: this month)"
    )
    _document_options(parser, "html,pdf,md,csv,xlsx")


def _document_options(parser: argparse.ArgumentParser, formats: str) -> None:
    parser.add_argument(
        "--formats", default=formats, metavar="LIST", help=f"comma-separated (default: {formats})"
    )
    parser.add_argument("--out", metavar="DIR", help="write here instead of paths.output_dir")
