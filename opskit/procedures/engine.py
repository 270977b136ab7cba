"""Moving an instance of a procedure through its steps, and its record in the store.

Every step is checked and written inside the caller's write transaction:
the state it is taken in, who takes it (the role table, then the instance's
relations: requester, assignee, the holder of the pending step), what it
must carry. It is appended to ``procedure_steps`` (never changed: the
database refuses) with an entry in the audit trail, and the instance's
current state moves with it, so two people acting at once cannot both take
a step from the same state.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from opskit import audit
from opskit.config.schema import Config
from opskit.errors import NotFoundError, RefusedError, StoreError, UsageError
from opskit.identity import Actor
from opskit.masking import mask
from opskit.permissions import may, require, role_words
from opskit.procedures.definition import ANYONE, ASSIGNEE, PENDING, REQUESTER, Procedure
from opskit.store import Store, from_text, to_text
from opskit.store.database import Connection, Row
from opskit.text import Message

Relations = Mapping[str, frozenset[str]]  # relation -> names and logins, case-folded


@dataclass(frozen=True)
class Attachment:
    id: int
    position: int
    name: str
    media_type: str
    size: int
    sha256: str
    stored: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "position": self.position,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class Record:
    """One step taken: which, from and to which state, who, from which edge, when, what."""

    position: int
    step: str
    from_state: str | None
    to_state: str
    actor: str
    login: str | None
    roles: tuple[str, ...]
    edge: str
    at: datetime
    note: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "step": self.step,
            "from": self.from_state,
            "to": self.to_state,
            "actor": self.actor,
            "login": self.login,
            "roles": list(self.roles),
            "edge": self.edge,
            "at": self.at.isoformat(),
            "note": self.note,
            "fields": self.fields,
            "attachments": [item.to_dict() for item in self.attachments],
        }


@dataclass(frozen=True)
class Instance:
    """Where an instance stands, and every step it took."""

    procedure: str
    id: int
    state: str
    entered_at: datetime
    entered_position: int
    started_at: datetime
    updated_at: datetime
    records: tuple[Record, ...] = ()


def open_instance(
    connection: Connection,
    procedure: Procedure,
    instance_id: int,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    fields: dict[str, Any] | None = None,
    detail: str | None = None,
) -> Record:
    """Start ``instance_id`` with the procedure's first step (the caller checked who may)."""
    step = procedure.start
    target = cast(str, procedure.steps[step].to)
    connection.execute(
        "INSERT INTO procedure_instances (procedure, instance, state, entered_at,"
        " entered_position, started_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
        (procedure.name, instance_id, target, to_text(now), to_text(now), to_text(now)),
    )
    record = _append(
        connection,
        procedure,
        instance_id,
        position=1,
        step=step,
        from_state=None,
        to_state=target,
        actor=actor,
        now=now,
        note=note,
        fields=fields or {},
    )
    audit.record(
        connection,
        actor,
        procedure.steps[step].audit or f"{procedure.definition.action}.{step}",
        now,
        object=f"{procedure.definition.action}:{instance_id}",
        detail=detail if detail is not None else note,
    )
    return record


def take(
    connection: Connection,
    config: Config,
    procedure: Procedure,
    instance_id: int,
    *,
    step: str,
    actor: Actor,
    now: datetime,
    label: str,
    note: str | None = None,
    fields: dict[str, Any] | None = None,
    relations: Relations | None = None,
    detail: str | None = None,
) -> Record:
    """Take ``step`` on the instance; raises RefusedError (state, role) or UsageError (needs)."""
    state = current_state(connection, procedure, instance_id, label)
    reason = refusal(config, procedure, state, step, actor, relations=relations or {}, label=label)
    if reason is not None:
        raise reason
    return advance(
        connection,
        procedure,
        instance_id,
        step=step,
        actor=actor,
        now=now,
        label=label,
        note=note,
        fields=fields,
        detail=detail,
    )


