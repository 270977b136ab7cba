"""``opskit content ...`` and ``opskit check content``."""

from __future__ import annotations

import argparse
from pathlib import Path

from opskit.commands import Handler, body_text
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.outcome import Outcome


def _new(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.content import new
    from opskit.identity import terminal_actor

    return new(
        context,
        terminal_actor(context.config, args.by),
        kind=args.kind,
        title=args.title,
        material=args.material,
        attach=args.attach,
    )


def _step(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.content import take
    from opskit.identity import terminal_actor

    command = args.command_name.split()[-1]
    return take(
        context,
        args.item,
        command,
        terminal_actor(context.config, args.by),
        note=getattr(args, "reason", None) or getattr(args, "note", None),
        title=getattr(args, "title", None),
        body=body_text(args),
        url=getattr(args, "url", None),
        special=getattr(args, "special", False),
        attach=getattr(args, "attach", None),
    )


def _archive(context: AppContext, args: argparse.Namespace) -> Outcome:
    if args.item == "verify":
        from opskit.actions.content_check import verify_archive

        return verify_archive(context, Path(args.dir).expanduser() if args.dir else None)
    if not args.by:
        raise UsageError("archiving an item needs --by NAME")
    from opskit.actions.content import take
    from opskit.identity import terminal_actor

    actor = terminal_actor(context.config, args.by)
    return take(context, args.item, "archive", actor, note=args.note)


def _check_files(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.content import check_files

    return check_files(context, args.files)


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.content import listing
    from opskit.identity import terminal_actor

    waiting = terminal_actor(context.config, args.waiting_for) if args.waiting_for else None
    return listing(context, state=args.state, waiting_for=waiting, limit=args.limit)


def _show(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.content import show

    return show(context, args.item)


def _diff(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.content import diff
    from opskit.content import records

    item = records.get(context.store(), args.item)
    return Outcome(
        command="content diff", data=diff(item, args.older, args.newer), view="content-diff"
    )


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.content_check import check_content

    return check_content(context, jobs=args.jobs)


# What each command runs, by its name (the grammar is in opskit.grammar.content).
HANDLERS: dict[str, Handler] = {
    "content new": _new,
    **{
        f"content {name}": _step
        for name in (
            "attach",
            "validate",
            "edit",
            "review",
            "submit",
            "approve",
            "send-back",
            "publish",
            "withdraw",
        )
    },
    "content archive": _archive,
    "content check-files": _check_files,
    "content list": _list,
    "content show": _show,
    "content diff": _diff,
    "check content": _check,
}
