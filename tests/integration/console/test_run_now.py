"""The operator runs a check from the console: a real opskit process, recorded like any run."""

from __future__ import annotations

import html
import time
from typing import Any

from opskit import audit
from opskit.config.schema import Config
from opskit.store import Store
from support.console import console_for


def test_a_check_started_in_the_console_runs_and_lands_in_history(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, _ = seeded
    with Store.open(config.history_db) as store:
        before = len(store.runs(command="check host"))

    with console_for(config, "budi") as console:
        started = console.post("/run", {"check": "check host"})
        page = console.client.get(started.headers["location"]).text

    assert started.status_code == 303
    assert "opskit check host sedang dijalankan" in page
    deadline = time.monotonic() + 120
    runs: list[Any] = []
    while time.monotonic() < deadline and len(runs) <= before:
        time.sleep(0.5)
        with Store.open(config.history_db) as store:
            runs = store.runs(command="check host")
    assert len(runs) == before + 1, "the check started from the console never recorded its run"
    with Store.open(config.history_db) as store:
        entry = next(entry for entry in audit.listing(store) if entry.action == "checks.run")
    assert (entry.actor, entry.object, entry.edge) == (
        "Budi Santoso",
        "opskit check host",
        "console",
    )
    logs = list((config.state_dir / "console" / "runs").glob("*.log"))
    assert len(logs) == 1 and logs[0].stat().st_mode & 0o077 == 0


def test_an_unknown_job_is_refused_without_starting_anything(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, _ = seeded
    with console_for(config, "budi") as console:
        refused = console.post("/run", {"job": "tidak-ada"})

    assert refused.status_code == 400
    assert "no scheduled job named 'tidak-ada'" in html.unescape(refused.text)
    assert not (config.state_dir / "console" / "runs").exists()
