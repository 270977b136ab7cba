"""``opskit report ...``: write a document, and send it to the people routed to it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from opskit import incidents, notify
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.outcome import Outcome
from opskit.reports import written
from opskit.reports.documents import common, daily, handoff, recap, schedule
from opskit.reports.documents import incident as incident_document
from opskit.reports.i18n import Words
from opskit.reports.printer import Printer
from opskit.reports.render import FORMATS, Document, Rendered, render
from opskit.result import Status, utc_now

FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(text: str | None, now: datetime, context: AppContext) -> tuple[int, int]:
    """``2026-11``, or ``this`` (the default), ``previous`` or ``next`` month."""
    local = now.astimezone(context.timezone)
    shift = {None: 0, "": 0, "this": 0, "previous": -1, "next": 1}.get(text)
    if shift is not None:
        index = local.year * 12 + local.month - 1 + shift
        return index // 12, index % 12 + 1
    try:
        year, month = (int(part) for part in str(text).split("-"))
        date(year, month, 1)
    except ValueError:
        raise UsageError(
            f"--month {text!r}: use YEAR-MONTH (e.g. 2026-11), previous, this or next"
        ) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(f"--month {text!r}: the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return year, month


def parse_day(text: str | None, now: datetime, context: AppContext) -> date:
    if not text:
        return now.astimezone(context.timezone).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--date {text!r}: not a date of the calendar; use YEAR-MONTH-DAY, e.g. 2026-11-22"
        ) from None


@dataclass(frozen=True)
class Request:
    """What the admin asked for; each builder reads the fields it needs."""

    incident_id: int | None = None
    day: str | None = None
    month: str | None = None
    uat_run_id: int | None = None
    site: str | None = None
    court: str | None = None
    policy_id: int | None = None


def _incident(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    if request.incident_id is None:
        raise UsageError("report incident needs an incident id (see `opskit incidents`)")
    found = incidents.get(context.store(), request.incident_id)
    return incident_document.build(
        context.config, context.store(), found, event="report", words=words, now=now
    )


def _daily(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    return daily.build(
        context.config, context.store(), parse_day(request.day, now, context), words, now
    )


def _recap(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    year, month = parse_month(request.month, now, context)
    if request.court is not None:
        from opskit.reports.documents import courts_recap

        return courts_recap.build(
            context.config,
            context.store(),
            courts=courts_recap.chosen_courts(context.config, request.court),
            year=year,
            month=month,
            words=words,
            now=now,
        )
    return recap.build(
        context.config, context.store(), year=year, month=month, words=words, now=now
    )


def _schedule(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    year, month = parse_month(request.month, now, context)
    return schedule.build(context.config, year, month, words)


def _handoff(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    store = context.store()
    chosen = incidents.get(store, request.incident_id) if request.incident_id is not None else None
    return handoff.build(context.config, store, words=words, now=now, incident=chosen)


def _uat(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    from opskit.reports.documents import uat
    from opskit.uat import records

    if request.uat_run_id is None:
        raise UsageError("report uat needs a UAT run number (see `opskit uat list`)")
    run = records.get(context.store(), request.uat_run_id)
    return uat.build(context.config, run, words)


def _public_info(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    from opskit.actions.public_info import latest_audit
    from opskit.reports.documents import public_info

    result, catalogue = latest_audit(context, request.site)
    return public_info.build(context.config, result, catalogue, words=words)


def _policy(context: AppContext, words: Words, now: datetime, request: Request) -> Document:
    from opskit.policy import records as policy_records
    from opskit.reports.documents import policy

    if request.policy_id is None:
        raise UsageError("report policy needs a document number (see `opskit policy list`)")
    return policy.build(
        context.config, policy_records.get(context.store(), request.policy_id), words
    )


BUILDERS: dict[str, Callable[[AppContext, Words, datetime, Request], Document]] = {
    "incident": _incident,
    "daily": _daily,
    "recap": _recap,
    "schedule": _schedule,
    "handoff": _handoff,
    "uat": _uat,
    "public-info": _public_info,
    "policy": _policy,
}


def produce(
    context: AppContext,
    kind: str,
    request: Request,
    *,
    language: str | None = None,
    formats: Sequence[str] = FORMATS,
    out: str | None = None,
    send: bool = False,
    appendix: bool = False,
) -> Outcome:
    """Build one document, file it in the register, write it in each format, send it if asked.

    ``appendix`` adds the raw data of the checks behind the document.
    """
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    if kind not in BUILDERS:
        raise UsageError(f"unknown document {kind!r}")
    config, now = context.config, utc_now()
    # The PDF engine loads in its own process while the document's figures are read.
    with Printer(wanted="pdf" in formats) as printer:
        paper = common.stationery(config, language, appendix=appendix)
        document = BUILDERS[kind](context, paper.words, now, request)
        common.file_in_register(config, context.store(), document, now)
        output_dir = Path(out).expanduser() if out else config.output_dir
        rendered = render(
            document,
            paper,
            generated_at=now,
            output_dir=output_dir,
            formats=formats,
            printer=printer,
        )
    reference = str(
        request.incident_id
        or request.uat_run_id
        or request.day
        or request.month
        or request.site
        or request.policy_id
        or ""
    )
    written.record(
        context.store(), rendered, reference=reference, language=paper.words.language, now=now
    )
    return deliver(context, rendered, send, reference=reference)


def deliver(context: AppContext, rendered: Rendered, send: bool, reference: str) -> Outcome:
    """The Outcome for a written document; with ``send``, queue it and try the outbox now."""
    document = rendered.document
    messages = [f"wrote {path}" for path in rendered.paths.values()]
    data: dict[str, object] = {
        "document": document.kind,
        "number": document.number,
        "title": document.title,
        "subject": document.subject,
        "paths": {kind: str(path) for kind, path in rendered.paths.items()},
    }
    status = Status.OK
    if send:
        config, store, now = context.config, context.store(), utc_now()
        queued = notify.queue(store, config, rendered, reference, now)
        attempted = notify.flush(store, config, now)
        data["deliveries"] = [delivery.to_dict() for delivery in attempted]
        failed = [delivery for delivery in attempted if delivery.state != "sent"]
        messages.append(
            f"sent to {len(attempted) - len(failed)} of {len(attempted)} recipients"
            if queued
            else f"nobody is routed to receive {document.kind} documents"
        )
        messages += [
            f"delivery to {item.recipient} via {item.channel} failed: {item.last_error} "
            "(retried on later runs)"
            for item in failed
        ]
        status = Status.WARNING if failed or not queued else Status.OK
    return Outcome(command=f"report {document.kind}", data=data, messages=messages, status=status)
