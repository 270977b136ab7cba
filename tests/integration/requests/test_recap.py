"""The recap's section on service requests over a month the test writes: every figure exact
(see the dataset in conftest.november, where each is worked out)."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from opskit.config.schema import Config
from opskit.helpdesk.figures import month_figures, nearest_rank
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import procedure
from opskit.reports.documents import recap
from opskit.reports.documents.common import stationery
from opskit.reports.render import render
from opskit.store import Store

from .conftest import november

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
START = datetime(2026, 11, 1, tzinfo=MAKASSAR)
END = datetime(2026, 12, 1, tzinfo=MAKASSAR)
LATER = datetime(2027, 1, 15, tzinfo=MAKASSAR)  # the recap is written well after the month
MINUTE = 60


@pytest.fixture
def month(court: Callable[..., Config], desk: Any) -> Config:
    config = court()
    november(desk(config))
    return config


def test_the_months_figures(month: Config) -> None:
    with Store.open(month.history_db) as store:
        figures = month_figures(
            store,
            procedure(month, "service-request"),
            OfficeClock.of(month),
            start=START,
            end=END,
            now=LATER,
        )

    assert (figures["registered"], figures["closed"], figures["rejected"]) == (10, 6, 2)
    assert figures["by_category"] == {
        ("-", "-"): 2,
        ("account", "P3"): 1,
        ("hardware", "P2"): 3,
        ("network", "P1"): 2,
        ("software", "-"): 1,
        ("website", "P3"): 1,
    }
    assert figures["category_totals"] == {
        "hardware": 3,
        "network": 2,
        "website": 1,
        "software": 1,
        "account": 1,
        "-": 2,
    }
    steps = {
        row.step: (row.sop, row.taken, row.within, row.median_seconds, row.p90_seconds)
        for row in figures["steps"]
    }
    assert steps == {
        # B1: registered as they arrived.
        "receive": ("B1", 10, 10, 0, 0),
        # B2: 5, 5, 8, 10, 12, 15, 15 (October's, over the weekend), 20, 25, 30, 40 minutes.
        "dispose": ("B2", 11, 4, 15 * MINUTE, 30 * MINUTE),
        "study": ("B3", 8, 8, 5 * MINUTE, 5 * MINUTE),
        "classify": ("B4", 8, 8, 5 * MINUTE, 5 * MINUTE),
        "verify": ("B5", 7, 7, 5 * MINUTE, 5 * MINUTE),
        "prioritise": ("B6", 7, 7, 5 * MINUTE, 5 * MINUTE),
        "consider": ("B7", 7, 7, 5 * MINUTE, 5 * MINUTE),
        "approve": ("B8", 6, 6, 5 * MINUTE, 5 * MINUTE),
        "handle": ("B9", 6, 6, 60 * MINUTE, 60 * MINUTE),
    }
    assert [request.subject for request in figures["open"]] == [
        "Permintaan nomor 10",
        "Permintaan nomor 9",
    ]
    late = {
        request.subject: (pending.step, pending.late_by) for request, pending in figures["late"]
    }
    # B3 due 08:40 on Thursday 12 and 08:50 on Friday 13 November; late to the month's end.
    assert late == {
        "Permintaan nomor 9": ("study", timedelta(hours=103, minutes=20)),
        "Permintaan nomor 10": ("study", timedelta(hours=95, minutes=10)),
    }


def test_the_figures_while_the_month_is_still_running(month: Config) -> None:
    middle = datetime(2026, 11, 12, 12, tzinfo=MAKASSAR)
    with Store.open(month.history_db) as store:
        figures = month_figures(
            store,
            procedure(month, "service-request"),
            OfficeClock.of(month),
            start=START,
            end=END,
            now=middle,
        )

    # Number 9 (disposed 08:30 today) waits 3 h 20 min past its B3 due time; 10 not yet there.
    assert [(request.subject, pending.late_by) for request, pending in figures["late"]] == [
        ("Permintaan nomor 9", timedelta(hours=3, minutes=20))
    ]


def test_nearest_rank_percentile() -> None:
    assert nearest_rank([40, 5, 30, 10, 12, 15, 20, 25, 8, 5], 90) == 30
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([1, 2, 3, 4], 50) == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "id",
            [
                "12. Permintaan Layanan TI (B1-B9)",
                "B2 Mendisposisikan surat permintaan 10 menit 11 4 36,4% 15 menit 30 menit",
                "Permintaan nomor 9",
                "103,3 jam kerja",
                "Perangkat keras 0 0 3 0 3",
            ],
        ),
        (
            "en",
            [
                "12. IT service requests (B1-B9)",
                "B2 Dispose the request letter 10 min 11 4 36.4% 15 min 30 min",
                "103.3 office hours",
                "Hardware 0 0 3 0 3",
            ],
        ),
    ],
)
def test_the_recap_document_shows_the_section(
    month: Config, language: str, expected: list[str], tmp_path: Any
) -> None:
    paper = stationery(month, language)
    with Store.open(month.history_db) as store:
        document = recap.build(month, store, year=2026, month=11, words=paper.words, now=LATER)
    rendered = render(document, paper, generated_at=LATER, output_dir=tmp_path, formats=["html"])

    text = " ".join(re.sub(r"<[^>]+>", " ", rendered.html).split())
    for line in expected:
        assert line in text, line
