"""Policy documents and regulations in the store.

A document's facts (kind, title, decree number and date, what it supersedes)
sit in ``policy_documents``; each text is a row of ``policy_versions`` (never
changed); its state and every step are the procedure engine's. Setting a
document with ``supersedes`` takes the older one's ``supersede`` step in the
same transaction, so a register never shows two decrees in force where one
replaced the other. Regulations are kept with every review (append-only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from opskit.config.schema import Config
from opskit.errors import NotFoundError, RefusedError, StoreError, UsageError
from opskit.identity import Actor
from opskit.masking import mask
from opskit.permissions import require
from opskit.procedures import engine
from opskit.procedures.definition import Procedure
from opskit.store import Store, from_text, to_text
from opskit.store.database import Connection, Row
from opskit.text import Message

PROCEDURE = "policy"


@dataclass(frozen=True)
class Document:
    id: int
    kind: str
    title: str
    state: str
    decree_number: str | None
    decree_date: str | None
    supersedes: int | None
    superseded_by: int | None
    created_at: datetime
    versions: tuple[dict[str, Any], ...] = ()
    records: tuple[engine.Record, ...] = ()

    @property
    def label(self) -> Message:
        return Message("policy.label", id=self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "title": self.title, "state": self.state,
            "decree_number": self.decree_number, "decree_date": self.decree_date,
            "supersedes": self.supersedes, "superseded_by": self.superseded_by,
            "created_at": self.created_at.isoformat(), "versions": list(self.versions),
            "steps": [record.to_dict() for record in self.records],
        }  # fmt: skip


def create(
    store: Store, config: Config, procedure: Procedure, *, actor: Actor, kind: str, title: str,
    body: str, now: datetime,
) -> Document:  # fmt: skip
    """A1: a new document with its first text."""
    require(config, actor, procedure.action(procedure.start))
    title, body = _clean(title, 300), _clean(body, 200_000)
    with store.transaction() as connection:
        cursor = connection.execute(
            "INSERT INTO policy_documents (kind, title, created_at) VALUES (?, ?, ?) RETURNING id",
            (kind, title, to_text(now)),
        )
        document_id = int(cursor.fetchone()[0])
        version = _version(connection, document_id, title=title, body=body, actor=actor, now=now)
        engine.open_instance(
            connection, procedure, document_id, actor, now, fields={"version": version},
            detail=title,
        )  # fmt: skip
    return get(store, document_id)


def take_step(
    store: Store, config: Config, procedure: Procedure, document_id: int, *, step: str,
    actor: Actor, now: datetime, note: str | None = None, text: tuple[str, str] | None = None,
    decree: tuple[str, date] | None = None, supersedes: int | None = None,
) -> Document:  # fmt: skip
    """Take ``step``; ``set`` carries the decree (number, date) and what it supersedes."""
    document = get(store, document_id)
    refused = engine.refusal(
        config, procedure, document.state, step, actor, relations={}, label=document.label
    )
    if refused is not None:
        raise refused
    if step == "set" and decree is None:
        raise UsageError(Message("policy.refused.needs_decree"))
    older = get(store, supersedes) if supersedes is not None else None
    if older is not None and (older.state != "set" or older.id == document_id):
        raise RefusedError(Message("policy.refused.not_in_force", label=older.label))
    fields: dict[str, Any] = {}
    with store.transaction() as connection:
        if text is not None:
            title, body = _clean(text[0], 300), _clean(text[1], 200_000)
            fields["version"] = _version(
                connection, document_id, title=title, body=body, actor=actor, now=now
            )
            connection.execute(
                "UPDATE policy_documents SET title = ? WHERE id = ?", (title, document_id)
            )
        if decree is not None:
            number = _clean(decree[0], 200)
            fields.update(decree_number=number, decree_date=decree[1].isoformat())
            connection.execute(
                "UPDATE policy_documents SET decree_number = ?, decree_date = ?, supersedes = ?"
                " WHERE id = ?",
                (number, decree[1].isoformat(), supersedes, document_id),
            )
        engine.take(
            connection, config, procedure, document_id, step=step, actor=actor, now=now,
            label=document.label, note=note, fields=fields,
        )  # fmt: skip
        if older is not None:
            engine.take(
                connection, config, procedure, older.id, step="supersede", actor=actor, now=now,
                label=older.label, fields={"superseded_by": document_id},
            )  # fmt: skip
            connection.execute(
                "UPDATE policy_documents SET superseded_by = ? WHERE id = ?",
                (document_id, older.id),
            )
    return get(store, document_id)


def get(store: Store, document_id: int) -> Document:
    rows = _rows(store, document_id)
    if not rows:
        raise NotFoundError(
            f"no policy document {document_id} in history", details=["see `opskit policy list`"]
        )
    versions = tuple(
        {"version": row["version"], "title": row["title"], "body": row["body"],
         "actor": row["actor"], "edge": row["edge"], "at": row["at"]}
        for row in store.read(
            "SELECT * FROM policy_versions WHERE document = ? ORDER BY version", (document_id,)
        )
    )  # fmt: skip
    return _document(rows[0], versions, engine.get(store, PROCEDURE, document_id).records)


def listing(store: Store) -> list[Document]:
    return [_document(row, (), ()) for row in _rows(store, None)]


@dataclass(frozen=True)
class Regulation:
    id: int
    title: str
    number: str
    year: int
    link: str | None
    summary: str
    added_at: datetime
    reviewed_at: datetime  # the last review, or when it was added
    reviewed_by: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "number": self.number, "year": self.year,
            "link": self.link, "summary": self.summary, "added_at": self.added_at.isoformat(),
            "reviewed_at": self.reviewed_at.isoformat(), "reviewed_by": self.reviewed_by,
        }  # fmt: skip


def add_regulation(
    store: Store, config: Config, *, actor: Actor, title: str, number: str, year: int,
    link: str | None, summary: str, now: datetime,
) -> Regulation:  # fmt: skip
    """A5: a regulation that concerns IT; adding it is its first review."""
    require(config, actor, "policy.regulations")
    if not 1945 <= year <= now.year + 1:
        raise UsageError(Message("policy.refused.year", year=str(year)))
    if link and not link.startswith(("http://", "https://")):
        raise UsageError(Message("policy.refused.link"))
    with store.transaction() as connection:
        cursor = connection.execute(
            "INSERT INTO regulations (title, number, year, link, summary, added_at, added_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (_clean(title, 300), _clean(number, 100), year, link, _clean(summary, 4000),
             to_text(now), actor.name),
        )  # fmt: skip
        regulation = int(cursor.fetchone()[0])
        _review(connection, regulation, actor, now, "added")
    return next(item for item in regulations(store) if item.id == regulation)


def review_regulations(
    store: Store, config: Config, *, actor: Actor, ids: list[int] | None, note: str | None,
    now: datetime,
) -> list[Regulation]:  # fmt: skip
    """A5: mark regulations (all, when ``ids`` is None) as reviewed now."""
    require(config, actor, "policy.regulations")
    known = {item.id for item in regulations(store)}
    wanted = sorted(known) if ids is None else ids
    unknown = [str(item) for item in wanted if item not in known]
    if unknown:
        raise NotFoundError(Message("policy.refused.no_regulation", ids=unknown))
    with store.transaction() as connection:
        for regulation in wanted:
            _review(connection, regulation, actor, now, note)
    return regulations(store)


def regulations(store: Store) -> list[Regulation]:
    rows = store.read(
        "SELECT r.*, v.at AS reviewed_at, v.actor AS reviewed_by FROM regulations r"
        " JOIN regulation_reviews v ON v.id = (SELECT MAX(id) FROM regulation_reviews"
        " WHERE regulation = r.id) ORDER BY r.year DESC, r.id"
    )
    return [
        Regulation(
            id=row["id"], title=row["title"], number=row["number"], year=row["year"],
            link=row["link"], summary=row["summary"], added_at=_when(row["added_at"]),
            reviewed_at=_when(row["reviewed_at"]), reviewed_by=row["reviewed_by"],
        )
        for row in rows
    ]  # fmt: skip


def _review(
    connection: Connection, regulation: int, actor: Actor, now: datetime, note: str | None
) -> None:
    connection.execute(
        "INSERT INTO regulation_reviews (regulation, actor, edge, at, note) VALUES (?, ?, ?, ?, ?)",
        (regulation, actor.name, actor.edge, to_text(now), mask(note) if note else None),
    )


def _version(
    connection: Connection, document_id: int,
    *, title: str, body: str, actor: Actor,
    now: datetime,
) -> int:  # fmt: skip
    number = int(
        connection.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions WHERE document = ?",
            (document_id,),
        ).fetchone()[0]
    )
    connection.execute(
        "INSERT INTO policy_versions (document, version, title, body, actor, login, edge, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (document_id, number, title, body, actor.name, actor.login, actor.edge, to_text(now)),
    )
    return number


def _clean(value: str, limit: int) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise UsageError(Message("policy.refused.incomplete"), code="policy-incomplete")
    if len(cleaned) > limit:
        raise UsageError(Message("policy.refused.too_long", limit=limit))
    return mask(cleaned)


def _rows(store: Store, document_id: int | None) -> list[Row]:
    return store.read(
        "SELECT d.*, p.state FROM policy_documents d JOIN procedure_instances p"
        " ON p.procedure = ? AND p.instance = d.id WHERE (? IS NULL OR d.id = ?)"
        " ORDER BY d.id DESC",
        (PROCEDURE, document_id, document_id),
    )


def _document(
    row: Row, versions: tuple[dict[str, Any], ...], records: tuple[engine.Record, ...]
) -> Document:
    return Document(
        id=row["id"], kind=row["kind"], title=row["title"], state=row["state"],
        decree_number=row["decree_number"], decree_date=row["decree_date"],
        supersedes=row["supersedes"], superseded_by=row["superseded_by"],
        created_at=_when(row["created_at"]), versions=versions, records=records,
    )  # fmt: skip


def _when(text: str) -> datetime:
    moment = from_text(text)
    if moment is None:
        raise StoreError(f"a policy record has no time: {text!r}")
    return moment
