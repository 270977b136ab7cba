"""The backup part of ``opskit demo``: a small website, its database, a local repository.

The database is a private MariaDB server started for the demo only (its
own data directory in the workspace, a socket in a temporary directory,
no network at all) and stopped when the demo ends. Without MariaDB
installed the demo backs up the files alone and says so.
"""

from __future__ import annotations

import getpass
import logging
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from opskit.execute import run

logger = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 30.0
SEARCH_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
PAGES = {
    "index.php": "<?php include 'header.php'; echo 'Selamat datang di Pengadilan Agama Demo'; ?>\n",
    "header.php": "<?php // header ?>\n<title>PA Demo</title>\n",
    "jadwal-sidang.html": "<h1>Jadwal Sidang</h1>\n" + "<p>Perkara nomor 1/Pdt.G/2026</p>\n" * 40,
}


def prepare_site(workspace: Path) -> Path:
    """The demo website's files (written once; later demos back up the same site)."""
    root = workspace / "site" / "html"
    (root / "images").mkdir(parents=True, exist_ok=True)
    for name, text in PAGES.items():
        if not (root / name).exists():
            (root / name).write_text(text, encoding="utf-8")
    for index in range(3):
        image = root / "images" / f"foto{index}.jpg"
        if not image.exists():
            image.write_bytes(os.urandom(30_000))
    return root


def prepare_password(workspace: Path) -> Path:
    path = workspace / "state" / "backup" / "repository.password"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(secrets.token_urlsafe(32) + "\n")
    return path


def backup_section(workspace: Path, database: dict[str, Any] | None) -> dict[str, Any]:
    site = prepare_site(workspace)
    password = prepare_password(workspace)
    return {
        "repositories": [
            {
                "name": "local",
                "path": str(workspace / "state" / "backup" / "repository"),
                "password_file": str(password),
            }
        ],
        "sets": [
            {
                "name": "website",
                "paths": [str(site)],
                "databases": [database] if database else [],
                "repositories": ["local"],
                "verification": {"read_data_groups": 4, "drill_files": 5},
            }
        ],
    }


@contextmanager
def demo_database(workspace: Path) -> Iterator[dict[str, Any] | None]:
    """A running private MariaDB with a ``website`` database, or None when not installed."""
    install = shutil.which("mariadb-install-db", path=SEARCH_PATH)
    server = shutil.which("mariadbd", path=SEARCH_PATH)
    if install is None or server is None or shutil.which("mariadb-dump") is None:
        logger.warning("MariaDB is not installed; the demo backs up the website files only")
        yield None
        return
    data = workspace / "mariadb"
    user = getpass.getuser()
    socket_dir = Path(tempfile.mkdtemp(prefix="opskit-demo-db-"))
    socket = socket_dir / "mysqld.sock"
    process = None
    try:
        if not (data / "mysql").is_dir():
            run(
                (
                    install,
                    "--no-defaults",
                    f"--datadir={data}",
                    f"--user={user}",
                    "--skip-test-db",
                    "--auth-root-authentication-method=socket",
                ),
                timeout_seconds=120,
            )
        with (workspace / "mariadb.log").open("ab") as log:
            process = subprocess.Popen(
                (
                    server,
                    "--no-defaults",
                    f"--datadir={data}",
                    f"--socket={socket}",
                    "--skip-networking",
                    f"--user={user}",
                    f"--pid-file={socket_dir / 'pid'}",
                    "--skip-log-bin",
                    "--innodb-buffer-pool-size=16M",
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_and_fill(process, socket, user)
        yield {"name": "website", "database": "website", "socket": str(socket), "user": user}
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(socket_dir, ignore_errors=True)


def _wait_and_fill(process: subprocess.Popen[bytes], socket: Path, user: str) -> None:
    client = ("mariadb", "--no-defaults", f"--socket={socket}", "-u", user, "--batch")
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise OSError("the demo MariaDB server stopped while starting (see mariadb.log)")
        if socket.exists() and run((*client, "-e", "SELECT 1"), timeout_seconds=10).ok:
            break
        time.sleep(0.1)
    else:
        raise OSError("the demo MariaDB server did not start in time (see mariadb.log)")
    rows = ",".join(f"('Putusan perkara {index}/Pdt.G/2026')" for index in range(1, 51))
    create = (
        "CREATE DATABASE IF NOT EXISTS website;"
        "CREATE TABLE IF NOT EXISTS website.berita (id INT PRIMARY KEY AUTO_INCREMENT, judul TEXT);"
    )
    insert = "INSERT INTO website.berita (judul) VALUES " + rows  # noqa: S608 - fixed text  # nosec B608
    statements = create + insert + ";"
    run((*client, "-e", statements), timeout_seconds=30)
