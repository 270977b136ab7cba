"""``opskit store migrate --to URL``: a court's SQLite history into the shared store, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from opskit import incidents
from opskit.reports import register
from opskit.result import Metric, Result, Status
from opskit.store import Store
from opskit.store.copy import TABLES
from support.cli import run_opskit
from support.postgres import PostgreSQL

START = datetime(2026, 10, 1, tzinfo=UTC)


def court_history(path: Path, runs: int, results_per_run: int = 10) -> None:
    """A court's month: runs of web checks, an outage with its incident, numbered letters."""
    with Store.open(path) as store:
        for number in range(runs):
            at = START + timedelta(minutes=5 * number)
            failing = 100 <= number < 110
            results = [
                Result(
                    "web.http",
                    f"site{index}",
                    Status.CRITICAL if failing and index == 0 else Status.OK,
                    "down" if failing and index == 0 else "up",
                    metrics=(Metric("response_ms", 120.0 + index, "ms"),),
                    observed_at=at,
                )
                for index in range(results_per_run)
            ]
            store.record_run("check web", at, at, results, Status.OK)
            if number in (100, 110):
                incidents.process(store, results, at, timedelta(hours=4))
        for index in range(5):
            register.assign(
                store, kind="incident", key=str(index), moment=START, zone=UTC, pattern="{seq}"
            )


def migrate_argv(config: Path, server: PostgreSQL, database: str) -> list[str]:
    return [
        "--config", str(config), "store", "migrate", "--to", server.url(database),
        "--password-file", str(server.password_file), "--format", "json",
    ]  # fmt: skip


def counts(server: PostgreSQL, database: str, schema: str) -> dict[str, int]:
    return {
        table: int(server.sql(f"SELECT COUNT(*) FROM {schema}.{table}", database)[0][0])
        for table in TABLES
    }


@pytest.fixture
def court(make_config: Callable[..., Path], tmp_path: Path) -> Path:
    return make_config(
        {
            "organisation": {
                "name": "Pengadilan Agama Penajam",
                "code": "pa_penajam",
                "timezone": "Asia/Makassar",
            },
            "paths": {"state_dir": str(tmp_path / "state")},
        }
    )


def test_a_history_is_copied_once_and_the_second_run_copies_nothing(
    court: Path, postgres_server: PostgreSQL, tmp_path: Path
) -> None:
    court_history(tmp_path / "state" / "history.sqlite", runs=300)
    database = postgres_server.create_database()

    first = run_opskit(*migrate_argv(court, postgres_server, database))
    second = run_opskit(*migrate_argv(court, postgres_server, database))

    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 0, second.stderr
    copied = {item["table"]: item["copied"] for item in first.json["data"]["tables"]}
    assert copied["runs"] == 300
    assert copied["results"] == 3000
    assert copied["incidents"] == 1
    assert copied["register_entries"] == 5
    assert second.json["data"]["copied"] == 0
    assert second.json["data"]["present"] == first.json["data"]["copied"]
    shared = counts(postgres_server, database, "org_pa_penajam")
    with Store.open(tmp_path / "state" / "history.sqlite") as store:
        assert shared == {
            table: len(store.read(f"SELECT 1 FROM {table}"))  # noqa: S608
            for table in TABLES
        }
    # The court's runners now write into the shared store after the copied rows.
    shared_config = court.with_name("shared.yaml")
    shared_config.write_text(
        court.read_text()
        + f"store:\n  url: {postgres_server.url(database)}\n"
        + f"  password_file: {postgres_server.password_file}\n"
    )
    listed = run_opskit("--config", shared_config, "history", "--format", "json", "--limit", "1")
    assert listed.exit_code == 0, listed.stderr
    assert listed.json["data"]["runs"][0]["id"] == 300
    incident = run_opskit("--config", shared_config, "incidents", "--format", "json")
    assert incident.exit_code == 0, incident.stderr


@pytest.mark.timeout(300)
def test_a_copy_killed_halfway_is_completed_by_the_next_run(
    court: Path, postgres_server: PostgreSQL, tmp_path: Path
) -> None:
    court_history(tmp_path / "state" / "history.sqlite", runs=2000)
    database = postgres_server.create_database()
    argv = [*migrate_argv(court, postgres_server, database), "--batch", "50"]
    process = subprocess.Popen(
        [sys.executable, "-m", "opskit", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    copied_when_killed = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            found = postgres_server.sql("SELECT COUNT(*) FROM org_pa_penajam.results", database)
        except psycopg.errors.UndefinedTable:  # its migrations have not run yet
            time.sleep(0.02)
            continue
        copied_when_killed = int(found[0][0])
        if copied_when_killed >= 2000:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    process.wait(timeout=30)

    assert process.returncode == -signal.SIGKILL, "the copy finished before it could be killed"
    assert 0 < copied_when_killed < 20_000
    rerun = run_opskit(*migrate_argv(court, postgres_server, database))

    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json["data"]["present"] > 0
    shared = counts(postgres_server, database, "org_pa_penajam")
    assert shared["runs"] == 2000
    assert shared["results"] == 20_000
    assert shared["incidents"] == 1


def test_without_an_organisation_code_nothing_is_copied(
    make_config: Callable[..., Path], postgres_server: PostgreSQL, tmp_path: Path
) -> None:
    config = make_config()
    court_history(tmp_path / "state" / "history.sqlite", runs=3)
    database = postgres_server.create_database()

    refused = run_opskit(*migrate_argv(config, postgres_server, database))

    assert refused.exit_code != 0
    assert "organisation.code" in refused.json["error"]["message"]
    assert postgres_server.sql("SELECT to_regnamespace('org_pa_penajam')", database) == [(None,)]
