"""The SQL client of a backup set's host: queries and dump loads, here or over SSH.

Website databases live beside the website: on this machine, or on the SSH
host the set names. Either way the client reads its credentials from an
option file that never reaches argv: here an in-memory file passed by
descriptor, there a 0600 file in the session's private directory (which
the next session removes if a crash left it behind).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from opskit.actions.backup.common import HostAccess
from opskit.backup import database as db
from opskit.backup.remote import RemoteRunner
from opskit.backup.repository import Target
from opskit.backup.restic import dump_argv
from opskit.config.schema import Database
from opskit.errors import OpskitError
from opskit.execute import Completed, pipe, run
from opskit.memory_file import MemoryFile

QUERY_TIMEOUT_SECONDS = 600


class SqlClient(Protocol):
    """Runs SQL against one configured database server, on the host where it lives."""

    database: Database

    @property
    def where(self) -> str: ...

    def run_sql(self, sql: str, *, schema: str | None = None) -> Completed: ...

    def load_dump(self, target: Target, snapshot_id: str, path: str, schema: str) -> str | None:
        """Load the dump at ``path`` of ``snapshot_id`` into ``schema``; why not, or None."""
        ...


@dataclass
class LocalSql:
    database: Database
    options: MemoryFile
    where: str = "local"

    def run_sql(self, sql: str, *, schema: str | None = None) -> Completed:
        return run(
            db.client_argv(self.database, self.options.path, execute=sql, schema=schema),
            timeout_seconds=QUERY_TIMEOUT_SECONDS,
            pass_fds=(self.options.descriptor,),
        )

    def load_dump(self, target: Target, snapshot_id: str, path: str, schema: str) -> str | None:
        loaded = pipe(
            dump_argv(target.restic, snapshot_id, path),
            db.client_argv(self.database, self.options.path, schema=schema),
            timeout_seconds=self.database.timeout_seconds,
            producer_env=target.env,
            producer_fds=target.descriptors,
            consumer_fds=(self.options.descriptor,),
        )
        if loaded.producer.exit_code == 0 and loaded.consumer.exit_code == 0:
            return None
        return (loaded.producer.stderr_tail + loaded.consumer.stderr_tail).strip()[-300:]


@dataclass
class RemoteSql:
    runner: RemoteRunner
    database: Database
    options: str

    @property
    def where(self) -> str:
        return self.runner.where

    def run_sql(self, sql: str, *, schema: str | None = None) -> Completed:
        return self.runner.run(
            db.client_argv(self.database, self.options, execute=sql, schema=schema),
            {},
            timeout_seconds=QUERY_TIMEOUT_SECONDS,
        )

    def load_dump(self, target: Target, snapshot_id: str, path: str, schema: str) -> str | None:
        # restic dump | mariadb in two steps: the dump waits in the private directory.
        staged = self.runner.secret_path(f"restore-{self.database.name}.sql")
        try:
            dumped = self.runner.run(
                dump_argv(target.restic, snapshot_id, path),
                target.env,
                timeout_seconds=self.database.timeout_seconds,
                keep_stdout=False,
                stdout_file=staged,
            )
            if dumped.exit_code != 0:
                return f"restic dump exited {dumped.exit_code}: {dumped.stderr_tail.strip()[-300:]}"
            loaded = self.runner.run(
                db.client_argv(self.database, self.options, schema=schema),
                {},
                timeout_seconds=self.database.timeout_seconds,
                stdin_file=staged,
            )
        finally:
            self.runner.remove(staged)
        if loaded.exit_code != 0:
            return loaded.stderr_tail.strip()[-300:] or f"exit {loaded.exit_code}"
        return None


@contextmanager
def sql_client(access: HostAccess, database: Database, password: str | None) -> Iterator[SqlClient]:
    """The client for ``database`` on the set's host, its credentials ready for the block."""
    if access.local:
        with db.option_file(database, password) as options:
            yield LocalSql(database, options)
        return
    runner = access.runner
    if not isinstance(runner, RemoteRunner):
        raise OpskitError("internal error: a remote database needs a remote runner")
    path = runner.write_secret(
        f"client-{database.name}.cnf", db.option_file_text(database, password)
    )
    try:
        yield RemoteSql(runner, database, path)
    finally:
        runner.remove(path)


def query(client: SqlClient, sql: str) -> str:
    """The output of ``sql``; raises OpskitError with the server's message when it fails."""
    completed = client.run_sql(sql)
    if not completed.ok:
        raise OpskitError(f"query failed on {client.where}: {completed.stderr_tail.strip()[-300:]}")
    return completed.stdout


def row_counts(client: SqlClient, schema: str) -> dict[str, int]:
    """Exact row counts of every table of ``schema``; raises OpskitError when the query fails."""
    tables = query(client, db.tables_query(schema)).split()
    if not tables:
        return {}
    return db.parse_counts(query(client, db.count_query(schema, tables)))
