"""The incident report, "Laporan Situasi dan Kondisi" (SOP F5, F6, F7)."""

from __future__ import annotations

from datetime import datetime

from opskit import incidents
from opskit.catalog import runbook
from opskit.config.schema import Config
from opskit.incidents import Incident
from opskit.reports.documents.common import check_title, signatures
from opskit.reports.i18n import Words
from opskit.reports.render import Document
from opskit.store import Store


def build(
    config: Config, store: Store, incident: Incident, *, event: str, words: Words, now: datetime
) -> Document:
    """The report for ``incident`` at ``event`` (opened, reminder, resolved or on demand)."""
    title = check_title(incident.check_id, words)
    latest = store.recent(incident.check_id, incident.target, limit=1)
    book = runbook(incident.check_id)
    history = incidents.notes(store, incident.id)
    since = words.datetime(incident.opened_at)
    duration = words.duration(incident.duration_seconds(now))
    target = words.target(incident.target)
    values = {
        "organisation": config.organisation.display_name,
        "check": title,
        "target": target,
    }
    subject_key = {
        "opened": "subject_opened",
        "reminder": "subject_reminder",
        "resolved": "subject_resolved",
    }.get(event, "subject_opened")
    chat_key = {"reminder": "chat_reminder", "resolved": "chat_resolved"}.get(event, "chat_opened")
    state = (
        words("incident.resolved", time=words.datetime(incident.resolved_at), duration=duration)
        if incident.resolved_at
        else words("incident.open")
    )
    return Document(
        kind="incident",
        template="incident.html.j2",
        title=words("incident.title"),
        number="",
        stem=f"incident-{incident.id}-{event}",
        subject=words(f"incident.{subject_key}", **values),
        chat_text=words(
            f"incident.{chat_key}",
            check=title,
            target=target,
            since=since,
            summary=words.sentence(incident.summary),
            duration=duration,
        ),
        context={
            "incident": incident,
            "check_title": title,
            "since": since,
            "state_text": state,
            "latest": latest[0] if latest else None,
            "runbook": book,
            "follow_up": [note for note in history if note.kind == "ack"],
            "timeline": history,
        },
        signatures=signatures(config, "incident", words),
        raw=[(f"{title} — {target}", latest[0].evidence)] if latest else [],
    )
