"""Copying one court's history into another store: ``opskit store migrate --to URL``.

Both stores are at the same schema version (opening migrates them), and in
a shared store each court has its own schema, so rows keep their ids and
every reference between them still holds. Tables are copied in an order
that satisfies their references and their refusing triggers (a UAT run's
steps before its decision). Each batch is one write transaction and only
rows the target lacks are written, so a copy run twice copies nothing the
second time, and one interrupted halfway is completed by running it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from opskit.errors import StoreError
from opskit.store.database import Database

# Every table, in the order it is copied.
TABLES = (
    "runs",
    "results",
    "current_status",
    "state",
    "incidents",
    "incident_notes",
    "deliveries",
    "uat_runs",
    "uat_steps",
    "uat_reviews",
    "uat_decisions",
    "accounts",
    "audit",
    "documents",
    "signed_documents",
    "document_signatures",
    "procedure_instances",
    "procedure_steps",
    "procedure_attachments",
    "procedure_reminders",
    "requests",
    "register_counters",
    "register_entries",
    "content_items",
    "content_versions",
    "policy_documents",
    "policy_versions",
    "regulations",
    "regulation_reviews",
)
# Columns naming a row of their own table, perhaps a later one: copied empty first, then
# set once every row is there.
SELF_REFERENCES = {"policy_documents": ("supersedes", "superseded_by")}
# Sign-in sessions and failed sign-ins belong to one console: people sign in again.
NOT_COPIED = ("sessions", "signin_failures")
BATCH_ROWS = 500


@dataclass(frozen=True)
class Copied:
    """What one table's copy did: rows written now, rows the target already had."""

    table: str
    copied: int
    present: int

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "copied": self.copied, "present": self.present}


def copy_history(
    source: Database,
    target: Database,
    batch_rows: int = BATCH_ROWS,
    on_batch: Callable[[str, int], None] | None = None,
) -> list[Copied]:
    """Copy every table of ``source`` into ``target``; raises StoreError when they differ."""
    _check_tables(source)
    _check_same_runs(source, target)
    return [_copy_table(source, target, table, batch_rows, on_batch) for table in TABLES]


def _check_tables(source: Database) -> None:
    found = {row[0] for row in source.read("SELECT name FROM sqlite_master WHERE type = 'table'")}
    unknown = sorted(found - set(TABLES) - set(NOT_COPIED))
    if unknown:
        raise StoreError(f"cannot copy tables this opskit does not know: {', '.join(unknown)}")


def _check_same_runs(source: Database, target: Database) -> None:
    """Refuse a target whose runs are another history's (its runners wrote before the copy)."""
    first = target.read("SELECT id, uid FROM runs ORDER BY id LIMIT 1")
    if not first:
        return
    same = source.read("SELECT uid FROM runs WHERE id = ?", (first[0]["id"],))
    if not same or same[0]["uid"] != first[0]["uid"]:
        raise StoreError(
            f"{target.path} already holds other runs of this organisation; copy the history "
            "before its runners write there, or into an empty organisation"
        )


def _copy_table(
    source: Database,
    target: Database,
    table: str,
    batch_rows: int,
    on_batch: Callable[[str, int], None] | None,
) -> Copied:
    columns = [row[1] for row in source.read(f"PRAGMA table_info({table})")]
    key = [row[1] for row in sorted(source.read(f"PRAGMA table_info({table})"), key=_pk) if row[5]]
    copied = present = 0
    have = None if key == ["id"] else _keys(target, table, key)
    for batch in _batches(source, table, columns, batch_rows):
        rows = [row[1:] for row in batch]
        if have is None:
            low, high = batch[0][1 + columns.index("id")], batch[-1][1 + columns.index("id")]
            have = {
                (row[0],)
                for row in target.read(
                    f"SELECT id FROM {table} WHERE id BETWEEN ? AND ?",  # noqa: S608  # nosec B608 - known table
                    (low, high),
                )
            }
        positions = [columns.index(name) for name in key]
        missing = [row for row in rows if tuple(row[index] for index in positions) not in have]
        present += len(rows) - len(missing)
        if missing:
            _insert(target, table, columns, _without_references(table, columns, missing))
            copied += len(missing)
        if key == ["id"]:
            have = None
        if on_batch is not None:
            on_batch(table, copied)
    _set_references(source, target, table)
    if target.engine == "postgresql" and "id" in columns and key == ["id"]:
        with target.transaction() as connection:
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608  # nosec B608
                f" GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )
    return Copied(table, copied, present)


def _without_references(
    table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    emptied = [columns.index(name) for name in SELF_REFERENCES.get(table, ())]
    if not emptied:
        return rows
    return [
        tuple(None if index in emptied else value for index, value in enumerate(row))
        for row in rows
    ]


def _set_references(source: Database, target: Database, table: str) -> None:
    for column in SELF_REFERENCES.get(table, ()):
        rows = source.read(
            f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608  # nosec B608 - known names
        )
        if rows:
            with target.transaction() as connection:
                connection.executemany(
                    f"UPDATE {table} SET {column} = ? WHERE id = ?",  # noqa: S608  # nosec B608
                    [(row[1], row[0]) for row in rows],
                )


def _pk(row: Any) -> int:
    return int(row[5])


def _keys(target: Database, table: str, key: list[str]) -> set[tuple[Any, ...]]:
    names = ", ".join(key)
    return {tuple(row) for row in target.read(f"SELECT {names} FROM {table}")}  # noqa: S608  # nosec B608 - known table


def _batches(
    source: Database, table: str, columns: list[str], batch_rows: int
) -> Iterator[list[Any]]:
    names = ", ".join(columns)
    last = -1
    while True:
        batch = source.read(
            f"SELECT rowid, {names} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",  # noqa: S608  # nosec B608 - known table
            (last, batch_rows),
        )
        if not batch:
            return
        yield [tuple(row) for row in batch]
        last = batch[-1][0]


def _insert(target: Database, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(columns))
    query = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608  # nosec B608 - known table
    with target.transaction() as connection:
        connection.executemany(query, rows)
