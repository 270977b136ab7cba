"""Service requests in the store: registered with a number, moved step by step.

A request's own facts (register number, requester, category, priority) sit
in ``requests``; its state and every step taken are the procedure engine's.
Registering, and each step with the values it sets and the files attached
to it, are one write transaction; files are stored first and removed again
when that transaction fails, so nothing is ever half there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opskit.config.schema import Config
from opskit.errors import NotFoundError, StoreError, UsageError
from opskit.helpdesk import attachments
from opskit.helpdesk.model import PROCEDURE, ServiceRequest
from opskit.helpdesk.settings import request_settings
from opskit.identity import Actor
from opskit.masking import mask
from opskit.permissions import require
from opskit.procedures import engine
from opskit.procedures.definition import Procedure
from opskit.reports.i18n import roman_month
from opskit.store import Store, from_text, to_text
from opskit.store.database import Connection, Row

REGISTER_CODE = "PLTI"
# The values a step sets on the request, by step.
STEP_VALUES = {
    "dispose": ("assignee",),
    "classify": ("category",),
    "prioritise": ("urgency", "impact"),
}
SETTABLE = ("assignee", "category", "urgency", "impact", "priority")
LIMITS = {"requester": 200, "unit": 200, "contact": 200, "subject": 200, "description": 8000}


@dataclass(frozen=True)
class NewRequest:
    """What the form asks: who needs what, and when it arrived (default: when registered)."""

    requester: str
    unit: str
    contact: str
    subject: str
    description: str
    requester_login: str | None = None
    arrived_at: datetime | None = None
    incident_id: int | None = None


def create(
    store: Store,
    config: Config,
    procedure: Procedure,
    *,
    actor: Actor,
    new: NewRequest,
    uploads: list[attachments.Upload],
    now: datetime,
) -> ServiceRequest:
    """Register a request (B1) with its number; raises UsageError naming what is missing."""
    require(config, actor, procedure.action(procedure.start))
    given = _cleaned(new)
    arrived = new.arrived_at or now
    if arrived > now:
        raise UsageError("the request cannot arrive after it is registered (--arrived)")
    stored, added = attachments.store_files(uploads, config, procedure.name)
    try:
        with store.transaction() as connection:
            if (
                new.incident_id is not None
                and not connection.execute(
                    "SELECT 1 FROM incidents WHERE id = ?", (new.incident_id,)
                ).fetchone()
            ):
                raise NotFoundError(f"no incident {new.incident_id} in history")
            request_id = _insert(connection, config, given, new=new, arrived=arrived, now=now)
            record = engine.open_instance(
                connection,
                procedure,
                request_id,
                actor,
                now,
                fields={"arrived_at": to_text(arrived)},
                detail=given["subject"],
            )
            engine.attach(
                connection,
                procedure.name,
                request_id,
                position=record.position,
                files=[item.row() for item in stored],
                now=now,
            )
    except BaseException:
        attachments.discard(added)
        raise
    return get(store, request_id)


def take_step(
    store: Store,
    config: Config,
    procedure: Procedure,
    request_id: int,
    *,
    step: str,
    actor: Actor,
    now: datetime,
    note: str | None = None,
    values: dict[str, str] | None = None,
    uploads: list[attachments.Upload] | None = None,
) -> ServiceRequest:
    """Take ``step`` on the request with the values it sets; refused out of turn or role."""
    request = get(store, request_id)
    # Who and when first: a refusal says so before any value is asked for.
    refused = engine.refusal(
        config,
        procedure,
        request.state,
        step,
        actor,
        relations=request.relations,
        label=request.label,
    )
    if refused is not None:
        raise refused
    fields = step_values(config, procedure, step, values or {})
    stored, added = attachments.store_files(uploads or [], config, procedure.name)
    try:
        with store.transaction() as connection:
            record = engine.take(
                connection,
                config,
                procedure,
                request_id,
                step=step,
                actor=actor,
                now=now,
                label=request.label,
                note=note,
                fields=fields,
                relations=request.relations,
            )
            if fields:
                connection.execute(
                    "UPDATE requests SET assignee = COALESCE(?, assignee),"
                    " category = COALESCE(?, category), urgency = COALESCE(?, urgency),"
                    " impact = COALESCE(?, impact), priority = COALESCE(?, priority) WHERE id = ?",
                    (*(fields.get(name) for name in SETTABLE), request_id),
                )
            engine.attach(
                connection,
                procedure.name,
                request_id,
                position=record.position,
                files=[item.row() for item in stored],
                now=now,
            )
    except BaseException:
        attachments.discard(added)
        raise
    return get(store, request_id)


def step_values(
    config: Config, procedure: Procedure, step: str, values: dict[str, str]
) -> dict[str, str]:
    """The values ``step`` sets, checked; the priority follows from urgency and impact."""
    wanted = STEP_VALUES.get(step, ())
    settings = request_settings(procedure) if wanted else None
    fields: dict[str, str] = {}
    for name in wanted:
        value = (values.get(name) or "").strip()
        if not value:
            raise UsageError(f"'{procedure.steps[step].title.en}' needs --{name}")
        if name == "assignee":
            fields[name] = _person_name(config, value)[:200]
            continue
        choices = getattr(settings, "categories" if name == "category" else name)
        if value not in choices:
            raise UsageError(f"--{name} {value!r}: choose one of {', '.join(choices)}")
        fields[name] = value
    if settings is not None and "urgency" in fields:
        fields["priority"] = settings.priority(fields["urgency"], fields["impact"])
    return fields


def get(store: Store, request_id: int) -> ServiceRequest:
    """The request with every step and attachment; raises NotFoundError."""
    rows = _rows(store, request_id=request_id)
    if not rows:
        raise NotFoundError(
            f"no request {request_id} in history ({store.path})",
            details=["see `opskit request list`"],
        )
    instance = engine.get(store, PROCEDURE, request_id)
    return _request(rows[0], instance.records)


def listing(
    store: Store,
    *,
    states: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    incident_id: int | None = None,
    with_steps: bool = False,
    limit: int = 10_000,
) -> list[ServiceRequest]:
    """Requests registered in [since, until), newest first, in ``states`` when given."""
    rows = _rows(store, since=since, until=until, incident_id=incident_id, limit=limit)
    if states is not None:
        rows = [row for row in rows if row["state"] in states]
    steps = engine.steps_of(store, PROCEDURE, [row["id"] for row in rows]) if with_steps else {}
    return [_request(row, tuple(steps.get(row["id"], ()))) for row in rows]


def _rows(
    store: Store,
    *,
    request_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    incident_id: int | None = None,
    limit: int = 10_000,
) -> list[Row]:
    """Requests joined with their state, newest first, each filter applied when given."""
    bounds = (
        request_id,
        to_text(since) if since else None,
        to_text(until) if until else None,
        incident_id,
    )
    return store.read(
        "SELECT r.*, p.state, p.entered_at, p.entered_position, p.updated_at FROM requests r"
        " JOIN procedure_instances p ON p.procedure = ? AND p.instance = r.id"
        " WHERE (? IS NULL OR r.id = ?) AND (? IS NULL OR r.created_at >= ?)"
        " AND (? IS NULL OR r.created_at < ?) AND (? IS NULL OR r.incident_id = ?)"
        " ORDER BY r.created_at DESC, r.id DESC LIMIT ?",
        (PROCEDURE, *(value for bound in bounds for value in (bound, bound)), limit),
    )


def _insert(
    connection: Connection,
    config: Config,
    given: dict[str, str],
    *,
    new: NewRequest,
    arrived: datetime,
    now: datetime,
) -> int:
    """The request's row, with the next number of the year (taken under the write lock)."""
    import zoneinfo

    local = now.astimezone(zoneinfo.ZoneInfo(config.organisation.timezone))
    sequence = int(
        connection.execute(
            "SELECT COALESCE(MAX(sequence), 0) + 1 FROM requests WHERE year = ?", (local.year,)
        ).fetchone()[0]
    )
    prefix = [config.reports.number_prefix] if config.reports.number_prefix else []
    number = "/".join(
        [*prefix, f"{sequence:03d}", REGISTER_CODE, roman_month(local.month), str(local.year)]
    )
    cursor = connection.execute(
        "INSERT INTO requests (year, sequence, number, requester, requester_login, unit,"
        " contact, subject, description, incident_id, arrived_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (
            local.year,
            sequence,
            number,
            given["requester"],
            new.requester_login,
            given["unit"],
            given["contact"],
            given["subject"],
            given["description"],
            new.incident_id,
            to_text(arrived),
            to_text(now),
        ),
    )
    return int(cursor.fetchone()[0])


