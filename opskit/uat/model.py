"""What a UAT run is made of, and the rule that says whether it passed.

A step ends ``passed``, ``failed``, ``not_applicable`` (a tester's answer),
``unanswered`` (a manual step nobody answered) or ``error`` (opskit could
not carry it out, e.g. the host was unreachable). The run is ``passed``
only when every required step passed or was not applicable and every step
has an answer; anything unanswered leaves it ``incomplete``, never passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from opskit.result import Status

StepOutcomeName = Literal["passed", "failed", "not_applicable", "unanswered", "error"]
RunResult = Literal["passed", "incomplete", "failed", "error"]
Decision = Literal["approved", "rejected"]
Recommendation = Literal["approve", "reject"]

STEP_OUTCOMES: tuple[StepOutcomeName, ...] = (
    "passed",
    "failed",
    "not_applicable",
    "unanswered",
    "error",
)
# Exit codes follow the Nagios table: 0 passed, 1 incomplete, 2 failed, 3 error.
RUN_STATUS: dict[RunResult, Status] = {
    "passed": Status.OK,
    "incomplete": Status.WARNING,
    "failed": Status.CRITICAL,
    "error": Status.UNKNOWN,
}


@dataclass(frozen=True)
class StepRecord:
    """One step of a run: what it was, how it ended, the evidence, when and by whom."""

    position: int
    step_id: str
    title: str
    kind: str
    required: bool
    definition: dict[str, Any]
    outcome: StepOutcomeName
    summary: str
    at: datetime
    evidence: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    tester: str | None = None
    duration_ms: float | None = None

    @property
    def automated(self) -> bool:
        return self.kind != "manual"

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "id": self.step_id,
            "title": self.title,
            "kind": self.kind,
            "required": self.required,
            "definition": self.definition,
            "outcome": self.outcome,
            "summary": self.summary,
            "note": self.note,
            "tester": self.tester,
            "at": self.at.isoformat(),
            "duration_ms": self.duration_ms,
            "evidence": self.evidence,
        }


def verdict(steps: Iterable[StepRecord]) -> RunResult:
    """The run's result: failed > error > incomplete > passed.

    A failed or erroneous optional step does not fail the run, but any
    unanswered step, optional or not, leaves it incomplete: a run is only
    finished when every step has an answer.
    """
    steps = list(steps)
    required = {step.outcome for step in steps if step.required}
    if "failed" in required:
        return "failed"
    if "error" in required:
        return "error"
    if any(step.outcome == "unanswered" for step in steps):
        return "incomplete"
    return "passed"
