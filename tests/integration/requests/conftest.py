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
