"""Backup sets on an SSH host: restic runs there through the backup playbook (real sshd)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.restic import restic_direct
from support.sshd import SshServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]


def remote_config(backup_config, sshd: SshServer, website: Path, tmp_path: Path, **backup) -> Path:
    return backup_config(
        repositories=[
            {
                "name": "onsite",
                "path": str(tmp_path / "web1-repo"),  # a directory on web1
                "password_file": str(tmp_path / "repository.password"),
            }
        ],
        sets=[
            {
                "name": "website",
                "host": "web1",
                "paths": [str(website), str(tmp_path / "not-on-web1")],
                "repositories": ["onsite"],
                "verification": {"drill_files": 3},
            }
        ],
        extra_hosts=[sshd.host_entry("web1")],
        **backup,
    )


def test_remote_set_backs_up_on_the_host_and_results_come_back_as_data(
    cli,
    backup_config,
    sshd: SshServer,
    website: Path,
    tmp_path: Path,
    repository_password: Path,
    restic: str,
) -> None:
    config = remote_config(backup_config, sshd, website, tmp_path)
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0

    init = cli("--config", config, "backup", "init", "--format", "json")
    run = cli("--config", config, "backup", "run", "--format", "json")
    verify = cli("--config", config, "backup", "verify", "--format", "json")
    listed = cli("--config", config, "backup", "snapshots", "--format", "json")
    target = tmp_path / "restored-on-web1"
    restored = cli(
        "--config", config, "backup", "restore", "website", "--target", target, "--format", "json"
    )
    nothing = cli(
        "--config", config, "backup", "restore", "website", "--target", tmp_path / "empty-on-web1",
        "--include", "/no/such/path", "--format", "json",
    )  # fmt: skip

    assert init.json["results"][0]["target"] == "onsite@web1", init.stdout
    assert init.json["results"][0]["status"] == "OK"
    [result] = run.json["results"]
    assert result["status"] == "WARNING", result["summary"]
    assert result["evidence"]["host"] == "web1"
    assert result["evidence"]["missing_paths"] == [str(tmp_path / "not-on-web1")]
    assert result["evidence"]["snapshot_id"] and result["evidence"]["data_added_bytes"] > 0
    statuses = {item["check_id"]: item["status"] for item in verify.json["results"]}
    assert statuses == {"backup.verify.check": "OK", "backup.verify.drill": "OK"}, verify.stdout
    assert listed.json["data"]["snapshots"][0]["set"] == "website"
    assert restored.exit_code == 0, restored.stdout
    assert (target / str(website).lstrip("/") / "index.php").exists()
    on_disk = sum(1 for path in target.rglob("*") if path.is_file())
    assert restored.json["results"][0]["evidence"]["files"] == on_disk > 0
    assert restored.json["results"][0]["summary"].endswith(f"({on_disk} files)")
    [empty] = nothing.json["results"]
    assert empty["status"] == "WARNING" and nothing.exit_code == 1
    assert "the include pattern /no/such/path matched nothing" in empty["summary"]
    snapshots = restic_direct(tmp_path / "web1-repo", repository_password, "snapshots", "--json")
    assert len(json.loads(snapshots.stdout)) == 1
    assert sshd.run("echo $TMPDIR").stdout.strip() == str(sshd.tmp)  # where it would be left
    leftovers = list(sshd.tmp.glob("opskit-backup.*"))
    assert not leftovers, "the secrets directory on the host is removed"


def test_host_without_restic_is_told_clearly(
    cli, backup_config, sshd: SshServer, website: Path, tmp_path: Path, restic: str
) -> None:
    config = remote_config(backup_config, sshd, website, tmp_path, restic="restic-not-installed")
    cli("--config", config, "hosts", "trust", "web1", "--yes")

    run = cli("--config", config, "backup", "run", "--format", "json")

    [result] = run.json["results"]
    assert result["status"] == "CRITICAL"
    assert "web1: restic is not installed on this host" in result["summary"]


def test_backup_playbook_runs_with_plain_fab(
    sshd: SshServer, client_key: Path, restic: str
) -> None:
    import os

    from opskit.paths import playbooks_dir

    home = Path(os.environ["HOME"])
    (home / ".ssh").mkdir(mode=0o700, exist_ok=True)
    (home / ".ssh" / "known_hosts").write_text(
        f"[127.0.0.1]:{sshd.port} {Path(f'{sshd.host_key}.pub').read_text().rsplit(' ', 1)[0]}\n"
    )
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "fab"),
            "-r",
            str(playbooks_dir()),
            "-i",
            str(client_key),
            "-H",
            f"{sshd.user}@127.0.0.1:{sshd.port}",
            "restic-version",
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    answer = json.loads(completed.stdout)
    assert answer["restic"].endswith("/restic") and answer["version"].startswith("restic 0.14")


def test_sftp_repository_on_an_ssh_host(
    cli,
    backup_config,
    website: Path,
    tmp_path: Path,
    client_key: Path,
    repository_password: Path,
    restic: str,
) -> None:
    server = SshServer(
        tmp_path / "nas", client_key, extra_config="Subsystem sftp internal-sftp\n"
    ).start()
    try:
        config = backup_config(
            repositories=[
                {
                    "name": "nas",
                    "type": "sftp",
                    "host": "nas",
                    "remote_path": str(tmp_path / "nas-repo"),
                    "password_file": str(repository_password),
                }
            ],
            sets=[{"name": "website", "paths": [str(website)], "repositories": ["nas"]}],
            extra_hosts=[server.host_entry("nas")],
        )
        assert cli("--config", config, "hosts", "trust", "nas", "--yes").exit_code == 0

        init = cli("--config", config, "backup", "init", "--format", "json")
        run = cli("--config", config, "backup", "run", "--format", "json")
    finally:
        server.stop()

    assert init.json["results"][0]["status"] == "OK", init.stdout
    assert run.json["results"][0]["status"] == "OK", run.stdout
    assert run.json["results"][0]["evidence"]["location"] == f"sftp:nas:{tmp_path / 'nas-repo'}"
    assert (tmp_path / "nas-repo" / "config").is_file()


def test_remote_database_is_dumped_on_the_host_before_restic_reads_it(
    cli,
    backup_config,
    sshd: SshServer,
    tmp_path: Path,
    repository_password: Path,
    mariadb,
    restic: str,
) -> None:
    from support.mariadb import DUMP_PASSWORD
    from support.secrets import write_secret

    mariadb.make_website("joomla_remote")
    mariadb.sql(
        "CREATE TABLE joomla_remote.zz_gone (id INT);"
        "CREATE VIEW joomla_remote.zz_view AS SELECT id FROM joomla_remote.zz_gone;"
    )
    password = write_secret(tmp_path / "db.password", DUMP_PASSWORD)
    config = backup_config(
        repositories=[
            {
                "name": "onsite",
                "path": str(tmp_path / "web1-repo"),
                "password_file": str(repository_password),
            }
        ],
        sets=[
            {
                "name": "website",
                "host": "web1",
                "databases": [mariadb.database_entry("joomla_remote", password)],
                "repositories": ["onsite"],
            }
        ],
        extra_hosts=[sshd.host_entry("web1")],
    )
    cli("--config", config, "hosts", "trust", "web1", "--yes")
    cli("--config", config, "backup", "init")

    good = cli("--config", config, "backup", "run", "--format", "json")
    mariadb.sql("DROP TABLE joomla_remote.zz_gone;")  # now the dump fails partway
    broken = cli("--config", config, "backup", "run", "--format", "json")

    [first] = good.json["results"]
    assert (first["check_id"], first["status"]) == ("backup.database", "OK"), first["summary"]
    assert first["evidence"]["host"] == "web1"
    [second] = broken.json["results"]
    assert second["status"] == "CRITICAL"
    assert "dump of joomla_remote failed, no snapshot kept" in second["summary"]
    snapshots = restic_direct(tmp_path / "web1-repo", repository_password, "snapshots", "--json")
    assert len(json.loads(snapshots.stdout)) == 1


def test_remote_database_dump_is_restored_into_a_throwaway_database_on_the_host(
    cli,
    backup_config,
    sshd: SshServer,
    tmp_path: Path,
    repository_password: Path,
    mariadb,
    restic: str,
) -> None:
    from support.mariadb import DUMP_PASSWORD
    from support.secrets import write_secret

    mariadb.make_website("joomla_drill")
    password = write_secret(tmp_path / "db.password", DUMP_PASSWORD)
    config = backup_config(
        repositories=[
            {
                "name": "onsite",
                "path": str(tmp_path / "web1-repo"),
                "password_file": str(repository_password),
            }
        ],
        sets=[
            {
                "name": "website",
                "host": "web1",
                "databases": [mariadb.database_entry("joomla_drill", password)],
                "repositories": ["onsite"],
            }
        ],
        extra_hosts=[sshd.host_entry("web1")],
    )
    cli("--config", config, "hosts", "trust", "web1", "--yes")
    cli("--config", config, "backup", "init")
    assert cli("--config", config, "backup", "run").exit_code == 0
    mariadb.sql("INSERT INTO joomla_drill.users (login) VALUES ('after the backup');")

    verified = cli("--config", config, "backup", "verify", "--only", "database", "--format", "json")

    [check] = verified.json["results"]
    assert (check["check_id"], check["status"]) == ("backup.verify.database", "OK"), check
    assert check["evidence"]["host"] == "web1"
    assert check["evidence"]["restored_counts"] == {"articles": 200, "empty_table": 0, "users": 17}
    assert check["evidence"]["expected_from"] == "counted at backup time"
    assert mariadb.sql("SHOW DATABASES LIKE 'opskit_verify%'").stdout.strip() == ""
