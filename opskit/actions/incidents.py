"""Incidents and notification channels: list, acknowledge, test, outbox."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from opskit import incidents, notify
from opskit.catalog import sop_row
from opskit.context import AppContext
from opskit.errors import ConfigError
from opskit.identity import Actor
from opskit.outcome import Outcome
from opskit.permissions import require
from opskit.result import Result, Status, utc_now
from opskit.text import Message


def list_incidents(context: AppContext, open_only: bool, limit: int) -> Outcome:
    store, zone = context.store(), context.timezone
    rows = []
    now = utc_now()
    for incident in incidents.listing(store, open_only=open_only, limit=limit):
        row = incident.to_dict()
        row["opened_local"] = incident.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        row["duration_seconds"] = round(incident.duration_seconds(now))
        row["acknowledged"] = any(
            note.kind == "ack" for note in incidents.notes(store, incident.id)
        )
        rows.append(row)
    return Outcome(command="incidents", data={"incidents": rows}, view="incidents")


def acknowledge(
    context: AppContext, incident_id: int, by: Actor, note: str, kind: str = "ack"
) -> Outcome:
    """Take an incident on (``ack``) or add a remark to it (``note``), in ``by``'s name."""
    action = "incidents.acknowledge" if kind == "ack" else "incidents.annotate"
    require(context.config, by, action)
    incident = incidents.acknowledge(context.store(), incident_id, by, note, utc_now(), kind=kind)
    done = "acknowledged" if kind == "ack" else "annotated"
    messages = [
        f"incident {incident.id} ({incident.check_id} on {incident.target}): {done} by {by.name}"
    ]
    known = [person.name for person in context.config.people]
    if known and by.edge == "terminal" and by.name not in known:
        # Someone from outside (the provider's technician) may acknowledge; a typo should show.
        hint = difflib.get_close_matches(by.name, known, n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        messages.append(f"note: '{by.name}' is not in people[]{suggestion}")
    return Outcome(
        command="incidents ack", data={"incident": incident.to_dict()}, messages=messages
    )


def notify_test(context: AppContext, names: Sequence[str]) -> Outcome:
    """``notify.delivery``: send a test message through each channel of each chosen person."""
    config = context.config
    people = [person for person in config.people if not names or person.name in names]
    missing = sorted(set(names) - {person.name for person in people})
    if missing:
        raise ConfigError(f"not in people[]: {', '.join(missing)}")
    channels = {channel.name: channel for channel in config.notifications.channels}
    results = []
    for person in people:
        if not person.notify:
            results.append(
                Result(
                    "notify.delivery",
                    person.name,
                    Status.WARNING,
                    Message("notify_check.no_channel"),
                    sop_row=sop_row("notify.delivery"),
                )
            )
        for name in person.notify:
            error = notify.send_test(config, person, channels[name])
            results.append(
                Result(
                    "notify.delivery",
                    f"{person.name} via {name}",
                    Status.CRITICAL if error else Status.OK,
                    Message("notify_check.failed", detail=error)
                    if error
                    else Message("notify_check.accepted"),
                    evidence={"channel": name},
                    sop_row=sop_row("notify.delivery"),
                )
            )
    return Outcome(command="notify test", results=results)


def retry_outbox(context: AppContext) -> Outcome:
    """Try every failed or pending delivery now (e.g. after the mail server was fixed)."""
    attempted = notify.flush(
        context.store(), context.config, utc_now(), budget_seconds=600, waiting_too=True
    )
    failed = [delivery for delivery in attempted if delivery.state != "sent"]
    messages = [f"sent {len(attempted) - len(failed)} of {len(attempted)} waiting deliveries"]
    messages += [
        f"still failing: {item.recipient} via {item.channel}: {item.last_error}" for item in failed
    ]
    return Outcome(
        command="notify retry",
        data={"deliveries": [item.to_dict() for item in attempted]},
        messages=messages,
        status=Status.WARNING if failed else Status.OK,
    )


def show_outbox(context: AppContext, limit: int) -> Outcome:
    deliveries = [delivery.to_dict() for delivery in notify.outbox(context.store(), limit)]
    return Outcome(command="notify outbox", data={"deliveries": deliveries}, view="outbox")
