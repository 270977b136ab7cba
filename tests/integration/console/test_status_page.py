"""The public status page: availability per day, incidents in public words, nothing internal."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from opskit import incidents
from opskit.actions.status_page import status_page
from opskit.config.schema import Config
from opskit.result import Metric, Result, Status
from opskit.store import Store
from support.console import console_for

SECRETS = (
    "/var/www/html/secret-admin",
    "10.20.30.40",
    "DB_PASSWORD",
    "hunter2-rahasia",
    "Traceback",
    "mysqld",
)
NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # 12.00 WITA


def record(store: Store, site: str, status: Status, at: datetime, summary: str = "") -> None:
    result = Result(
        "web.http",
        site,
        status,
        summary or f"HTTP 500 from 10.20.30.40 /var/www/html/secret-admin DB_PASSWORD={SECRETS[3]}",
        evidence={"excerpt": "Traceback: mysqld gone", "path": SECRETS[0]},
        metrics=(Metric("response_ms", 120.0, "ms"),),
        observed_at=at,
    )
    store.record_run("check web", at, at, [result], status)


def test_days_count_in_local_time_and_nothing_internal_shows(
    court_config: Callable[..., Config], cli: Any, tmp_path: Any
) -> None:
    config = court_config(
        sites=[
            {"name": "website", "url": "https://www.pa-uji.example/"},
            {"name": "sipp", "url": "https://sipp.pa-uji.example/"},
        ]
    )
    with Store.open(config.history_db) as store:
        # 29 Nov local (WITA): three answers and one failure at 23.30 local (15.30 UTC).
        for hour in (1, 5, 9):
            record(store, "website", Status.OK, datetime(2026, 11, 29, hour, 0, tzinfo=UTC))
        record(store, "website", Status.CRITICAL, datetime(2026, 11, 29, 15, 30, tzinfo=UTC))
        # 16.30 UTC on the 29th is already the 30th in Makassar.
        record(store, "website", Status.CRITICAL, datetime(2026, 11, 29, 16, 30, tzinfo=UTC))
        down = Result("web.http", "website", Status.CRITICAL, SECRETS[2], observed_at=NOW)
        store.record_run("check web", NOW, NOW, [down], Status.CRITICAL)
        incidents.process(store, [down], NOW, timedelta(hours=4))
        record(store, "sipp", Status.OK, NOW - timedelta(hours=1), "OK from 10.20.30.40")
        data = status_page(config, store, NOW)

    website = next(site for site in data["sites"] if site["name"] == "website")
    days = {day["date"]: day for day in website["days"]}
    assert days["2026-11-29"]["percent"] == 75.0 and days["2026-11-29"]["level"] == "down"
    assert days["2026-11-30"]["percent"] == 0.0
    assert days["2026-11-28"]["level"] == "none"
    assert len(website["days"]) == 90
    assert website["state"] == "down"
    assert website["incidents"] == [{"kind": "outage", "since": NOW.isoformat()}]
    assert data["overall"] == "down"

    with console_for(config) as console:
        page = console.client.get("/status").text
        payload = console.client.get("/status.json").text
    exported = cli("-c", config.source, "report", "status-page", "--output", tmp_path / "pages")
    static = (tmp_path / "pages" / "index.html").read_text()
    static_json = (tmp_path / "pages" / "status.json").read_text()

    assert exported.exit_code == 0, exported.stderr
    assert "Website tidak dapat diakses sejak" in page
    assert "Website tidak dapat diakses sejak" in static
    assert json.loads(static_json)["overall"] == "down"
    for text in (page, payload, static, static_json):
        for secret in SECRETS:
            assert secret not in text
    assert (tmp_path / "pages" / "status.css").is_file()
    assert 'href="status.css"' in static


def test_the_status_page_can_be_switched_off(court_config: Callable[..., Config]) -> None:
    config = court_config(console={"status_page": {"enabled": False}})

    with console_for(config) as console:
        assert console.client.get("/status").status_code == 404
        assert console.client.get("/status.json").status_code == 404


def test_only_the_chosen_sites_are_public(court_config: Callable[..., Config]) -> None:
    config = court_config(
        sites=[
            {"name": "website", "url": "https://www.pa-uji.example/"},
            {"name": "intranet", "url": "https://intranet.pa-uji.example/"},
        ],
        console={"status_page": {"sites": ["website"]}},
    )

    with console_for(config) as console:
        page = console.client.get("/status").text

    assert "www.pa-uji.example" in page
    assert "intranet" not in page
