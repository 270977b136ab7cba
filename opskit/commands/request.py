"""``opskit request ...``, ``opskit check requests`` and the request documents."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.outcome import Outcome

# Options of a step command that become the step's values.
VALUES = {"to": "assignee", "category": "category", "urgency": "urgency", "impact": "impact"}


def _new(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.requests import new
    from opskit.helpdesk.records import NewRequest
    from opskit.identity import terminal_actor
    from opskit.result import utc_now
    from opskit.timeutil import parse_moment

    actor = terminal_actor(context.config, args.by)
    arrived = None
    if args.arrived:
        try:
            arrived = parse_moment(args.arrived, utc_now(), context.timezone)
        except ValueError as error:
            raise UsageError(f"--arrived: {error}") from None
    requester = terminal_actor(context.config, args.requester or args.by)
    form = NewRequest(
        requester=requester.name,
        requester_login=requester.login,
        unit=args.unit,
        contact=args.contact,
        subject=args.subject,
        description=args.description,
        arrived_at=arrived,
        incident_id=args.incident,
    )
    return new(context, actor, form, attach=args.attach)


def _from_incident(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.requests import from_incident
    from opskit.identity import terminal_actor

    actor = terminal_actor(context.config, args.by)
    return from_incident(context, args.incident, actor, description=args.description)


def _step(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.requests import take
    from opskit.identity import terminal_actor

    command = args.command_name.split()[-1]
    step = command
    note = getattr(args, "note", None)
    if getattr(args, "reject", False):
        step, note = "reject", args.reason
        if not (note or "").strip():
            raise UsageError("a rejection needs --reason TEXT")
    elif command in ("reject", "reopen"):
        note = args.reason
    elif command == "handle":
        step = "handle" if args.done else "work"
    values = {
        value: getattr(args, option) for option, value in VALUES.items() if hasattr(args, option)
    }
    return take(
        context,
        args.request,
        step,
        terminal_actor(context.config, args.by),
        note=note,
        values=values,
        attach=args.attach,
    )


def _list(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.requests import listing
    from opskit.identity import terminal_actor

    waiting = terminal_actor(context.config, args.waiting_for) if args.waiting_for else None
    return listing(context, state=args.state, waiting_for=waiting, limit=args.limit)


def _show(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.requests import show

    return show(context, args.request)


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.requests_check import check_requests

    return check_requests(context)


def _document(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.request_documents import write

    kind = args.command_name.split()[-1]
    return write(
        context,
        kind,
        request_id=getattr(args, "request", None),
        register=getattr(args, "register", None),
        month=getattr(args, "month", None),
        language=getattr(args, "lang", None),
        formats=args.formats.split(","),
        out=args.out,
    )


# What each command runs, by its name (the grammar is in opskit.grammar.request).
HANDLERS: dict[str, Handler] = {
    "request new": _new,
    "request from-incident": _from_incident,
    **{
        f"request {name}": _step
        for name in (
            "dispose",
            "study",
            "classify",
            "verify",
            "prioritise",
            "consider",
            "approve",
            "handle",
            "close",
            "reopen",
            "reject",
        )
    },
    "request list": _list,
    "request show": _show,
    "check requests": _check,
    "report request-form": _document,
    "report disposition": _document,
    "report requests": _document,
}
