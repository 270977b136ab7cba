"""What a UAT run is made of, and the rule that says whether it passed.

A step ends ``passed``, ``failed``, ``not_applicable`` (a tester's answer),
``unanswered`` (a manual step nobody answered) or ``error`` (opskit could
not carry it out, e.g. the host was unreachable). The run is ``passed``
only when every required step passed or was not applicable and every step
has an answer; anything unanswered leaves it ``incomplete``, never passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from opskit.result import Status
from opskit.text import Message

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
            "summary": str(self.summary),
            "message": self.summary.to_dict() if isinstance(self.summary, Message) else None,
            "note": self.note,
            "tester": self.tester,
            "at": self.at.isoformat(),
            "duration_ms": self.duration_ms,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Review:
    """A reviewer's consideration of a run (SOP D3)."""

    reviewer: str
    note: str
    recommendation: Recommendation | None
    at: datetime
    edge: str = "terminal"
    login: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer,
            "note": self.note,
            "recommendation": self.recommendation,
            "at": self.at.isoformat(),
            "edge": self.edge,
            "login": self.login,
        }


@dataclass(frozen=True)
class Ruling:
    """The approver's decision on a run (SOP D6); final."""

    decision: Decision
    approver: str
    role: str
    position: str | None
    nip: str | None
    reason: str | None
    at: datetime
    edge: str = "terminal"
    login: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "approver": self.approver,
            "role": self.role,
            "position": self.position,
            "nip": self.nip,
            "reason": self.reason,
            "at": self.at.isoformat(),
            "edge": self.edge,
            "login": self.login,
        }


@dataclass(frozen=True)
class UatRun:
    """A stored run with its steps, reviews and decision."""

    id: int
    checklist: str
    checklist_title: str
    checklist_source: str
    checklist_sha256: str
    application: str
    version: str | None
    target: str | None
    tester: str | None
    started_at: datetime
    finished_at: datetime
    result: RunResult
    steps: tuple[StepRecord, ...] = ()
    reviews: tuple[Review, ...] = ()
    ruling: Ruling | None = None

    @property
    def testers(self) -> list[str]:
        """Everyone who answered a step, and who started the run, without repeats."""
        names = [self.tester] + [step.tester for step in self.steps]
        return list(dict.fromkeys(name for name in names if name))

    @property
    def state(self) -> str:
        """Where the run is in the procedure: tested, reviewed, approved or rejected."""
        if self.ruling is not None:
            return self.ruling.decision
        return "reviewed" if self.reviews else "tested"

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for step in self.steps:
            found[step.outcome] = found.get(step.outcome, 0) + 1
        return found

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "checklist": self.checklist,
            "checklist_title": self.checklist_title,
            "checklist_source": self.checklist_source,
            "checklist_sha256": self.checklist_sha256,
            "application": self.application,
            "version": self.version,
            "target": self.target,
            "tester": self.tester,
            "testers": self.testers,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "result": self.result,
            "state": self.state,
            "counts": self.counts(),
            "steps": [step.to_dict() for step in self.steps],
            "reviews": [review.to_dict() for review in self.reviews],
            "decision": self.ruling.to_dict() if self.ruling else None,
        }


@dataclass
class NewRun:
    """What ``save`` writes: the run's facts and its steps."""

    checklist: str
    checklist_title: str
    checklist_source: str
    checklist_sha256: str
    application: str
    version: str | None
    target: str | None
    tester: str | None
    started_at: datetime
    finished_at: datetime
    result: RunResult
    steps: Sequence[StepRecord] = field(default_factory=tuple)


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
