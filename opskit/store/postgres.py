"""The store's connection to PostgreSQL, speaking as the SQLite one does.

The store's SQL is written once, in the subset both engines share (``?``
parameters, ``ON CONFLICT``, ``RETURNING``, CTEs). This adapter lets that
SQL run through psycopg unchanged: parameters become ``%s``, rows answer by
name and by position like ``sqlite3.Row``, NUMERIC comes back as float,
and values are bound on the client (psycopg's ``ClientCursor``).

A write transaction first takes its organisation's advisory lock, so one
court's writers queue exactly as SQLite's ``BEGIN IMMEDIATE`` makes them
queue: every "read, then decide, then write" of the store (an incident's
opening, a register number, a job's slot) holds across processes and
machines, while other courts write alongside. Readers never wait.

psycopg is imported here only, and this module only when a store is a URL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.numeric import FloatLoader

from opskit.errors import StoreError
from opskit.store.location import StoreLocation

# The advisory lock a write transaction takes with no organisation ("opskit" in ASCII).
WRITE_LOCK = 0x6F70736B6974
CONNECT_TIMEOUT_SECONDS = 15
_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|%")


@lru_cache(maxsize=512)
def to_psycopg(query: str) -> str:
    """``?`` placeholders as ``%s`` and every ``%`` doubled; a ``?`` in a string literal stays."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")  # psycopg reads % even inside a literal
        return {"?": "%s", "%": "%%"}[token]

    return _TOKENS.sub(replace, query)


class Row(tuple[Any, ...]):
    """A row read by name (``row["id"]``) or position (``row[0]``), like ``sqlite3.Row``."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: Any) -> Any:
    names = [column.name for column in cursor.description or ()]
    index = {name: position for position, name in enumerate(names)}
    kind = type("Row", (Row,), {"_index": index})

    def make(values: Sequence[Any]) -> Row:
        return kind(values)

    return make


def _values(parameters: Sequence[Any]) -> tuple[Any, ...]:
    # SQLite stores True as 1; the shared schema keeps flags as integers on both engines.
    # PostgreSQL's text cannot hold NUL, which a hostile page or log can put in a finding:
    # it is kept as U+FFFD (the replacement character) rather than the row being refused.
    return tuple(
        int(value)
        if isinstance(value, bool)
        else value.replace("\x00", "\ufffd")
        if isinstance(value, str) and "\x00" in value
        else value
        for value in parameters
    )


class PostgresConnection:
    """The part of ``sqlite3.Connection`` the store uses, over a psycopg connection."""

    IntegrityError = psycopg.IntegrityError
    engine = "postgresql"

    def __init__(self, connection: psycopg.Connection[Any], lock: int = WRITE_LOCK) -> None:
        self._connection = connection
        self._lock = lock

    def execute(self, query: str, parameters: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        cursor = self._connection.cursor(row_factory=_row_factory)
        return cursor.execute(to_psycopg(query), _values(parameters))

    def executemany(self, query: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._connection.cursor() as cursor:
            cursor.executemany(to_psycopg(query), [_values(row) for row in rows])

    def stream(self, query: str, parameters: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Rows as plain tuples, fetched as they are read (not all held at once)."""
        with self._connection.cursor() as cursor:
            yield from cursor.stream(to_psycopg(query), _values(parameters))

    @contextmanager
    def transaction(self) -> Iterator[PostgresConnection]:
        """A write transaction, queued behind every other writer of this organisation."""
        with self._connection.transaction():
            self._connection.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock,))
            yield self

    @contextmanager
    def reading(self, schema: str) -> Iterator[None]:
        """Inside the block, queries read ``schema`` and nothing can be written; after it, this
        connection's own schema again."""
        own = self._connection.execute("SHOW search_path").fetchone()[0]  # type: ignore[index]
        self._connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        try:
            into = sql.SQL("SET search_path TO {}").format(sql.Identifier(schema))
            self._connection.execute(into)
            yield
        finally:
            self._connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
            self._connection.execute(sql.SQL("SET search_path TO {}").format(sql.SQL(own)))

    def try_lock(self, name: str) -> bool:
        """Take the session lock ``name`` if free (held until ``unlock`` or disconnection)."""
        row = self._connection.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),))
        return bool(row.fetchone()[0])  # type: ignore[index]

    def unlock(self, name: str) -> None:
        self._connection.execute("SELECT pg_advisory_unlock(%s)", (lock_key(name),))

    @property
    def usable(self) -> bool:
        """False once the server dropped the connection (a restart, a failover, a terminated
        backend): psycopg marks it broken, and a new one must be made."""
        return not (self._connection.closed or self._connection.broken)

    def close(self) -> None:
        self._connection.close()


def connect(location: StoreLocation) -> PostgresConnection:
    """Connect to the store's database; raises StoreError that never shows a password."""
    password = location.password()
    extra: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    if password is not None:
        extra["password"] = password
    try:
        connection = psycopg.connect(
            location.url or "",
            autocommit=True,
            application_name="opskit",
            # Values bound on the client, as sqlite3 binds them: the server then never has to
            # guess the type of a bare parameter (``? IS NULL``), and the SQL stays shared.
            cursor_factory=psycopg.ClientCursor,
            **extra,
        )
    except psycopg.Error as error:
        reason = _reason(error, password)
        raise StoreError(f"history database {location.shown}: {reason}") from None
    connection.adapters.register_loader("numeric", FloatLoader)
    try:
        _enter_schema(connection, location)
    except psycopg.Error as error:
        connection.close()
        raise StoreError(f"history database {location.shown}: {_reason(error, password)}") from None
    return PostgresConnection(connection, lock_key(f"write:{location.schema}"))


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name``."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _enter_schema(connection: psycopg.Connection[Any], location: StoreLocation) -> None:
    """Work in the organisation's own schema, creating it (and naming it) on first use.

    Every court's tables live in ``org_<code>``: the same SQL serves each, one
    court's writers never queue behind another's, and database rights can be
    given per court (a runner's role reaches its own schema only).
    """
    if location.organisation is None:
        return
    schema = location.schema
    found = connection.execute("SELECT to_regnamespace(%s)", (schema,)).fetchone()
    if found is None or found[0] is None:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(f"schema:{schema}"),))
            connection.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
            )
            connection.execute(_ORGANISATIONS)
            connection.execute(
                "INSERT INTO public.opskit_organisations (code, name, schema_name)"
                " VALUES (%s, %s, %s) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
                (
                    location.organisation,
                    location.organisation_name or location.organisation,
                    schema,
                ),
            )
    connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))


# The organisations that have a part of the shared store, for the supervisor's view.
_ORGANISATIONS = (
    "CREATE TABLE IF NOT EXISTS public.opskit_organisations"
    " (code TEXT PRIMARY KEY, name TEXT NOT NULL, schema_name TEXT NOT NULL UNIQUE)"
)


def _reason(error: psycopg.Error, password: str | None) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text.replace(password, "***") if password else text


def is_postgres_error(error: BaseException) -> bool:
    return isinstance(error, psycopg.Error)
