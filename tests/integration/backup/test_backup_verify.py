"""Proof that restores work, freshness, and progress, against the real restic."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from opskit.actions.backup.run import run_backups
from opskit.context import AppContext

pytestmark = pytest.mark.integration


def by_check(run) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for result in run.json["results"]:
        found.setdefault(result["check_id"], []).append(result)
    return found


def test_verify_rotates_the_data_group_and_the_drill_matches_live_files(
    cli, backup_config, website: Path, restic: str
) -> None:
    config = backup_config(
        sets=[
            {
                "name": "website",
                "paths": [str(website)],
                "repositories": ["local"],
                "verification": {"read_data_groups": 3, "drill_files": 4},
            }
        ]
    )
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")
    (website / "index.php").write_text("<?php // changed after the backup ?>\n")

    subsets = []
    for _ in range(4):
        run = cli("--config", config, "backup", "verify", "--format", "json")
        assert run.exit_code == 0, run.stdout
        [check] = by_check(run)["backup.verify.check"]
        subsets.append(check["evidence"]["read_data_subset"])
    [drill] = by_check(run)["backup.verify.drill"]

    assert subsets == ["1/3", "2/3", "3/3", "1/3"]
    assert drill["status"] == "OK"
    assert drill["summary"].startswith("restored 4 files from snapshot")
    assert str(website / "index.php") not in drill["evidence"]["sampled"], (
        "changed files are not compared"
    )
    assert drill["evidence"]["different"] == []


def test_corrupted_repository_fails_the_check(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    config = backup_config(
        sets=[
            {
                "name": "website",
                "paths": [str(website)],
                "repositories": ["local"],
                "verification": {"read_data_groups": 1, "drill_files": 0},
            }
        ]
    )
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")
    pack = max((tmp_path / "repo" / "data").rglob("*"), key=lambda path: path.stat().st_size)
    data = bytearray(pack.read_bytes())
    data[100:110] = b"\0" * 10
    pack.write_bytes(bytes(data))

    run = cli("--config", config, "backup", "verify", "--only", "check", "--format", "json")

    assert run.exit_code == 2
    [check] = run.json["results"]
    assert check["status"] == "CRITICAL"
    assert check["summary"].startswith("restic check found errors")


def test_check_backup_judges_freshness_against_the_interval(
    cli, backup_config, website: Path, restic: str
) -> None:
    def with_interval(hours: float, name: str) -> Path:
        return backup_config(
            name=name,
            sets=[
                {
                    "name": "website",
                    "paths": [str(website)],
                    "repositories": ["local"],
                    "interval_hours": hours,
                }
            ],
        )

    # The same set, state and repository judged against two intervals: a day, where the
    # backup is fresh however slow this machine is, and 0.72 s, where it soon is not.
    daily = with_interval(24, "daily.yaml")
    hasty = with_interval(0.0002, "hasty.yaml")
    cli("--config", daily, "backup", "init")
    before = cli("--config", daily, "check", "backup", "--format", "json")
    cli("--config", daily, "backup", "run")
    fresh = cli("--config", daily, "check", "backup", "--format", "json")
    time.sleep(2.5)  # 0.0002 h is 0.72 s: now more than three intervals old, at the least
    stale = cli("--config", hasty, "check", "backup", "--format", "json")
    cli("--config", daily, "backup", "verify")
    verified = cli("--config", daily, "check", "backup", "--format", "json")

    assert by_check(before)["backup.freshness"][0]["summary"] == "no snapshot yet"
    assert by_check(before)["backup.freshness"][0]["status"] == "CRITICAL"
    assert by_check(fresh)["backup.freshness"][0]["status"] == "OK"
    assert by_check(stale)["backup.freshness"][0]["status"] == "CRITICAL"
    assert by_check(stale)["backup.freshness"][0]["metrics"][0]["name"] == "age_hours"
    assert by_check(stale)["backup.verify.age"][0]["status"] == "WARNING"
    assert by_check(verified)["backup.verify.age"][0]["status"] == "OK"
    assert by_check(verified)["backup.locks"][0]["summary"] == "no locks"


def test_progress_reaches_the_callback_and_ends(backup_config, website: Path, restic: str) -> None:
    import os

    (website / "large.bin").write_bytes(os.urandom(64 << 20))
    config = backup_config()
    context = AppContext(str(config), interactive=False)
    seen: list[tuple[str, object]] = []
    try:
        from opskit.actions.backup.init import init_repositories

        init_repositories(context, [], create_bucket=False)
        outcome = run_backups(
            context, [], progress=lambda label, status: seen.append((label, status))
        )
    finally:
        context.close()

    assert outcome.results[0].status.value == "OK"
    assert seen[-1] == ("website:local", None)
    statuses = [status for _, status in seen if status is not None]
    assert statuses, "restic status lines were streamed"
    assert all(status.total_bytes >= status.bytes_done for status in statuses)
