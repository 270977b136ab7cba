"""Offsite S3 repositories against an S3-compatible server on loopback (moto), with boto3."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.moto_s3 import MotoServer
from support.secrets import write_secret
from support.system import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def s3_repository(moto: MotoServer, tmp_path: Path, repository_password: Path):
    key_id = write_secret(tmp_path / "s3.key-id", moto.access_key_id)
    secret = write_secret(tmp_path / "s3.secret", moto.secret_access_key)

    def entry(bucket: str = "pa-backup", **changes: object) -> dict[str, object]:
        return {
            "name": "offsite",
            "type": "s3",
            "endpoint": moto.endpoint,
            "bucket": bucket,
            "prefix": "restic",
            "access_key_id_file": str(key_id),
            "secret_access_key_file": str(secret),
            "password_file": str(repository_password),
            "timeout_seconds": 120,
            **changes,
        }

    return entry


def s3_config(
    backup_config, website: Path, repository: dict[str, object], name: str = "opskit.yaml"
) -> Path:
    return backup_config(
        name=name,
        repositories=[repository],
        sets=[{"name": "website", "paths": [str(website)], "repositories": ["offsite"]}],
    )


def by_target(run) -> dict[str, dict]:
    return {result["target"]: result for result in run.json["results"]}


def test_init_refuses_a_missing_bucket_then_creates_it_with_versioning(
    cli, backup_config, website: Path, s3_repository, moto: MotoServer, restic: str
) -> None:
    config = s3_config(backup_config, website, s3_repository())

    missing = cli("--config", config, "backup", "init", "--format", "json")
    created = cli("--config", config, "backup", "init", "--create-bucket", "--format", "json")

    assert missing.exit_code == 2
    [bucket] = missing.json["results"]
    assert bucket["status"] == "CRITICAL"
    assert "the bucket does not exist" in bucket["summary"]
    assert "--create-bucket" in " ".join(bucket["evidence"]["details"])
    results = by_target(created)
    assert results["offsite:bucket"]["status"] == "OK"
    assert results["offsite:bucket"]["summary"] == (
        "created bucket pa-backup: versioning enabled, Object Lock off"
    )
    assert results["offsite"]["summary"].startswith("created repository offsite at s3:")
    versioning = moto.client().get_bucket_versioning(Bucket="pa-backup")
    assert versioning["Status"] == "Enabled"
    objects = moto.client().list_objects_v2(Bucket="pa-backup", Prefix="restic/")
    assert any(item["Key"] == "restic/config" for item in objects["Contents"])


def test_unprotected_bucket_is_a_warning_that_explains_how(
    cli, backup_config, website: Path, s3_repository, moto: MotoServer, restic: str
) -> None:
    moto.client().create_bucket(Bucket="plain-bucket")
    config = s3_config(backup_config, website, s3_repository("plain-bucket"))

    run = cli("--config", config, "backup", "init", "--format", "json")

    bucket = by_target(run)["offsite:bucket"]
    assert bucket["status"] == "WARNING"
    assert "versioning off, Object Lock off" in bucket["summary"]
    assert "turn on bucket versioning" in bucket["summary"]
    assert by_target(run)["offsite"]["status"] == "OK"


def test_object_lock_is_reported(
    cli, backup_config, website: Path, s3_repository, moto: MotoServer, restic: str
) -> None:
    s3 = moto.client()
    s3.create_bucket(Bucket="locked-bucket", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(
        Bucket="locked-bucket",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
        },
    )
    config = s3_config(backup_config, website, s3_repository("locked-bucket"))

    run = cli("--config", config, "backup", "init", "--format", "json")

    bucket = by_target(run)["offsite:bucket"]
    assert bucket["status"] == "OK"
    assert (
        bucket["summary"]
        == "bucket locked-bucket: versioning enabled, Object Lock on (GOVERNANCE 30 days)"
    )
    assert bucket["evidence"]["object_lock"] is True


def test_wrong_keys_and_a_dead_endpoint_have_their_own_messages(
    cli, backup_config, website: Path, s3_repository, moto: MotoServer, tmp_path: Path, restic: str
) -> None:
    moto.client().create_bucket(Bucket="pa-backup")
    wrong = write_secret(tmp_path / "wrong.secret", "Not-The-Secret-Key-0000")
    wrong_keys = s3_config(
        backup_config, website, s3_repository(secret_access_key_file=str(wrong)), "keys.yaml"
    )
    dead = s3_config(
        backup_config,
        website,
        s3_repository(endpoint=f"http://127.0.0.1:{free_port()}"),
        "dead.yaml",
    )

    keys = cli("--config", wrong_keys, "backup", "init", "--format", "json")
    down = cli("--config", dead, "backup", "init", "--format", "json")
    run_down = cli("--config", dead, "backup", "run", "--format", "json")

    assert keys.json["results"][0]["summary"].endswith("the access key or secret key is wrong")
    assert down.json["results"][0]["summary"].endswith(
        "cannot connect to the endpoint (wrong endpoint, or the service is down)"
    )
    [result] = run_down.json["results"]
    assert result["status"] == "CRITICAL"
    assert result["summary"].startswith("repository offsite cannot be reached:")
    assert "connection refused" in result["summary"]


def test_backup_to_s3_restores_the_same_files(
    cli, backup_config, website: Path, s3_repository, tmp_path: Path, restic: str
) -> None:
    config = s3_config(backup_config, website, s3_repository())
    assert cli("--config", config, "backup", "init", "--create-bucket").exit_code == 0

    run = cli("--config", config, "backup", "run", "--format", "json")
    target = tmp_path / "from-s3"
    restored = cli("--config", config, "backup", "restore", "website", "--target", target)
    verified = cli("--config", config, "backup", "verify", "--format", "json")

    assert run.json["results"][0]["status"] == "OK", run.json["results"][0]["summary"]
    assert run.json["results"][0]["evidence"]["location"].startswith("s3:http://127.0.0.1:")
    assert restored.exit_code == 0, restored.stdout
    copy = target / str(website).lstrip("/")
    assert (copy / "images" / "foto1.jpg").read_bytes() == (
        website / "images" / "foto1.jpg"
    ).read_bytes()
    assert verified.exit_code == 0, verified.stdout


def protection(run) -> dict:
    [found] = [item for item in run.json["results"] if item["check_id"] == "backup.protection"]
    return dict(found)


def test_check_backup_goes_critical_when_versioning_is_switched_off(
    cli, backup_config, website: Path, s3_repository, moto: MotoServer, restic: str
) -> None:
    every_run = s3_config(backup_config, website, s3_repository(protection_check_hours=0))
    daily = s3_config(backup_config, website, s3_repository(), name="daily.yaml")
    assert cli("--config", every_run, "backup", "init", "--create-bucket").exit_code == 0

    before = cli("--config", every_run, "check", "backup", "--format", "json")
    moto.client().put_bucket_versioning(
        Bucket="pa-backup", VersioningConfiguration={"Status": "Suspended"}
    )
    cached = cli("--config", daily, "check", "backup", "--format", "json")
    after = cli("--config", every_run, "check", "backup", "--format", "json")

    assert protection(before)["status"] == "OK"
    assert protection(before)["summary"] == "bucket pa-backup: versioning enabled, Object Lock off"
    # Within protection_check_hours the last answer stands, and says how old it is.
    assert protection(cached)["status"] == "OK" and protection(cached)["evidence"]["cached"]
    assert "; checked " in protection(cached)["summary"]
    assert protection(cached)["message"]["id"] == "backup.protection.ok"
    weakened = protection(after)
    assert weakened["status"] == "CRITICAL", weakened
    assert weakened["target"] == "offsite:bucket"
    assert "versioning was switched off (now suspended)" in weakened["summary"]
    assert after.exit_code == 2


def test_check_backup_goes_critical_when_object_lock_retention_is_shortened(
    cli, backup_config, website: Path, s3_repository, moto: MotoServer, restic: str
) -> None:
    s3 = moto.client()
    s3.create_bucket(Bucket="locked-bucket", ObjectLockEnabledForBucket=True)

    def retention(mode: str, days: int) -> None:
        s3.put_object_lock_configuration(
            Bucket="locked-bucket",
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": mode, "Days": days}},
            },
        )

    retention("COMPLIANCE", 30)
    config = s3_config(
        backup_config, website, s3_repository("locked-bucket", protection_check_hours=0)
    )
    # The first check remembers the protection it finds (moto changes a lock only while the
    # bucket is empty, so the repository is made after the change).
    first = cli("--config", config, "check", "backup", "--format", "json")
    retention("GOVERNANCE", 1)

    run = cli("--config", config, "check", "backup", "--format", "json")
    accepted = cli("--config", config, "backup", "init", "--format", "json")
    again = cli("--config", config, "check", "backup", "--format", "json")

    assert protection(first)["status"] == "OK"
    assert "Object Lock on (COMPLIANCE 30 days)" in protection(first)["summary"]
    weakened = protection(run)
    assert weakened["status"] == "CRITICAL"
    assert "Object Lock retention was shortened from 30 to 1 days" in weakened["summary"]
    assert "mode was weakened from COMPLIANCE to GOVERNANCE" in weakened["summary"]
    assert accepted.exit_code == 0  # init accepts the bucket as it is now
    assert protection(again)["status"] == "OK"


@pytest.mark.timeout(300)
def test_a_killed_backup_run_shows_as_interrupted_and_its_snapshot_is_not_counted(
    cli, backup_config, website: Path, s3_repository, moto: MotoServer, restic: str, tmp_path: Path
) -> None:
    import json
    import os
    import signal
    import subprocess
    import sys

    from support.processes import alive, command_lines, descendants, wait_for

    config = s3_config(backup_config, website, s3_repository())
    assert cli("--config", config, "backup", "init", "--create-bucket").exit_code == 0
    first = cli("--config", config, "backup", "run", "--format", "json")
    assert first.exit_code == 0, first.stdout
    (website / "berita.php").write_text("<?php // berita hari ini ?>\n")

    process = subprocess.Popen(
        [sys.executable, "-m", "opskit", "--config", str(config), "backup", "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def restic_backup() -> int | None:
        lines = command_lines()
        found = [
            pid
            for pid in descendants(process.pid)
            if lines.get(pid, [""])[0] == "restic" and "backup" in lines.get(pid, [])
        ]
        return found[0] if found else None

    wait_for(lambda: restic_backup() is not None, what="restic backup")
    backing_up = restic_backup()
    assert backing_up is not None
    # opskit stops; restic saves its snapshot; then opskit is killed before it hears of it.
    os.kill(process.pid, signal.SIGSTOP)
    wait_for(lambda: not alive(backing_up), timeout_seconds=120, what="restic to finish")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)

    history = cli("--config", config, "history", "--format", "json")
    checked = cli("--config", config, "check", "backup", "--format", "json")

    runs = {run["id"]: run for run in history.json["data"]["runs"]}
    killed = max(runs)
    assert runs[killed]["command"] == "backup run"
    assert (runs[killed]["state"], runs[killed]["status"]) == ("interrupted", "UNKNOWN")
    [fresh] = [item for item in checked.json["results"] if item["check_id"] == "backup.freshness"]
    written = [item["snapshot"] for item in fresh["evidence"]["not_counted"]]
    assert len(written) == 1, fresh  # the snapshot the killed run made ...
    assert fresh["evidence"]["snapshot_id"] not in written  # ... is not the one counted
    assert (
        f"snapshot {written[0]} of run {killed}, which was interrupted, is not counted"
        in (fresh["summary"])
    )
    assert (
        fresh["status"] == "WARNING" and "the last backup run was interrupted" in fresh["summary"]
    )
    snapshots = cli("--config", config, "backup", "snapshots", "--format", "json")
    assert len(snapshots.json["data"]["snapshots"]) == 2, json.dumps(snapshots.json)[:500]
