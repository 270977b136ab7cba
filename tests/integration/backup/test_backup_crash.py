"""A backup killed during a database dump (kill -9, real MariaDB): no password is left behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.mariadb import DUMP_PASSWORD, MariaDB
from support.processes import alive, command_lines, descendants, wait_for
from support.restic import REPOSITORY_PASSWORD
from support.secrets import write_secret
from support.sshd import SshServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


@contextlib.contextmanager
def table_locked(mariadb: MariaDB, table: str) -> Iterator[None]:
    """Another session holds a write lock on ``table``: a dump reading it waits until released."""
    session = subprocess.Popen(
        [
            "mariadb",
            "--no-defaults",
            f"--socket={mariadb.socket}",
            "-u",
            "root",
            "--unbuffered",
            "--batch",
            "--skip-column-names",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert session.stdin is not None and session.stdout is not None
    session.stdin.write(f"LOCK TABLES {table} WRITE; SELECT 'locked';\n")
    session.stdin.flush()
    assert session.stdout.readline().strip() == "locked"
    try:
        yield
    finally:
        session.kill()
        session.wait()


def dump_processes() -> dict[int, list[str]]:
    return {pid: argv for pid, argv in command_lines().items() if argv[:1] == ["mariadb-dump"]}


def files_holding(directory: Path, secret: str) -> list[Path]:
    return [
        path
        for path in directory.rglob("*")
        if path.is_file() and secret.encode() in path.read_bytes()
    ]


def crash(process: subprocess.Popen[bytes]) -> None:
    """kill -9 of opskit and everything it started, as a power cut or the OOM killer would."""
    for pid in [process.pid, *descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(30)


def test_killed_local_dump_leaves_no_password_on_disk(
    backup_config, mariadb: MariaDB, tmp_path: Path, restic: str
) -> None:
    """The database password (option file) and the repository password (from a variable)."""
    mariadb.make_website("joomla_crash")
    password = write_secret(tmp_path / "db.password", DUMP_PASSWORD)
    config = backup_config(
        repositories=[
            {"name": "local", "path": str(tmp_path / "repo"), "password_env": "OPSKIT_TEST_REPO"}
        ],
        sets=[
            {
                "name": "website",
                "databases": [mariadb.database_entry("joomla_crash", password)],
                "repositories": ["local"],
            }
        ],
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    environment = {**os.environ, "TMPDIR": str(scratch), "OPSKIT_TEST_REPO": REPOSITORY_PASSWORD}
    opskit = [sys.executable, "-m", "opskit", "--config", str(config), "backup"]
    subprocess.run([*opskit, "init"], check=True, capture_output=True, timeout=120, env=environment)

    with table_locked(mariadb, "joomla_crash.articles"):
        process = subprocess.Popen(
            [*opskit, "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
        )
        wait_for(
            lambda: any(pid in dump_processes() for pid in descendants(process.pid)),
            what="mariadb-dump to start",
        )
        [dump] = [argv for pid, argv in dump_processes().items() if pid in descendants(process.pid)]
        crash(process)

    assert DUMP_PASSWORD not in " ".join(dump)
    for secret in (DUMP_PASSWORD, REPOSITORY_PASSWORD):
        assert files_holding(scratch, secret) == []
        assert files_holding(tmp_path / "state", secret) == []
    assert [path for path in scratch.iterdir() if path.name.startswith("opskit-")] == []


def test_killed_remote_dump_leaves_a_directory_the_next_run_removes(
    cli, backup_config, mariadb: MariaDB, sshd: SshServer, tmp_path: Path, restic: str
) -> None:
    mariadb.make_website("joomla_remote_crash")
    password = write_secret(tmp_path / "db.password", DUMP_PASSWORD)
    config = backup_config(
        repositories=[
            {
                "name": "onsite",
                "path": str(tmp_path / "web1-repo"),
                "password_file": str(tmp_path / "repository.password"),
            }
        ],
        sets=[
            {
                "name": "website",
                "host": "web1",
                "databases": [mariadb.database_entry("joomla_remote_crash", password)],
                "repositories": ["onsite"],
            }
        ],
        extra_hosts=[sshd.host_entry("web1")],
    )
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0
    assert cli("--config", config, "backup", "init").exit_code == 0
    before = set(dump_processes())

    with table_locked(mariadb, "joomla_remote_crash.articles"):
        process = subprocess.Popen(
            [sys.executable, "-m", "opskit", "--config", str(config), "backup", "run"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: set(dump_processes()) - before, what="mariadb-dump on web1")
        [(dump_pid, dump)] = [item for item in dump_processes().items() if item[0] not in before]
        crash(process)
    wait_for(lambda: not alive(dump_pid), what="the orphaned dump on web1 to end")
    [options] = [part.split("=", 1)[1] for part in dump if part.startswith("--defaults-extra")]
    left = Path(options).parent
    left_behind = left.is_dir() and files_holding(left, DUMP_PASSWORD) != []

    again = cli("--config", config, "backup", "run", "--format", "json")

    assert left_behind, "the crash left the private directory with the password on web1"
    assert again.json["results"][0]["status"] == "OK", again.stdout
    assert not left.exists(), "the next run removed what the crashed one left behind"
    assert f"private directory a crashed run left behind: {left}" in again.stderr


def test_backup_killed_while_restic_runs_is_not_overlapped_by_the_next(
    backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    """kill -9 of opskit alone: its restic lives on, and holds the set's lock until it ends."""
    config = backup_config()
    big = website / "big"
    big.mkdir()
    for index in range(24):
        (big / f"blob{index}.bin").write_bytes(os.urandom(8 << 20))
    opskit = [sys.executable, "-m", "opskit", "--config", str(config), "backup"]
    subprocess.run([*opskit, "init"], check=True, capture_output=True, timeout=120)
    process = subprocess.Popen(
        [*opskit, "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def restic_pid() -> int | None:
        lines = command_lines()
        found = [pid for pid in descendants(process.pid) if lines.get(pid, [""])[0] == "restic"]
        return found[0] if found else None

    wait_for(lambda: restic_pid() is not None, what="restic to start")
    orphan = restic_pid()
    assert orphan is not None
    os.kill(orphan, signal.SIGSTOP)  # restic stays mid-backup, however fast this machine is
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    try:
        second = subprocess.run(
            [*opskit, "run", "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        restic_was_running = alive(orphan)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(orphan, signal.SIGKILL)

    [result] = json.loads(second.stdout)["results"]
    assert result["status"] == "UNKNOWN", result
    assert "backup of set website is already running" in result["summary"]
    assert restic_was_running, "restic ended before the second run looked; the test proves nothing"


def test_restic_killed_during_a_dump_is_named_as_what_failed(
    backup_config, mariadb: MariaDB, tmp_path: Path, restic: str
) -> None:
    mariadb.make_website("joomla_restic_killed")
    password = write_secret(tmp_path / "db.password", DUMP_PASSWORD)
    config = backup_config(
        sets=[
            {
                "name": "website",
                "databases": [mariadb.database_entry("joomla_restic_killed", password)],
                "repositories": ["local"],
            }
        ]
    )
    opskit = [sys.executable, "-m", "opskit", "--config", str(config), "backup"]
    subprocess.run([*opskit, "init"], check=True, capture_output=True, timeout=120)

    with table_locked(mariadb, "joomla_restic_killed.articles"):
        process = subprocess.Popen(
            [*opskit, "run", "--format", "json"], stdout=subprocess.PIPE, text=True
        )

        def started(program: str) -> list[int]:
            lines = command_lines()
            return [p for p in descendants(process.pid) if lines.get(p, [""])[0] == program]

        wait_for(lambda: started("mariadb-dump") and started("restic"), what="dump and restic")
        os.kill(started("restic")[0], signal.SIGKILL)
        # The table stays locked until opskit has stopped the waiting dump: freed earlier, the
        # dump could end on its own first and the order this test is about would be lost.
        wait_for(lambda: not started("mariadb-dump"), timeout_seconds=60, what="dump stopped")
    output, _ = process.communicate(timeout=120)

    [result] = json.loads(output)["results"]
    assert result["status"] == "CRITICAL"
    assert "restic was killed by SIGKILL during the dump" in result["summary"], result
    assert "mariadb-dump was stopped" in result["summary"]
    assert "-15" not in result["summary"]
