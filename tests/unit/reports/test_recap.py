"""The monthly recap over a month of history the test writes: every figure exactly right."""

from __future__ import annotations

import re
import subprocess
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit import incidents
from opskit.config.load import load
from opskit.reports.documents import recap
from opskit.reports.i18n import Words
from opskit.result import Metric, Result, Status
from opskit.store import Store
from support.system import require

ZONE = zoneinfo.ZoneInfo("Asia/Makassar")
MONTH_START = datetime(2026, 11, 1, tzinfo=ZONE)


def availability(target: str, at: datetime, status: Status, response_ms: float) -> Result:
    return Result(
        "web.http",
        target,
        status,
        status.value,
        sop_row="F1",
        observed_at=at,
        metrics=(Metric("response_ms", response_ms, "ms"),),
    )


@pytest.fixture
def month(history_location: Any) -> Store:
    """November 2026: two sites checked hourly, outages, two resolved incidents and one open
    (in an SQLite file and in PostgreSQL: the figures are the same on both engines)."""
    store = Store.open(history_location)
    results = []
    for hour in range(30 * 24):
        at = MONTH_START + timedelta(hours=hour)
        # www: down 36 of 720 hours, answering in 200 ms when up and 1000 ms when down.
        down = hour % 20 == 0
        results.append(
            availability("www", at, Status.CRITICAL if down else Status.OK, 1000 if down else 200)
        )
        # eperkara: 12 hours UNKNOWN (could not tell), otherwise 1 slow WARNING hour in 4.
        status = Status.UNKNOWN if hour < 12 else (Status.WARNING if hour % 4 == 0 else Status.OK)
        results.append(availability("eperkara", at, status, 400))
    results.append(
        Result(
            "backup.run",
            "www",
            Status.OK,
            "ok",
            sop_row="D7",
            observed_at=MONTH_START + timedelta(days=2),
        )
    )
    results.append(
        Result(
            "host.disk",
            "web1:/",
            Status.WARNING,
            "85%",
            sop_row="C5",
            observed_at=MONTH_START + timedelta(days=9),
        )
    )
    # Outside the month: must not count.
    results.append(availability("www", MONTH_START - timedelta(hours=1), Status.CRITICAL, 5000))
    now = MONTH_START + timedelta(days=30)
    store.record_run("generated", MONTH_START, now, results, Status.OK)
    remind = timedelta(days=1)

    def outage(target: str, opened: datetime, resolved: datetime | None) -> None:
        incidents.process(
            store,
            [Result("web.http", target, Status.CRITICAL, "down", observed_at=opened)],
            opened,
            remind,
        )
        if resolved is not None:
            incidents.process(
                store,
                [Result("web.http", target, Status.OK, "up", observed_at=resolved)],
                resolved,
                remind,
            )

    outage(
        "a", MONTH_START + timedelta(days=2, hours=10), MONTH_START + timedelta(days=2, hours=12)
    )
    outage("b", MONTH_START + timedelta(days=9), MONTH_START + timedelta(days=9, minutes=30))
    outage("c", MONTH_START + timedelta(days=29, hours=23), None)
    outage("d", MONTH_START - timedelta(days=3), MONTH_START - timedelta(days=2))  # October
    return store


def test_uptime_response_and_incident_figures_are_exact(month: Store) -> None:
    period = recap.Period.of(2026, 11, Words("id", ZONE))

    sites = {site["target"]: site for site in recap.availability(month, period)}
    figures = recap.incident_figures(month, period, now=MONTH_START + timedelta(days=30))

    assert sites["www"]["samples"] == 720
    assert sites["www"]["uptime_percent"] == pytest.approx(100 * (720 - 36) / 720)  # 95.0
    assert sites["www"]["response_ms"] == pytest.approx((684 * 200 + 36 * 1000) / 720)  # 240
    assert (sites["eperkara"]["samples"], sites["eperkara"]["unknown"]) == (708, 12)
    assert sites["eperkara"]["uptime_percent"] == 100.0  # WARNING is up
    assert figures["count"] == 3 and figures["still_open"] == 1
    assert figures["mttr_seconds"] == (2 * 3600 + 30 * 60) / 2  # 75 min
    assert figures["total_seconds"] == 2 * 3600 + 30 * 60 + 3600  # c: 1 h to month end


