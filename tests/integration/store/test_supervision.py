"""The supervising court's console over a shared store: it reads the courts it oversees,
worst first, and nothing else; a court's own console reads only its own history."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opskit import accounts, incidents
from opskit.config.load import load
from opskit.config.schema import Config
from opskit.result import Metric, Result, Status
from opskit.store import Store
from support.cli import run_opskit
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


def test_the_supervisor_recaps_every_court_it_oversees_with_a_table_each(
    province: dict[str, Config], make_config: Callable[..., Path], tmp_path: Path
) -> None:
    pta = province["pta"]
    with Store.open(pta.store_location) as store:
        courts_before = {
            code: store.read(f"SELECT COUNT(*) AS n FROM org_{code}.runs")[0]["n"]  # noqa: S608
            for code in ("pa_penajam", "pa_balikpapan")
        }
    config = make_config(
        {
            "organisation": {
                "name": "Pengadilan Tinggi Agama Samarinda",
                "code": "pta_samarinda",
                "timezone": "Asia/Makassar",
                "oversees": [
                    {"code": "pa_balikpapan", "name": "Pengadilan Agama Balikpapan"},
                    {"code": "pa_penajam", "name": "Pengadilan Agama Penajam"},
                    {"code": "pa_tanah_grogot", "name": "Pengadilan Agama Tanah Grogot"},
                ],
            },
            "store": {
                "url": pta.store.url,
                "password_file": str(pta.store.password_file),
            },
        },
        name="pta-recap.yaml",
    )
    month = NOW.astimezone(ZoneInfo("Asia/Makassar")).strftime("%Y-%m")
    out = tmp_path / "out"

    every = run_opskit(
        "-c", config, "report", "recap", "--court", "all", "--month", month,
        "--formats", "md,pdf", "--out", out,
    )  # fmt: skip
    one = run_opskit(
        "-c", config, "report", "recap", "--court", "pa_penajam", "--month", month,
        "--formats", "md", "--out", out, "--format", "json",
    )  # fmt: skip
    again = run_opskit(
        "-c", config, "report", "recap", "--court", "all", "--month", month,
        "--formats", "md", "--out", out, "--format", "json",
    )  # fmt: skip

    assert every.exit_code == 0, every.stderr
    text = (out / "recap" / f"recap-courts-{month}.md").read_text()
    assert "Satuan Kerja di Wilayah Hukum Pengadilan Tinggi Agama Samarinda" in text
    penajam = text[text.index("2.2. Pengadilan Agama Penajam") :]
    assert "situs-penajam" in penajam and "| situs-penajam | 0,00% |" in penajam
    balikpapan = text[text.index("2.1. Pengadilan Agama Balikpapan") : text.index("2.2.")]
    assert "situs-balikpapan" in balikpapan and "| situs-balikpapan | 100,00% |" in balikpapan
    assert "2.3. Pengadilan Agama Tanah Grogot" in text
    assert "Belum ada data yang dikirim ke basis data bersama." in text
    assert "Bontang" not in text
    assert SECRET_FINDING not in text  # figures, not findings
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(out / "recap" / f"recap-courts-{month}.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Pengadilan Agama Tanah Grogot" in pdf

    assert one.exit_code == 0, one.stderr
    assert one.json["data"]["title"] == (
        "Rekap Hasil Monitoring dan Pemeliharaan Pengadilan Agama Penajam"
    )
    only = (out / "recap" / f"recap-pa_penajam-{month}.md").read_text()
    assert "situs-penajam" in only and "Balikpapan" not in only
    # Each document has its own number in the supervising court's register; a second
    # writing keeps it. The overseen courts' histories were only read.
    assert again.json["data"]["number"] != one.json["data"]["number"]
    assert again.json["data"]["number"].startswith("001/RHMP/")
    with Store.open(pta.store_location) as store:
        for code, runs in courts_before.items():
            assert store.read(f"SELECT COUNT(*) AS n FROM org_{code}.runs")[0]["n"] == runs  # noqa: S608
        assert store.read("SELECT COUNT(*) AS n FROM org_pa_penajam.register_entries")[0]["n"] == 0


def test_a_recap_of_courts_is_refused_clearly_where_it_cannot_be_made(
    province: dict[str, Config], make_config: Callable[..., Path]
) -> None:
    pta = make_config(
        {
            "organisation": {
                "name": "Pengadilan Tinggi Agama Samarinda",
                "code": "pta_samarinda",
                "oversees": [{"code": "pa_penajam", "name": "Pengadilan Agama Penajam"}],
            },
            "store": {
                "url": province["pta"].store.url,
                "password_file": str(province["pta"].store.password_file),
            },
        },
        name="pta-refusals.yaml",
    )
    local = make_config(
        {
            "organisation": {
                "name": "Pengadilan Tinggi Agama Samarinda",
                "oversees": [{"code": "pa_penajam", "name": "Pengadilan Agama Penajam"}],
            }
        },
        name="pta-sqlite.yaml",
    )
    court = make_config({}, name="pa.yaml")

    stranger = run_opskit("-c", pta, "report", "recap", "--court", "pa_bontang", "--formats", "md")
    not_shared = run_opskit("-c", local, "report", "recap", "--court", "all", "--formats", "md")
    oversees_none = run_opskit("-c", court, "report", "recap", "--court", "all", "--formats", "md")

    assert stranger.exit_code == 3
    assert "--court 'pa_bontang': not a court this office oversees (pa_penajam, or all)" in (
        stranger.stderr
    )
    assert not_shared.exit_code != 0
    assert "needs a shared store (store.url)" in not_shared.stderr
    assert oversees_none.exit_code == 3
    assert "oversees no courts" in oversees_none.stderr
    for run in (stranger, not_shared, oversees_none):
        assert "Traceback" not in run.stderr


def test_the_console_opens_its_store_again_after_the_server_dropped_it(
    province: dict[str, Config], postgres_server: PostgreSQL
) -> None:
    with console_for(province["pa_penajam"], "operator") as console:
        before = console.client.get("/incidents")
        postgres_server.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'opskit' AND pid <> pg_backend_pid()"
        )
        dropped = console.client.get("/incidents")
        after = console.client.get("/incidents")

    assert before.status_code == 200
    assert dropped.status_code in (200, 503), dropped.text
    assert "Traceback" not in dropped.text
    assert after.status_code == 200 and "situs-penajam" in after.text


def test_a_dropped_connection_is_replaced_not_reused(
    province: dict[str, Config], postgres_server: PostgreSQL
) -> None:
    from opskit.console.web import Console

    console = Console(province["pa_penajam"], https=False)
    first = console.store()
    assert first.read("SELECT 1 AS one")[0]["one"] == 1
    postgres_server.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = 'opskit' AND pid <> pg_backend_pid()"
    )
    with pytest.raises(Exception):  # noqa: B017, PT011 - psycopg's, as the server said it
        first.read("SELECT 1 AS one")

    second = console.store()

    assert second is not first and not first.usable()
    assert second.read("SELECT 1 AS one")[0]["one"] == 1
    second.close()
