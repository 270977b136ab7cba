"""`opskit check content` fetches the published pages several at a time, never more than
``--jobs``: the first pages are held by the loopback server until ``--jobs`` of them are in
flight together (a fetch one after another would never release them), and one page gone
is CRITICAL for its own item only, the others OK, each result under its item."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opskit.config.load import load
from opskit.content import records
from opskit.identity import terminal_actor
from opskit.procedures.definition import procedure
from opskit.result import utc_now
from opskit.store import Store
from support.web import Reply, WebServer

ITEMS = 7
JOBS = 3
STEPS = (("validate", "budi"), ("draft", "rudi"), ("review", "eka"), ("submit", "rudi"),
         ("approve", "nur"), ("publish", "budi"))  # fmt: skip


class Gate:
    """Holds the first ``parties`` requests until they are all in flight; counts the peak."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.barrier = threading.Barrier(parties, timeout=30)
        self.lock = threading.Lock()
        self.calls = self.in_flight = self.peak = 0
        self.broken = False

    def __call__(self, answer: Reply) -> Reply:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            first, self.calls = self.calls < self.parties, self.calls + 1
        try:
            if first:
                try:
                    self.barrier.wait()
                except threading.BrokenBarrierError:
                    self.broken = True
                    return Reply(503, "held alone")
            return answer
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.fixture
def site() -> Iterator[WebServer]:
    server = WebServer().start()
    yield server
    server.stop()


def published(config_path: Path, site: WebServer, gate: Gate) -> list[int]:
    """``ITEMS`` items published on ``site`` (the fourth one's page gone); their numbers."""
    config = load(config_path)
    chosen = procedure(config, "content")
    people = {login: terminal_actor(config, login) for login in ("budi", "rudi", "eka", "nur")}
    made = []
    with Store.open(config.history_db) as store:
        for index in range(ITEMS):
            item = records.create(
                store, config, chosen, actor=people["budi"], kind="news", title=f"Berita {index}",
                material="Laporan", files=[], now=utc_now(),
            )  # fmt: skip
            title, body = f"Sidang keliling {index}", f"Sidang keliling ke-{index} di Babulu."
            for step, login in STEPS:
                records.take_step(
                    store, config, chosen, item.id, step=step, actor=people[login], now=utc_now(),
                    text=(title, body) if step == "draft" else None,
                    url=f"{site.url}berita/{index}" if step == "publish" else None,
                )  # fmt: skip
            page = Reply(body=f"<html><body><h1>{title}</h1><p>{body}</p></body></html>")
            if index == 3:
                page = Reply(404, "<html><body>Tidak ditemukan</body></html>")
            site.routes[f"/berita/{index}"] = lambda _request, page=page: gate(page)
            made.append(item.id)
    return made


def test_pages_are_fetched_together_within_the_bound_and_a_gone_page_is_its_own(
    cli: Any, court: Any, site: WebServer
) -> None:
    config = court()
    gate = Gate(JOBS)
    items = published(config, site, gate)

    run = cli("-c", config, "check", "content", "--jobs", str(JOBS), "--format", "json")

    assert not gate.broken, "the first pages were never in flight together"
    assert gate.peak == JOBS
    found = [
        (result["target"], result["status"])
        for result in run.json["results"]
        if result["check_id"] == "content.published"
    ]
    assert sorted(found) == sorted(
        (f"content:{item}", "CRITICAL" if index == 3 else "OK") for index, item in enumerate(items)
    )
    assert run.exit_code == 2


def test_one_at_a_time_gives_the_same_findings(cli: Any, court: Any, site: WebServer) -> None:
    config = court()
    items = published(config, site, Gate(1))

    run = cli("-c", config, "check", "content", "--jobs", "1", "--format", "json")

    pages = [result for result in run.json["results"] if result["check_id"] == "content.published"]
    statuses = [result["status"] for result in pages]
    assert statuses.count("OK") == ITEMS - 1 and statuses.count("CRITICAL") == 1
    assert [result["target"] for result in pages] == [f"content:{item}" for item in items[::-1]]


def test_jobs_must_be_a_positive_number(cli: Any, court: Any) -> None:
    run = cli("-c", court(), "check", "content", "--jobs", "0")

    assert run.exit_code != 0 and "must be 1 or more" in run.stderr
    assert "Traceback" not in run.stderr
