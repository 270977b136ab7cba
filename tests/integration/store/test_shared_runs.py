"""Scheduled jobs of one court run by runners on two machines sharing one PostgreSQL store:
each schedule slot runs once (the two machines share no file, only the database)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opskit.store import Store
from opskit.store.location import StoreLocation
from support.cli import run_opskit
from support.limits import NEVER
from support.postgres import PostgreSQL

pytestmark = pytest.mark.integration


def machine(
    make_config: Callable[..., Path],
    tmp_path: Path,
    name: str,
    server: PostgreSQL,
    database: str,
    port: int,
) -> Path:
    """One runner's config: its own state directory (its own machine), the shared store."""
    return make_config(
        {
            "organisation": {"name": "Pengadilan Agama Penajam", "code": "pa_penajam"},
            "paths": {"state_dir": str(tmp_path / name)},
            "store": {"url": server.url(database), "password_file": str(server.password_file)},
            "host_checks": NEVER,
            "hosts": [
                {
                    "name": "hung",
                    "address": "127.0.0.1",
                    "port": port,
                    "connect_timeout_seconds": 3,
                }
            ],
            "schedule": {
                "jobs": [{"name": "slow-ping", "cron": "0 0 * * *", "run": "hosts ping hung"}]
            },
        },
        name=f"{name}.yaml",
    )


def test_two_machines_run_a_due_job_once(
    make_config: Callable[..., Path],
    tmp_path: Path,
    postgres_server: PostgreSQL,
    silent_port: int,
) -> None:
    database = postgres_server.create_database()
    configs = [
        machine(make_config, tmp_path, name, postgres_server, database, silent_port)
        for name in ("server-a", "server-b")
    ]
    first_look = run_opskit("--config", configs[0], "schedule", "show", "--format", "json")
    assert first_look.exit_code == 0, first_look.stderr
    location = StoreLocation(
        url=postgres_server.url(database),
        password_file=postgres_server.password_file,
        organisation="pa_penajam",
    )
    with Store.open(location) as store:
        state = store.get_state("schedule.jobs", "slow-ping")
        state["first_seen"] = (datetime.now(UTC) - timedelta(days=2)).isoformat()
        store.put_state("schedule.jobs", "slow-ping", state)

    def both(*extra: str) -> list[dict[str, object]]:
        runners = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "opskit",
                    "--config",
                    str(config),
                    "run",
                    *extra,
                    "--format",
                    "json",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for config in configs
        ]
        outputs = [runner.communicate(timeout=90) for runner in runners]
        try:
            return [json.loads(out) for out, _ in outputs]
        except ValueError:
            raise AssertionError(outputs) from None

    due = both()
    asked = both("--job", "slow-ping")

    ran_when_due = [job["name"] for output in due for job in output["data"]["jobs"]]  # type: ignore[index]
    ran_when_asked = [job["name"] for output in asked for job in output["data"]["jobs"]]  # type: ignore[index]
    assert ran_when_due == ["slow-ping"], due
    assert ran_when_asked == ["slow-ping"], asked
    assert any(
        "skipped slow-ping: a runner on another machine runs it now" in message
        for output in asked
        for message in output["messages"]  # type: ignore[attr-defined]
    ), asked
    pings = run_opskit("--config", configs[1], "history", "--check", "host.ssh", "--format", "json")
    assert len(pings.json["data"]["results"]) == 2
