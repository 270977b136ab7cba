"""opskit against a shared PostgreSQL store, as a court's runner is set up: a URL and a
password file in the config, and the real command run as its own process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from support.cli import run_opskit
from support.postgres import ROLE_PASSWORD, PostgreSQL


def shared_config(
    make_config: Callable[..., Path], server: PostgreSQL, database: str, password_file: Path
) -> Path:
    return make_config(
        {
            "organisation": {"name": "Pengadilan Agama Uji", "code": "pa_uji"},
            "store": {"url": server.url(database), "password_file": str(password_file)},
        }
    )


def test_runs_are_recorded_in_the_shared_database_and_read_back(
    make_config: Callable[..., Path], postgres_server: PostgreSQL
) -> None:
    database = postgres_server.create_database()
    config = shared_config(make_config, postgres_server, database, postgres_server.password_file)

    for _ in range(2):
        checked = run_opskit("--config", config, "check", "host", "--format", "json")
        assert checked.exit_code in (0, 1, 2), checked.stderr
    listed = run_opskit("--config", config, "history", "--format", "json")

    assert listed.exit_code == 0, listed.stderr
    assert [run["command"] for run in listed.json["data"]["runs"]] == ["check host"] * 2
    [(runs, results)] = postgres_server.sql(
        "SELECT (SELECT COUNT(*) FROM org_pa_uji.runs), (SELECT COUNT(*) FROM org_pa_uji.results)",
        database,
    )
    assert runs == 2
    assert results > 0
    assert not (config.parent / "state" / "history.sqlite").exists()


def test_a_wrong_password_is_one_readable_error_that_never_shows_it(
    make_config: Callable[..., Path], postgres_server: PostgreSQL, tmp_path: Path
) -> None:
    database = postgres_server.create_database()
    wrong = tmp_path / "wrong.password"
    wrong.write_text("Not-The-Password-5551\n")
    wrong.chmod(0o600)
    config = shared_config(make_config, postgres_server, database, wrong)

    checked = run_opskit("--config", config, "history")
    as_json = run_opskit("--config", config, "history", "--format", "json")

    assert checked.exit_code != 0
    assert "history database postgresql://opskit@/" in checked.stderr
    assert "(pa_uji)" in checked.stderr
    assert "password authentication failed" in checked.stderr
    assert "Traceback" not in checked.stderr
    for output in (checked.stdout, checked.stderr, as_json.stdout, as_json.stderr):
        assert "Not-The-Password-5551" not in output
        assert ROLE_PASSWORD not in output
    assert as_json.json["error"]["kind"] == "store"


def test_a_password_written_into_the_url_is_refused_by_the_config_check(
    make_config: Callable[..., Path],
) -> None:
    config = make_config({"store": {"url": "postgresql://opskit:Url-Secret-777@localhost/opskit"}})

    checked = run_opskit("--config", config, "config", "validate")

    assert checked.exit_code != 0
    assert "store.url" in checked.stdout
    assert "use password_file" in checked.stdout
    assert "Url-Secret-777" not in checked.stderr + checked.stdout


def test_the_same_schema_on_both_engines(postgres_server: PostgreSQL, tmp_path: Path) -> None:
    import sqlite3

    from opskit.store import Store
    from opskit.store.location import StoreLocation

    database = postgres_server.create_database()
    location = StoreLocation(
        url=postgres_server.url(database), password_file=postgres_server.password_file
    )
    Store.open(location).close()
    Store.open(tmp_path / "history.sqlite").close()

    on_postgres: dict[str, set[str]] = {}
    for table, column in postgres_server.sql(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name != 'opskit_schema'",
        database,
    ):
        on_postgres.setdefault(str(table), set()).add(str(column))
    connection = sqlite3.connect(tmp_path / "history.sqlite")
    on_sqlite: dict[str, Any] = {
        table: {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    triggers_sqlite = {
        name
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    triggers_postgres = {
        str(name)
        for (name,) in postgres_server.sql(
            "SELECT DISTINCT trigger_name FROM information_schema.triggers", database
        )
    }

    assert on_postgres == on_sqlite
    assert triggers_postgres == triggers_sqlite


def test_history_reads_the_same_from_both_engines(
    make_config: Callable[..., Path], postgres_server: PostgreSQL, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from opskit.result import Metric, Result, Status
    from opskit.store import Store
    from opskit.store.location import StoreLocation

    database = postgres_server.create_database()
    shared = StoreLocation(
        url=postgres_server.url(database),
        password_file=postgres_server.password_file,
        organisation="pa_uji",
    )
    start = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    for location in (shared, tmp_path / "state" / "history.sqlite"):
        with Store.open(location) as store:
            for minute in range(30):
                at = start + timedelta(minutes=minute, microseconds=0 if minute % 2 else 5)
                results = [
                    Result(
                        "web.http",
                        f"situs-{index}",
                        Status.OK if index else Status.CRITICAL,
                        'tidak "menjawab"\tlagi, ü' if not index else "ok",
                        evidence={"kode": index, "teks": "a,b\nc"},
                        metrics=(Metric("response_ms", 100.5 + index, "ms", 800, 2000),),
                        observed_at=at,
                    )
                    for index in range(3)
                ]
                store.record_run("check web", at, at, results, Status.CRITICAL)
    organisation = {"name": "Pengadilan Agama Uji", "code": "pa_uji"}
    local = make_config({"organisation": organisation}, name="local.yaml")
    remote = make_config(
        {
            "organisation": organisation,
            "store": {
                "url": postgres_server.url(database),
                "password_file": str(postgres_server.password_file),
            },
        },
        name="remote.yaml",
    )

    for options in (
        ("--results", "--format", "json", "--limit", "1000"),
        ("--check", "web", "--format", "csv", "--limit", "1000"),
        ("--status", "critical", "--format", "json"),
        ("1",),
    ):
        from_file = run_opskit("--config", local, "history", *options)
        from_postgres = run_opskit("--config", remote, "history", *options)
        assert from_file.exit_code == from_postgres.exit_code == 0, from_postgres.stderr
        assert from_postgres.stdout == from_file.stdout, options


def test_a_runner_role_with_the_readme_rights_records_but_cannot_remove_history(
    make_config: Callable[..., Path], postgres_server: PostgreSQL, tmp_path: Path
) -> None:
    database = postgres_server.create_database()
    admin = shared_config(make_config, postgres_server, database, postgres_server.password_file)
    assert run_opskit("--config", admin, "history").exit_code == 0  # makes org_pa_uji
    secret = "Runner-Only-Password-99"
    for statement in (
        f"CREATE ROLE opskit_pa_uji LOGIN PASSWORD '{secret}'",
        "GRANT USAGE ON SCHEMA org_pa_uji TO opskit_pa_uji",
        "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA org_pa_uji TO opskit_pa_uji",
        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA org_pa_uji TO opskit_pa_uji",
        "GRANT SELECT ON public.opskit_organisations TO opskit_pa_uji",
    ):
        postgres_server.sql(statement, database)
    password_file = tmp_path / "runner.password"
    password_file.write_text(secret + "\n")
    password_file.chmod(0o600)
    url = postgres_server.url(database).replace(
        "postgresql://opskit@", "postgresql://opskit_pa_uji@"
    )
    runner = make_config(
        {
            "organisation": {"name": "Pengadilan Agama Uji", "code": "pa_uji"},
            "store": {"url": url, "password_file": str(password_file)},
        },
        name="runner.yaml",
    )

    checked = run_opskit("--config", runner, "check", "host", "--format", "json")
    listed = run_opskit("--config", runner, "history", "--format", "json")

    assert checked.exit_code in (0, 1, 2), checked.stderr
    assert len(listed.json["data"]["runs"]) == 1
    with psycopg.connect(url, password=secret) as connection:
        for statement in (
            "DELETE FROM org_pa_uji.results",
            "DROP TABLE org_pa_uji.results",
            "CREATE SCHEMA org_other",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement.encode())
            connection.rollback()
