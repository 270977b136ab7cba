"""The audit trail: every change made in the console is in it, and nothing can change it."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from opskit import audit
from opskit.config.schema import Config
from opskit.console.app import routes
from opskit.store import Store
from support.console import console_for


def test_every_state_change_by_the_console_is_recorded(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, ids = seeded
    with console_for(config, "budi") as operator:
        operator.post(f"/incidents/{ids['incident']}/ack", {"note": "php-fpm dijalankan ulang"})
        operator.post(f"/incidents/{ids['incident']}/note", {"note": "dipantau"})
    with console_for(config, "siti") as kasubbag:
        kasubbag.post(f"/uat/{ids['uat']}/review", {"note": "Sesuai", "recommendation": "approve"})
    with console_for(config, "ahmad") as ketua:
        ketua.post(f"/uat/{ids['uat']}/decide", {"decision": "approve"})
        ketua.post("/signout/everywhere")

    with Store.open(config.history_db) as store:
        entries = {(entry.action, entry.actor, entry.edge) for entry in audit.listing(store)}

    assert {
        ("session.signin", "Budi Santoso", "console"),
        ("incidents.acknowledge", "Budi Santoso", "console"),
        ("incidents.annotate", "Budi Santoso", "console"),
        ("uat.review", "Siti Aminah", "console"),
        ("uat.approved", "Ahmad Fauzi", "console"),
        ("session.signout-everywhere", "Ahmad Fauzi", "console"),
    } <= entries


def test_the_console_offers_no_way_to_change_the_trail() -> None:
    writable = [
        route.path
        for route in routes()
        if getattr(route, "methods", None) and "POST" in route.methods and "audit" in route.path
    ]

    assert writable == []


@pytest.mark.parametrize(
    "statement", ["UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"]
)
def test_the_database_refuses_to_rewrite_the_trail(
    seeded: tuple[Config, dict[str, int]], statement: str
) -> None:
    config, _ = seeded
    with console_for(config, "budi"):
        pass
    connection = sqlite3.connect(config.history_db)

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute(statement)
    assert connection.execute("SELECT COUNT(*) FROM audit").fetchone()[0] >= 1


def test_terminal_decisions_say_they_came_from_the_terminal(
    seeded: tuple[Config, dict[str, int]], cli: Any
) -> None:
    config, ids = seeded
    reviewed = cli(
        "-c", config.source, "uat", "review", str(ids["uat"]), "--reviewer", "Siti Aminah",
        "--note", "Sesuai",
    )  # fmt: skip
    approved = cli(
        "-c", config.source, "uat", "approve", str(ids["uat"]), "--approver", "Ahmad Fauzi"
    )

    assert reviewed.exit_code == 0 and approved.exit_code == 0, approved.stderr
    assert "from the terminal, not a signed-in person" in approved.stdout
    with Store.open(config.history_db) as store:
        edges = {entry.action: entry.edge for entry in audit.listing(store)}
    assert edges["uat.review"] == edges["uat.approved"] == "terminal"
    with console_for(config, "siti") as console:
        assert "dicatat dari terminal" in console.client.get(f"/uat/{ids['uat']}").text


def test_the_dashboard_shows_a_change_made_in_the_console_at_once(
    seeded: tuple[Config, dict[str, int]],
) -> None:
    config, ids = seeded
    with console_for(config, "budi") as operator:
        before = operator.client.get("/dashboard").text
        operator.post(f"/incidents/{ids['incident']}/ack", {"note": "ditangani"})
        after = operator.client.get("/dashboard?part=live").text

    assert "Belum ditangani" in before
    assert "Ditangani oleh Budi Santoso" in after
