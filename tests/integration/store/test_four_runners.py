"""Four runners at once against one PostgreSQL store, each checking its shard of a court's
800 sites on loopback, some of them down: nothing is lost, nothing happens twice."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from support.farm import Endpoint, Farm
from support.postgres import PostgreSQL

pytestmark = pytest.mark.integration

SITES = 800
RUNNERS = 4
DOWN_EVERY = 20  # every 20th site refuses connections: 40 sites down
SCHEMA = "org_pa_samarinda"


def runner_config(
    make_config: Callable[..., Path],
    tmp_path: Path,
    runner: int,
    urls: list[str],
    server: PostgreSQL,
    database: str,
) -> Path:
    """One runner machine's config: the court's sites, its own state directory, the store."""
    return make_config(
        {
            "organisation": {"name": "Pengadilan Agama Samarinda", "code": "pa_samarinda"},
            "paths": {"state_dir": str(tmp_path / f"runner{runner}")},
            "store": {"url": server.url(database), "password_file": str(server.password_file)},
            "sites": [
                {
                    "name": f"situs{index:03d}",
                    "url": url,
                    "skip": ["domain", "dns", "freshness", "integrity", "links", "exposure"],
                    "retries": 0,
                    "timeout_seconds": 10,
                    "failures_before_critical": 1,
                    "response_warning_ms": 9000,
                    "response_critical_ms": 9500,
                }
                for index, url in enumerate(urls)
            ],
        },
        name=f"runner{runner}.yaml",
    )


def run_all(configs: list[Path]) -> list[dict[str, object]]:
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "opskit",
                "--config",
                str(config),
                "check",
                "web",
                "--shard",
                f"{index + 1}/{RUNNERS}",
                "--jobs",
                "50",
                "--format",
                "json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for index, config in enumerate(configs)
    ]
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [process.returncode for process in processes] == [2] * RUNNERS, outputs
    return [json.loads(out) for out, _ in outputs]


@pytest.mark.timeout(600)
def test_four_runners_check_every_site_once_and_open_each_incident_once(
    make_config: Callable[..., Path],
    tmp_path: Path,
    postgres_server: PostgreSQL,
    servers: Callable[[Farm], Farm],
) -> None:
    # A port bound but not listening refuses every connection, and no other server can take
    # it while the test holds it (a port merely found free could be reused meanwhile).
    refusing = [socket.socket() for _ in range(0, SITES, DOWN_EVERY)]
    for held in refusing:
        held.bind(("127.0.0.1", 0))
    farm = servers(Farm([Endpoint(delay_seconds=0.01)] * (SITES - len(refusing))))
    served = iter(farm.urls)
    urls = [
        f"http://127.0.0.1:{refusing[index // DOWN_EVERY].getsockname()[1]}/"
        if index % DOWN_EVERY == 0
        else next(served)
        for index in range(SITES)
    ]
    database = postgres_server.create_database()
    configs = [
        runner_config(make_config, tmp_path, runner, urls, postgres_server, database)
        for runner in range(RUNNERS)
    ]
    down = {f"situs{index:03d}" for index in range(0, SITES, DOWN_EVERY)}

    try:
        for _ in range(2):
            run_all(configs)
    finally:
        for held in refusing:
            held.close()

    def sql(statement: str) -> list[tuple[object, ...]]:
        return postgres_server.sql(statement.replace("{s}", SCHEMA), database)

    checked = Counter(
        str(target)
        for (target,) in sql("SELECT target FROM {s}.results WHERE check_id = 'web.http'")
    )
    assert set(checked) == {f"situs{index:03d}" for index in range(SITES)}
    assert set(checked.values()) == {2}, "every site checked once in each of the two runs"
    assert sql("SELECT COUNT(*) FROM {s}.runs WHERE finished_at IS NOT NULL") == [(2 * RUNNERS,)]
    critical = {
        str(target)
        for (target,) in sql(
            "SELECT target FROM {s}.current_status WHERE check_id = 'web.http'"
            " AND status = 'CRITICAL'"
        )
    }
    assert critical == down
    opened = Counter(
        str(target)
        for (target,) in sql("SELECT target FROM {s}.incidents WHERE check_id = 'web.http'")
    )
    assert set(opened) == down
    assert set(opened.values()) == {1}, "one incident per failing site"
    numbers = [str(number) for (number,) in sql("SELECT number FROM {s}.register_entries")]
    assert len(numbers) == len(set(numbers)), "no register number given twice"
    assert len(numbers) >= len(down)