def advance(
    connection: Connection,
    procedure: Procedure,
    instance_id: int,
    *,
    step: str,
    actor: Actor,
    now: datetime,
    label: str,
    note: str | None = None,
    fields: dict[str, Any] | None = None,
    detail: str | None = None,
) -> Record:
    """Record ``step`` after checking the state and what it must carry, not who takes it
    (``take`` asks the role table first; a caller of this has)."""
    chosen = procedure.step(step)
    state = current_state(connection, procedure, instance_id, label)
    if state not in chosen.from_:
        raise _out_of_turn(procedure, state, step, label)
    note = (note or "").strip() or None
    for need in chosen.needs:
        if note is None:
            raise UsageError(
                Message("refusal.needs", step=_said(chosen.title), need=Message(f"refusal.{need}")),
                code=f"needs-{need}",
            )
    last = connection.execute(
        "SELECT MAX(position) FROM procedure_steps WHERE procedure = ? AND instance = ?",
        (procedure.name, instance_id),
    ).fetchone()[0]
    position = int(last or 0) + 1
    target = chosen.to or state
    if target != state:
        connection.execute(
            "UPDATE procedure_instances SET state = ?, entered_at = ?, entered_position = ?,"
            " updated_at = ? WHERE procedure = ? AND instance = ?",
            (target, to_text(now), position, to_text(now), procedure.name, instance_id),
        )
    else:
        connection.execute(
            "UPDATE procedure_instances SET updated_at = ? WHERE procedure = ? AND instance = ?",
            (to_text(now), procedure.name, instance_id),
        )
    record = _append(
        connection,
        procedure,
        instance_id,
        position=position,
        step=step,
        from_state=state,
        to_state=target,
        actor=actor,
        now=now,
        note=note,
        fields=fields or {},
    )
    audit.record(
        connection,
        actor,
        chosen.audit or f"{procedure.definition.action}.{step}",
        now,
        object=f"{procedure.definition.action}:{instance_id}",
        detail=detail if detail is not None else note,
    )
    return record


