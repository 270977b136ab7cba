"""The history store: migrations, round trips, and concurrent writers losing nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit.errors import StoreError
from opskit.result import Metric, Result, Status
from opskit.store import MIGRATIONS, ResultFilter, Store
from support.cli import run_opskit

WRITER = """
import sys
from datetime import UTC, datetime
from opskit.result import Result, Status
from opskit.store import Store

from opskit.store.location import StoreLocation

where, tag, runs, password_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
location = (
    StoreLocation(url=where, password_file=__import__("pathlib").Path(password_file))
    if where.startswith("postgresql") else StoreLocation(path=__import__("pathlib").Path(where))
)
with Store.open(location) as store:
    for number in range(runs):
        now = datetime.now(UTC)
        results = [Result("host.disk", f"{tag}-{number}-{index}", Status.OK, "fine")
                   for index in range(5)]
        store.record_run(f"writer {tag}", now, now, results, Status.OK)
"""


def result(check_id: str = "host.disk", target: str = "web1", status: Status = Status.OK) -> Result:
    return Result(
        check_id,
        target,
        status,
        "summary",
        evidence={"mount": "/"},
        metrics=(Metric("disk_used_percent", 12.5, "%", 80, 90),),
        sop_row="C5",
    )


def test_a_run_and_its_results_round_trip(history_location: Any) -> None:
    with Store.open(history_location) as store:
        started = datetime.now(UTC)
        run_id = store.record_run(
            "check host",
            started,
            started + timedelta(seconds=2),
            [result(), result("host.load", "web1", Status.WARNING)],
            Status.WARNING,
        )

        [run] = store.runs()
        stored = store.results(ResultFilter(run_id=run_id))

    assert (run.id, run.command, run.status, run.counts) == (
        run_id,
        "check host",
        Status.WARNING,
        {"OK": 1, "WARNING": 1},
    )
    assert {item.check_id for item in stored} == {"host.disk", "host.load"}
    disk = next(item for item in stored if item.check_id == "host.disk")
    assert disk.metrics[0] == Metric("disk_used_percent", 12.5, "%", 80, 90)
    assert disk.evidence == {"mount": "/"}
    assert disk.observed_at.tzinfo is not None


def test_text_with_a_nul_byte_from_a_hostile_site_is_stored_on_both_engines(
    history_location: Any,
) -> None:
    """PostgreSQL's text cannot hold NUL: it is kept as U+FFFD there, never refused."""
    found = Result(
        "web.integrity", "situs\x00", Status.CRITICAL, "judul berubah: slot\x00gacor",
        evidence={"title": "slot\x00gacor"},
    )  # fmt: skip
    with Store.open(history_location) as store:
        now = datetime.now(UTC)
        run_id = store.record_run("check web", now, now, [found], Status.CRITICAL)
        [stored] = store.results(ResultFilter(run_id=run_id))

    assert stored.summary.replace("\ufffd", "\x00") == "judul berubah: slot\x00gacor"
    assert stored.target.replace("\ufffd", "\x00") == "situs\x00"
    assert stored.evidence == {"title": "slot\x00gacor"}  # JSON keeps its own escape


def test_schema_version_is_recorded_and_store_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "history.sqlite"
    with Store.open(path) as store:
        assert store.schema_version == len(MIGRATIONS)
    assert path.stat().st_mode & 0o077 == 0
    journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_a_database_from_a_newer_opskit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    Store.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    connection.close()

    with pytest.raises(StoreError, match="newer than this opskit"):
        Store.open(path)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)

    with pytest.raises(StoreError, match=f"history database {path}"):
        Store.open(path)


def test_two_processes_writing_at_once_lose_nothing(history_location: Any) -> None:
    path = history_location
    where, password_file = _argv(history_location)
    runs = 150
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, where, tag, str(runs), password_file],
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], errors
    with Store.open(path) as store:
        assert store.count("runs") == 2 * runs
        assert store.count("results") == 2 * runs * 5
        targets = {item.target for item in store.results(ResultFilter(limit=10_000))}
    assert len(targets) == 2 * runs * 5


def test_two_opskit_commands_at_once_both_record(make_config) -> None:
    config = make_config()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "opskit", "--config", str(config), "check", "host"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for process in processes:
        process.communicate(timeout=120)

    listed = run_opskit("--config", config, "history", "--format", "json")
    assert len(listed.json["data"]["runs"]) == 4


def _argv(location: Any) -> tuple[str, str]:
    """The store as a writer process is told it: no password on its command line."""
    if isinstance(location, Path):
        return str(location), "-"
    return location.url, str(location.password_file)


def test_recent_and_latest_results(history_location: Any) -> None:
    with Store.open(history_location) as store:
        for status in (Status.OK, Status.CRITICAL, Status.WARNING):
            now = datetime.now(UTC)
            store.record_run(
                "check host", now, now, [result(status=status), result("host.load", "web2")], status
            )

        recent = store.recent("host.disk", "web1", limit=2)
        latest = store.latest("host")
        only_disk = store.latest("host.disk")

    assert [item.status for item in recent] == [Status.WARNING, Status.CRITICAL]
    assert [(item.check_id, item.target, item.status) for item in latest] == [
        ("host.disk", "web1", Status.WARNING),
        ("host.load", "web2", Status.OK),
    ]
    assert [item.check_id for item in only_disk] == ["host.disk"]


def test_state_values_round_trip_and_update(history_location: Any) -> None:
    with Store.open(history_location) as store:
        assert store.get_state("logs.offsets", "/var/log/nginx/access.log") is None
        store.put_state("logs.offsets", "/var/log/nginx/access.log", {"inode": 5, "offset": 10})
        store.put_state("logs.offsets", "/var/log/nginx/access.log", {"inode": 5, "offset": 99})
        store.put_state("logs.offsets", "other", 1)

        assert store.get_state("logs.offsets", "/var/log/nginx/access.log") == {
            "inode": 5,
            "offset": 99,
        }
        assert store.state_items("logs.offsets") == {
            "/var/log/nginx/access.log": {"inode": 5, "offset": 99},
            "other": 1,
        }
