"""Content items in the store: their facts, every version of their text, their steps.

An item's own facts (kind, title, material, the published URL) sit in
``content_items``; each text written at E3 or corrected at E4 is a new row of
``content_versions`` (never changed); its state and every step are the
procedure engine's. A step, the version it writes and the files it brings are
one write transaction; files are stored first and removed again when that
transaction fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit.config.schema import Config
from opskit.content.files import Finding
from opskit.errors import NotFoundError, StoreError, UsageError
from opskit.helpdesk import attachments
from opskit.identity import Actor
from opskit.masking import mask
from opskit.permissions import require
from opskit.procedures import engine
from opskit.procedures.definition import Procedure
from opskit.store import Store, from_text, to_text
from opskit.store.database import Connection, Row
from opskit.text import Message

PROCEDURE = "content"
LIMITS = {"title": 300, "material": 8000, "body": 100_000, "url": 2000}


@dataclass(frozen=True)
class Version:
    number: int
    title: str
    body: str
    actor: str
    edge: str
    step: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.number,
            "title": self.title,
            "body": self.body,
            "actor": self.actor,
            "edge": self.edge,
            "step": self.step,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class Item:
    """A content item: what it is, where it stands, its versions and steps."""

    id: int
    kind: str
    title: str
    material: str
    url: str | None
    created_at: datetime
    state: str
    entered_at: datetime
    entered_position: int
    versions: tuple[Version, ...]
    records: tuple[engine.Record, ...]

    @property
    def label(self) -> Message:
        return Message("content.label", id=self.id)

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def approved_version(self) -> Version | None:
        """The version the approver saw: the latest written before the approval."""
        approval = next(
            (r for r in reversed(self.records) if r.step in ("approve", "approve_special")), None
        )
        if approval is None:
            return None
        number = approval.fields.get("version")
        return next((v for v in self.versions if v.number == number), self.current)

    def files(self) -> list[engine.Attachment]:
        return [item for record in self.records for item in record.attachments]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "material": self.material,
            "url": self.url,
            "created_at": self.created_at.isoformat(),
            "state": self.state,
            "entered_at": self.entered_at.isoformat(),
            "versions": [version.to_dict() for version in self.versions],
            "attachments": [item.to_dict() for item in self.files()],
            "steps": [record.to_dict() for record in self.records],
        }


def create(
    store: Store,
    config: Config,
    procedure: Procedure,
    *,
    actor: Actor,
    kind: str,
    title: str,
    material: str,
    files: list[tuple[attachments.Upload, Finding]],
    now: datetime,
) -> Item:
    """E1: the item with its material and files (each accepted by E2's rules)."""
    require(config, actor, procedure.action(procedure.start))
    title, material = _text("title", title), _text("material", material)
    stored, added = _store(files, config)
    try:
        with store.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO content_items (kind, title, material, created_at) VALUES (?, ?, ?, ?)"
                " RETURNING id",
                (kind, title, material, to_text(now)),
            )
            item_id = int(cursor.fetchone()[0])
            record = engine.open_instance(
                connection,
                procedure,
                item_id,
                actor,
                now,
                fields={"files": [finding.to_dict() for _, finding in files]},
                detail=title,
            )
            _attach(connection, item_id, record.position, stored, now)
    except BaseException:
        attachments.discard(added)
        raise
    return get(store, item_id)


def take_step(
    store: Store,
    config: Config,
    procedure: Procedure,
    item_id: int,
    *,
    step: str,
    actor: Actor,
    now: datetime,
    note: str | None = None,
    fields: dict[str, Any] | None = None,
    text: tuple[str, str] | None = None,
    url: str | None = None,
    files: list[tuple[attachments.Upload, Finding]] | None = None,
) -> Item:
    """Take ``step`` with the version (title, body) and files it brings; refused out of turn
    or role before anything is written."""
    item = get(store, item_id)
    refused = engine.refusal(
        config, procedure, item.state, step, actor, relations={}, label=item.label
    )
    if refused is not None:
        raise refused
    stored, added = _store(files or [], config)
    fields = dict(fields or {})
    try:
        with store.transaction() as connection:
            if text is not None:
                title, body = _text("title", text[0]), _text("body", text[1])
                fields["version"] = _add_version(
                    connection, item_id, title=title, body=body, actor=actor, step=step, now=now
                )
                connection.execute(
                    "UPDATE content_items SET title = ? WHERE id = ?", (title, item_id)
                )
            elif item.current is not None:
                fields.setdefault("version", item.current.number)
            if url is not None:
                connection.execute(
                    "UPDATE content_items SET url = ? WHERE id = ?", (_text("url", url), item_id)
                )
            record = engine.take(
                connection,
                config,
                procedure,
                item_id,
                step=step,
                actor=actor,
                now=now,
                label=item.label,
                note=note,
                fields=fields,
            )
            _attach(connection, item_id, record.position, stored, now)
    except BaseException:
        attachments.discard(added)
        raise
    return get(store, item_id)


