"""``opskit policy ...`` and ``opskit check policy``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler, body_text
from opskit.context import AppContext
from opskit.outcome import Outcome


def _new(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.policy import new
    from opskit.identity import terminal_actor

    actor = terminal_actor(context.config, args.by)
    return new(context, actor, kind=args.kind, title=args.title, body=body_text(args) or "")


def _step(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.policy import take
    from opskit.identity import terminal_actor

    return take(
        context,
        args.document,
        args.command_name.split()[-1],
        terminal_actor(context.config, args.by),
        note=getattr(args, "reason", None) or getattr(args, "note", None),
        title=getattr(args, "title", None),
        body=body_text(args),
        number=getattr(args, "number", None),
        dated=getattr(args, "date", None),
        supersedes=getattr(args, "supersedes", None),
    )


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.policy import register

    return register(context)


def _show(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.policy import show

    return show(context, args.document)


def _add(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.policy import add_regulation
    from opskit.identity import terminal_actor

    return add_regulation(
        context, terminal_actor(context.config, args.by), title=args.title, number=args.number,
        year=args.year, link=args.link, summary=args.summary,
    )  # fmt: skip


def _review(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.policy import review_regulations
    from opskit.identity import terminal_actor

    return review_regulations(
        context, terminal_actor(context.config, args.by), ids=args.regulations or None,
        note=args.note,
    )  # fmt: skip


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.policy import check_policy

    return check_policy(context)


# What each command runs, by its name (the grammar is in opskit.grammar.policy).
HANDLERS: dict[str, Handler] = {
    "policy new": _new,
    **{
        f"policy {name}": _step
        for name in ("revise", "plan", "propose", "set", "send-back", "withdraw")
    },
    "policy list": _list,
    "policy show": _show,
    "policy regulation add": _add,
    "policy regulation review": _review,
    "check policy": _check,
}
