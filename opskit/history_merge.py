"""Moving history between machines: export runs as JSON lines, import them once.

Shards of a fleet (``--shard I/N`` on several machines or CI jobs) each
keep their own history; exporting theirs and importing them into one
store lets the reports cover the whole fleet. A run is identified by its
uid, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit.errors import OpskitError
from opskit.result import Result, Status
from opskit.store import ResultFilter, Store, to_text

FORMAT = "opskit-history/v1"


def export_runs(store: Store, since: datetime | None) -> Iterator[str]:
    """One JSON line per run (with its results), oldest first."""
    query = "SELECT * FROM runs WHERE started_at >= ? ORDER BY started_at, id"
    for row in store.read(query, (to_text(since) if since else "",)):
        results = store.results(ResultFilter(run_id=row["id"], limit=1_000_000))
        yield json.dumps(
            {
                "format": FORMAT,
                "uid": row["uid"],
                "command": row["command"],
                "started_at": row["started_at"],
                "finished_at": row["finished_at"],
                "status": row["status"],
                "exit_code": row["exit_code"],
                "machine": row["machine"],
                "pid": row["pid"],
                "opskit_version": row["opskit_version"],
                "results": [result.to_dict() for result in reversed(results)],
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class ImportedRun:
    """One exported run, checked and ready to insert."""

    uid: str
    row: tuple[Any, ...]
    results: list[Result]


# Each run column an export carries, with what it must hold (None only where allowed).
_COLUMNS: tuple[tuple[str, type, bool], ...] = (
    ("command", str, False),
    ("started_at", str, False),
    ("finished_at", str, True),
    ("status", str, True),
    ("exit_code", int, True),
    ("machine", str, False),
    ("pid", int, False),
    ("opskit_version", str, False),
)


def parse_runs(data: bytes, source: str) -> list[ImportedRun]:
    """Every run in an export, each line checked completely before anything is imported.

    Raises OpskitError naming ``source``:LINE for the first line that is not a
    whole run, so a bad file changes nothing. Lines are split on newlines only
    (a result may contain other line separators inside its JSON strings).
    """
    runs = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise OpskitError(
                f"{source}:{number}: cannot import: not UTF-8 text (is this an "
                f"{FORMAT} export, made by `opskit history --export`?)"
            ) from None
        if not line.strip():
            continue
        try:
            runs.append(_parse_run(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            reason = f"missing {error}" if isinstance(error, KeyError) else str(error)
            raise OpskitError(f"{source}:{number}: cannot import: {reason}") from None
    return runs


def _parse_run(record: Any) -> ImportedRun:
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ValueError(f"not an {FORMAT} line")
    uid = record["uid"]
    if not isinstance(uid, str) or not uid:
        raise ValueError("uid must be a non-empty string")
    row = []
    for name, kind, optional in _COLUMNS:
        value = record[name]
        if (value is None and not optional) or (
            value is not None and (not isinstance(value, kind) or isinstance(value, bool))
        ):
            raise ValueError(f"{name} must be {'a whole number' if kind is int else 'text'}")
        row.append(value)
    for name in ("started_at", "finished_at"):
        if record[name] is not None:
            _aware(datetime.fromisoformat(record[name]), name)
    if record["status"] is not None:
        Status(record["status"])
    if not isinstance(record["results"], list):
        raise ValueError("results must be a list")
    results = [Result.from_dict(item) for item in record["results"]]
    for index, result in enumerate(results):
        where = f"results[{index}]"
        for name in ("check_id", "target", "summary"):
            if not isinstance(getattr(result, name), str):
                raise ValueError(f"{where}.{name} must be text")
        if not isinstance(result.evidence, dict):
            raise ValueError(f"{where}.evidence must be a mapping")
        _aware(result.observed_at, f"{where}.observed_at")
    return ImportedRun(uid, (*row, uid), results)


def _aware(moment: datetime, name: str) -> None:
    """Times are stored in UTC and compared as text, so each must say its offset."""
    if moment.tzinfo is None:
        raise ValueError(f"{name} has no time zone offset")


def import_runs(store: Store, runs: Iterable[ImportedRun]) -> tuple[int, int]:
    """Add the runs not already present, all in one transaction; returns (added, already there).

    A failure rolls everything back, so a merge is never half done.
    """
    added = skipped = 0
    with store.transaction() as connection:
        for run in runs:
            if connection.execute("SELECT 1 FROM runs WHERE uid = ?", (run.uid,)).fetchone():
                skipped += 1
                continue
            cursor = connection.execute(
                "INSERT INTO runs (command, started_at, finished_at, status, exit_code, machine,"
                " pid, opskit_version, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                run.row,
            )
            store.insert_results(connection, int(cursor.fetchone()[0]), run.results)
            added += 1
    return added, skipped
