"""A private PostgreSQL server in a temporary directory, started and stopped by the tests.

Debian's binaries (``initdb``, ``postgres``), a data directory of its own,
listening only on a Unix socket in that directory. The superuser connects
by the socket without a password (to make databases); opskit connects as
the role ``opskit`` with a password read from a 0600 file, as a runner
would. PostgreSQL refuses to run as root, so under root the server runs as
the ``postgres`` system user the Debian package creates.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from support.system import free_port, require

START_TIMEOUT_SECONDS = 60.0
ROLE = "opskit"
ROLE_PASSWORD = "Pg-Password-from-FILE-2718"
BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _program(name: str) -> str:
    for directory in BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    return require(name, "postgresql")


class PostgreSQL:
    def __init__(self) -> None:
        # Not under pytest's tmp_path: its 0700 parents keep the postgres user out.
        self.directory = Path(tempfile.mkdtemp(prefix="opskit-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.password_file = self.directory / "opskit.password"
        self._names = itertools.count(1)
        self._as_user: Callable[[], None] | None = None

    def start(self) -> PostgreSQL:
        initdb, server = _program("initdb"), _program("postgres")
        self.directory.chmod(0o755)
        owner = os.getuid()
        if owner == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            uid, gid = account.pw_uid, account.pw_gid

            def drop() -> None:
                os.setgid(gid)
                os.setuid(uid)

            self._as_user = drop
        subprocess.run(
            [initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True, timeout=120, preexec_fn=self._as_user,  # noqa: PLW1509
        )  # fmt: skip
        (self.data / "pg_hba.conf").write_text(
            "local all postgres trust\nlocal all all scram-sha-256\n"
        )
        log = self.directory / "server.log"
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [server, "-D", str(self.data), "-p", str(self.port), "-k", str(self.directory),
                 "-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
                 "-c", "full_page_writes=off", "-c", "max_connections=200",
                 "-c", "shared_buffers=64MB"],
                stdout=output, stderr=subprocess.STDOUT, preexec_fn=self._as_user,  # noqa: PLW1509
            )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(log.read_text()[-2000:])
            try:
                self.sql(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE_PASSWORD}' CREATEDB")
            except psycopg.OperationalError:
                time.sleep(0.2)
                continue
            self.password_file.write_text(ROLE_PASSWORD + "\n")
            self.password_file.chmod(0o600)
            return self
        raise RuntimeError("postgres did not start: " + log.read_text()[-2000:])

    def superuser_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.directory}&port={self.port}"

    def url(self, database: str) -> str:
        """The URL opskit is given: no password in it (that is in ``password_file``)."""
        return f"postgresql://{ROLE}@/{database}?host={self.directory}&port={self.port}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        with psycopg.connect(self.superuser_url(database), autocommit=True) as connection:
            cursor = connection.execute(statement.encode())
            return cursor.fetchall() if cursor.description else []

    def create_database(self, prefix: str = "store") -> str:
        """A new empty database owned by the ``opskit`` role; returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self.sql(f"CREATE DATABASE {name} OWNER {ROLE} TEMPLATE template0")
        return name

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
