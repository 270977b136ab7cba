"""opskit backup against the real restic and a local repository: the everyday path."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from support.restic import restic_direct

pytestmark = pytest.mark.integration


def results_by_target(run) -> dict[str, dict]:
    return {result["target"]: result for result in run.json["results"]}


def test_init_run_snapshots_and_restore_round_trip(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    config = backup_config()

    init = cli("--config", config, "backup", "init", "--format", "json")
    again = cli("--config", config, "backup", "init", "--format", "json")
    run = cli("--config", config, "backup", "run", "--format", "json")
    listed = cli("--config", config, "backup", "snapshots", "--format", "json")
    target = tmp_path / "restored"
    restored = cli("--config", config, "backup", "restore", "website", "--target", target)

    assert init.exit_code == 0, init.stdout
    assert init.json["results"][0]["check_id"] == "backup.repository"
    assert "created repository local" in init.json["results"][0]["summary"]
    assert "already exists" in again.json["results"][0]["summary"]
    assert run.exit_code == 0, run.stdout
    [result] = run.json["results"]
    assert (result["check_id"], result["target"], result["status"]) == (
        "backup.run",
        "website:local",
        "OK",
    )
    evidence = result["evidence"]
    assert len(evidence["snapshot_id"]) >= 8 and evidence["data_added_bytes"] > 100_000
    assert evidence["duration_seconds"] > 0 and evidence["restic_version"] == "0.14.0"
    assert {metric["name"] for metric in result["metrics"]} >= {
        "data_added_bytes",
        "duration_seconds",
    }
    [snapshot] = listed.json["data"]["snapshots"]
    assert snapshot["set"] == "website" and snapshot["paths"] == [str(website)]
    assert restored.exit_code == 0, restored.stdout
    copy = target / str(website).lstrip("/")
    assert (copy / "index.php").read_text() == (website / "index.php").read_text()
    assert (copy / "images" / "foto3.jpg").read_bytes() == (
        website / "images" / "foto3.jpg"
    ).read_bytes()
    assert not (copy / "cache").exists(), "excluded paths stay out"
    history = sqlite3.connect(tmp_path / "state" / "history.sqlite")
    stored = history.execute(
        "SELECT evidence FROM results WHERE check_id = 'backup.run'"
    ).fetchone()[0]
    assert json.loads(stored)["snapshot_id"] == evidence["snapshot_id"]


def test_init_refuses_a_non_empty_directory_that_is_not_a_repository(
    cli, backup_config, tmp_path: Path, repository_password: Path, restic: str
) -> None:
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "a.txt").write_text("someone's data")
    config = backup_config(
        repositories=[
            {"name": name, "path": str(path), "password_file": str(repository_password)}
            for name, path in (("local", occupied), ("fresh", tmp_path / "fresh"))
        ]
    )

    init = cli("--config", config, "backup", "init", "--format", "json")
    again = cli("--config", config, "backup", "init", "fresh", "--format", "json")

    assert init.exit_code == 2, init.stdout
    by_target = results_by_target(init)
    assert by_target["local"]["status"] == "CRITICAL"
    assert (
        f"{occupied} is not empty and is not a restic repository; choose an empty or new directory"
        in by_target["local"]["summary"]
    )
    assert sorted(path.name for path in occupied.iterdir()) == ["a.txt"]
    assert by_target["fresh"]["status"] == "OK" and (tmp_path / "fresh" / "config").is_file()
    [existing] = again.json["results"]
    assert existing["status"] == "OK" and "already exists" in existing["summary"]


def test_restore_refuses_a_non_empty_directory_unless_forced(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("mine")

    refused = cli("--config", config, "backup", "restore", "website", "--target", target)
    only_one = cli(
        "--config",
        config,
        "backup",
        "restore",
        "website",
        "--target",
        target,
        "--force",
        "--include",
        str(website / "index.php"),
    )

    assert refused.exit_code == 3
    assert "is not empty" in refused.stderr and "--force" in refused.stderr
    assert only_one.exit_code == 0, only_one.stdout
    assert (target / "keep.txt").read_text() == "mine"
    restored = target / str(website).lstrip("/")
    assert (restored / "index.php").exists() and not (restored / "berita.php").exists()


def test_restore_that_restores_nothing_warns_and_resolves_no_incident(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")
    failed = cli(
        "--config", config, "backup", "restore", "website", "--target", tmp_path / "a",
        "--snapshot", "deadbeef",
    )  # fmt: skip
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")

    nothing = cli(
        "--config", config, "backup", "restore", "website", "--target", tmp_path / "b",
        "--include", "/nonexistent/path", "--format", "json",
    )  # fmt: skip
    forced = cli(
        "--config", config, "backup", "restore", "website", "--target", busy, "--force",
        "--include", "/nonexistent/path", "--format", "json",
    )  # fmt: skip
    listed = cli("--config", config, "incidents", "--format", "json")

    assert failed.exit_code != 0, failed.stdout
    for run in (nothing, forced):
        [restored] = run.json["results"]
        assert restored["status"] == "WARNING", restored
        assert "restored nothing" in restored["summary"]
        assert "/nonexistent/path matched nothing" in restored["summary"]
        assert restored["evidence"]["files"] == 0
    [incident] = listed.json["data"]["incidents"]
    assert (incident["check_id"], incident["state"]) == ("backup.restore", "open")


def test_restore_target_under_a_file_is_refused_naming_the_file(
    cli, backup_config, tmp_path: Path, restic: str
) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "afile").write_text("not a directory")

    refused = cli(
        "--config", config, "backup", "restore", "website", "--target", tmp_path / "r/afile/sub"
    )
    forced = cli(
        "--config", config, "backup", "restore", "website", "--target", tmp_path / "r/afile/sub",
        "--force",
    )  # fmt: skip

    for run in (refused, forced):
        assert run.exit_code == 3, run.stdout + run.stderr
        assert f"{tmp_path / 'r' / 'afile'} is a file, not a directory" in run.stderr
        assert "restic failed" not in run.stdout + run.stderr
    assert (tmp_path / "r" / "afile").read_text() == "not a directory"
    assert sorted(path.name for path in (tmp_path / "r").iterdir()) == ["afile"]


def test_missing_source_path_is_an_incomplete_backup_naming_it(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    gone = tmp_path / "www" / "old-site"
    config = backup_config(
        sets=[{"name": "website", "paths": [str(website), str(gone)], "repositories": ["local"]}]
    )
    cli("--config", config, "backup", "init")

    run = cli("--config", config, "backup", "run", "--format", "json")

    assert run.exit_code == 1
    [result] = run.json["results"]
    assert result["status"] == "WARNING"
    assert result["summary"].startswith("INCOMPLETE snapshot ")
    assert str(gone) in result["summary"]
    assert result["evidence"]["missing_paths"] == [str(gone)]
    assert result["evidence"]["snapshot_id"]


def test_wrong_password_is_critical_and_says_so(
    cli, backup_config, tmp_path: Path, restic: str
) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    (tmp_path / "repository.password").write_text("not-the-password\n")

    run = cli("--config", config, "backup", "run", "--format", "json")

    assert run.exit_code == 2
    [result] = run.json["results"]
    assert result["status"] == "CRITICAL"
    assert "repository local: wrong password" in result["summary"]
    assert result["evidence"]["outcome"] == "wrong-password"


def test_missing_repository_is_critical_and_names_the_fix(cli, backup_config, restic: str) -> None:
    config = backup_config()

    run = cli("--config", config, "backup", "run", "--format", "json")

    [result] = run.json["results"]
    assert result["status"] == "CRITICAL"
    assert "repository local does not exist" in result["summary"]
    assert "opskit backup init local" in result["summary"]


def test_one_failing_repository_does_not_stop_the_others(
    cli, backup_config, website: Path, tmp_path: Path, repository_password: Path, restic: str
) -> None:
    config = backup_config(
        repositories=[
            {
                "name": "good",
                "path": str(tmp_path / "good"),
                "password_file": str(repository_password),
            },
            {
                "name": "never-made",
                "path": str(tmp_path / "none"),
                "password_file": str(repository_password),
            },
        ],
        sets=[
            {"name": "website", "paths": [str(website)], "repositories": ["never-made", "good"]},
            {"name": "docs", "paths": [str(website / "images")], "repositories": ["good"]},
        ],
    )
    cli("--config", config, "backup", "init", "good")

    run = cli("--config", config, "backup", "run", "--format", "json")

    statuses = {target: result["status"] for target, result in results_by_target(run).items()}
    assert statuses == {
        "website:never-made": "CRITICAL",
        "website:good": "OK",
        "docs:good": "OK",
    }
    assert run.exit_code == 2


def test_prune_forgets_by_retention_then_prunes(
    cli, backup_config, website: Path, tmp_path: Path, repository_password: Path, restic: str
) -> None:
    config = backup_config(
        sets=[
            {
                "name": "website",
                "paths": [str(website)],
                "repositories": ["local"],
                "retention": {"keep_last": 1},  # and nothing else: no daily rule added
            }
        ]
    )
    cli("--config", config, "backup", "init")
    for day in (1, 2, 3):  # one snapshot a day: a daily rule would keep all three
        (website / f"new{day}.php").write_text(f"{day}\n")
        made = restic_direct(
            tmp_path / "repo", repository_password, "backup", "--tag", "opskit-set=website",
            "--time", f"2026-01-0{day} 10:00:00", str(website),
        )  # fmt: skip
        assert made.returncode == 0, made.stderr

    pruned = cli("--config", config, "backup", "prune", "--format", "json")

    assert pruned.exit_code == 0, pruned.stdout
    by_target = results_by_target(pruned)
    assert {result["check_id"] for result in by_target.values()} == {"backup.prune"}
    assert by_target["website:local"]["summary"].startswith("forgot 2 snapshots, kept 1")
    assert "--keep-last 1)" in by_target["website:local"]["summary"]
    assert by_target["local"]["summary"].startswith("pruned repository local")
    left = restic_direct(tmp_path / "repo", repository_password, "snapshots", "--json")
    assert len(json.loads(left.stdout)) == 1


def test_opskits_archive_goes_into_a_local_set_and_comes_back(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    config = backup_config()
    signed = tmp_path / "state" / "archive" / "signed" / "uat" / "uat-1.abcd.pdf"
    signed.parent.mkdir(parents=True)
    signed.write_bytes(b"%PDF-1.7 signed copy")
    cli("--config", config, "backup", "init")

    run = cli("--config", config, "backup", "run", "--format", "json")
    listed = cli("--config", config, "backup", "snapshots", "--format", "json")
    target = tmp_path / "restored"
    restored = cli("--config", config, "backup", "restore", "website", "--target", target)

    assert run.exit_code == 0, run.stdout
    [snapshot] = listed.json["data"]["snapshots"]
    assert snapshot["paths"] == sorted([str(website), str(tmp_path / "state" / "archive")])
    assert restored.exit_code == 0, restored.stdout
    assert (target / str(signed).lstrip("/")).read_bytes() == b"%PDF-1.7 signed copy"


def test_a_set_can_leave_the_archive_out(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    (tmp_path / "state" / "archive").mkdir(parents=True)
    config = backup_config(
        sets=[
            {
                "name": "website",
                "paths": [str(website)],
                "include_archive": False,
                "repositories": ["local"],
            }
        ]
    )
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")

    listed = cli("--config", config, "backup", "snapshots", "--format", "json")

    assert listed.json["data"]["snapshots"][0]["paths"] == [str(website)]
