"""UAT review and approval are steps of the uat procedure: recorded by the engine, its role
table and states enforced, beside UAT's own rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit.config.load import load
from opskit.errors import RefusedError
from opskit.identity import Actor
from opskit.procedures import engine
from opskit.store import Store
from opskit.uat import records
from opskit.uat.model import NewRun, StepRecord, verdict

NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


def run(store: Store) -> int:
    steps = [
        StepRecord(
            1, "step-1", "Buka", "manual", True, {}, "passed", "", NOW, tester="Budi Santoso"
        )
    ]
    return records.save(
        store,
        NewRun(
            "uji",
            "Uji",
            "/x",
            "0",
            "App",
            "1.0",
            None,
            "Budi Santoso",
            NOW,
            NOW + timedelta(minutes=5),
            verdict(steps),
            steps,
        ),
        Actor("Budi Santoso", frozenset({"operator"}), "console", login="budi"),
    )


@pytest.fixture
def court(make_config: Any, tmp_path: Path) -> Any:
    return load(make_config({"uat": {"reviewer_role": "kasubbag_ti"}}))


def test_review_and_approval_are_recorded_as_procedure_steps(court: Any) -> None:
    kasubbag = Actor("Siti Aminah", frozenset({"kasubbag_ti"}), "console", login="siti")
    ketua = Actor("Ahmad Fauzi", frozenset({"ketua"}), "terminal")
    with Store.open(court.history_db) as store:
        run_id = run(store)
        records.add_review(
            store,
            run_id,
            reviewer=kasubbag,
            note="Sesuai",
            recommendation="approve",
            now=NOW,
            config=court,
        )
        records.decide(
            store,
            run_id,
            decision="approved",
            approver=ketua,
            role="ketua",
            reason=None,
            now=NOW,
            config=court,
        )
        instance = engine.get(store, "uat", run_id)

    assert instance.state == "approved"
    assert [(r.step, r.actor, r.edge) for r in instance.records] == [
        ("test", "Budi Santoso", "console"),
        ("review", "Siti Aminah", "console"),
        ("approve", "Ahmad Fauzi", "terminal"),
    ]
    assert instance.records[1].fields == {"recommendation": "approve"}


def test_the_engine_refuses_a_reviewer_without_the_role_even_to_direct_callers(
    court: Any,
) -> None:
    operator = Actor("Budi Santoso", frozenset({"operator"}), "console", login="budi")
    with Store.open(court.history_db) as store:
        run_id = run(store)
        with pytest.raises(RefusedError, match="uat.reviewer_role is kasubbag_ti") as raised:
            records.add_review(
                store,
                run_id,
                reviewer=operator,
                note="x",
                recommendation=None,
                now=NOW,
                config=court,
            )
        assert raised.value.code == "not-allowed"
        assert engine.get(store, "uat", run_id).state == "tested"
        assert records.get(store, run_id).reviews == ()
