"""``opskit check requests``: which IT service requests wait past the SOP's time standards.

Every open request gives a result: OK while its pending step is within its
standard (or nothing timed is pending), WARNING once it is late, CRITICAL
once it is late by more than ``procedures.critical_after_hours`` office
hours, so the incident machinery takes over from there. A request that was
closed or rejected while an incident was open about it gives an OK result,
which resolves that incident. The people holding a late step are reminded
(once, then every ``procedures.reminder_every_hours`` office hours).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from opskit import incidents, notify
from opskit.actions.requests import procedure_for
from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.helpdesk import records
from opskit.helpdesk.model import PROCEDURE, ServiceRequest
from opskit.outcome import Outcome
from opskit.procedures import engine, reminders, timing
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure
from opskit.reports.i18n import Words
from opskit.result import Metric, Result, Status, utc_now
from opskit.store import Store

CHECK_ID = "requests.late"


def check_requests(context: AppContext, now: datetime | None = None) -> Outcome:
    """One result per open request, reminders for late steps; recorded like every check."""
    config, store, now = context.config, context.store(), now or utc_now()
    chosen, clock = procedure_for(config), OfficeClock.of(config)
    open_states = [name for name, state in chosen.states.items() if not state.final]
    limit = timedelta(hours=config.procedures.critical_after_hours)
    results, late = [], []
    current = records.listing(store, states=open_states)
    for request in current:
        waiting = timing.waiting(chosen, request.state, request.entered_at, clock, now)
        results.append(_result(chosen, request, waiting, limit, now))
        if waiting is not None and waiting.late:
            late.append((request, waiting))
    results += _closed_since(store, {request.number for request in current}, now)
    messages = remind(config, store, chosen=chosen, clock=clock, late=late, now=now)
    if not current:
        messages.append("no open requests")
    return Outcome(command="check requests", results=results, messages=messages, record=True)


def remind(
    config: Config,
    store: Store,
    *,
    chosen: Procedure,
    clock: OfficeClock,
    late: list[tuple[ServiceRequest, timing.Waiting]],
    now: datetime,
) -> list[str]:
    """Queue the reminders due now for the people holding each late step."""
    from opskit.reports.documents.common import words_for

    every = timedelta(hours=config.procedures.reminder_every_hours)
    due = reminders.claim(
        store,
        PROCEDURE,
        [reminders.Late(request.id, request.entered_position) for request, _ in late],
        clock=clock,
        every=every,
        now=now,
    )
    words = words_for(config)
    messages = []
    for request, waiting in late:
        if request.id not in due:
            continue
        names = engine.holders(
            config, chosen, request.state, waiting.step, relations=request.relations
        )
        subject, body = reminder_text(
            config, chosen, request, waiting, number=due[request.id], words=words
        )
        queued = notify.queue_message(
            store,
            config,
            names,
            kind="request-reminder",
            subject=subject,
            body=body,
            reference=str(request.id),
            now=now,
        )
        whom = ", ".join(names) or "nobody (no person in people[] may take the step)"
        messages.append(
            f"request {request.id}: reminder {due[request.id]} to {whom}"
            + ("" if queued else " (none of them has a notification channel)")
        )
    return messages


def reminder_text(
    config: Config,
    chosen: Procedure,
    request: ServiceRequest,
    waiting: timing.Waiting,
    *,
    number: int,
    words: Words,
) -> tuple[str, str]:
    step = chosen.steps[waiting.step]
    values = {
        "organisation": config.organisation.display_name,
        "number": request.number,
        "step": step.title(words.language),
        "sop": step.sop or "-",
        "requester": request.requester,
        "unit": request.unit,
        "subject": request.subject,
        "since": words.datetime(waiting.since),
        "due": words.datetime(waiting.due),
        "late": words.duration(waiting.late_by.total_seconds()),
        "reminder": number,
    }
    body = words("requests.reminder.body", **values)
    if config.console.public_url:
        body += "\n" + words(
            "requests.reminder.link",
            url=f"{config.console.public_url.rstrip('/')}/requests/{request.id}",
        )
    return words("requests.reminder.subject", **values), body


def _result(
    chosen: Procedure,
    request: ServiceRequest,
    waiting: timing.Waiting | None,
    limit: timedelta,
    now: datetime,
) -> Result:
    state = chosen.states[request.state].title.en.lower()
    evidence: dict[str, object] = {
        "request": request.id,
        "number": request.number,
        "state": request.state,
        "subject": request.subject,
    }
    if waiting is None:
        return Result(
            CHECK_ID,
            request.number,
            Status.OK,
            f"{state}; no timed step pending",
            evidence=evidence,
            sop_row="B9",
            observed_at=now,
        )
    step = chosen.steps[waiting.step]
    late_minutes = waiting.late_by.total_seconds() / 60
    evidence.update(
        step=waiting.step,
        since=waiting.since.isoformat(),
        due=waiting.due.isoformat(),
        standard=str(waiting.standard),
    )
    if not waiting.late:
        status = Status.OK
        summary = f"waits for '{step.title.en}' within its standard ({waiting.standard})"
    else:
        status = Status.CRITICAL if waiting.late_by > limit else Status.WARNING
        summary = (
            f"'{step.title.en}' is late by {_minutes(waiting.late_by)} of office time "
            f"(standard {waiting.standard})"
        )
    return Result(
        CHECK_ID,
        request.number,
        status,
        summary,
        evidence=evidence,
        metrics=(Metric("late_minutes", round(late_minutes, 1), "min"),),
        sop_row=step.sop,
        observed_at=now,
    )


def _closed_since(store: Store, open_numbers: set[str], now: datetime) -> list[Result]:
    """OK for requests an incident is still open about but which are no longer open."""
    found = []
    for incident in incidents.listing(store, open_only=True, limit=10_000):
        if incident.check_id == CHECK_ID and incident.target not in open_numbers:
            found.append(
                Result(
                    CHECK_ID,
                    incident.target,
                    Status.OK,
                    "no longer open (closed or rejected)",
                    sop_row=incident.sop_row,
                    observed_at=now,
                )
            )
    return found


def _minutes(amount: timedelta) -> str:
    minutes = round(amount.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
