"""The audit trail: every decision and state change, who made it, from which edge.

Append-only: opskit never updates or deletes an entry, and the database
refuses it too (triggers), so neither the console nor a script can rewrite
what happened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit.identity import Actor
from opskit.masking import mask
from opskit.store import Store, from_text, to_text


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str
    login: str | None
    roles: tuple[str, ...]
    edge: str
    action: str
    object: str | None
    detail: str | None
    address: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "login": self.login,
            "roles": list(self.roles),
            "edge": self.edge,
            "action": self.action,
            "object": self.object,
            "detail": self.detail,
            "address": self.address,
        }


def record(
    connection: Any,
    actor: Actor,
    action: str,
    at: datetime,
    *,
    object: str | None = None,  # noqa: A002 - the audit trail's own word
    detail: str | None = None,
) -> None:
    """Append an entry inside the caller's transaction (so it stands or falls with the change)."""
    connection.execute(
        "INSERT INTO audit (at, actor, login, roles, edge, action, object, detail, address)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            to_text(at),
            actor.name,
            actor.login,
            json.dumps(sorted(actor.roles)),
            actor.edge,
            action,
            object,
            mask(detail) if detail else None,
            actor.address,
        ),
    )


def append(store: Store, actor: Actor, action: str, at: datetime, **details: str | None) -> None:
    """Append an entry in a transaction of its own."""
    with store.transaction() as connection:
        record(connection, actor, action, at, **details)


def listing(
    store: Store,
    *,
    limit: int = 50,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Entry]:
    """Entries newest first, within [since, until)."""
    rows = store.read(
        "SELECT * FROM audit WHERE (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)"
        " ORDER BY at DESC, id DESC LIMIT ?",
        (
            *(to_text(since) if since else None,) * 2,
            *(to_text(until) if until else None,) * 2,
            limit,
        ),
    )
    return [
        Entry(
            id=row["id"],
            at=from_text(row["at"]),  # type: ignore[arg-type]
            actor=row["actor"],
            login=row["login"],
            roles=tuple(json.loads(row["roles"])),
            edge=row["edge"],
            action=row["action"],
            object=row["object"],
            detail=row["detail"],
            address=row["address"],
        )
        for row in rows
    ]
