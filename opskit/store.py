"""History: an SQLite database of runs and their results.

WAL mode and ``BEGIN IMMEDIATE`` transactions let several opskit processes
(cron, a CI job, an admin at the terminal) write at once without losing
anything; ``busy_timeout`` makes a writer wait its turn instead of failing.
The schema version lives in ``PRAGMA user_version``; migrations run in
order, inside a write transaction, so two processes never migrate twice.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opskit import __version__
from opskit.errors import StoreError
from opskit.masking import mask, mask_data
from opskit.result import Result, Status

BUSY_TIMEOUT_MILLISECONDS = 30_000

# Each entry upgrades the schema by one version. Append only; never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT,
        exit_code INTEGER,
        machine TEXT NOT NULL,
        pid INTEGER NOT NULL,
        opskit_version TEXT NOT NULL
    );
    CREATE INDEX runs_started ON runs (started_at);
    CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        check_id TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        summary TEXT NOT NULL,
        evidence TEXT NOT NULL,
        metrics TEXT NOT NULL,
        remediation TEXT,
        sop_row TEXT,
        observed_at TEXT NOT NULL
    );
    CREATE INDEX results_run ON results (run_id);
    CREATE INDEX results_check_target ON results (check_id, target, observed_at);
    CREATE INDEX results_observed ON results (observed_at);
    """,
    # Small named state that features keep between runs (read offsets,
    # caches, rotation counters, accepted baselines), as JSON values.
    """
    CREATE TABLE state (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    );
    """,
    # Incidents (a check on a target gone CRITICAL), their notes, and the
    # delivery outbox for documents sent to people.
    """
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        check_id TEXT NOT NULL,
        target TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
        status TEXT NOT NULL,
        summary TEXT NOT NULL,
        sop_row TEXT,
        opened_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        resolved_at TEXT,
        last_notified_at TEXT,
        reminders INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX incidents_one_open ON incidents (check_id, target) WHERE state = 'open';
    CREATE INDEX incidents_opened ON incidents (opened_at);
    CREATE TABLE incident_notes (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        author TEXT,
        note TEXT NOT NULL
    );
    CREATE INDEX incident_notes_incident ON incident_notes (incident_id);
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        document TEXT NOT NULL,
        reference TEXT,
        recipient TEXT NOT NULL,
        channel TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        html_path TEXT,
        attachment_path TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX deliveries_state ON deliveries (state);
    """,
    # A stable identity for every run, so histories of several machines
    # (shards of a fleet) merge without duplicates.
    """
    ALTER TABLE runs ADD COLUMN uid TEXT;
    UPDATE runs SET uid = lower(hex(randomblob(16)));
    CREATE UNIQUE INDEX runs_uid ON runs (uid);
    """,
    # User acceptance tests (SOP D2, D3, D6): a run of a checklist with every
    # step's outcome, the reviewers' considerations, and the one decision.
    # Once a run is decided (approved or rejected) the triggers refuse any
    # change to it, its steps, its reviews or the decision itself.
    """
    CREATE TABLE uat_runs (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        checklist TEXT NOT NULL,
        checklist_title TEXT NOT NULL,
        checklist_source TEXT NOT NULL,
        checklist_sha256 TEXT NOT NULL,
        application TEXT NOT NULL,
        version TEXT,
        target TEXT,
        tester TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        result TEXT NOT NULL CHECK (result IN ('passed', 'incomplete', 'failed', 'error')),
        machine TEXT NOT NULL,
        opskit_version TEXT NOT NULL
    );
    CREATE INDEX uat_runs_started ON uat_runs (started_at);
    CREATE TABLE uat_steps (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES uat_runs (id),
        position INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        required INTEGER NOT NULL,
        definition TEXT NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('passed', 'failed', 'not_applicable', 'unanswered', 'error')),
        summary TEXT NOT NULL,
        note TEXT,
        tester TEXT,
        evidence TEXT NOT NULL,
        at TEXT NOT NULL,
        duration_ms REAL,
        UNIQUE (run_id, position)
    );
    CREATE TABLE uat_reviews (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES uat_runs (id),
        reviewer TEXT NOT NULL,
        note TEXT NOT NULL,
        recommendation TEXT CHECK (recommendation IN ('approve', 'reject')),
        at TEXT NOT NULL
    );
    CREATE INDEX uat_reviews_run ON uat_reviews (run_id);
    CREATE TABLE uat_decisions (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL UNIQUE REFERENCES uat_runs (id),
        decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        approver TEXT NOT NULL,
        role TEXT NOT NULL,
        position TEXT,
        nip TEXT,
        reason TEXT,
        at TEXT NOT NULL
    );
    CREATE TRIGGER uat_runs_decided_update BEFORE UPDATE ON uat_runs
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_runs_decided_delete BEFORE DELETE ON uat_runs
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_steps_decided_insert BEFORE INSERT ON uat_steps
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = NEW.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_steps_decided_update BEFORE UPDATE ON uat_steps
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id IN (OLD.run_id, NEW.run_id))
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_steps_decided_delete BEFORE DELETE ON uat_steps
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_reviews_decided_insert BEFORE INSERT ON uat_reviews
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = NEW.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_reviews_decided_update BEFORE UPDATE ON uat_reviews
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id IN (OLD.run_id, NEW.run_id))
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_reviews_decided_delete BEFORE DELETE ON uat_reviews
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_decisions_final_update BEFORE UPDATE ON uat_decisions
    BEGIN SELECT RAISE(ABORT, 'uat decision is final'); END;
    CREATE TRIGGER uat_decisions_final_delete BEFORE DELETE ON uat_decisions
    BEGIN SELECT RAISE(ABORT, 'uat decision is final'); END;
    """,
    # What an incident was about when it opened (its summary changes as it
    # recovers), and when a failed delivery may be tried again.
    """
    ALTER TABLE incidents ADD COLUMN problem TEXT;
    UPDATE incidents SET problem = summary;
    ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT;
    """,
)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "command": self.command,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "status": self.status.value if self.status else None,
            "exit_code": self.exit_code,
            "machine": self.machine,
            "counts": self.counts,
        }


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


