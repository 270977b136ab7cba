"""``opskit uat run|review|approve|list|show|checklists|validate`` and ``opskit report uat``."""

from __future__ import annotations

import argparse
import sys

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _run(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.uat import run_uat
    from opskit.uat.prompt import TerminalTester

    terminal = TerminalTester(args.tester, sys.stdin, sys.stderr) if context.interactive else None
    return run_uat(
        context,
        args.checklist,
        target=args.target,
        tester=args.tester,
        answers_file=args.answers,
        application=args.application,
        version=args.app_version,
        ask=terminal,
        tell=terminal.tell if terminal else None,
    )


def _review(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.uat import review
    from opskit.identity import terminal_actor

    reviewer = terminal_actor(context.config, args.reviewer)
    return review(context, args.run, reviewer, args.note, args.recommend)


def _approve(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.uat import approve
    from opskit.identity import terminal_actor

    approver = terminal_actor(context.config, args.approver)
    return approve(context, args.run, approver, args.reject, args.reason)


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.uat import list_runs

    return list_runs(context, args.limit)


def _show(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.uat import show_run

    return show_run(context, args.run)


def _checklists(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.uat import list_checklists

    return list_checklists(context)


def _validate(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.uat import validate_checklist

    return validate_checklist(context, args.checklist)


def _report(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.report import Request, produce

    return produce(
        context,
        "uat",
        Request(uat_run_id=args.run),
        language=getattr(args, "lang", None),
        formats=args.formats.split(","),
        out=args.out,
        send=args.send,
        appendix=args.appendix,
    )


# What each command runs, by its name (the grammar is in opskit.grammar.uat).
HANDLERS: dict[str, Handler] = {
    "uat run": _run,
    "uat review": _review,
    "uat approve": _approve,
    "uat list": _list,
    "uat show": _show,
    "uat checklists": _checklists,
    "uat validate": _validate,
    "report uat": _report,
}