def test_daily_series_and_weekly_findings(month: Store) -> None:
    period = recap.Period.of(2026, 11, Words("id", ZONE))

    uptime, response = recap.daily_series(month, period)
    labels, stacks = recap.findings_per_week(month, period)

    assert len(uptime["www"]) == 30
    day_one = MONTH_START.date()
    # Hours 0 and 20 of day one are down (hour % 20 == 0): 22 of 24 up.
    assert uptime["www"][day_one] == pytest.approx(100 * 22 / 24)
    assert response["eperkara"][day_one] == 400
    assert labels == ["1", "2", "3", "4", "5"]
    assert sum(stacks["F"]) == 36 + 180 - 3  # www CRITICAL + eperkara WARNING (3 hours UNKNOWN)
    assert stacks["C"] == [0, 1, 0, 0, 0]  # the disk warning on the 10th


def test_recap_document_shows_the_figures_and_charts(
    month: Store, make_config, tmp_path: Path
) -> None:
    config = load(make_config({"organisation": {"name": "PA Uji", "timezone": "Asia/Makassar"}}))
    words = Words("id", ZONE)

    document = recap.build(
        config, month, year=2026, month=11, words=words, now=MONTH_START + timedelta(days=30)
    )
    from opskit.reports.render import Stationery, render_html

    html = render_html(document, Stationery(words, config.organisation, "Uji"), datetime.now(UTC))

    assert "95,00%" in html and "240 ms" in html
    assert "1 jam 15 menit" in html  # mean time to resolve
    assert set(document.charts) == {"uptime", "response", "findings"}
    assert len(re.findall(r'src="data:image/svg\+xml;base64,', html)) == 3
    assert "C. Monitoring dan Pemeliharaan Perangkat TI" in html
    assert "F. Pemeliharaan Website" in html


