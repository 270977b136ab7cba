"""UAT runs reviewed and decided before the procedure engine get their steps in its tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from opskit.procedures import engine
from opskit.store import MIGRATIONS, Store
from opskit.store.migrations import statements


def older_database(path: Path) -> None:
    """A history at the schema before procedures, with three UAT runs in three states."""
    connection = sqlite3.connect(path)
    engine_migration = next(
        index for index, script in enumerate(MIGRATIONS) if "CREATE TABLE procedure_steps" in script
    )
    for version, script in enumerate(MIGRATIONS[:engine_migration], start=1):
        for statement in statements(script):
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {version}")
    for run_id in (1, 2, 3):
        connection.execute(
            "INSERT INTO uat_runs (id, uid, checklist, checklist_title, checklist_source,"
            " checklist_sha256, application, tester, started_at, finished_at, result, machine,"
            " opskit_version) VALUES (?, ?, 'uji', 'Uji', '/x', '0', 'App', 'Budi Santoso',"
            " '2026-11-01T01:00:00+00:00', '2026-11-01T01:05:00+00:00', 'passed', 'm', '0')",
            (run_id, f"uid-{run_id}"),
        )
    reviews = [
        (2, "Siti Aminah", "2026-11-02T01:00:00+00:00", "approve"),
        (3, "Siti Aminah", "2026-11-02T01:00:00+00:00", None),
        (3, "Dewi Lestari", "2026-11-02T02:00:00+00:00", None),
    ]
    connection.executemany(
        "INSERT INTO uat_reviews (run_id, reviewer, note, recommendation, at, edge)"
        " VALUES (?, ?, 'Sesuai', ?, ?, 'console')",
        [(run, name, recommendation, at) for run, name, at, recommendation in reviews],
    )
    connection.execute(
        "INSERT INTO uat_decisions (run_id, decision, approver, role, reason, at, edge)"
        " VALUES (3, 'approved', 'Ahmad Fauzi', 'ketua', NULL, '2026-11-03T01:00:00+00:00',"
        " 'terminal')"
    )
    connection.commit()
    connection.close()


def test_existing_runs_get_their_procedure_state_and_steps(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    older_database(path)

    with Store.open(path) as store:
        tested, reviewed, approved = (engine.get(store, "uat", run) for run in (1, 2, 3))

    assert (tested.state, reviewed.state, approved.state) == ("tested", "reviewed", "approved")
    assert [(r.step, r.from_state, r.to_state, r.actor) for r in approved.records] == [
        ("test", None, "tested", "Budi Santoso"),
        ("review", "tested", "reviewed", "Siti Aminah"),
        ("review", "reviewed", "reviewed", "Dewi Lestari"),
        ("approve", "reviewed", "approved", "Ahmad Fauzi"),
    ]
    assert reviewed.records[1].fields == {"recommendation": "approve"}
    assert reviewed.records[1].edge == "console"
    # The state was entered by the first review, not the second.
    assert approved.entered_position == 4
    assert reviewed.entered_position == 2
