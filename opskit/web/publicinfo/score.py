"""Scores per category and overall, as the catalogue weights them, and changes since last time.

Definitions, stated so a score can be checked by hand:

- an item earns the credit of its verdict (``scoring.credit``: found 1,
  stale 0.5, missing 0 by default) times its weight;
- a category's score is its items' earned weight over their total weight,
  in percent; items whose verdict is unknown count neither way, so a page
  that could not be read never lowers (or raises) the score;
- the overall score is the categories' scores averaged with the
  categories' weights, over the categories that have a score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opskit.result import Status
from opskit.web.publicinfo.catalogue import Catalogue
from opskit.web.publicinfo.judge import FOUND, MISSING, STALE, STATES, UNKNOWN, Verdict


@dataclass
class CategoryScore:
    id: str
    weight: float
    score: float | None
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "weight": self.weight, "score": self.score, "counts": self.counts}


@dataclass
class Scores:
    categories: list[CategoryScore]
    overall: float | None
    counts: dict[str, int]
    unknown_weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "counts": self.counts,
            "unknown_weight": self.unknown_weight,
            "categories": [category.to_dict() for category in self.categories],
        }


def score(catalogue: Catalogue, verdicts: list[Verdict]) -> Scores:
    credit = catalogue.scoring.credit
    earned = {FOUND: credit.found, STALE: credit.stale, MISSING: credit.missing}
    categories = []
    for category in catalogue.categories:
        own = [verdict for verdict in verdicts if verdict.category == category.id]
        judged = [verdict for verdict in own if verdict.state != UNKNOWN and verdict.weight > 0]
        total = sum(verdict.weight for verdict in judged)
        value = (
            100 * sum(verdict.weight * earned[verdict.state] for verdict in judged) / total
            if total
            else None
        )
        categories.append(CategoryScore(category.id, category.weight, value, _counts(own)))
    scored = [item for item in categories if item.score is not None and item.weight > 0]
    weights = sum(item.weight for item in scored)
    overall = (
        sum(item.weight * (item.score or 0.0) for item in scored) / weights if weights else None
    )
    unknown = sum(verdict.weight for verdict in verdicts if verdict.state == UNKNOWN)
    return Scores(categories, overall, _counts(verdicts), unknown)


def status(catalogue: Catalogue, scores: Scores) -> Status:
    """CRITICAL or WARNING by the overall score; UNKNOWN when a weighted item was not judged."""
    if scores.overall is None:
        return Status.UNKNOWN
    if scores.overall < catalogue.scoring.critical_below:
        return Status.CRITICAL
    if scores.unknown_weight > 0:
        return Status.UNKNOWN
    if scores.overall < catalogue.scoring.warning_below:
        return Status.WARNING
    return Status.OK


def changes(previous: list[dict[str, Any]], verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """Items whose judged state moved since the last audit (unknown on either side is no change)."""
    before = {entry.get("item"): entry for entry in previous if isinstance(entry, dict)}
    moved = []
    for verdict in verdicts:
        old = before.get(verdict.item)
        if old is None or UNKNOWN in (old.get("state"), verdict.state):
            continue
        if old.get("state") != verdict.state:
            moved.append(
                {
                    "item": verdict.item,
                    "category": verdict.category,
                    "before": old.get("state"),
                    "now": verdict.state,
                    "was_at": old.get("target") or old.get("where"),
                    "was_text": old.get("text"),
                    "reason": verdict.reason,
                }
            )
    return moved


def _counts(verdicts: list[Verdict]) -> dict[str, int]:
    return {state: sum(1 for verdict in verdicts if verdict.state == state) for state in STATES}
