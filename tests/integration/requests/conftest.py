"""A court for service requests: people in every role with e-mail, the test's own office
hours and holidays, and helpers to take steps as a person at a given moment."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from opskit.actions import requests as actions
from opskit.config.load import load
from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.helpdesk.attachments import Upload
from opskit.helpdesk.records import NewRequest
from opskit.identity import terminal_actor

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
PEOPLE = [
    {
        "name": "Budi Santoso",
        "roles": ["operator"],
        "login": "budi",
        "position": "Pranata Komputer",
        "nip": "198501012010121001",
    },
    {
        "name": "Siti Aminah",
        "roles": ["kasubbag_ti"],
        "login": "siti",
        "position": "Kasubbag Perencanaan, TI dan Pelaporan",
        "nip": "197905052005022002",
    },
    {
        "name": "Dewi Lestari",
        "roles": ["sekretaris"],
        "login": "dewi",
        "position": "Sekretaris",
        "nip": "197203031998032003",
    },
    {
        "name": "Ahmad Fauzi",
        "roles": ["ketua"],
        "login": "ahmad",
        "position": "Ketua",
        "nip": "197001011990031001",
    },
    {"name": "CV Teknologi Nusantara", "roles": ["provider"], "login": "provider"},
    {
        "name": "Rina Wulandari",
        "roles": ["pegawai"],
        "login": "rina",
        "position": "Staf Kepaniteraan",
    },
    {"name": "Joko Susilo", "roles": ["pegawai"], "login": "joko"},
]
# Monday to Friday 08:00-16:00; Monday 7 December 2026 a holiday.
OFFICE = {
    "office_hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "08:00-16:00"),
    "holidays": {"2026-12-07": "Cuti bersama"},
    "reminder_every_hours": 1,
    "critical_after_hours": 2,
}


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MAKASSAR)


@pytest.fixture
def court(make_config: Callable[..., Path]) -> Callable[..., Config]:
    def make(**extra: Any) -> Config:
        data = {"people": PEOPLE, "procedures": OFFICE, **extra}
        return load(make_config(data))

    return make


class Desk:
    """The actions of the request procedure, taken by name at a chosen moment."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.context = AppContext(None, interactive=False, config=config)

    def new(self, by: str, now: datetime, **fields: Any) -> dict[str, Any]:
        requester = terminal_actor(self.config, fields.pop("requester", by))
        form = NewRequest(
            requester=requester.name,
            requester_login=requester.login,
            unit=fields.pop("unit", "Kepaniteraan"),
            contact=fields.pop("contact", "0812-5555-0101"),
            subject=fields.pop("subject", "Printer ruang sidang 2 macet"),
            description=fields.pop("description", "Printer tidak menarik kertas."),
            arrived_at=fields.pop("arrived_at", None),
            incident_id=fields.pop("incident_id", None),
        )
        actor = terminal_actor(self.config, by)
        return actions.new(self.context, actor, form, now=now, **fields).data

    def step(self, request_id: int, step: str, by: str, now: datetime, **options: Any) -> Any:
        actor = terminal_actor(self.config, by)
        return actions.take(self.context, request_id, step, actor, now=now, **options).data

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desk(court: Callable[..., Config]) -> Any:
    desks: list[Desk] = []

    def make(config: Config | None = None) -> Desk:
        desks.append(Desk(config or court()))
        return desks[-1]

    yield make
    for item in desks:
        item.close()


# A month of requests (November 2026, office 08:00-16:00 on weekdays) whose every figure is
# known: ten registered on the first ten working days at 08:00, disposed after these minutes
# (four within B2's 10 minutes; median 13.5, 90th percentile 30), and one from October.
DISPOSE_MINUTES = (5, 5, 8, 10, 12, 15, 20, 25, 30, 40)
WORKING_DAYS = tuple(date(2026, 11, day) for day in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13))
CLASSIFIED = (
    "hardware",
    "hardware",
    "network",
    "network",
    "website",
    "hardware",
    "software",
    "account",
)
PRIORITISED = (
    ("high", "medium"),
    ("high", "medium"),
    ("high", "high"),
    ("high", "high"),
    ("medium", "medium"),
    ("high", "medium"),
    None,
    ("low", "high"),
)


def november(office: Desk) -> list[dict[str, Any]]:
    """Requests 0-5 closed, 6 rejected at verification, 7 at approval, 8-9 waiting (late) for
    B3 at the month's end, and one registered on 30 October, disposed and rejected in November."""
    from datetime import timedelta

    october = office.new(
        "budi",
        moment(date(2026, 10, 30), 15, 50),
        requester="Joko Susilo",
        subject="Akun SIPP terkunci",
        unit="Kepaniteraan Hukum",
    )
    office.step(
        october["id"],
        "dispose",
        "Dewi Lestari",
        moment(date(2026, 11, 2), 8, 5),
        note="Telaah",
        values={"assignee": "Siti Aminah"},
    )
    office.step(
        october["id"],
        "reject",
        "Siti Aminah",
        moment(date(2026, 11, 2), 9),
        note="Sudah dibuka oleh admin SIPP pusat",
    )
    made = []
    for index, (day, minutes) in enumerate(zip(WORKING_DAYS, DISPOSE_MINUTES, strict=True)):
        start = moment(day, 8)
        files = [Upload("berita acara.pdf", b"%PDF-1.4\n%%EOF\n")] if index == 0 else []
        request = office.new(
            "budi",
            start,
            requester="Rina Wulandari",
            subject=f"Permintaan nomor {index + 1}",
            description=f"Uraian permintaan {index + 1}",
            uploads=files,
        )
        made.append(request)
        number = request["id"]
        disposed = start + timedelta(minutes=minutes)

        def at(offset: int, base: datetime = disposed) -> datetime:
            return base + timedelta(minutes=offset)

        office.step(
            number,
            "dispose",
            "Dewi Lestari",
            disposed,
            note="Mohon ditelaah",
            values={"assignee": "Siti Aminah"},
        )
        if index >= 8:
            continue
        office.step(number, "study", "Siti Aminah", at(5), note=f"Diteliti {index + 1}")
        office.step(
            number, "classify", "Siti Aminah", at(10), values={"category": CLASSIFIED[index]}
        )
        if index == 6:
            office.step(number, "reject", "Siti Aminah", at(12), note="Bukan kebutuhan dinas")
            continue
        office.step(number, "verify", "Siti Aminah", at(15), note="Valid")
        urgency, impact = PRIORITISED[index]
        office.step(
            number,
            "prioritise",
            "Siti Aminah",
            at(20),
            values={"urgency": urgency, "impact": impact},
        )
        office.step(number, "consider", "Siti Aminah", at(25), note=f"Pertimbangan {index + 1}")
        if index == 7:
            office.step(number, "reject", "Ahmad Fauzi", at(40), note="Belum ada anggaran")
            continue
        office.step(number, "approve", "Ahmad Fauzi", at(30), note="Setuju")
        office.step(number, "handle", "Budi Santoso", at(90), note=f"Selesai {index + 1}")
        office.step(number, "close", "Rina Wulandari", at(95))
    return [october, *made]
