"""A private MariaDB server in a temporary directory, started and stopped by the tests.

Its own data directory, socket and random loopback port; the tests create
databases and a password-protected dump user in it.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from support.system import free_port, require

START_TIMEOUT_SECONDS = 60.0
DUMP_USER = "opskit_backup"
DUMP_PASSWORD = "Db-Password-from-FILE-3141"


class MariaDB:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.socket = directory / "mysqld.sock"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> MariaDB:
        install = require("mariadb-install-db", "mariadb-server")
        server = require("mariadbd", "mariadb-server")
        require("mariadb-dump", "mariadb-client")
        self.directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                install,
                "--no-defaults",
                f"--datadir={self.data}",
                "--user=root",
                "--auth-root-authentication-method=socket",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        log = (self.directory / "server.log").open("ab")
        self.process = subprocess.Popen(
            [
                server,
                "--no-defaults",
                f"--datadir={self.data}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                "--user=root",
                f"--pid-file={self.directory / 'mysqld.pid'}",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                "--innodb-log-file-size=16M",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.directory / "server.log").read_text()[-2000:])
            if self.socket.exists() and self.sql("SELECT 1", check=False).returncode == 0:
                self.sql(
                    f"CREATE USER '{DUMP_USER}'@'localhost' IDENTIFIED BY '{DUMP_PASSWORD}';"
                    f"GRANT ALL PRIVILEGES ON *.* TO '{DUMP_USER}'@'localhost';"
                )
                return self
            time.sleep(0.2)
        raise RuntimeError(
            "mariadbd did not start: " + (self.directory / "server.log").read_text()[-2000:]
        )

    def sql(
        self, statements: str, database: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run SQL as the server's root (socket authentication).

        The statements go on standard input, never the command line: the secrets
        tests watch every command line on the machine, the fixture's own too.
        """
        argv = [
            "mariadb",
            "--no-defaults",
            f"--socket={self.socket}",
            "-u",
            "root",
            "--batch",
            "--skip-column-names",
        ]
        if database:
            argv.append(database)
        return subprocess.run(
            argv, input=statements, capture_output=True, text=True, check=check, timeout=60
        )

    def make_website(self, name: str, rows: int = 200) -> None:
        """A small website database: a few tables with rows."""
        self.sql(
            f"CREATE DATABASE {name};"
            f"CREATE TABLE {name}.articles"
            " (id INT PRIMARY KEY AUTO_INCREMENT, title VARCHAR(200), body TEXT);"
            f"CREATE TABLE {name}.users (id INT PRIMARY KEY AUTO_INCREMENT, login VARCHAR(50));"
            f"CREATE TABLE {name}.empty_table (id INT);"
        )
        values = ",".join(
            f"('Berita {index}', REPEAT('isi ', {index % 50 + 1}))" for index in range(rows)
        )
        self.sql(f"INSERT INTO articles (title, body) VALUES {values};", database=name)
        users = ",".join(f"('user{index}')" for index in range(17))
        self.sql(f"INSERT INTO users (login) VALUES {users};", database=name)

    def database_entry(self, name: str, password_file: Path, **extra: object) -> dict[str, object]:
        """A backup.sets[].databases[] entry for ``name`` on this server."""
        return {
            "name": name,
            "database": name,
            "socket": str(self.socket),
            "user": DUMP_USER,
            "password_file": str(password_file),
            **extra,
        }

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
