"""Runs and their results: what every command that checks something records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit import __version__
from opskit.masking import mask, mask_data
from opskit.process_identity import machine_name, still_running, this_process
from opskit.result import Result, Status
from opskit.store.database import Database, from_text, to_text
from opskit.store.rows import (
    ResultFilter,
    filter_clause,
    result_fields,
    result_objects,
    result_records,
)
from opskit.text import message_from, message_json


@dataclass(frozen=True)
class RunRecord:
    """One recorded command run with a count of its results per status."""

    id: int
    command: str
    started_at: datetime
    finished_at: datetime | None
    status: Status | None
    exit_code: int | None
    machine: str
    counts: dict[str, int]
    # finished; running (its process lives, or it runs elsewhere); interrupted (it died).
    state: str = "finished"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "command": self.command,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "status": self.status.value if self.status else None,
            "exit_code": self.exit_code,
            "machine": self.machine,
            "state": self.state,
            "counts": self.counts,
        }


@dataclass(frozen=True)
class CurrentStatus:
    """Where a check on a target stands now, and since when it has stood there."""

    check_id: str
    target: str
    status: Status
    since: datetime
    observed_at: datetime
    summary: str
    metrics: dict[str, float]
    run_id: int


class RunHistory(Database):
    """Recording runs and reading results back (history, recaps, flap control).

    A run that changes things (a backup) is recorded when it starts and its
    results as they come, so a run killed halfway still shows, as
    interrupted, with what it had done.
    """

    def start_run(self, command: str, started_at: datetime) -> int:
        """A run row for work that has begun; ``finish_run`` completes it."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO runs (command, started_at, machine, pid, opskit_version, uid,"
                " process) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    command,
                    to_text(started_at),
                    machine_name(),
                    os.getpid(),
                    __version__,
                    os.urandom(16).hex(),  # unique across machines, as the migration made them
                    json.dumps(this_process()),
                ),
            )
            return int(cursor.fetchone()[0])

    def add_results(self, run_id: int, results: Sequence[Result]) -> None:
        """Results of a run still going, recorded now in case it never finishes."""
        with self.transaction() as connection:
            self.insert_results(connection, run_id, results)

    def finish_run(
        self,
        run_id: int,
        finished_at: datetime,
        status: Status,
        results: Sequence[Result] = (),
    ) -> None:
        """Complete a run begun with ``start_run``, with any results not yet added."""
        with self.transaction() as connection:
            connection.execute(
                "UPDATE runs SET finished_at = ?, status = ?, exit_code = ? WHERE id = ?",
                (to_text(finished_at), status.value, status.exit_code, run_id),
            )
            self.insert_results(connection, run_id, results)

    def interrupted_runs(self, command: str) -> list[RunRecord]:
        """Runs of ``command`` that began and whose process died before they finished."""
        rows = self._connection.execute(
            "SELECT * FROM runs WHERE command = ? AND finished_at IS NULL ORDER BY started_at",
            (command,),
        ).fetchall()
        counts = self._counts([row["id"] for row in rows])
        found = [_run_record(row, counts.get(row["id"], {})) for row in rows]
        return [run for run in found if run.state == "interrupted"]

    def record_run(
        self,
        command: str,
        started_at: datetime,
        finished_at: datetime,
        results: Sequence[Result],
        status: Status,
    ) -> int:
        """Store a finished run and all its results at once; returns the run id."""
        with self.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO runs (command, started_at, finished_at, status, exit_code, machine,"
                " pid, opskit_version, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    command,
                    to_text(started_at),
                    to_text(finished_at),
                    status.value,
                    status.exit_code,
                    machine_name(),
                    os.getpid(),
                    __version__,
                    os.urandom(16).hex(),  # unique across machines, as the migration made them
                ),
            )
            run_id = int(cursor.fetchone()[0])
            self.insert_results(connection, run_id, results)
        return run_id

    @staticmethod
    def insert_results(connection: Any, run_id: int, results: Sequence[Result]) -> None:
        """Add a run's results inside the caller's transaction (secrets masked).

        The current status of each (check, target) moves with them; a result
        older than the one already current (an imported history) leaves it.
        """
        rows = [_result_row(run_id, result) for result in results]
        connection.executemany(
            "INSERT INTO results (run_id, check_id, target, status, summary, evidence, metrics,"
            " remediation, sop_row, observed_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        connection.executemany(
            "INSERT INTO current_status (check_id, target, status, since, observed_at, summary,"
            " metrics, run_id, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (check_id, target) DO UPDATE SET"
            " since = CASE WHEN current_status.status = excluded.status"
            " THEN current_status.since ELSE excluded.observed_at END,"
            " status = excluded.status, observed_at = excluded.observed_at,"
            " summary = excluded.summary, metrics = excluded.metrics, run_id = excluded.run_id,"
            " message = excluded.message"
            " WHERE excluded.observed_at >= current_status.observed_at",
            [
                (row[1], row[2], row[3], row[9], row[9], row[4], row[6], run_id, row[10])
                for row in rows
            ],
        )

    def runs(
        self, since: datetime | None = None, command: str | None = None, limit: int = 50
    ) -> list[RunRecord]:
        """Recent runs, newest first."""
        query = "SELECT * FROM runs WHERE 1 = 1"
        parameters: list[Any] = []
        if since is not None:
            query += " AND started_at >= ?"
            parameters.append(to_text(since))
        if command is not None:
            query += " AND command = ?"
            parameters.append(command)
        query += " ORDER BY started_at DESC, id DESC LIMIT ?"
        parameters.append(limit)
        rows = self._connection.execute(query, parameters).fetchall()
        counts = self._counts([row["id"] for row in rows])
        return [_run_record(row, counts.get(row["id"], {})) for row in rows]

    def run(self, run_id: int) -> RunRecord | None:
        row = self._connection.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _run_record(row, self._counts([run_id]).get(run_id, {})) if row else None

    def results(self, where: ResultFilter) -> list[Result]:
        """Stored results matching ``where``, newest first."""
        clause, parameters = filter_clause(where)
        rows = self._connection.execute(f"SELECT * FROM results{clause}", parameters)  # noqa: S608  # nosec B608 - fixed SQL, values bound
        return [_result(row) for row in rows]

    def result_objects(self, where: ResultFilter) -> Iterator[tuple[str, str]]:
        """Results matching ``where`` as JSON text, read one at a time (``rows.result_objects``)."""
        return result_objects(self._connection, where)

    def result_fields(self, where: ResultFilter) -> Iterator[tuple[str | list[str], str]]:
        """Results matching ``where`` as NUL-joined text (``rows.result_fields``)."""
        return result_fields(self._connection, where)

    def result_records(self, where: ResultFilter) -> Iterator[tuple[Any, ...]]:
        """Results matching ``where`` as column tuples, read one at a time."""
        return result_records(self._connection, where)

    def current(self, check_prefix: str | None = None) -> list[CurrentStatus]:
        """The current status of every (check, target), under a check id prefix when given."""
        rows = self._connection.execute(
            "SELECT * FROM current_status WHERE (? IS NULL OR check_id = ? OR check_id LIKE ?)"
            " ORDER BY check_id, target",
            (check_prefix, check_prefix, f"{check_prefix}.%" if check_prefix else None),
        )
        return [
            CurrentStatus(
                check_id=row["check_id"],
                target=row["target"],
                status=Status(row["status"]),
                since=datetime.fromisoformat(row["since"]),
                observed_at=datetime.fromisoformat(row["observed_at"]),
                summary=message_from(row["message"]) or row["summary"],
                metrics={item["name"]: item["value"] for item in json.loads(row["metrics"])},
                run_id=row["run_id"],
            )
            for row in rows
        ]

    def recent(self, check_id: str, target: str, limit: int = 10) -> list[Result]:
        """The latest results of one check on one target, newest first (for flap control)."""
        rows = self._connection.execute(
            "SELECT * FROM results WHERE check_id = ? AND target = ?"
            " ORDER BY observed_at DESC, id DESC LIMIT ?",
            (check_id, target, limit),
        )
        return [_result(row) for row in rows]

    def last_evidence(self, check_id: str, targets: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The evidence of each target's newest result of one check (those with any).

        Flap control needs nothing else of a thousand sites' last results, so
        nothing else is decoded: the summaries' messages are not said again.
        """
        query = (
            "SELECT evidence FROM results WHERE check_id = ? AND target = ?"
            " ORDER BY observed_at DESC, id DESC LIMIT 1"
        )
        found: dict[str, dict[str, Any]] = {}
        for target in dict.fromkeys(targets):
            row = self._connection.execute(query, (check_id, target)).fetchone()
            if row is not None:
                found[target] = json.loads(row["evidence"])
        return found

    def latest(
        self,
        check_prefix: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Result]:
        """The newest result of every (check, target) pair, optionally under a check id prefix
        and within [since, until)."""
        query = (
            "SELECT r.* FROM results r JOIN (SELECT check_id, target, MAX(id) AS id FROM results"
            " WHERE (? IS NULL OR check_id = ? OR check_id LIKE ?)"
            " AND (? IS NULL OR observed_at >= ?) AND (? IS NULL OR observed_at < ?)"
            " GROUP BY check_id, target) m ON r.id = m.id ORDER BY r.check_id, r.target"
        )
        prefix = f"{check_prefix}.%" if check_prefix else None
        start = to_text(since) if since else None
        end = to_text(until) if until else None
        rows = self._connection.execute(
            query, (check_prefix, check_prefix, prefix, start, start, end, end)
        )
        return [_result(row) for row in rows]

    def _counts(self, run_ids: list[int]) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        if not run_ids:
            return counts
        marks = ", ".join("?" * len(run_ids))
        query = f"SELECT run_id, status, COUNT(*) AS n FROM results WHERE run_id IN ({marks})"  # noqa: S608  # nosec B608 - only ? marks
        for row in self._connection.execute(query + " GROUP BY run_id, status", run_ids):
            counts.setdefault(row["run_id"], {})[row["status"]] = row["n"]
        return counts


def _result_row(run_id: int, result: Result) -> tuple[Any, ...]:
    return (
        run_id,
        result.check_id,
        mask(result.target),
        result.status.value,
        mask(result.summary),
        json.dumps(mask_data(result.evidence), default=str, ensure_ascii=False),
        json.dumps([metric.to_dict() for metric in result.metrics]),
        result.remediation,
        result.sop_row,
        to_text(result.observed_at),
        message_json(result.summary),
    )


def _result(row: Any) -> Result:
    return Result.from_dict(
        {
            "check_id": row["check_id"],
            "target": row["target"],
            "status": row["status"],
            "summary": row["summary"],
            "message": row["message"],
            "evidence": json.loads(row["evidence"]),
            "metrics": json.loads(row["metrics"]),
            "remediation": row["remediation"],
            "sop_row": row["sop_row"],
            "observed_at": row["observed_at"],
        }
    )


def _run_record(row: Any, counts: dict[str, int]) -> RunRecord:
    state, status = "finished", Status(row["status"]) if row["status"] else None
    if row["finished_at"] is None:
        state = "running"
        process = json.loads(row["process"]) if row["process"] else None
        if isinstance(process, dict) and still_running(process) is False:
            # It never said how it ended: could not tell, so UNKNOWN.
            state, status = "interrupted", Status.UNKNOWN
    return RunRecord(
        id=row["id"],
        command=row["command"],
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=from_text(row["finished_at"]),
        status=status,
        exit_code=row["exit_code"] if state == "finished" else None,
        machine=row["machine"],
        counts=counts,
        state=state,
    )
