"""Options and help of ``opskit uat ...`` and ``opskit report uat``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("report", "uat")

GROUP_DESCRIPTION = """\
User acceptance tests of applications (SOP D2, D3, D6):

  1. opskit uat run CHECKLIST      automated steps, then manual ones answered by a tester
  2. opskit uat review RUN         the reviewer's consideration (Catatan Pertimbangan)
  3. opskit uat approve RUN        the approver's decision (Persetujuan aplikasi)
  4. opskit report uat RUN         the Berita Acara UAT with signature lines

A decided run never changes; a new version of the application gets a new run."""


def _run_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "run", type=positive_int, metavar="RUN", help="UAT run number (see `opskit uat list`)"
    )


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    from opskit.grammar.report import document_options

    group = add_group(
        subparsers,
        "uat",
        "user acceptance tests: run a checklist, review, approve (SOP D2, D3, D6)",
        description=GROUP_DESCRIPTION,
    )
    parser = add_command(
        group,
        common,
        "run",
        command_name="uat run",
        help_text="carry out a checklist and record the run (exit 0 passed, 1 incomplete, "
        "2 failed, 3 error)",
        description="Carry out the automated steps, then ask the manual ones at the terminal "
        "(step N of M), or take their answers from --answers FILE (then nothing is asked). "
        "The run passes only when every step has an answer and every required step passed; "
        "a manual step left unanswered keeps it incomplete. Ctrl-C abandons the run (nothing "
        "is recorded); q at a prompt records it with the rest unanswered.",
        examples=[
            "opskit uat run website-release --target https://www.pa-penajam.go.id/ "
            "--tester 'Budi Santoso' --app-version 2.1",
            "opskit uat run ./checklists/sipp.yaml --answers answers.yaml --app-version 5.3",
        ],
    )
    parser.add_argument(
        "checklist", metavar="CHECKLIST", help="checklist name (opskit uat checklists) or file"
    )
    parser.add_argument("--target", metavar="URL", help="address of the application tested")
    parser.add_argument("--tester", metavar="NAME", help="who answers the manual steps")
    parser.add_argument(
        "--answers", metavar="FILE", help="manual answers as YAML (no prompts); see the README"
    )
    parser.add_argument("--application", metavar="NAME", help="application name on the record")
    parser.add_argument("--app-version", metavar="VERSION", help="version of the application")

    parser = add_command(
        group,
        common,
        "review",
        command_name="uat review",
        help_text="record a reviewer's consideration of a run (Catatan Pertimbangan, SOP D3)",
        examples=[
            "opskit uat review 7 --reviewer 'Siti Aminah' --note 'Sesuai kebutuhan' "
            "--recommend approve"
        ],
    )
    _run_argument(parser)
    parser.add_argument("--reviewer", required=True, metavar="NAME", help="who considered it")
    parser.add_argument("--note", required=True, metavar="TEXT", help="the consideration")
    parser.add_argument(
        "--recommend", choices=("approve", "reject"), help="the reviewer's recommendation"
    )

    parser = add_command(
        group,
        common,
        "approve",
        command_name="uat approve",
        help_text="approve (or --reject) a reviewed run (Persetujuan aplikasi, SOP D6); final",
        description="Only a person in people[] with uat.approver_role (ketua by default) may "
        "decide. Only a passed, reviewed run can be approved; any run can be rejected with a "
        "reason. The decision is final: the run can no longer change.",
        examples=[
            "opskit uat approve 7 --approver 'Ahmad Fauzi'",
            "opskit uat approve 8 --approver 'Ahmad Fauzi' --reject --reason 'Form belum lengkap'",
        ],
    )
    _run_argument(parser)
    parser.add_argument("--approver", required=True, metavar="NAME", help="who decides")
    parser.add_argument("--reject", action="store_true", help="reject instead of approving")
    parser.add_argument("--reason", metavar="TEXT", help="why (required with --reject)")

    parser = add_command(
        group,
        common,
        "list",
        command_name="uat list",
        help_text="UAT runs, newest first, with their result and decision",
        examples=["opskit uat list"],
    )
    parser.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="at most N (default 50)"
    )
    parser = add_command(
        group,
        common,
        "show",
        command_name="uat show",
        help_text="one run: every step with its outcome, the reviews and the decision "
        "(exit code: the run's result)",
        examples=["opskit uat show 7", "opskit uat show 7 --format json"],
    )
    _run_argument(parser)
    add_command(
        group,
        common,
        "checklists",
        command_name="uat checklists",
        help_text="the checklists you can run: built-in ones and those in uat.checklists_dir",
        examples=["opskit uat checklists"],
    )
    parser = add_command(
        group,
        common,
        "validate",
        command_name="uat validate",
        help_text="check a checklist file: every problem with its line",
        examples=["opskit uat validate ./checklists/sipp.yaml"],
    )
    parser.add_argument("checklist", metavar="CHECKLIST", help="checklist name or file")

    report = add_group(subparsers, "report", "write the documents the SOP asks for")
    parser = add_command(
        report,
        common,
        "uat",
        command_name="report uat",
        help_text="Berita Acara UAT of one run: steps, consideration, approval (SOP D2, D3, D6)",
        examples=["opskit report uat 7", "opskit report uat 7 --lang en --send"],
    )
    _run_argument(parser)
    document_options(parser)
