"""The connection to the SQLite history: opening, migrating, write transactions.

WAL mode and ``BEGIN IMMEDIATE`` transactions let several opskit processes
(cron, a CI job, an admin at the terminal) write at once without losing
anything; ``busy_timeout`` makes a writer wait its turn instead of failing.
Migrations run in order, inside a write transaction, so two processes never
migrate twice.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from opskit import __version__
from opskit.errors import StoreError
from opskit.store.migrations import MIGRATIONS, statements

BUSY_TIMEOUT_MILLISECONDS = 30_000


class Database:
    """An open history database; the feature mixins of ``Store`` build on it."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Self:
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
            retry_locked(lambda: connection.execute("PRAGMA journal_mode = WAL"))
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (no upgrade deadlocks)."""
        retry_locked(lambda: self._connection.execute("BEGIN IMMEDIATE"))
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
                for statement in statements(MIGRATIONS[version]):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")

    def read(self, query: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query, for feature modules that own their tables."""
        return self._connection.execute(query, parameters).fetchall()

    def count(self, table: str) -> int:
        """Rows in ``runs`` or ``results`` (for tests and diagnostics)."""
        query = {"runs": "SELECT COUNT(*) FROM runs", "results": "SELECT COUNT(*) FROM results"}
        return int(self._connection.execute(query[table]).fetchone()[0])


def retry_locked(operation: Any, attempts: int = 50) -> Any:
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
