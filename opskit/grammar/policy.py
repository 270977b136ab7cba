"""Options and help of ``opskit policy ...`` and ``opskit check policy``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, check_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("check", "policy")

GROUP_DESCRIPTION = """\
The register of IT policy (SOP A, Perumusan Kebijakan TI):

  A1 opskit policy new         start a programme plan, policy proposal or SK Tim IT
     opskit policy revise      a new version of its text
  A2 opskit policy plan        the kasubbag plans the IT development programme (draft)
  A3 opskit policy propose     ... proposes it to the ketua
  A4 opskit policy set         the ketua sets it: --number and --date of the decree;
                               --supersedes OLD marks the older one superseded
     opskit policy send-back   ... or sends it back (--reason)
  A5 opskit policy regulation add | review   the regulations that concern IT
     opskit policy list        the register: documents, regulations, the checked baseline
     opskit check policy       regulations due for their yearly review (reminds)"""

STEPS = (
    ("revise", "a new version of the text (--body-file)"),
    ("plan", "A2: the programme planned (draft)"),
    ("propose", "A3: propose it to the ketua"),
    ("set", "A4: the ketua sets it with the decree's number and date"),
    ("send-back", "the ketua sends it back for revision (--reason)"),
    ("withdraw", "withdraw it before it is set (--reason)"),
)


def _text(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--title", required=required, metavar="TEXT", help="its title")
    text = parser.add_mutually_exclusive_group(required=required)
    text.add_argument("--body", metavar="TEXT", help="its text")
    text.add_argument("--body-file", metavar="FILE", help="its text from a UTF-8 file")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "policy", "the register of IT policy: plans, proposals, decrees (SOP A)",
        description=GROUP_DESCRIPTION,
    )  # fmt: skip
    parser = add_command(
        group, common, "new", command_name="policy new",
        help_text="A1: start a policy document with its first text",
        examples=["opskit policy new --by siti --kind decree --title 'SK Tim IT 2027' "
                  "--body-file sk-tim-it.md"],
    )  # fmt: skip
    parser.add_argument("--by", required=True, metavar="NAME", help="who (a person in people[])")
    parser.add_argument("--kind", required=True, metavar="KIND",
                        help="programme, proposal or decree")  # fmt: skip
    _text(parser, required=True)
    for name, help_text in STEPS:
        parser = add_command(group, common, name, command_name=f"policy {name}",
                             help_text=help_text,
                             examples=[f"opskit policy {name} 2 --by ahmad"])  # fmt: skip
        parser.add_argument("document", type=positive_int, metavar="DOCUMENT", help="number")
        parser.add_argument("--by", required=True, metavar="NAME", help="who takes the step")
        if name in ("send-back", "withdraw"):
            parser.add_argument("--reason", required=True, metavar="TEXT", help="why")
        else:
            parser.add_argument("--note", metavar="TEXT", help="the step's note")
        if name == "revise":
            _text(parser, required=False)
        if name == "set":
            parser.add_argument("--number", required=True, metavar="TEXT",
                                help="the decree's number")  # fmt: skip
            parser.add_argument("--date", required=True, metavar="YYYY-MM-DD",
                                help="the decree's date")  # fmt: skip
            parser.add_argument("--supersedes", type=positive_int, metavar="DOCUMENT",
                                help="the document in force it replaces")  # fmt: skip
    parser = add_command(group, common, "list", command_name="policy list",
                         help_text="the register: documents, regulations, the checked baseline",
                         examples=["opskit policy list"])  # fmt: skip
    parser = add_command(group, common, "show", command_name="policy show",
                         help_text="one document: its versions and steps",
                         examples=["opskit policy show 2"])  # fmt: skip
    parser.add_argument("document", type=positive_int, metavar="DOCUMENT", help="number")
    regulation = add_group(group, "regulation", "the regulations that concern IT (A5)")
    parser = add_command(
        regulation, common, "add", command_name="policy regulation add",
        help_text="add a regulation that concerns IT",
        examples=["opskit policy regulation add --by budi --title 'Informasi dan Transaksi "
                  "Elektronik' --number 'UU 11' --year 2008 --summary 'Dokumen elektronik'"],
    )  # fmt: skip
    parser.add_argument("--by", required=True, metavar="NAME", help="who")
    parser.add_argument("--title", required=True, metavar="TEXT", help="its title")
    parser.add_argument("--number", required=True, metavar="TEXT", help="its number")
    parser.add_argument("--year", required=True, type=int, metavar="YEAR", help="its year")
    parser.add_argument("--link", metavar="URL", help="where it is published")
    parser.add_argument("--summary", required=True, metavar="TEXT", help="what it asks of IT")
    parser = add_command(
        regulation, common, "review", command_name="policy regulation review",
        help_text="mark regulations reviewed (all, or those named)",
        examples=["opskit policy regulation review --by siti", "opskit policy regulation "
                  "review 3 --by siti --note 'Masih berlaku'"],
    )  # fmt: skip
    parser.add_argument("regulations", nargs="*", type=positive_int, metavar="ID")
    parser.add_argument("--by", required=True, metavar="NAME", help="who reviewed")
    parser.add_argument("--note", metavar="TEXT", help="what the review found")
    add_command(
        check_group(subparsers), common, "policy", command_name="check policy",
        help_text="regulations due for their yearly review (WARNING, and a reminder)",
        examples=["opskit check policy"],
    )  # fmt: skip
