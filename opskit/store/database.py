"""The connection to the history: opening, migrating, write transactions.

SQLite (the default) runs in WAL mode with ``BEGIN IMMEDIATE`` transactions,
so several opskit processes on one machine (cron, a CI job, an admin at the
terminal) write at once without losing anything; ``busy_timeout`` makes a
writer wait its turn instead of failing. A shared PostgreSQL store gives
writers on many machines the same queue (``postgres``). Migrations run in
order, inside a write transaction, so two processes never migrate twice.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeAlias

from opskit import __version__
from opskit.errors import StoreError
from opskit.store.location import StoreLocation, location_of
from opskit.store.migrations import MIGRATIONS, statements

BUSY_TIMEOUT_MILLISECONDS = 30_000

# An ``sqlite3.Connection`` or a ``postgres.PostgresConnection`` (the same calls), and a row
# of either (read by name or position). Either raises its own ``connection.IntegrityError``.
Connection: TypeAlias = Any
Row: TypeAlias = Any

# PostgreSQL has no user_version: the schema version is this table's one row.
_PG_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS opskit_schema (version BIGINT NOT NULL)"


class Database:
    """An open history database; the feature mixins of ``Store`` build on it.

    ``_connection`` is an ``sqlite3.Connection`` or a ``PostgresConnection``
    answering the same calls, so feature modules write their SQL once.
    """

    def __init__(self, connection: Any, location: StoreLocation) -> None:
        self._connection = connection
        self.location = location
        self.path: Path | str = location.path if location.path is not None else location.shown
        # The organisation whose history this is (None: a single-court store without a code).
        self.organisation = location.organisation

    @property
    def engine(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.location.engine

    @classmethod
    def open(cls, target: Path | str | StoreLocation) -> Self:
        """Open (creating and migrating as needed); raises StoreError naming the store."""
        location = location_of(target)
        if location.url is not None:
            return cls._open_postgres(location)
        path = location.path or Path()
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
            store = cls(connection, location)
            store._migrate()
            path.chmod(0o600)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"history database {path}: {error}") from None
        except OSError as error:
            raise StoreError(f"history database {path}: {error.strerror or error}") from None
        return store

    @classmethod
    def _open_postgres(cls, location: StoreLocation) -> Self:
        from opskit.store.postgres import connect, is_postgres_error

        connection = connect(location)
        store = cls(connection, location)
        try:
            store._migrate()
        except BaseException as error:
            connection.close()
            if is_postgres_error(error):
                raise StoreError(f"history database {location.shown}: {error}") from None
            raise
        return store

    def close(self) -> None:
        self._connection.close()

    def usable(self) -> bool:
        """Whether the connection still works (a SQLite file's always does)."""
        return bool(getattr(self._connection, "usable", True))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def reading_schema(self, schema: str) -> Iterator[None]:
        """Queries read another schema of a shared store, read-only, inside the block."""
        if self.engine != "postgresql":
            raise StoreError(f"history database {self.path}: only a shared store has schemas")
        with self._connection.reading(schema):
            yield

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction that takes the write lock up front (no upgrade deadlocks)."""
        if self.engine == "postgresql":
            with self._connection.transaction() as connection:
                yield connection
            return
        retry_locked(lambda: self._connection.execute("BEGIN IMMEDIATE"))
        try:
            yield self._connection
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    @contextmanager
    def claim(self, name: str) -> Iterator[bool]:
        """Whether this process may do the work ``name`` (a job's slot) now, for the block.

        In a shared store the claim is an advisory lock of the database, held by
        this connection: runners on other machines see it taken (False), and the
        database drops it if this process dies. SQLite's single machine has its
        file locks (``opskit.locking``), so there the claim is always given.
        """
        if self.engine != "postgresql":
            yield True
            return
        key = f"{self.location.schema}:{name}"
        taken = self._connection.try_lock(key)
        try:
            yield taken
        finally:
            if taken:
                self._connection.unlock(key)

    @property
    def schema_version(self) -> int:
        if self.engine == "postgresql":
            found = self._connection.execute("SELECT to_regclass('opskit_schema')").fetchone()
            if found[0] is None:
                return 0
            row = self._connection.execute("SELECT MAX(version) FROM opskit_schema").fetchone()
            return int(row[0] or 0)
        return int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version == len(MIGRATIONS):
            return
        with self.transaction() as connection:
            if self.engine == "postgresql":
                connection.execute(_PG_VERSION_TABLE)
            current = (
                self.schema_version
            )  # re-read under the lock: another process may have migrated
            if current > len(MIGRATIONS):
                raise StoreError(
                    f"history database {self.path} has schema version {current}, newer than this "
                    f"opskit ({__version__}) understands ({len(MIGRATIONS)}); upgrade opskit"
                )
            for version in range(current, len(MIGRATIONS)):
                for statement in self._statements(MIGRATIONS[version]):
                    connection.execute(statement)
                self._set_schema_version(connection, version + 1)

    def _statements(self, script: str) -> list[str]:
        if self.engine == "sqlite":
            return statements(script)
        from opskit.store.dialect import for_postgres

        return [rendered for each in statements(script) for rendered in for_postgres(each)]

    def _set_schema_version(self, connection: Any, version: int) -> None:
        if self.engine == "sqlite":
            connection.execute(f"PRAGMA user_version = {version}")
            return
        connection.execute("DELETE FROM opskit_schema")
        connection.execute("INSERT INTO opskit_schema (version) VALUES (?)", (version,))

    def read(self, query: str, parameters: Sequence[Any] = ()) -> list[Any]:
        """Rows of a read-only query, for feature modules that own their tables."""
        return list(self._connection.execute(query, parameters).fetchall())

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