def _cleaned(new: NewRequest) -> dict[str, str]:
    given = {name: " ".join(str(getattr(new, name) or "").split()) for name in LIMITS}
    given["description"] = str(new.description or "").strip()
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise UsageError(
            f"a request needs {', '.join(missing)}",
            details=[
                "--requester NAME --unit UNIT --contact PHONE/E-MAIL --subject TEXT "
                "--description TEXT"
            ],
            code="request-incomplete",
        )
    long = [name for name, value in given.items() if len(value) > LIMITS[name]]
    if long:
        raise UsageError(f"too long: {', '.join(long)} (at most {LIMITS[long[0]]} characters)")
    return {name: mask(value) for name, value in given.items()}


def _person_name(config: Config, name: str) -> str:
    wanted = " ".join(name.split()).casefold()
    for person in config.people:
        if wanted in (" ".join(person.name.split()).casefold(), (person.login or "").casefold()):
            return person.name
    return " ".join(name.split())


def _request(row: Row, records: tuple[engine.Record, ...]) -> ServiceRequest:
    return ServiceRequest(
        id=row["id"],
        number=row["number"],
        year=row["year"],
        sequence=row["sequence"],
        requester=row["requester"],
        requester_login=row["requester_login"],
        unit=row["unit"],
        contact=row["contact"],
        subject=row["subject"],
        description=row["description"],
        category=row["category"],
        urgency=row["urgency"],
        impact=row["impact"],
        priority=row["priority"],
        assignee=row["assignee"],
        incident_id=row["incident_id"],
        arrived_at=_when(row["arrived_at"]),
        created_at=_when(row["created_at"]),
        state=row["state"],
        entered_at=_when(row["entered_at"]),
        entered_position=row["entered_position"],
        updated_at=_when(row["updated_at"]),
        records=records,
    )


def _when(text: str) -> datetime:
    moment = from_text(text)
    if moment is None:
        raise StoreError(f"a request has no time: {text!r}")
    return moment
