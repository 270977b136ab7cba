"""The supervising court's console over a shared store: it reads the courts it oversees,
worst first, and nothing else; a court's own console reads only its own history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit import accounts, incidents
from opskit.config.load import load
from opskit.config.schema import Config
from opskit.result import Metric, Result, Status
from opskit.store import Store
from support.console import PASSWORD, console_for
from support.postgres import PostgreSQL

pytestmark = pytest.mark.integration

SECRET_FINDING = "penajam-tidak-menjawab-503"
NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
COURTS = {
    "pa_balikpapan": "Pengadilan Agama Balikpapan",
    "pa_penajam": "Pengadilan Agama Penajam",
    "pa_bontang": "Pengadilan Agama Bontang",  # in the store, not overseen by this office
}


def config_for(
    make_config: Callable[..., Path],
    server: PostgreSQL,
    database: str,
    code: str,
    name: str,
    people: list[dict[str, Any]],
    **extra: Any,
) -> Config:
    return load(
        make_config(
            {
                "organisation": {"name": name, "code": code, "timezone": "Asia/Makassar", **extra},
                "store": {"url": server.url(database), "password_file": str(server.password_file)},
                "people": people,
            },
            name=f"{code}.yaml",
        )
    )


def record(config: Config, results: list[Result]) -> None:
    with Store.open(config.store_location) as store:
        store.record_run("check web", NOW, NOW, results, Status.OK)
        incidents.process(store, results, NOW, timedelta(hours=4))
        for person in config.people:
            if person.login:
                accounts.set_password(store, person.login, PASSWORD, NOW)


@pytest.fixture
def province(
    make_config: Callable[..., Path], postgres_server: PostgreSQL
) -> Iterator[dict[str, Config]]:
    database = postgres_server.create_database()
    operator = [{"name": "Operator", "roles": ["operator"], "login": "operator"}]
    configs = {
        code: config_for(make_config, postgres_server, database, code, name, operator)
        for code, name in COURTS.items()
    }
    configs["pta"] = config_for(
        make_config,
        postgres_server,
        database,
        "pta_samarinda",
        "Pengadilan Tinggi Agama Samarinda",
        [
            {"name": "Hakim Tinggi Pengawas", "roles": ["pengawas"], "login": "pengawas"},
            {"name": "Operator PTA", "roles": ["operator"], "login": "operator"},
        ],
        oversees=[
            {"code": code, "name": name} for code, name in COURTS.items() if code != "pa_bontang"
        ],
    )

    def site(target: str, status: Status, summary: str = "") -> Result:
        return Result("web.http", target, status, summary or status.value, observed_at=NOW)

    record(configs["pa_balikpapan"], [site("situs-balikpapan", Status.OK)])
    record(
        configs["pa_penajam"],
        [
            site("situs-penajam", Status.CRITICAL, SECRET_FINDING),
            Result(
                "web.tls", "situs-penajam", Status.WARNING, "berakhir",
                metrics=(Metric("days_left", 12),), observed_at=NOW,
            ),
        ],
    )  # fmt: skip
    record(configs["pa_bontang"], [site("situs-bontang", Status.CRITICAL)])
    record(configs["pta"], [])
    yield configs


def test_the_supervisor_sees_the_courts_it_oversees_worst_first(
    province: dict[str, Config],
) -> None:
    with console_for(province["pta"], "pengawas") as console:
        page = console.client.get("/supervision")
        penajam = console.client.get("/supervision/pa_penajam")
        bontang = console.client.get("/supervision/pa_bontang")

    assert page.status_code == 200, page.text
    assert page.text.index("Pengadilan Agama Penajam") < page.text.index(
        "Pengadilan Agama Balikpapan"
    )
    assert "Bontang" not in page.text
    assert penajam.status_code == 200
    assert "situs-penajam" in penajam.text
    assert bontang.status_code == 404
    assert "situs-bontang" not in bontang.text


def test_an_operator_reads_no_other_court_through_any_route(province: dict[str, Config]) -> None:
    with console_for(province["pta"], "operator") as console:
        refused = console.client.get("/supervision")
    assert refused.status_code == 403

    with console_for(province["pa_balikpapan"], "operator") as console:
        pages = [
            console.client.get(path)
            for path in (
                "/dashboard", "/dashboard?part=1", "/incidents",
                "/history?check=web.http&target=situs-penajam", "/entity/site/situs-penajam",
                "/documents", "/audit", "/status", "/status.json",
                "/supervision", "/supervision/pa_penajam", "/incidents/1",
            )
        ]  # fmt: skip
    for answer in pages:
        assert SECRET_FINDING not in answer.text
        assert "Pengadilan Agama Penajam" not in answer.text
    assert pages[-3].status_code == 403
    assert pages[-2].status_code == 403
