"""Options and help of ``opskit content ...`` and ``opskit check content``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.errors import UsageError
from opskit.grammar import (
    add_command,
    add_group,
    add_jobs_option,
    by_option,
    check_group,
    positive_int,
)

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("check", "content")

GROUP_DESCRIPTION = """\
Website content (SOP E, Pengelolaan Konten Website), step by step:

  E1 opskit content new          the operator gathers the material (--attach files)
     opskit content attach       ... adds more files
  E2 opskit content validate     ... checks every file: a valid electronic document
  E3 opskit content edit         the redaktur writes the draft (--body-file), a new version
  E4 opskit content review       the editor checks and corrects it (or send-back --reason)
  E5 opskit content submit       the redaktur submits it to the penanggung jawab, or with
                                 --special to the ketua (information that needs attention)
     opskit content approve      the penanggung jawab (or the ketua) approves (or send-back)
  E6 opskit content publish      the operator has put it in the CMS: --url; opskit fetches
                                 the page and verifies the approved text and documents
  E7 opskit content archive      the approved text, documents and page, with a manifest
     opskit content archive verify   re-hash every archived item

Every step names who takes it (--by NAME, a person in people[] with the step's role)
and is recorded with the time and edge (terminal). Files are judged before they go
forward: `opskit content check-files FILE...` says what E2 finds, in Bahasa Indonesia
(--lang en for English). Times are counted in office hours (procedures.office_hours)."""

# Each step command: its help, whether it changes the text, and an example.
STEPS: tuple[tuple[str, str, str], ...] = (
    (
        "attach",
        "E1: add files to the gathered material",
        "opskit content attach 3 --by budi --attach foto-sidang.jpg",
    ),
    (
        "validate",
        "E2: check every file (PDF with text, size, no macros, image size)",
        "opskit content validate 3 --by budi",
    ),
    (
        "edit",
        "E3: write or revise the draft (a new version)",
        "opskit content edit 3 --by rudi "
        "--title 'Sidang keliling di Babulu' --body-file berita.txt",
    ),
    (
        "review",
        "E4: check the draft; give a corrected text to make a new version",
        "opskit content review 3 --by eka --body-file berita-dikoreksi.txt --note 'Ejaan'",
    ),
    (
        "submit",
        "E5: submit for approval (--special: to the ketua)",
        "opskit content submit 3 --by rudi --special",
    ),
    (
        "approve",
        "E5: approve the submitted draft for publication",
        "opskit content approve 3 --by 'Nur Aini'",
    ),
    (
        "send-back",
        "send the draft back to the redaktur at a review step (--reason)",
        "opskit content send-back 3 --by eka --reason 'Sumber data belum jelas'",
    ),
    (
        "publish",
        "E6: record the page's address and verify the publication",
        "opskit content publish 3 --by budi --url https://pa-uji.go.id/berita/sidang-keliling",
    ),
    (
        "withdraw",
        "withdraw an item before publication (--reason); final",
        "opskit content withdraw 3 --by budi --reason 'Acara dibatalkan'",
    ),
)
TEXT_STEPS = ("edit", "review")


def _item(text: str) -> int | str:
    if text == "verify":
        return text
    try:
        return positive_int(text)
    except (argparse.ArgumentTypeError, ValueError, UsageError):
        raise argparse.ArgumentTypeError(f"{text!r} is neither an item number nor verify") from None


def _attach(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--attach",
        action="append",
        default=[],
        metavar="FILE",
        help="attach a file (repeat for more); judged first (content.max_megabytes ...)",
    )


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers,
        "content",
        "website content: gather, validate, edit, review, approve, publish, archive (SOP E)",
        description=GROUP_DESCRIPTION,
    )
    parser = add_command(
        group,
        common,
        "new",
        command_name="content new",
        help_text="E1: gather the material of a news item, announcement or public document",
        examples=[
            "opskit content new --by budi --kind news --title 'Sidang keliling' "
            "--material 'Laporan kegiatan dan foto' --attach laporan.pdf --attach foto.jpg"
        ],
    )
    by_option(parser)
    parser.add_argument(
        "--kind", required=True, metavar="KIND", help="news, announcement or document"
    )
    parser.add_argument("--title", required=True, metavar="TEXT", help="a working title")
    parser.add_argument(
        "--material", required=True, metavar="TEXT", help="what was gathered, and from whom"
    )
    _attach(parser)

    for name, help_text, example in STEPS:
        parser = add_command(
            group,
            common,
            name,
            command_name=f"content {name}",
            help_text=help_text,
            examples=[example],
        )
        parser.add_argument("item", type=positive_int, metavar="ITEM", help="item number")
        by_option(parser)
        if name in ("send-back", "withdraw"):
            parser.add_argument("--reason", required=True, metavar="TEXT", help="why")
        else:
            parser.add_argument("--note", metavar="TEXT", help="the step's note")
        if name in TEXT_STEPS:
            parser.add_argument("--title", metavar="TEXT", help="the title")
            text = parser.add_mutually_exclusive_group(required=name == "edit")
            text.add_argument("--body", metavar="TEXT", help="the text (paragraphs: blank lines)")
            text.add_argument("--body-file", metavar="FILE", help="the text from a UTF-8 file")
        if name == "submit":
            parser.add_argument(
                "--special", action="store_true", help="needs special attention: to the ketua"
            )
        if name == "publish":
            parser.add_argument("--url", required=True, metavar="URL", help="the published page")
        if name in ("attach", "validate"):
            _attach(parser)

    parser = add_command(
        group,
        common,
        "archive",
        command_name="content archive",
        help_text="E7: archive a published item; `archive verify`: re-hash the archive",
        examples=[
            "opskit content archive 3 --by budi",
            "opskit content archive verify",
            "opskit content archive verify --dir /srv/pulih/archive/content",
        ],
    )
    parser.add_argument(
        "item", type=_item, metavar="ITEM|verify", help="the item to archive, or verify"
    )
    by_option(parser, required=False)
    parser.add_argument("--note", metavar="TEXT", help="the step's note")
    parser.add_argument(
        "--dir", metavar="DIR", help="with verify: an archive elsewhere (restored from a backup)"
    )

    parser = add_command(
        group,
        common,
        "check-files",
        command_name="content check-files",
        help_text="E2: what the check finds in files, before they are attached",
        examples=["opskit content check-files putusan.pdf foto.jpg"],
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check")

    parser = add_command(
        group,
        common,
        "list",
        command_name="content list",
        help_text="items, newest first, with their state and clock",
        examples=[
            "opskit content list",
            "opskit content list --state late",
            "opskit content list --waiting-for eka",
        ],
    )
    parser.add_argument(
        "--state",
        metavar="STATE",
        help="open (default), late, published, archived, withdrawn, all, a state",
    )
    parser.add_argument("--waiting-for", metavar="NAME", help="only those NAME may act on now")
    parser.add_argument(
        "--limit", type=positive_int, default=200, metavar="N", help="at most N (default 200)"
    )
    parser = add_command(
        group,
        common,
        "show",
        command_name="content show",
        help_text="one item: its text, files, every step with who and when, the clock",
        examples=["opskit content show 3", "opskit content show 3 --format json"],
    )
    parser.add_argument("item", type=positive_int, metavar="ITEM", help="item number")
    parser = add_command(
        group,
        common,
        "diff",
        command_name="content diff",
        help_text="what changed between two versions of the text (default: the last two)",
        examples=["opskit content diff 3", "opskit content diff 3 --from 1 --to 3"],
    )
    parser.add_argument("item", type=positive_int, metavar="ITEM", help="item number")
    parser.add_argument("--from", dest="older", type=positive_int, metavar="N", help="version")
    parser.add_argument("--to", dest="newer", type=positive_int, metavar="N", help="version")

    parser = add_command(
        check_group(subparsers),
        common,
        "content",
        command_name="check content",
        help_text="content late on the SOP's time standards (reminds who holds the step), and "
        "every published item's page verified again (gone or changed: CRITICAL, WARNING)",
        examples=["opskit check content", "opskit check content --jobs 4"],
    )
    add_jobs_option(parser)
