"""The hardening score: weighted share of passed checks; UNKNOWN never counts as passed."""

from __future__ import annotations

import pytest

from opskit.result import Result, Status
from opskit.security.score import hardening_score


def result(check_id: str, status: Status) -> Result:
    return Result(check_id=check_id, target="web1", status=status, summary="")


def test_weights_decide_the_score(policy) -> None:
    results = [
        result("fw.active", Status.OK),  # 5
        result("fw.default-inbound", Status.CRITICAL),  # 5
        result("ssh.x11-forwarding", Status.OK),  # 1 (default weight)
        result("av.daemon", Status.UNKNOWN),  # 2
    ]

    score = hardening_score("web1", results, policy().score)

    assert score.check_id == "security.score"
    assert score.metrics[0].name == "hardening_score_percent"
    assert score.metrics[0].value == pytest.approx(100 * 6 / 13, abs=0.05)
    assert score.status is Status.CRITICAL  # 46% < 50%
    assert score.evidence["not_passed"] == ["fw.default-inbound", "av.daemon"]
    assert score.summary == "hardening score 46.2% (2 of 4 checks passed)"


@pytest.mark.parametrize(
    ("passed", "status"),
    [(10, Status.OK), (8, Status.OK), (7, Status.WARNING), (4, Status.CRITICAL)],
)
def test_thresholds(policy, passed: int, status: Status) -> None:
    results = [
        result(f"x.{index}", Status.OK if index < passed else Status.WARNING) for index in range(10)
    ]

    assert hardening_score("web1", results, policy().score).status is status


def test_no_checks_no_score(policy) -> None:
    assert hardening_score("web1", [], policy().score).status is Status.UNKNOWN
