"""The list of documents opskit has written, so people can find and open them again.

Each rendering is recorded by where it lies (directory and file stem); a
re-rendering of the same document updates its row instead of adding one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit.reports.render import Rendered
from opskit.store import Store, from_text, to_text


@dataclass(frozen=True)
class Written:
    id: int
    kind: str
    number: str | None
    title: str
    reference: str | None
    language: str
    paths: dict[str, Path]
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "title": self.title,
            "reference": self.reference,
            "language": self.language,
            "formats": sorted(self.paths),
            "created_at": self.created_at.isoformat(),
        }


def record(
    store: Store, rendered: Rendered, *, reference: str | None, language: str, now: datetime
) -> None:
    """Remember a rendered document's files."""
    if not rendered.paths:
        return
    first = next(iter(rendered.paths.values()))
    stem = first.name.removesuffix(first.suffix)
    formats = {kind: path.name for kind, path in rendered.paths.items()}
    document = rendered.document
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO documents (kind, number, title, reference, language, directory, stem,"
            " formats, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (directory, stem) DO UPDATE SET number = excluded.number,"
            " title = excluded.title, formats = excluded.formats,"
            " created_at = excluded.created_at",
            (
                document.kind,
                document.number,
                document.title,
                reference or None,
                language,
                str(first.parent.resolve()),
                stem,
                json.dumps(formats),
                to_text(now),
            ),
        )


def listing(store: Store, kinds: set[str] | None = None, limit: int = 200) -> list[Written]:
    """Documents newest first, of ``kinds`` when given."""
    rows = store.read("SELECT * FROM documents ORDER BY created_at DESC, id DESC LIMIT ?", (limit,))
    found = [_written(row) for row in rows]
    return [item for item in found if kinds is None or item.kind in kinds]


def get(store: Store, document_id: int) -> Written | None:
    rows = store.read("SELECT * FROM documents WHERE id = ?", (document_id,))
    return _written(rows[0]) if rows else None


def _written(row: Any) -> Written:
    directory = Path(row["directory"])
    return Written(
        id=row["id"],
        kind=row["kind"],
        number=row["number"],
        title=row["title"],
        reference=row["reference"],
        language=row["language"],
        paths={kind: directory / name for kind, name in json.loads(row["formats"]).items()},
        created_at=from_text(row["created_at"]),  # type: ignore[arg-type]
    )
