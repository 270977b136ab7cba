"""The rules a stored run obeys: approval only when passed and reviewed, and then never a change."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from opskit.errors import RefusedError
from opskit.identity import Actor
from opskit.store import Store
from opskit.uat import records
from opskit.uat.model import NewRun, StepRecord, UatRun, verdict

NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


@pytest.fixture
def store(history_location: Any) -> Iterator[Store]:
    with Store.open(history_location) as opened:
        yield opened


def save(store: Store, *outcomes: str) -> int:
    steps = [
        StepRecord(
            position=index,
            step_id=f"step-{index}",
            title=f"Langkah {index}",
            kind="manual",
            required=True,
            definition={"instruction": "Buka", "expected": "Tampil"},
            outcome=outcome,
            summary="",
            at=NOW,
            tester="Budi Santoso",
        )
        for index, outcome in enumerate(outcomes, start=1)
    ]
    return records.save(
        store,
        NewRun(
            checklist="uji",
            checklist_title="Uji",
            checklist_source="/tmp/uji.yaml",
            checklist_sha256="0" * 64,
            application="E-Pengaduan",
            version="1.0",
            target=None,
            tester=None,
            started_at=NOW,
            finished_at=NOW + timedelta(minutes=5),
            result=verdict(steps),
            steps=steps,
        ),
    )


def person(name: str, role: str, position: str | None = None) -> Actor:
    return Actor(name=name, roles=frozenset({role}), edge="terminal", position=position)


def review(store: Store, run_id: int, reviewer: str = "Siti Aminah") -> UatRun:
    return records.add_review(
        store,
        run_id,
        reviewer=person(reviewer, "kasubbag_ti"),
        note="Sesuai",
        recommendation=None,
        now=NOW,
    )


def decide(store: Store, run_id: int, decision: str = "approved") -> UatRun:
    return records.decide(
        store,
        run_id,
        decision=decision,
        approver=person("Ahmad Fauzi", "ketua", "Ketua"),
        role="ketua",
        reason="Belum lengkap" if decision == "rejected" else None,
        now=NOW,
    )


def test_a_run_and_its_steps_round_trip(store: Store) -> None:
    run_id = save(store, "passed", "not_applicable")

    run = records.get(store, run_id)

    assert (run.result, run.state, run.testers) == ("passed", "tested", ["Budi Santoso"])
    assert [step.outcome for step in run.steps] == ["passed", "not_applicable"]
    assert run.steps[0].definition == {"instruction": "Buka", "expected": "Tampil"}


def test_a_failed_run_cannot_be_approved_even_when_reviewed(store: Store) -> None:
    run_id = save(store, "passed", "failed")
    review(store, run_id)

    with pytest.raises(RefusedError, match="failed; only a passed run can be approved"):
        decide(store, run_id)


def test_an_incomplete_run_cannot_be_approved(store: Store) -> None:
    run_id = save(store, "passed", "unanswered")
    review(store, run_id)

    with pytest.raises(RefusedError, match="incomplete"):
        decide(store, run_id)


def test_only_a_reviewed_run_can_be_approved(store: Store) -> None:
    run_id = save(store, "passed")

    with pytest.raises(RefusedError, match="has not been reviewed"):
        decide(store, run_id)
    review(store, run_id)
    assert decide(store, run_id).state == "approved"


def test_the_approver_cannot_be_the_only_reviewer(store: Store) -> None:
    run_id = save(store, "passed")
    review(store, run_id, reviewer="ahmad  FAUZI")

    with pytest.raises(RefusedError, match="reviewed only by Ahmad Fauzi"):
        decide(store, run_id)


def test_a_failed_run_cannot_be_recommended_for_approval_but_can_be_rejected(store: Store) -> None:
    """The decision, either way, comes after the consideration (D3 before D6)."""
    run_id = save(store, "failed")

    with pytest.raises(RefusedError, match="cannot be recommended for approval"):
        records.add_review(
            store,
            run_id,
            reviewer=person("Siti", "kasubbag_ti"),
            note="x",
            recommendation="approve",
            now=NOW,
        )
    with pytest.raises(RefusedError, match="taken only when it is reviewed"):
        decide(store, run_id, "rejected")
    records.add_review(
        store,
        run_id,
        reviewer=person("Siti", "kasubbag_ti"),
        note="gagal di langkah 3",
        recommendation="reject",
        now=NOW,
    )
    assert decide(store, run_id, "rejected").state == "rejected"


def test_a_decided_run_refuses_reviews_and_a_second_decision(store: Store) -> None:
    run_id = save(store, "passed")
    review(store, run_id)
    decide(store, run_id)

    with pytest.raises(RefusedError, match="was approved by Ahmad Fauzi .* cannot change"):
        review(store, run_id)
    with pytest.raises(RefusedError, match="cannot change"):
        decide(store, run_id, "rejected")
    assert records.get(store, run_id).ruling.decision == "approved"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE uat_runs SET version = '2.0' WHERE id = ?",
        "UPDATE uat_steps SET outcome = 'failed' WHERE run_id = ?",
        "DELETE FROM uat_steps WHERE run_id = ?",
        "INSERT INTO uat_steps (run_id, position, step_id, title, kind, required, definition,"
        " outcome, summary, evidence, at) VALUES (?, 9, 'x', 'x', 'manual', 1, '{}', 'passed',"
        " '', '{}', '2026-11-22')",
        "UPDATE uat_reviews SET note = 'changed' WHERE run_id = ?",
        "DELETE FROM uat_reviews WHERE run_id = ?",
        "UPDATE uat_decisions SET decision = 'rejected' WHERE run_id = ?",
        "DELETE FROM uat_decisions WHERE run_id = ?",
        "DELETE FROM uat_runs WHERE id = ?",
    ],
)
def test_the_database_itself_refuses_to_change_a_decided_run(store: Store, statement: str) -> None:
    run_id = save(store, "passed")
    review(store, run_id)
    decide(store, run_id)

    refused = (sqlite3.IntegrityError, psycopg.IntegrityError)
    with pytest.raises(refused, match="decided|final"), store.transaction() as db:
        db.execute(statement, (run_id,))
    assert records.get(store, run_id).version == "1.0"


def test_an_undecided_run_can_still_be_corrected_in_the_database(store: Store) -> None:
    run_id = save(store, "passed")

    with store.transaction() as db:
        db.execute("UPDATE uat_runs SET version = '1.0.1' WHERE id = ?", (run_id,))

    assert records.get(store, run_id).version == "1.0.1"
