"""Moving history between machines: export runs as JSON lines, import them once.

Shards of a fleet (``--shard I/N`` on several machines or CI jobs) each
keep their own history; exporting theirs and importing them into one
store lets the reports cover the whole fleet. A run is identified by its
uid, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from opskit.errors import OpskitError
from opskit.result import Result
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


def import_runs(store: Store, lines: Iterable[str], source: str) -> tuple[int, int]:
    """Add the runs in ``lines`` not already present; returns (added, already there)."""
    added = skipped = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record: dict[str, Any] = json.loads(line)
            if record.get("format") != FORMAT:
                raise ValueError(f"not an {FORMAT} line")
            results = [Result.from_dict(item) for item in record["results"]]
        except (ValueError, KeyError, TypeError) as error:
            raise OpskitError(f"{source}:{number}: cannot import: {error}") from None
        if store.read("SELECT 1 FROM runs WHERE uid = ?", (record["uid"],)):
            skipped += 1
            continue
        with store.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO runs (command, started_at, finished_at, status, exit_code, machine,"
                " pid, opskit_version, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record["command"],
                    record["started_at"],
                    record["finished_at"],
                    record["status"],
                    record["exit_code"],
                    record["machine"],
                    record["pid"],
                    record["opskit_version"],
                    record["uid"],
                ),
            )
            store.insert_results(connection, int(cursor.lastrowid or 0), results)
        added += 1
    return added, skipped