def test_the_printed_recap_carries_its_charts_as_text(
    month: Store, make_config, tmp_path: Path
) -> None:
    """The charts are vector drawings: their axes and legends are text in the PDF."""
    pdftotext = require("pdftotext", "poppler-utils")
    config = load(make_config({"organisation": {"name": "PA Uji", "timezone": "Asia/Makassar"}}))
    words = Words("id", ZONE)
    document = recap.build(
        config, month, year=2026, month=11, words=words, now=MONTH_START + timedelta(days=30)
    )
    from opskit.reports.render import Stationery, render

    rendered = render(
        document,
        Stationery(words, config.organisation, "Uji"),
        generated_at=MONTH_START + timedelta(days=30),
        output_dir=tmp_path,
        formats=("pdf", "md"),
    )

    text = subprocess.run(
        [pdftotext, "-layout", str(rendered.paths["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for label in (
        "Ketersediaan (%)",
        "Waktu respons (ms)",
        "Tanggal (November 2026)",
        "Pekan dalam bulan November 2026",
        "eperkara",
        "C. Monitoring dan Pemeliharaan Perangkat TI",
    ):
        assert label in text
    assert len(list(tmp_path.glob("recap/*.svg"))) == 3  # the Markdown's images beside it


def test_hardening_score_trend_per_week(history_location: Any) -> None:
    store = Store.open(history_location)
    for day, score in ((2, 60.0), (3, 70.0), (9, 80.0), (23, 90.0)):
        at = MONTH_START + timedelta(days=day - 1, hours=9)
        store.record_run(
            "check security",
            at,
            at,
            [
                Result(
                    "security.score",
                    "web1",
                    Status.WARNING,
                    f"{score}%",
                    observed_at=at,
                    metrics=(Metric("hardening_score_percent", score, "%"),),
                )
            ],
            Status.WARNING,
        )

    trend = recap.score_trend(store, recap.Period.of(2026, 11, Words("id", ZONE)))

    assert trend == {"web1": [65.0, 80.0, None, 90.0, None]}


def test_prefix_counts_take_the_prefix_and_its_dotted_children_only(
    history_location: Any,
) -> None:
    store = Store.open(history_location)
    at = MONTH_START + timedelta(days=4)
    check_ids = ("backup", "backup.run", "backup.run", "backup.verify", "backup-extra", "backups.x")
    results = [Result(check_id, "www", Status.OK, "ok", observed_at=at) for check_id in check_ids]
    results.append(
        Result(
            "backup.run",
            "www",
            Status.CRITICAL,
            "x",
            observed_at=MONTH_START - timedelta(seconds=1),
        )
    )
    store.record_run("backup run", at, at, results, Status.OK)

    counts = recap.prefix_counts(store, recap.Period.of(2026, 11, Words("id", ZONE)), ("backup",))

    assert counts == [
        {"check_id": "backup", "counts": {"OK": 1}, "total": 1},
        {"check_id": "backup.run", "counts": {"OK": 2}, "total": 2},
        {"check_id": "backup.verify", "counts": {"OK": 1}, "total": 1},
    ]


def test_top_offenders_from_visitor_log_detections(history_location: Any) -> None:
    store = Store.open(history_location)
    at = MONTH_START + timedelta(days=3)
    detections = [
        ("logs.sqli", "203.0.113.77"),
        ("logs.xss", "203.0.113.77"),
        ("logs.sensitive-files", "203.0.113.45"),
    ]
    store.record_run(
        "check logs",
        at,
        at,
        [
            Result(
                check_id,
                f"www:/var/log/access.log:{client}",
                Status.WARNING,
                "found",
                evidence={"client": client},
                observed_at=at,
            )
            for check_id, client in detections
        ]
        + [
            Result(
                "logs.activity",
                "www:/var/log/access.log",
                Status.OK,
                "1000 requests",
                observed_at=at,
            )
        ],
        Status.WARNING,
    )

    offenders = recap.top_offenders(store, recap.Period.of(2026, 11, Words("id", ZONE)))

    assert [(row["client"], row["detections"]) for row in offenders] == [
        ("203.0.113.77", 2),
        ("203.0.113.45", 1),
    ]
    assert set(offenders[0]["rules"].split(",")) == {"sqli", "xss"}


def test_manual_activities_never_fall_on_a_weekend() -> None:
    from opskit.reports.documents.schedule import manual_activities, manual_days, working_day

    words = Words("id", ZONE)
    for month in (11, 12):
        period = recap.Period.of(2026, month, words)
        for activity in manual_activities():
            assert all(day.weekday() < 5 for day in manual_days(activity, period)), activity["id"]
    assert working_day(date(2026, 11, 1), date(2026, 11, 30)) == date(
        2026, 11, 2
    )  # Sunday -> Monday
    assert working_day(date(2026, 11, 28), date(2026, 11, 30)) == date(
        2026, 11, 30
    )  # Saturday -> Monday
    assert working_day(date(2026, 10, 31), date(2026, 10, 31)) == date(
        2026, 10, 30
    )  # last day -> Friday


def test_the_months_decisions_come_from_the_audit_trail(history_location: Any) -> None:
    from opskit import audit
    from opskit.identity import Actor

    store = Store.open(history_location)
    ketua = Actor("Ahmad Fauzi", frozenset({"ketua"}), "console", login="ahmad")
    operator = Actor("Budi Santoso", frozenset({"operator"}), "terminal")
    inside = MONTH_START + timedelta(days=3)
    audit.append(store, ketua, "session.signin", inside)
    audit.append(store, ketua, "uat.approved", inside + timedelta(minutes=5), object="uat:4")
    audit.append(store, operator, "incidents.acknowledge", inside + timedelta(days=1))
    audit.append(store, operator, "incidents.acknowledge", MONTH_START - timedelta(minutes=1))

    period = recap.Period.of(2026, 11, Words("id", ZONE))
    summary = recap.audit_of_month(store, period)

    assert summary["signins"] == 1
    assert [(entry.action, entry.actor, entry.edge) for entry in summary["entries"]] == [
        ("uat.approved", "Ahmad Fauzi", "console"),
        ("incidents.acknowledge", "Budi Santoso", "terminal"),
    ]
