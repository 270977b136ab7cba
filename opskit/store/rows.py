"""Results read for output that streams: one row at a time, written by SQLite itself.

``opskit history --limit 100000`` once built a ``Result`` per row, a dict
per ``Result`` and the JSON twice over, holding all of it at once. Here a
cursor yields each row as it is read, and SQLite's JSON functions write the
row's object in C, splicing in evidence and metrics (stored as JSON text)
without Python decoding them. The data is the same as ``Result.to_dict``
gives for the row: a time with no microseconds is written without them,
and a missing remediation is the check id.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit.result import Status
from opskit.store.database import Connection, to_text


@dataclass(frozen=True)
class ResultFilter:
    """Which stored results to list; every field is optional."""

    check_id: str | None = None
    target: str | None = None
    status: Status | None = None
    since: datetime | None = None
    until: datetime | None = None
    run_id: int | None = None
    limit: int = 100


# Result.to_dict's keys, in its order.
RESULT_COLUMNS = (
    "check_id",
    "target",
    "status",
    "summary",
    "message",
    "evidence",
    "metrics",
    "remediation",
    "sop_row",
    "observed_at",
)

# datetime.isoformat() leaves out microseconds that are zero; stored times always carry them.
_OBSERVED_AT = (
    "CASE WHEN substr(observed_at, 20, 7) = '.000000'"
    " THEN substr(observed_at, 1, 19) || substr(observed_at, 27) ELSE observed_at END"
)
_REMEDIATION = "COALESCE(NULLIF(remediation, ''), check_id)"
# The object spliced together as text: evidence and metrics are JSON already and go in
# as stored, neither parsed nor decoded (a third faster than json_object with json()).
_OBJECT = (
    """'{"check_id":' || json_quote(check_id) || ',"target":' || json_quote(target)"""
    """ || ',"status":' || json_quote(status) || ',"summary":' || json_quote(summary)"""
    """ || ',"message":' || COALESCE(message, 'null')"""
    """ || ',"evidence":' || evidence || ',"metrics":' || metrics"""
    f""" || ',"remediation":' || json_quote({_REMEDIATION})"""
    """ || ',"sop_row":' || json_quote(sop_row)"""
    f""" || ',"observed_at":' || json_quote({_OBSERVED_AT}) || '}}'"""
)
# Named apart from the stored column: PostgreSQL would name the CASE after its ELSE
# (observed_at) and then find ORDER BY observed_at ambiguous.
_COLUMNS = (
    "check_id, target, status, summary, message, evidence, metrics,"
    f" {_REMEDIATION} AS shown_remediation, sop_row, {_OBSERVED_AT} AS shown_at"
)


def filter_clause(where: ResultFilter) -> tuple[str, list[Any]]:
    """The WHERE, ORDER BY and LIMIT of a result filter, newest first, with its parameters.

    A check id without a dot is a prefix (``web`` is every ``web.*`` check);
    it is matched as a range of the index, not with LIKE, which no index serves.
    """
    query = " WHERE 1 = 1"
    parameters: list[Any] = []
    if where.check_id is not None:
        if "." in where.check_id:
            query += " AND check_id = ?"
            parameters.append(where.check_id)
        else:
            prefix = where.check_id.lower()
            query += " AND (check_id = ? OR (check_id >= ? AND check_id < ?))"
            parameters += [prefix, f"{prefix}.", f"{prefix}/"]
    if where.target is not None:
        query += " AND target = ?"
        parameters.append(where.target)
    if where.run_id is not None:
        query += " AND run_id = ?"
        parameters.append(where.run_id)
    if where.status is not None:
        query += " AND status = ?"
        parameters.append(where.status.value)
    if where.since is not None:
        query += " AND observed_at >= ?"
        parameters.append(to_text(where.since))
    if where.until is not None:
        query += " AND observed_at < ?"
        parameters.append(to_text(where.until))
    query += " ORDER BY observed_at DESC, id DESC LIMIT ?"
    parameters.append(where.limit)
    return query, parameters


def result_objects(connection: Connection, where: ResultFilter) -> Iterator[tuple[str, str]]:
    """Each matching result as (its JSON object, its stored UTC time), newest first."""
    if _on_postgres(connection):
        yield from _objects_made_here(connection, where)
        return
    clause, parameters = filter_clause(where)
    cursor = connection.execute(
        f"SELECT {_OBJECT}, observed_at FROM results{clause}",  # noqa: S608  # nosec B608 - fixed SQL, values bound
        parameters,
    )
    cursor.row_factory = None  # plain tuples: no sqlite3.Row per row
    yield from cursor


def result_records(connection: Connection, where: ResultFilter) -> Iterator[tuple[Any, ...]]:
    """Each matching result as a tuple in ``RESULT_COLUMNS`` order (evidence and metrics as
    JSON text), then its stored UTC time; newest first."""
    clause, parameters = filter_clause(where)
    query = f"SELECT {_COLUMNS}, observed_at FROM results{clause}"  # noqa: S608  # nosec B608 - fixed SQL, values bound
    if _on_postgres(connection):
        yield from connection.stream(query, parameters)
        return
    cursor = connection.execute(query, parameters)
    cursor.row_factory = None
    yield from cursor


def _on_postgres(connection: Connection) -> bool:
    return getattr(connection, "engine", "sqlite") == "postgresql"


def _objects_made_here(connection: Connection, where: ResultFilter) -> Iterator[tuple[str, str]]:
    """``result_objects`` on PostgreSQL: the same text, spliced in Python (evidence, metrics
    and message are JSON text already and go in as stored)."""
    for record in result_records(connection, where):
        check_id, target, status, summary, message, evidence, metrics = record[:7]
        remediation, sop_row, observed_at, stored = record[7:]
        text = (
            f'{{"check_id":{_quote(check_id)},"target":{_quote(target)},'
            f'"status":{_quote(status)},"summary":{_quote(summary)},'
            f'"message":{message or "null"},"evidence":{evidence},"metrics":{metrics},'
            f'"remediation":{_quote(remediation)},"sop_row":{_quote(sop_row)},'
            f'"observed_at":{_quote(observed_at)}}}'
        )
        yield text, stored


def _quote(value: str | None) -> str:
    return json.dumps(value, ensure_ascii=False)


# The row's fields joined by NUL (which stored text does not hold), NULL as empty text:
# one string per row that a caller quotes for CSV with two replacements.
_JOINED = " || char(0) || ".join(
    f"COALESCE({column}, '')"
    for column in (
        "check_id", "target", "status", "summary", "message", "evidence", "metrics", _REMEDIATION,
        "sop_row", f"({_OBSERVED_AT})",
    )
)  # fmt: skip


_ONE_ROW_FIELDS = f"SELECT {_JOINED.replace(' || char(0) || ', ', ')} FROM results WHERE id = ?"  # noqa: S608  # nosec B608 - fixed SQL


def result_fields(
    connection: Connection, where: ResultFilter
) -> Iterator[tuple[str | list[str], str]]:
    """Each matching result as (its ``RESULT_COLUMNS`` joined by NUL, its stored UTC time).

    A row whose own text holds a NUL comes as the list of its fields instead.
    """
    if _on_postgres(connection):
        # PostgreSQL text never holds a NUL, so every row joins cleanly.
        for record in result_records(connection, where):
            fields = ("" if field is None else str(field) for field in record[:-1])
            yield "\0".join(fields), record[-1]
        return
    clause, parameters = filter_clause(where)
    cursor = connection.execute(
        f"SELECT {_JOINED}, observed_at, id FROM results{clause}",  # noqa: S608  # nosec B608 - fixed SQL, values bound
        parameters,
    )
    cursor.row_factory = None
    separators = len(RESULT_COLUMNS) - 1
    for joined, observed_at, row_id in cursor:
        if joined.count("\0") == separators:
            yield joined, observed_at
            continue
        fields = connection.execute(_ONE_ROW_FIELDS, (row_id,)).fetchone()
        yield list(fields), observed_at
