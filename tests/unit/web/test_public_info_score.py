"""Scores as the catalogue weights them, the status they give, and changes between audits."""

from __future__ import annotations

import pytest

from opskit.result import Status
from opskit.web.publicinfo.catalogue import load
from opskit.web.publicinfo.judge import Verdict
from opskit.web.publicinfo.score import changes, score, status


def verdict(item: str, category: str, state: str, weight: float = 1) -> Verdict:
    return Verdict(item, category, state, weight, "", "")


def test_unknown_items_count_neither_way_and_categories_average_by_weight() -> None:
    catalogue = load()
    catalogue = catalogue.model_copy(
        update={
            "categories": [
                c.model_copy(update={"weight": 3 if c.id == "profil" else 1})
                for c in catalogue.categories
            ]
        }  # fmt: skip
    )
    verdicts = [
        verdict("a", "profil", "found"),
        verdict("b", "profil", "stale"),
        verdict("c", "profil", "unknown"),
        verdict("d", "hak-masyarakat", "missing", weight=2),
        verdict("e", "hak-masyarakat", "found"),
        verdict("f", "informasi-lain", "found", weight=0),
    ]

    scores = score(catalogue, verdicts)

    by_id = {category.id: category.score for category in scores.categories}
    assert by_id["profil"] == pytest.approx(75.0)  # (1 + 0.5) / 2
    assert by_id["hak-masyarakat"] == pytest.approx(100 / 3)  # 1 of weight 3
    assert by_id["informasi-lain"] is None  # weight 0 only
    assert scores.overall == pytest.approx((3 * 75 + 100 / 3) / 4)
    assert scores.unknown_weight == 1
    assert status(catalogue, scores) is Status.UNKNOWN


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["found"] * 10, Status.OK),
        (["found"] * 8 + ["missing"] * 2, Status.WARNING),  # 80 < 90
        (["found"] * 4 + ["missing"] * 6, Status.CRITICAL),  # 40 < 50
        (["found"] * 4 + ["missing"] * 6 + ["unknown"], Status.CRITICAL),  # bad either way
    ],
)
def test_status_follows_the_catalogue_s_limits(states: list[str], expected: Status) -> None:
    catalogue = load()
    scores = score(catalogue, [verdict(str(n), "profil", s) for n, s in enumerate(states)])

    assert status(catalogue, scores) is expected


def test_changes_list_items_whose_judged_state_moved() -> None:
    before = [
        {"item": "a", "state": "found", "target": "https://a.go.id/a/"},
        {"item": "b", "state": "found"},
        {"item": "c", "state": "missing"},
        {"item": "d", "state": "found"},
    ]
    now = [
        verdict("a", "profil", "missing"),
        verdict("b", "profil", "unknown"),  # could not tell: no change claimed
        verdict("c", "profil", "found"),
        verdict("d", "profil", "found"),
    ]

    moved = changes(before, now)

    assert [(m["item"], m["before"], m["now"]) for m in moved] == [
        ("a", "found", "missing"),
        ("c", "missing", "found"),
    ]
    assert moved[0]["was_at"] == "https://a.go.id/a/"