def current_state(
    connection: Connection, procedure: Procedure, instance_id: int, label: str
) -> str:
    row = connection.execute(
        "SELECT state FROM procedure_instances WHERE procedure = ? AND instance = ?",
        (procedure.name, instance_id),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no {label} in history")
    return str(row["state"])


def refusal(
    config: Config,
    procedure: Procedure,
    state: str,
    step: str,
    actor: Actor,
    *,
    relations: Relations,
    label: str,
) -> RefusedError | None:
    """Why ``actor`` may not take ``step`` on an instance in ``state``, or None.

    The state first (nobody may take a step out of turn), then the role
    table, then the instance's relations.
    """
    chosen = procedure.step(step)
    if state not in chosen.from_:
        return _out_of_turn(procedure, state, step, label)
    action = procedure.action(step)
    try:
        require(config, actor, action)
    except RefusedError as error:
        return error
    written = procedure.roles(config, step)
    if ANYONE in written or written & actor.roles:
        return None
    who = _identities(actor)
    for relation in (REQUESTER, ASSIGNEE):
        if relation in written and who & relations.get(relation, frozenset()):
            return None
    if PENDING in written:
        waiting = procedure.due(state)
        if waiting is not None and may_take(
            config, procedure, state, waiting, actor, relations=relations
        ):
            return None
    return RefusedError(
        Message(
            "refusal.not_yours",
            name=actor.name,
            step=_said(chosen.title),
            label=label,
            who=_who_may(config, procedure, state, step),
        ),
        code="not-yours",
    )


def may_take(
    config: Config,
    procedure: Procedure,
    state: str,
    step: str,
    actor: Actor,
    *,
    relations: Relations,
) -> bool:
    """Whether ``actor`` may take ``step`` now (for showing a step's form)."""
    if state not in procedure.steps[step].from_ or not may(config, actor, procedure.action(step)):
        return False
    return refusal(config, procedure, state, step, actor, relations=relations, label="") is None


def steps_open_to(
    config: Config, procedure: Procedure, state: str, actor: Actor, *, relations: Relations
) -> list[str]:
    """The steps ``actor`` may take now in ``state`` (the forms a page offers them)."""
    return [
        step
        for step in procedure.possible(state)
        if may_take(config, procedure, state, step, actor, relations=relations)
    ]


def holders(
    config: Config, procedure: Procedure, state: str, step: str, *, relations: Relations
) -> list[str]:
    """The names of the people in people[] who may take ``step`` in ``state`` (for reminders)."""
    names = []
    for person in config.people:
        actor = Actor.of(person, "console")
        if may_take(config, procedure, state, step, actor, relations=relations):
            names.append(person.name)
    return names


def get(store: Store, procedure: str, instance_id: int) -> Instance:
    """The instance with every step and attachment; raises NotFoundError."""
    rows = store.read(
        "SELECT * FROM procedure_instances WHERE procedure = ? AND instance = ?",
        (procedure, instance_id),
    )
    if not rows:
        raise NotFoundError(f"no {procedure} {instance_id} in history ({store.path})")
    files: dict[int, list[Attachment]] = {}
    for item in store.read(
        "SELECT * FROM procedure_attachments WHERE procedure = ? AND instance = ? ORDER BY id",
        (procedure, instance_id),
    ):
        files.setdefault(item["position"], []).append(_attachment(item))
    records = tuple(
        _record(item, files.get(item["position"], []))
        for item in store.read(
            "SELECT * FROM procedure_steps WHERE procedure = ? AND instance = ? ORDER BY position",
            (procedure, instance_id),
        )
    )
    return _instance(rows[0], records)


def states(store: Store, procedure: str, ids: list[int] | None = None) -> dict[int, Instance]:
    """Every instance's current state (without its steps), by id."""
    rows = store.read("SELECT * FROM procedure_instances WHERE procedure = ?", (procedure,))
    wanted = set(ids) if ids is not None else None
    return {
        row["instance"]: _instance(row, ())
        for row in rows
        if wanted is None or row["instance"] in wanted
    }


def steps_of(store: Store, procedure: str, ids: list[int]) -> dict[int, list[Record]]:
    """The steps of many instances at once, by id (for registers and recaps)."""
    found: dict[int, list[Record]] = {instance: [] for instance in ids}
    for row in store.read(
        "SELECT * FROM procedure_steps WHERE procedure = ? ORDER BY instance, position",
        (procedure,),
    ):
        if row["instance"] in found:
            found[row["instance"]].append(_record(row, []))
    return found


def attach(
    connection: Connection,
    procedure: str,
    instance_id: int,
    *,
    position: int,
    files: list[tuple[str, str, int, str, str]],
    now: datetime,
) -> None:
    """Record files (name, media type, size, sha256, stored path) attached to a step."""
    connection.executemany(
        "INSERT INTO procedure_attachments (procedure, instance, position, name, media_type,"
        " size, sha256, stored, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(procedure, instance_id, position, *item, to_text(now)) for item in files],
    )


def _out_of_turn(procedure: Procedure, state: str, step: str, label: str) -> RefusedError:
    chosen = procedure.steps[step]
    waiting = procedure.due(state)
    return RefusedError(
        Message(
            "refusal.out_of_turn",
            label=label,
            state=_said(procedure.states[state].title, lower=True),
            waiting=Message("refusal.waits_for", step=_said(procedure.steps[waiting].title))
            if waiting
            else "",
            step=_said(chosen.title),
            allowed=[_said(procedure.states[name].title, lower=True) for name in chosen.from_]
            or "-",
        ),
        code="wrong-state",
    )


def _who_may(config: Config, procedure: Procedure, state: str, step: str) -> list[Any]:
    """Who may take ``step``: roles by their key, the instance's relations in words."""
    due = procedure.due(state)
    words: dict[str, Any] = {
        REQUESTER: Message("refusal.requester"),
        ASSIGNEE: Message("refusal.assignee"),
        PENDING: Message("refusal.pending_step", step=_said(procedure.steps[due].title))
        if due
        else Message("refusal.pending"),
    }
    return [
        words[role] if role in words else role_words(role)
        for role in sorted(procedure.roles(config, step))
    ]


def step_taken(procedure: Procedure, label: str, step: str, actor: Actor, state: str) -> Message:
    """What a step taken says: ``content item 3: 'Approve' by Rahmat; now approved``."""
    return Message(
        "procedure.step_taken",
        label=label,
        step=_said(procedure.steps[step].title),
        name=actor.name,
        edge=Message("procedure.from_terminal") if actor.edge == "terminal" else "",
        state=_said(procedure.states[state].title, lower=True),
    )


def standard_said(standard: Any) -> Message:
    """A time standard as people say it: working days, or hours and minutes of office time."""
    if standard.days:
        return Message("requests.days", count=standard.days)
    return Message("procedure.office_time", seconds=standard.minutes * 60)


def _said(title: Any, lower: bool = False) -> dict[str, str]:
    """A procedure's text (a state, a step) as a message parameter in both languages."""
    return {
        language: text.lower() if lower else text for language, text in title.model_dump().items()
    }


def _identities(actor: Actor) -> frozenset[str]:
    names = {" ".join(actor.name.split()).casefold()}
    if actor.login:
        names.add(actor.login.casefold())
    return frozenset(names)


def identities(*names: str | None) -> frozenset[str]:
    """Names and logins as relations hold them (case and spacing ignored)."""
    return frozenset(" ".join(name.split()).casefold() for name in names if name)


def _append(
    connection: Connection,
    procedure: Procedure,
    instance_id: int,
    *,
    position: int,
    step: str,
    from_state: str | None,
    to_state: str,
    actor: Actor,
    now: datetime,
    note: str | None,
    fields: dict[str, Any],
) -> Record:
    try:
        connection.execute(
            "INSERT INTO procedure_steps (procedure, instance, position, step, from_state,"
            " to_state, actor, login, roles, edge, at, note, fields)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                procedure.name,
                instance_id,
                position,
                step,
                from_state,
                to_state,
                actor.name,
                actor.login,
                json.dumps(sorted(actor.roles)),
                actor.edge,
                to_text(now),
                mask(note) if note else None,
                json.dumps(fields, ensure_ascii=False, sort_keys=True),
            ),
        )
    except connection.IntegrityError as error:
        raise StoreError(f"cannot record the step {step}: {error}") from None
    return Record(
        position,
        step,
        from_state,
        to_state,
        actor.name,
        actor.login,
        tuple(sorted(actor.roles)),
        actor.edge,
        now,
        note,
        fields,
    )


def _record(row: Row, files: list[Attachment]) -> Record:
    return Record(
        position=row["position"],
        step=row["step"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        actor=row["actor"],
        login=row["login"],
        roles=tuple(json.loads(row["roles"])),
        edge=row["edge"],
        at=_when(row["at"]),
        note=row["note"],
        fields=json.loads(row["fields"]),
        attachments=tuple(files),
    )


def _attachment(row: Row) -> Attachment:
    return Attachment(
        id=row["id"],
        position=row["position"],
        name=row["name"],
        media_type=row["media_type"],
        size=row["size"],
        sha256=row["sha256"],
        stored=row["stored"],
        at=_when(row["at"]),
    )


def _instance(row: Row, records: tuple[Record, ...]) -> Instance:
    return Instance(
        procedure=row["procedure"],
        id=row["instance"],
        state=row["state"],
        entered_at=_when(row["entered_at"]),
        entered_position=row["entered_position"],
        started_at=_when(row["started_at"]),
        updated_at=_when(row["updated_at"]),
        records=records,
    )


def _when(text: str) -> datetime:
    moment = from_text(text)
    if moment is None:
        raise StoreError(f"a procedure record has no time: {text!r}")
    return moment
