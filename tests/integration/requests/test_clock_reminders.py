"""The SOP's clock with a controlled "now": a request received late on a Friday waits through
the weekend and a holiday without being late; once late, the person holding the step is
reminded by e-mail (a real SMTP server on loopback) once, then each office hour; past the
limit it is CRITICAL and an incident opens, which resolves when the step is taken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from opskit import incidents, notify
from opskit.actions.requests_check import check_requests
from opskit.alerting import after_run
from opskit.config.schema import Config
from opskit.result import Status, utc_now
from opskit.store import Store
from support.smtp import SmtpServer

from .conftest import PEOPLE, moment

FRIDAY, SATURDAY, HOLIDAY, TUESDAY = (date(2026, 12, day) for day in (4, 5, 7, 8))
EMAILS = {
    "Dewi Lestari": "sekretaris@pa-uji.go.id",
    "Siti Aminah": "kasubbag@pa-uji.go.id",
    "Budi Santoso": "operator@pa-uji.go.id",
}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailing_court(court: Callable[..., Config], smtp: SmtpServer) -> Config:
    people = [
        {**person, "email": EMAILS[person["name"]], "notify": ["email"]}
        if person["name"] in EMAILS
        else person
        for person in PEOPLE
    ]
    return court(
        people=people,
        notifications={"channels": [{"name": "email", "url": smtp.url()}]},
    )


def check(desk: Any, now: Any) -> Any:
    outcome = check_requests(desk.context, now=now)
    notify.flush(desk.context.store(), desk.config, now)
    return outcome


def status_of(outcome: Any, number: str) -> Status:
    return next(result.status for result in outcome.results if result.target == number)


def test_the_clock_stands_still_on_the_weekend_and_a_holiday_then_reminds(
    mailing_court: Config, desk: Any, smtp: SmtpServer
) -> None:
    office = desk(mailing_court)
    request = office.new("budi", moment(FRIDAY, 15, 55), requester="Rina Wulandari")
    number = request["number"]
    assert request["waiting"]["due"] == moment(TUESDAY, 8, 5).isoformat()

    quiet = [
        check(office, moment(day, hour, minute))
        for day, hour, minute in (
            (FRIDAY, 15, 58),
            (SATURDAY, 10, 0),
            (HOLIDAY, 11, 0),
            (TUESDAY, 8, 4),
        )
    ]
    assert [status_of(outcome, number) for outcome in quiet] == [Status.OK] * 4
    assert smtp.messages == []

    late = check(office, moment(TUESDAY, 8, 6))
    assert status_of(late, number) is Status.WARNING
    assert late.results[0].summary == (
        "'Dispose the request letter' is late by 1 min of office time (standard 10m)"
    )
    assert late.results[0].sop_row == "B2"
    assert late.messages == [f"request {request['id']}: reminder 1 to Dewi Lestari"]
    assert [message.recipients for message in smtp.messages] == [["sekretaris@pa-uji.go.id"]]
    first = smtp.messages[0].message
    assert "Pengingat 1: permintaan layanan TI" in first["Subject"]
    assert number in first["Subject"]
    body = first.get_body(preferencelist=("plain", "html")).get_content()
    assert 'menunggu langkah "Mendisposisikan surat permintaan" (SOP B2)' in " ".join(body.split())
    assert "terlambat 1 menit jam kerja" in " ".join(body.split())

    still_within_the_interval = check(office, moment(TUESDAY, 8, 30))
    assert status_of(still_within_the_interval, number) is Status.WARNING
    assert still_within_the_interval.messages == []
    second = check(office, moment(TUESDAY, 9, 6))
    assert second.messages == [f"request {request['id']}: reminder 2 to Dewi Lestari"]
    critical = check(office, moment(TUESDAY, 10, 6))
    assert status_of(critical, number) is Status.CRITICAL
    assert critical.messages == [f"request {request['id']}: reminder 3 to Dewi Lestari"]
    subjects = [item.message["Subject"] for item in smtp.messages]
    assert [subject.split(":")[0][-11:] for subject in subjects] == [
        "Pengingat 1",
        "Pengingat 2",
        "Pengingat 3",
    ]

    office.step(
        request["id"],
        "dispose",
        "Dewi Lestari",
        moment(TUESDAY, 10, 10),
        note="Mohon ditelaah",
        values={"assignee": "Siti Aminah"},
    )
    on_time = check(office, moment(TUESDAY, 10, 15))
    assert status_of(on_time, number) is Status.OK
    next_step_late = check(office, moment(TUESDAY, 10, 21))
    assert next_step_late.messages == [f"request {request['id']}: reminder 1 to Siti Aminah"]
    assert smtp.messages[-1].recipients == ["kasubbag@pa-uji.go.id"]
    assert len(smtp.messages) == 4


def test_a_critical_request_opens_an_incident_that_closes_with_the_request(
    mailing_court: Config, desk: Any
) -> None:
    office = desk(mailing_court)
    request = office.new("budi", moment(TUESDAY, 8, 0), requester="Rina Wulandari")

    critical = check(office, moment(TUESDAY, 11, 0))
    after_run(office.context, critical)
    with Store.open(mailing_court.history_db) as store:
        opened = incidents.listing(store, open_only=True)
    assert [(item.check_id, item.target) for item in opened] == [
        ("requests.late", request["number"])
    ]

    office.step(
        request["id"], "reject", "Dewi Lestari", moment(TUESDAY, 11, 5), note="Bukan layanan TI"
    )
    afterwards = check(office, moment(TUESDAY, 11, 10))
    after_run(office.context, afterwards)

    assert [(result.target, result.status, result.summary) for result in afterwards.results] == [
        (request["number"], Status.OK, "no longer open (closed or rejected)")
    ]
    with Store.open(mailing_court.history_db) as store:
        assert incidents.listing(store, open_only=True) == []


def test_check_requests_at_the_terminal_exits_with_the_worst_lateness(
    court: Callable[..., Config], desk: Any, cli: Any
) -> None:
    always_open = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "00:00-23:59")
    config = court(procedures={"office_hours": always_open, "critical_after_hours": 24})
    office = desk(config)

    now = utc_now()
    office.new("budi", now - timedelta(minutes=30), subject="Sedikit terlambat")
    office.new("budi", now - timedelta(days=3), subject="Sangat terlambat")
    office.new("budi", now, subject="Baru masuk")

    result = cli("-c", config.source, "check", "requests", "--format", "json")

    statuses = sorted(item["status"] for item in result.json["results"])
    assert statuses == ["CRITICAL", "OK", "WARNING"]
    assert result.exit_code == 2
    history = cli("-c", config.source, "history", "--format", "json")
    assert history.json["data"]["runs"][0]["command"] == "check requests"
