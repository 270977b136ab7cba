"""Incidents: a check on a target that went CRITICAL, until it is OK again.

Opening, reminding and resolving happen in one write transaction per run,
and a unique index allows one open incident per check and target, so two
opskit processes never open the same incident twice and nobody is told
twice. WARNING and UNKNOWN keep an open incident open (not yet recovered)
but never open one: warnings go to the daily report instead. Once someone
acknowledged an incident, reminders wait for its status to change (or
come at their own, longer, interval): the people on it know already.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from opskit.errors import NotFoundError, UsageError
from opskit.masking import mask
from opskit.result import Result, Status
from opskit.store import Store, from_text, to_text
from opskit.store.database import Connection, Row
from opskit.text import Message, message_from, message_json

if TYPE_CHECKING:
    from opskit.identity import Actor

EventKind = Literal["opened", "reminder", "resolved"]

# Summaries of other results: their findings raise the incidents, not they.
DERIVED_CHECKS = frozenset({"security.score"})


@dataclass(frozen=True)
class Incident:
    id: int
    check_id: str
    target: str
    state: str
    status: Status
    summary: str
    problem: str
    sop_row: str | None
    opened_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None
    last_notified_at: datetime | None
    reminders: int

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def duration_seconds(self, now: datetime) -> float:
        return ((self.resolved_at or now) - self.opened_at).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "check_id": self.check_id,
            "target": self.target,
            "state": self.state,
            "status": self.status.value,
            "summary": str(self.summary),
            "message": self.summary.to_dict() if isinstance(self.summary, Message) else None,
            "problem": str(self.problem),
            "problem_message": self.problem.to_dict()
            if isinstance(self.problem, Message)
            else None,
            "sop_row": self.sop_row,
            "opened_at": self.opened_at.isoformat(),
            "last_seen_at": self.last_seen_at.isoformat(),
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            "reminders": self.reminders,
        }


@dataclass(frozen=True)
class Note:
    at: datetime
    kind: str
    author: str | None
    note: str
    edge: str = "terminal"


@dataclass(frozen=True)
class Event:
    """Something people must be told about."""

    kind: EventKind
    incident: Incident


def open_on(store: Store, results: Iterable[Result]) -> bool:
    """Whether an incident is open on the check and target of any of ``results``."""
    return any(
        store.read(
            "SELECT 1 FROM incidents WHERE check_id = ? AND target = ? AND state = 'open' LIMIT 1",
            (result.check_id, result.target),
        )
        for result in results
    )


def process(
    store: Store,
    results: Iterable[Result],
    now: datetime,
    remind_every: timedelta,
    remind_acknowledged: timedelta | None = None,
) -> list[Event]:
    """Open, remind and resolve incidents from one run's results; returns what to announce.

    An acknowledged incident whose status has not changed since is reminded
    every ``remind_acknowledged``, or not at all when it is None.
    """
    reminders = (remind_every, remind_acknowledged)
    events: list[tuple[EventKind, int]] = []
    with store.transaction() as connection:
        for result in results:
            if result.check_id in DERIVED_CHECKS:
                continue
            row = connection.execute(
                "SELECT * FROM incidents WHERE check_id = ? AND target = ? AND state = 'open'",
                (result.check_id, result.target),
            ).fetchone()
            event = _apply(connection, row, result, now=now, reminders=reminders)
            if event is not None:
                events.append(event)
                _note(connection, event[1], at=now, kind="event", author=None, note=event[0])
    return [Event(kind, get(store, incident_id)) for kind, incident_id in events]


def _apply(
    connection: Connection,
    row: Row | None,
    result: Result,
    *,
    now: datetime,
    reminders: tuple[timedelta, timedelta | None],
) -> tuple[EventKind, int] | None:
    seen = to_text(result.observed_at)
    if row is None:
        if result.status is not Status.CRITICAL:
            return None
        cursor = connection.execute(
            "INSERT INTO incidents (check_id, target, state, status, summary, problem, sop_row,"
            " opened_at, last_seen_at, last_notified_at, summary_message, problem_message)"
            " VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                result.check_id,
                result.target,
                result.status.value,
                mask(result.summary),
                mask(result.summary),
                result.sop_row,
                seen,
                seen,
                to_text(now),
                message_json(result.summary),
                message_json(result.summary),
            ),
        )
        return "opened", int(cursor.fetchone()[0])
    incident_id = int(row["id"])
    if result.status is Status.OK:
        connection.execute(
            "UPDATE incidents SET state = 'resolved', status = ?, summary = ?, last_seen_at = ?,"
            " resolved_at = ?, summary_message = ? WHERE id = ?",
            (
                result.status.value,
                mask(result.summary),
                seen,
                seen,
                message_json(result.summary),
                incident_id,
            ),
        )
        return "resolved", incident_id
    connection.execute(
        "UPDATE incidents SET status = ?, summary = ?, last_seen_at = ?, summary_message = ?"
        " WHERE id = ?",
        (
            result.status.value,
            mask(result.summary),
            seen,
            message_json(result.summary),
            incident_id,
        ),
    )
    if row["status"] != result.status.value:
        _note(
            connection,
            incident_id,
            at=now,
            kind="change",
            author=None,
            note=f"{row['status']} -> {result.status.value}",
        )
    last = from_text(row["last_notified_at"])
    remind_every, remind_acknowledged = reminders
    acknowledged = _acknowledged_unchanged(connection, incident_id)
    if acknowledged is not None:
        if remind_acknowledged is None:
            return None
        remind_every, last = remind_acknowledged, max(last or acknowledged, acknowledged)
    if last is None or now - last >= remind_every:
        connection.execute(
            "UPDATE incidents SET last_notified_at = ?, reminders = reminders + 1 WHERE id = ?",
            (to_text(now), incident_id),
        )
        return "reminder", incident_id
    return None


def _acknowledged_unchanged(connection: Connection, incident_id: int) -> datetime | None:
    """When the incident was last acknowledged, if its status has not changed since."""
    latest = {
        row["kind"]: row["at"]
        for row in connection.execute(
            "SELECT kind, MAX(at) AS at FROM incident_notes"
            " WHERE incident_id = ? AND kind IN ('ack', 'change') GROUP BY kind",
            (incident_id,),
        )
    }
    acknowledged, changed = latest.get("ack"), latest.get("change")
    if acknowledged is None or (changed is not None and changed > acknowledged):
        return None
    return _when(acknowledged)


def get(store: Store, incident_id: int) -> Incident:
    rows = store.read("SELECT * FROM incidents WHERE id = ?", (incident_id,))
    if not rows:
        raise NotFoundError(f"no incident {incident_id} in history ({store.path})")
    return _incident(rows[0])


def listing(
    store: Store,
    open_only: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[Incident]:
    """Incidents, newest first; ``since``/``until`` select those overlapping the period."""
    query = "SELECT * FROM incidents WHERE 1 = 1"
    parameters: list[Any] = []
    if open_only:
        query += " AND state = 'open'"
    if until is not None:
        query += " AND opened_at < ?"
        parameters.append(to_text(until))
    if since is not None:
        query += " AND (resolved_at IS NULL OR resolved_at >= ?)"
        parameters.append(to_text(since))
    query += " ORDER BY opened_at DESC, id DESC LIMIT ?"
    parameters.append(limit)
    return [_incident(row) for row in store.read(query, parameters)]


def acknowledge(
    store: Store, incident_id: int, by: Actor, note: str, now: datetime, *, kind: str = "ack"
) -> Incident:
    """Record who took the problem on and what they did (the follow-up in reports).

    ``kind`` "note" adds a remark without taking the incident on.
    """
    # Loaded here, not by every run that records results and only looks for incidents.
    from opskit import audit

    if not by.name.strip() or not note.strip():
        raise UsageError("an acknowledgement needs --by NAME and --note TEXT")
    incident = get(store, incident_id)
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO incident_notes (incident_id, at, kind, author, note, edge, login)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (incident.id, to_text(now), kind, by.name.strip(), note.strip(), by.edge, by.login),
        )
        action = "incidents.acknowledge" if kind == "ack" else "incidents.annotate"
        audit.record(connection, by, action, now, object=f"incident:{incident.id}", detail=note)
    return incident


def notes(store: Store, incident_id: int) -> list[Note]:
    rows = store.read(
        "SELECT * FROM incident_notes WHERE incident_id = ? ORDER BY at, id", (incident_id,)
    )
    return [
        Note(_when(row["at"]), row["kind"], row["author"], row["note"], row["edge"]) for row in rows
    ]


def _note(
    connection: Connection,
    incident_id: int,
    *,
    at: datetime,
    kind: str,
    author: str | None,
    note: str,
) -> None:
    connection.execute(
        "INSERT INTO incident_notes (incident_id, at, kind, author, note) VALUES (?, ?, ?, ?, ?)",
        (incident_id, to_text(at), kind, author, note),
    )


def _incident(row: Row) -> Incident:
    return Incident(
        id=row["id"],
        check_id=row["check_id"],
        target=row["target"],
        state=row["state"],
        status=Status(row["status"]),
        summary=message_from(row["summary_message"]) or row["summary"],
        problem=message_from(row["problem_message"]) or row["problem"] or row["summary"],
        sop_row=row["sop_row"],
        opened_at=_when(row["opened_at"]),
        last_seen_at=_when(row["last_seen_at"]),
        resolved_at=from_text(row["resolved_at"]),
        last_notified_at=from_text(row["last_notified_at"]),
        reminders=row["reminders"],
    )


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)
