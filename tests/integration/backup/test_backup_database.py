"""Website databases: real MariaDB dumps into restic, restored into throwaway databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.mariadb import DUMP_PASSWORD, MariaDB
from support.restic import restic_direct
from support.secrets import write_secret

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


@pytest.fixture
def database_password(tmp_path: Path) -> Path:
    return write_secret(tmp_path / "db.password", DUMP_PASSWORD)


def database_set(mariadb: MariaDB, name: str, password: Path, website: Path | None = None) -> dict:
    return {
        "name": "website",
        "paths": [str(website)] if website else [],
        "databases": [mariadb.database_entry(name, password)],
        "repositories": ["local"],
    }


def test_dump_is_backed_up_under_a_constant_name_and_restores_with_equal_row_counts(
    cli,
    backup_config,
    mariadb: MariaDB,
    database_password: Path,
    website: Path,
    tmp_path: Path,
    repository_password: Path,
    restic: str,
) -> None:
    mariadb.make_website("joomla_one")
    config = backup_config(sets=[database_set(mariadb, "joomla_one", database_password, website)])
    cli("--config", config, "backup", "init")

    first = cli("--config", config, "backup", "run", "--format", "json")
    mariadb.sql("INSERT INTO joomla_one.users (login) VALUES ('late');")
    second = cli("--config", config, "backup", "run", "--format", "json")
    verified = cli("--config", config, "backup", "verify", "--only", "database", "--format", "json")
    target = tmp_path / "dump"
    restored = cli(
        "--config",
        config,
        "backup",
        "restore",
        "website",
        "--database",
        "joomla_one",
        "--target",
        target,
    )

    assert first.exit_code == 0, first.stdout
    dumps = [item for item in first.json["results"] if item["check_id"] == "backup.database"]
    assert [item["target"] for item in dumps] == ["website/joomla_one:local"]
    assert dumps[0]["status"] == "OK" and dumps[0]["evidence"]["file"] == "joomla_one.sql"
    assert second.exit_code == 0
    snapshots = json.loads(
        restic_direct(tmp_path / "repo", repository_password, "snapshots", "--json").stdout
    )
    dump_snapshots = [item for item in snapshots if "opskit-database=joomla_one" in item["tags"]]
    assert [item["paths"] for item in dump_snapshots] == [["/joomla_one.sql"], ["/joomla_one.sql"]]
    assert verified.exit_code == 0, verified.stdout
    [check] = verified.json["results"]
    assert check["check_id"] == "backup.verify.database" and check["status"] == "OK"
    assert check["evidence"]["restored_counts"] == {"articles": 200, "empty_table": 0, "users": 18}
    assert check["evidence"]["expected_from"] == "counted at backup time"
    leftovers = mariadb.sql("SHOW DATABASES LIKE 'opskit_verify%'").stdout
    assert leftovers.strip() == "", "the throwaway database is dropped"
    assert restored.exit_code == 0, restored.stdout
    text = (target / "joomla_one.sql").read_text()
    assert "INSERT INTO `users`" in text and "'late'" in text


def test_dump_failing_partway_keeps_no_snapshot(
    cli,
    backup_config,
    mariadb: MariaDB,
    database_password: Path,
    tmp_path: Path,
    repository_password: Path,
    restic: str,
) -> None:
    mariadb.make_website("joomla_broken")
    # A view over a table that is then dropped: the dump writes the tables, then fails on it.
    mariadb.sql(
        "CREATE TABLE joomla_broken.zz_gone (id INT);"
        "CREATE VIEW joomla_broken.zz_view AS SELECT id FROM joomla_broken.zz_gone;"
        "DROP TABLE joomla_broken.zz_gone;"
    )
    config = backup_config(sets=[database_set(mariadb, "joomla_broken", database_password)])
    cli("--config", config, "backup", "init")

    run = cli("--config", config, "backup", "run", "--format", "json")

    assert run.exit_code == 2
    [result] = run.json["results"]
    assert result["check_id"] == "backup.database" and result["status"] == "CRITICAL"
    assert result["summary"].startswith(
        "dump of joomla_broken failed, no snapshot kept: mariadb-dump exited 2"
    )
    snapshots = restic_direct(tmp_path / "repo", repository_password, "snapshots", "--json")
    assert json.loads(snapshots.stdout) == []


def test_wrong_database_password_fails_the_dump(
    cli, backup_config, mariadb: MariaDB, tmp_path: Path, restic: str
) -> None:
    mariadb.make_website("joomla_pw")
    wrong = write_secret(tmp_path / "wrong.password", "Not-The-Db-Password")
    config = backup_config(sets=[database_set(mariadb, "joomla_pw", wrong)])
    cli("--config", config, "backup", "init")

    run = cli("--config", config, "backup", "run", "--format", "json")

    [result] = run.json["results"]
    assert result["status"] == "CRITICAL"
    assert "Access denied for user 'opskit_backup'" in result["summary"]
