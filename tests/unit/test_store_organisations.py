"""One shared PostgreSQL store, several courts: each court's history stays its own."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from opskit import incidents
from opskit.reports import register
from opskit.result import Result, Status
from opskit.store import Store
from opskit.store.location import StoreLocation
from support.postgres import PostgreSQL

NOW = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)


def court(server: PostgreSQL, database: str, code: str) -> StoreLocation:
    return StoreLocation(
        url=server.url(database),
        password_file=server.password_file,
        organisation=code,
        organisation_name=f"Pengadilan Agama {code}",
    )


def down(target: str) -> Result:
    return Result("web.http", target, Status.CRITICAL, "down", observed_at=NOW)


def test_two_courts_in_one_database_see_only_their_own_history(
    postgres_server: PostgreSQL,
) -> None:
    database = postgres_server.create_database()
    with (
        Store.open(court(postgres_server, database, "pa_penajam")) as penajam,
        Store.open(court(postgres_server, database, "pa_tanah_grogot")) as grogot,
    ):
        penajam.record_run("check web", NOW, NOW, [down("website")], Status.CRITICAL)
        opened_penajam = incidents.process(penajam, [down("website")], NOW, timedelta(hours=4))
        opened_grogot = incidents.process(grogot, [down("website")], NOW, timedelta(hours=4))
        numbers = [
            register.assign(
                store, kind="incident", key="1", moment=NOW, zone=UTC, pattern="{seq}"
            ).number
            for store in (penajam, grogot)
        ]

        assert penajam.count("runs") == 1
        assert grogot.count("runs") == 0
        assert [event.kind for event in opened_penajam] == ["opened"]
        assert [event.kind for event in opened_grogot] == ["opened"]
        assert numbers == ["1", "1"]
    organisations = postgres_server.sql(
        "SELECT code, name, schema_name FROM opskit_organisations ORDER BY code", database
    )
    assert organisations == [
        ("pa_penajam", "Pengadilan Agama pa_penajam", "org_pa_penajam"),
        ("pa_tanah_grogot", "Pengadilan Agama pa_tanah_grogot", "org_pa_tanah_grogot"),
    ]


OPENER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from opskit import incidents
from opskit.reports import register
from opskit.result import Result, Status
from opskit.store import Store
from opskit.store.location import StoreLocation

where, password_file, code, tag = sys.argv[1:5]
location = (
    StoreLocation(url=where, password_file=Path(password_file), organisation=code)
    if where.startswith("postgresql") else StoreLocation(path=Path(where))
)
now = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
results = [Result("web.http", f"site{index}", Status.CRITICAL, "down", observed_at=now)
           for index in range(20)]
with Store.open(location) as store:
    for event in incidents.process(store, results, now, timedelta(hours=4)):
        print(event.kind, event.incident.id)
    for index in range(30):
        entry = register.assign(store, kind="surat", key=f"{tag}-{index}", moment=now, zone=UTC,
                                pattern="{seq}")
        print("number", entry.number)
"""


@pytest.mark.timeout(180)
def test_six_processes_at_once_open_each_incident_once_and_never_share_a_number(
    history_location: object,
) -> None:
    if isinstance(history_location, StoreLocation):
        where, password_file = history_location.url or "", str(history_location.password_file)
    else:
        where, password_file = str(history_location), "-"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, where, password_file, "pa_penajam", f"p{index}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(6)
    ]
    outputs = [process.communicate(timeout=150) for process in processes]

    assert [process.returncode for process in processes] == [0] * 6, [o[1] for o in outputs]
    lines = [line.split() for output, _ in outputs for line in output.splitlines()]
    opened = [int(words[1]) for words in lines if words[0] == "opened"]
    reminded = [words for words in lines if words[0] == "reminder"]
    numbers = [int(words[1]) for words in lines if words[0] == "number"]
    assert len(opened) == 20
    assert len(set(opened)) == 20
    assert reminded == []
    assert sorted(numbers) == list(range(1, 6 * 30 + 1))
