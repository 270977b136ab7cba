"""The run's result: passed only when every step has an answer and every required step passed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from opskit.result import Status
from opskit.uat.model import RUN_STATUS, StepRecord, verdict

NOW = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


def step(outcome: str, required: bool = True, kind: str = "manual") -> StepRecord:
    return StepRecord(
        position=1,
        step_id="x",
        title="x",
        kind=kind,
        required=required,
        definition={},
        outcome=outcome,
        summary="",
        at=NOW,
    )


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["passed", "passed", "not_applicable"], "passed"),
        (["passed", "unanswered"], "incomplete"),
        (["passed", "failed", "unanswered"], "failed"),
        (["passed", "error", "unanswered"], "error"),
        (["error", "failed"], "failed"),
    ],
)
def test_required_steps_decide_the_result(outcomes: list[str], expected: str) -> None:
    assert verdict([step(outcome) for outcome in outcomes]) == expected


def test_an_incomplete_run_is_never_passed_even_when_the_unanswered_step_is_optional() -> None:
    assert verdict([step("passed"), step("unanswered", required=False)]) == "incomplete"


def test_a_failed_optional_step_does_not_fail_the_run() -> None:
    steps = [step("passed"), step("failed", required=False), step("error", required=False)]

    assert verdict(steps) == "passed"


def test_exit_codes_mean_passed_incomplete_failed_error() -> None:
    assert [RUN_STATUS[name].exit_code for name in ("passed", "incomplete", "failed", "error")] == [
        0,
        1,
        2,
        3,
    ]
    assert RUN_STATUS["failed"] is Status.CRITICAL
