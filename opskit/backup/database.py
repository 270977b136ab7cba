"""MariaDB/MySQL dumps: client argv, the credentials option file, and row counts.

Credentials reach the client programs only through an option file
(``--defaults-extra-file``): locally an anonymous in-memory file passed by
descriptor, which no crash can leave behind; never through argv.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opskit.config.schema import Database
from opskit.config.secrets import read_secret
from opskit.memory_file import MemoryFile, memory_file

PROGRAMS = {"mariadb": ("mariadb-dump", "mariadb"), "mysql": ("mysqldump", "mysql")}


def option_file_text(database: Database, password: str | None) -> str:
    """The ``[client]`` section holding the connection and password."""
    lines = ["[client]"]
    if database.user:
        lines.append(f"user={_quote(database.user)}")
    if password is not None:
        lines.append(f"password={_quote(password)}")
    if database.socket:
        lines.append(f"socket={_quote(database.socket)}")
    if database.address:
        lines.append(f"host={_quote(database.address)}")
    if database.port:
        lines.append(f"port={database.port}")
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def database_password(database: Database, set_name: str) -> str | None:
    return read_secret(
        file=database.password_file,
        env=database.password_env,
        what=f"backup.sets.{set_name}.databases.{database.name}.password",
    )


@contextmanager
def option_file(database: Database, password: str | None) -> Iterator[MemoryFile]:
    """The option file for local client programs: pass its descriptor, name its path."""
    with memory_file("opskit-db-client.cnf", option_file_text(database, password)) as options:
        yield options


def dump_argv(database: Database, options_path: str) -> tuple[str, ...]:
    """A consistent dump of one database, without CREATE DATABASE (so it loads under any name)."""
    program = PROGRAMS[database.client][0]
    return (
        program,
        f"--defaults-extra-file={options_path}",
        "--single-transaction",
        "--quick",
        "--triggers",
        "--",
        database.database,
    )


def client_argv(
    database: Database, options_path: str, *, execute: str | None = None, schema: str | None = None
) -> tuple[str, ...]:
    """The SQL client: runs ``execute`` (batch, no column names) or reads SQL from stdin."""
    program = PROGRAMS[database.client][1]
    argv = [program, f"--defaults-extra-file={options_path}", "--batch", "--skip-column-names"]
    if execute is not None:
        argv += ["-e", execute]
    if schema is not None:
        argv += ["--", schema]
    return tuple(argv)


def quote_identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def quote_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def tables_query(schema: str) -> str:
    # Joined from parts: every value is quoted by quote_literal/quote_identifier.
    return " ".join(
        (
            "SELECT table_name FROM information_schema.tables WHERE table_schema =",
            quote_literal(schema),
            "AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
    )


def count_query(schema: str, tables: list[str]) -> str:
    """Exact row counts of ``tables`` in one statement (names quoted as identifiers/literals)."""
    parts = [
        " ".join(
            (
                "SELECT",
                quote_literal(table) + ",",
                "COUNT(*) FROM",
                quote_identifier(schema) + "." + quote_identifier(table),
            )
        )
        for table in tables
    ]
    return " UNION ALL ".join(parts)


def parse_counts(text: str) -> dict[str, int]:
    counts = {}
    for line in text.splitlines():
        name, _, count = line.rpartition("\t")
        if name and count.strip().isdigit():
            counts[name] = int(count)
    return counts
