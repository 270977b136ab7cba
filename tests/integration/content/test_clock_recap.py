"""The SOP's clock on content with a controlled "now": material gathered late on a Friday is
not late over the weekend; once late, the operator is reminded by e-mail (a real SMTP
server on loopback) and past the limit it is CRITICAL. The month's recap section counts
what was published, the office time from draft to publication, and what was sent back
and why, each figure worked out here by hand."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from opskit import notify
from opskit.actions import content as actions
from opskit.actions.content_check import check_content
from opskit.config.load import load
from opskit.content.figures import month_figures
from opskit.context import AppContext
from opskit.identity import terminal_actor
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import procedure
from opskit.reports.documents import recap
from opskit.reports.documents.common import stationery
from opskit.reports.render import render
from opskit.result import Status
from opskit.store import Store
from support.smtp import SmtpServer
from support.web import Reply, WebServer

from .conftest import OFFICE, PEOPLE

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
FRIDAY, SATURDAY = date(2026, 11, 6), date(2026, 11, 7)
MONDAY, TUESDAY = date(2026, 11, 9), date(2026, 11, 10)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MAKASSAR)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def site() -> Iterator[WebServer]:
    server = WebServer().start()
    yield server
    server.stop()


@pytest.fixture
def office(make_config: Any, smtp: SmtpServer) -> Iterator[AppContext]:
    people = [
        {**person, "email": "operator@pa-uji.go.id", "notify": ["email"]}
        if person["login"] == "budi"
        else person
        for person in PEOPLE
    ]
    config = load(make_config({
        "people": people, "procedures": OFFICE,
        "notifications": {"channels": [{"name": "email", "url": smtp.url()}]},
    }))  # fmt: skip
    context = AppContext(None, interactive=False, config=config)
    yield context
    context.close()


def step(office: AppContext, item: int, command: str, who: str, moment: datetime, **extra: Any):
    actor = terminal_actor(office.config, who)
    return actions.take(office, item, command, actor, now=moment, **extra)


def late_status(office: AppContext, moment: datetime) -> Status:
    outcome = check_content(office, now=moment)
    notify.flush(office.store(), office.config, moment)
    return next(result.status for result in outcome.results if result.check_id == "content.late")


def test_the_clock_reminds_and_the_recap_counts(
    office: AppContext, smtp: SmtpServer, site: WebServer
) -> None:
    budi = terminal_actor(office.config, "budi")
    item = actions.new(office, budi, kind="news", title="Sidang keliling",
                       material="Laporan panitera", now=at(FRIDAY, 15)).data["id"]  # fmt: skip

    # E2's hour from Friday 15:00 ends at 16:00, when the office closes; not late yet then.
    assert late_status(office, at(FRIDAY, 15, 50)) is Status.OK
    assert late_status(office, at(SATURDAY, 12)) is Status.OK
    assert smtp.messages == []
    assert late_status(office, at(MONDAY, 8, 30)) is Status.WARNING  # 30 office minutes late
    [mail] = smtp.messages
    assert mail.recipients == ["operator@pa-uji.go.id"]
    assert "menunggu Menjadikan dokumen elektronik yang valid" in str(mail.message["subject"])
    assert late_status(office, at(MONDAY, 9)) is Status.WARNING
    assert len(smtp.messages) == 1  # reminded again only after an office hour
    assert late_status(office, at(MONDAY, 10, 30)) is Status.CRITICAL  # past 2 hours late
    assert len(smtp.messages) == 2

    step(office, item, "validate", "budi", at(MONDAY, 13, 30))
    step(office, item, "edit", "rudi", at(MONDAY, 14), title="Sidang keliling di Babulu",
         body="Sidang keliling digelar di Babulu.")  # fmt: skip
    step(office, item, "send-back", "eka", at(MONDAY, 14, 20), note="Sebutkan tanggalnya")
    step(office, item, "edit", "rudi", at(MONDAY, 15), title="Sidang keliling di Babulu",
         body="Sidang keliling digelar di Babulu pada 6 November 2026.")  # fmt: skip
    step(office, item, "review", "eka", at(MONDAY, 15, 20))
    step(office, item, "submit", "rudi", at(MONDAY, 15, 30))
    step(office, item, "approve", "nur", at(TUESDAY, 8, 15))
    site.routes["/berita/1"] = Reply(
        body="<h1>Sidang keliling di Babulu</h1><p>Sidang keliling digelar di Babulu pada "
        "6 November 2026.</p>"
    )
    published = step(office, item, "publish", "budi", at(TUESDAY, 8, 40),
                     url=f"{site.url}berita/1")  # fmt: skip
    assert published.results[0].status is Status.OK

    with Store.open(office.config.history_db) as store:
        figures = month_figures(
            store, procedure(office.config, "content"), OfficeClock.of(office.config),
            start=at(date(2026, 11, 1), 0), end=at(date(2026, 12, 1), 0), now=at(TUESDAY, 9),
        )  # fmt: skip
    [entry] = figures["published"]
    # First draft Monday 14:00 to publication Tuesday 08:40: 2 h on Monday + 40 min.
    assert entry["draft_to_publish"] == (2 * 60 + 40) * 60
    [back] = figures["sent_back"]
    assert (back["record"].actor, back["record"].from_state, back["record"].note) == (
        "Eka Putri", "drafted", "Sebutkan tanggalnya",
    )  # fmt: skip
    steps = {row.step: (row.taken, row.within) for row in figures["steps"]}
    # E2 from Friday 15:00 to Monday 13:30 is 6.5 office hours: late on its one hour.
    assert steps["validate"] == (1, 0)
    assert steps["draft"] == (2, 2)
    assert figures["open"] == [] and figures["late"] == []

    paper = stationery(office.config, "id")
    with Store.open(office.config.history_db) as store:
        document = recap.build(office.config, store, year=2026, month=11, words=paper.words,
                               now=at(TUESDAY, 9))  # fmt: skip
    rendered = render(document, paper, generated_at=at(TUESDAY, 9), output_dir=Path(
        office.config.state_dir), formats=["html"])  # fmt: skip
    text = " ".join(re.sub(r"<[^>]+>", " ", rendered.html).split())
    assert "13. Pengelolaan Konten Website (E1-E7)" in text
    assert "Sidang keliling di Babulu" in text and "Sebutkan tanggalnya" in text
    assert "Konsep konten Eka Putri" in text
    # Time standards in words, the page's address under its title (no column of its own).
    assert "E2 Menjadikan dokumen elektronik yang valid 1 jam" in text
    assert not re.search(r"\b\d+[hmd]\b", text), re.findall(r"\b\d+[hmd]\b", text)
    assert f"Sidang keliling di Babulu {site.url}berita/1" in text
