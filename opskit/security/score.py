"""The hardening score of a host: the weighted share of its security checks that passed.

Each check weighs what the policy says (``score.weights``); a check that
passed (OK) earns its weight, anything else, UNKNOWN included, earns
nothing, because "could not tell" is not a pass. The score is a result
of its own (``security.score``) so history keeps its trend.
"""

from __future__ import annotations

from collections.abc import Sequence

from opskit.catalog import sop_row, unknown
from opskit.result import Metric, Result, Status
from opskit.security.policy import ScorePolicy
from opskit.text import Message


def hardening_score(host: str, results: Sequence[Result], policy: ScorePolicy) -> Result:
    """``security.score`` for ``host`` from its security results."""
    judged = [result for result in results if result.check_id != "security.score"]
    if not judged:
        return unknown("security.score", host, Message("security.score.none"))
    total = sum(policy.weight(result.check_id) for result in judged)
    earned = sum(policy.weight(result.check_id) for result in judged if result.status is Status.OK)
    percent = round(100 * earned / total, 1) if total else 0.0
    failed = [result.check_id for result in judged if result.status is not Status.OK]
    if percent < policy.critical_below:
        status = Status.CRITICAL
    elif percent < policy.warning_below:
        status = Status.WARNING
    else:
        status = Status.OK
    summary = Message(
        "security.score.value",
        score=percent,
        passed=len(judged) - len(failed),
        total=len(judged),
    )
    return Result(
        check_id="security.score",
        target=host,
        status=status,
        summary=summary,
        evidence={
            "weights": {result.check_id: policy.weight(result.check_id) for result in judged},
            "not_passed": failed,
            "earned": earned,
            "total": total,
            "expected": f"at least {policy.warning_below:g}%",
        },
        metrics=(
            Metric(
                "hardening_score_percent",
                percent,
                "%",
                policy.warning_below,
                policy.critical_below,
            ),
        ),
        sop_row=sop_row("security.score"),
    )