def get(store: Store, item_id: int) -> Item:
    rows = _rows(store, item_id=item_id)
    if not rows:
        raise NotFoundError(
            f"no content item {item_id} in history ({store.path})",
            details=["see `opskit content list`"],
        )
    instance = engine.get(store, PROCEDURE, item_id)
    return _item(rows[0], _versions(store, item_id), instance.records)


def listing(
    store: Store, *, states: list[str] | None = None, with_steps: bool = False, limit: int = 10_000
) -> list[Item]:
    """Items, newest first, in ``states`` when given (without versions)."""
    rows = _rows(store, limit=limit)
    if states is not None:
        rows = [row for row in rows if row["state"] in states]
    steps = engine.steps_of(store, PROCEDURE, [row["id"] for row in rows]) if with_steps else {}
    return [_item(row, (), tuple(steps.get(row["id"], ()))) for row in rows]


def _add_version(
    connection: Connection,
    item_id: int,
    *,
    title: str,
    body: str,
    actor: Actor,
    step: str,
    now: datetime,
) -> int:
    number = int(
        connection.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM content_versions WHERE item = ?", (item_id,)
        ).fetchone()[0]
    )
    connection.execute(
        "INSERT INTO content_versions (item, version, title, body, actor, login, edge, step, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item_id, number, title, body, actor.name, actor.login, actor.edge, step, to_text(now)),
    )
    return number


def _store(
    files: list[tuple[attachments.Upload, Finding]], config: Config
) -> tuple[list[attachments.Stored], list[Any]]:
    """Write files E2 accepted; refuses any it did not (the caller said why already)."""
    if any(not finding.accepted for _, finding in files):
        raise UsageError("a file E2 refused cannot be attached", code="content-file")
    return attachments.write_files(
        [(upload, finding.name, finding.kind) for upload, finding in files], config, PROCEDURE
    )


def _attach(
    connection: Connection,
    item_id: int,
    position: int,
    stored: list[attachments.Stored],
    now: datetime,
) -> None:
    engine.attach(
        connection,
        PROCEDURE,
        item_id,
        position=position,
        files=[item.row() for item in stored],
        now=now,
    )


def _text(name: str, value: str) -> str:
    cleaned = value.strip() if name in {"body", "material"} else " ".join(value.split())
    if not cleaned:
        field = Message(f"content.fields.{name}")
        raise UsageError(
            Message("content.refused.incomplete", field=field), code="content-incomplete"
        )
    if len(cleaned) > LIMITS[name]:
        raise UsageError(
            Message("content.refused.too_long", field=Message(f"content.fields.{name}"),
                    limit=LIMITS[name])
        )  # fmt: skip
    return mask(cleaned)


def _rows(store: Store, *, item_id: int | None = None, limit: int = 10_000) -> list[Row]:
    return store.read(
        "SELECT c.*, p.state, p.entered_at, p.entered_position FROM content_items c"
        " JOIN procedure_instances p ON p.procedure = ? AND p.instance = c.id"
        " WHERE (? IS NULL OR c.id = ?) ORDER BY c.created_at DESC, c.id DESC LIMIT ?",
        (PROCEDURE, item_id, item_id, limit),
    )


def _versions(store: Store, item_id: int) -> tuple[Version, ...]:
    return tuple(
        Version(
            number=row["version"],
            title=row["title"],
            body=row["body"],
            actor=row["actor"],
            edge=row["edge"],
            step=row["step"],
            at=_when(row["at"]),
        )
        for row in store.read(
            "SELECT * FROM content_versions WHERE item = ? ORDER BY version", (item_id,)
        )
    )


def _item(row: Row, versions: tuple[Version, ...], records: tuple[engine.Record, ...]) -> Item:
    return Item(
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        material=row["material"],
        url=row["url"],
        created_at=_when(row["created_at"]),
        state=row["state"],
        entered_at=_when(row["entered_at"]),
        entered_position=row["entered_position"],
        versions=versions,
        records=records,
    )


def _when(text: str) -> datetime:
    moment = from_text(text)
    if moment is None:
        raise StoreError(f"a content item has no time: {text!r}")
    return moment