class Store:
    """The history database. Open with ``Store.open(path)``; close when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating and migrating as needed); raises StoreError with the path."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            connection = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MILLISECONDS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MILLISECONDS}")
            _retry_locked(lambda: connection.execute("PRAGMA journal_mode = WAL"))
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            store = cls(connection, path)
            store._migrate()
            path.chmod(0o600)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"history database {path}: {error}") from None
        except OSError as error:
            raise StoreError(f"history database {path}: {error.strerror or error}") from None
        return store

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (no upgrade deadlocks)."""
        _retry_locked(lambda: self._connection.execute("BEGIN IMMEDIATE"))
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version == len(MIGRATIONS):
            return
        with self.transaction() as connection:
            current = (
                self.schema_version
            )  # re-read under the lock: another process may have migrated
            if current > len(MIGRATIONS):
                raise StoreError(
                    f"history database {self.path} has schema version {current}, newer than this "
                    f"opskit ({__version__}) understands ({len(MIGRATIONS)}); upgrade opskit"
                )
            for version in range(current, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[version]):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")

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
                " pid, opskit_version, uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    command,
                    to_text(started_at),
                    to_text(finished_at),
                    status.value,
                    status.exit_code,
                    socket.gethostname(),
                    os.getpid(),
                    __version__,
                    uuid.uuid4().hex,
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            self.insert_results(connection, run_id, results)
        return run_id

    @staticmethod
    def insert_results(
        connection: sqlite3.Connection, run_id: int, results: Sequence[Result]
    ) -> None:
        """Add a run's results inside the caller's transaction (secrets masked)."""
        connection.executemany(
            "INSERT INTO results (run_id, check_id, target, status, summary, evidence, metrics,"
            " remediation, sop_row, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_result_row(run_id, result) for result in results],
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
        query = "SELECT * FROM results WHERE 1 = 1"
        parameters: list[Any] = []
        for column, value in (
            ("check_id", where.check_id),
            ("target", where.target),
            ("run_id", where.run_id),
        ):
            if value is not None:
                if column == "check_id" and isinstance(value, str) and not value.count("."):
                    query += " AND (check_id = ? OR check_id LIKE ?)"
                    parameters += [value, f"{value}.%"]
                    continue
                # Column names come from the fixed literals above, never from input.
                query += f" AND {column} = ?"
                parameters.append(value)
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
        return [_result(row) for row in self._connection.execute(query, parameters)]

    def read(self, query: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query, for feature modules that own their tables."""
        return self._connection.execute(query, parameters).fetchall()

    def recent(self, check_id: str, target: str, limit: int = 10) -> list[Result]:
        """The latest results of one check on one target, newest first (for flap control)."""
        rows = self._connection.execute(
            "SELECT * FROM results WHERE check_id = ? AND target = ?"
            " ORDER BY observed_at DESC, id DESC LIMIT ?",
            (check_id, target, limit),
        )
        return [_result(row) for row in rows]

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

    def get_state(self, namespace: str, key: str) -> Any:
        """A value saved with ``put_state``, or None."""
        row = self._connection.execute(
            "SELECT value FROM state WHERE namespace = ? AND key = ?", (namespace, key)
        ).fetchone()
        return json.loads(row["value"]) if row else None

    def put_state(self, namespace: str, key: str, value: Any) -> None:
        """Save a JSON-serialisable ``value`` (secrets masked) under ``namespace``/``key``."""
        with self.transaction() as connection:
            connection.execute(
                "INSERT INTO state (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (
                    namespace,
                    key,
                    json.dumps(mask_data(value), default=str),
                    to_text(datetime.now(UTC)),
                ),
            )

    def state_items(self, namespace: str) -> dict[str, Any]:
        """Every key and value saved under ``namespace``."""
        rows = self._connection.execute(
            "SELECT key, value FROM state WHERE namespace = ? ORDER BY key", (namespace,)
        )
        return {row["key"]: json.loads(row["value"]) for row in rows}

    def count(self, table: str) -> int:
        """Rows in ``runs`` or ``results`` (for tests and diagnostics)."""
        query = {"runs": "SELECT COUNT(*) FROM runs", "results": "SELECT COUNT(*) FROM results"}
        return int(self._connection.execute(query[table]).fetchone()[0])

    def _counts(self, run_ids: list[int]) -> dict[int, dict[str, int]]:
        counts: dict[int, dict[str, int]] = {}
        for row in self._connection.execute(
            "SELECT run_id, status, COUNT(*) AS n FROM results"
            " WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id, status",
            (json.dumps(run_ids),),
        ):
            counts.setdefault(row["run_id"], {})[row["status"]] = row["n"]
        return counts


def _statements(script: str) -> list[str]:
    """A migration's statements; a trigger's ``BEGIN ... END`` body stays in one piece."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip().removesuffix(";"))
            pending = ""
    return statements


def _retry_locked(operation: Any, attempts: int = 50) -> Any:
    """Retry an operation SQLite refused with "database is locked" despite busy_timeout.

    WAL-mode switching and BEGIN IMMEDIATE can fail fast under contention
    (the busy handler is not always invoked), so back off and try again.
    """
    delay = 0.01
    for attempt in range(attempts):
        try:
            return operation()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    return None


def to_text(moment: datetime) -> str:
    """How times are stored: UTC ISO 8601 with microseconds (sorts as text)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


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
    )


def _result(row: sqlite3.Row) -> Result:
    return Result.from_dict(
        {
            "check_id": row["check_id"],
            "target": row["target"],
            "status": row["status"],
            "summary": row["summary"],
            "evidence": json.loads(row["evidence"]),
            "metrics": json.loads(row["metrics"]),
            "remediation": row["remediation"],
            "sop_row": row["sop_row"],
            "observed_at": row["observed_at"],
        }
    )


def _run_record(row: sqlite3.Row, counts: dict[str, int]) -> RunRecord:
    return RunRecord(
        id=row["id"],
        command=row["command"],
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=from_text(row["finished_at"]),
        status=Status(row["status"]) if row["status"] else None,
        exit_code=row["exit_code"],
        machine=row["machine"],
        counts=counts,
    )
