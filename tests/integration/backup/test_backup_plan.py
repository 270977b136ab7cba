"""``backup run`` from the plan kept beside the validated config, against the real restic.

The second run of an unchanged config starts restic from the kept plan,
before the config's schema is imported, and loads the config while restic
works; whatever the first run would do differently (a changed file, a
secret file opened to others, a damaged entry) is a plan not taken.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from opskit.config import snapshot
from support.restic import REPOSITORY_PASSWORD, restic_direct

pytestmark = pytest.mark.integration

# Runs opskit and notes, when restic starts, whether the config's schema is loaded.
HARNESS = """
import json, subprocess, sys
seen = []
started = subprocess.Popen.__init__
def noting(self, argv, *args, **kwargs):
    if "restic" in str(argv[0]) and "backup" in argv:
        seen.append("opskit.config.schema" in sys.modules or "pydantic" in sys.modules)
    started(self, argv, *args, **kwargs)
subprocess.Popen.__init__ = noting
from opskit.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w") as file:
    json.dump(seen, file)
sys.exit(code)
"""


def plans() -> list[Path]:
    return sorted(snapshot.directory().glob("*.backup-plan.json"))


def snapshot_count(repository: Path, password: Path) -> int:
    listed = restic_direct(repository, password, "snapshots", "--json")
    assert listed.returncode == 0, listed.stderr
    return len(json.loads(listed.stdout))


def initialised(cli: Callable[..., object], config: Path) -> Path:
    init = cli("--config", config, "backup", "init")
    assert init.exit_code == 0, init.stdout  # type: ignore[attr-defined]
    return config


def test_an_unchanged_config_starts_restic_from_the_kept_plan_before_the_schema(
    cli, backup_config, tmp_path: Path, restic: str
) -> None:
    config = initialised(cli, backup_config())
    notes = tmp_path / "seen.json"

    def run() -> tuple[subprocess.CompletedProcess[str], list[bool]]:
        done = subprocess.run(
            [sys.executable, "-c", HARNESS, notes, "--config", config, "backup", "run"]
            + ["--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return done, json.loads(notes.read_text())

    first, first_seen = run()
    second, second_seen = run()

    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert first_seen == [True], "the plan was made from the validated config"
    assert second_seen == [False], "the kept plan starts restic before the schema is imported"
    [result] = json.loads(second.stdout)["results"]
    assert (result["target"], result["status"]) == ("website:local", "OK")
    assert result["evidence"]["location"] == str(tmp_path / "repo")
    assert snapshot_count(tmp_path / "repo", tmp_path / "repository.password") == 2
    listed = cli("--config", config, "history", "--check", "backup.run", "--format", "json")
    assert [row["status"] for row in listed.json["data"]["results"]] == ["OK", "OK"]


def test_the_kept_plan_is_private_and_names_secrets_without_holding_them(
    cli, backup_config, tmp_path: Path, restic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OFFSITE_PASSWORD", "Offsite-Password-31415")
    config = backup_config(
        repositories=[
            {
                "name": "local",
                "path": str(tmp_path / "repo"),
                "password_file": str(tmp_path / "repository.password"),
            },
            {
                "name": "offsite",
                "path": str(tmp_path / "offsite"),
                "password_env": "OFFSITE_PASSWORD",
            },
        ],
        sets=[
            {
                "name": "website",
                "paths": [str(tmp_path / "www")],
                "repositories": ["local", "offsite"],
            }
        ],
    )
    initialised(cli, config)

    first = cli("--config", config, "backup", "run", "--format", "json")
    second = cli("--config", config, "backup", "run", "--format", "json")

    assert first.exit_code == 0 and second.exit_code == 0, second.stdout
    assert [item["status"] for item in second.json["results"]] == ["OK", "OK"]
    [plan] = plans()
    assert plan.stat().st_mode & 0o777 == 0o600
    assert snapshot.directory().stat().st_mode & 0o777 == 0o700
    text = plan.read_text()
    assert "OFFSITE_PASSWORD" in text and str(tmp_path / "repository.password") in text
    for secret in ("Offsite-Password-31415", REPOSITORY_PASSWORD):
        assert secret not in text
        assert secret not in second.stdout + second.stderr


def test_a_changed_config_makes_a_new_plan(cli, backup_config, website: Path, restic: str) -> None:
    config = initialised(cli, backup_config())
    assert cli("--config", config, "backup", "run").exit_code == 0
    assert cli("--config", config, "backup", "run").exit_code == 0
    before = plans()

    changed = backup_config(
        sets=[
            {
                "name": "website",
                "paths": [str(website)],
                "exclude": [str(website / "cache"), str(website / "images")],
                "repositories": ["local"],
            }
        ]
    )
    assert changed == config
    run = cli("--config", config, "backup", "run", "--format", "json")

    assert run.exit_code == 0, run.stdout
    assert f"--exclude {website / 'images'}" in run.json["results"][0]["evidence"]["command"]
    assert len(plans()) == len(before) + 1


def test_a_secret_file_opened_to_others_stops_the_run_before_restic_as_without_a_plan(
    cli, backup_config, tmp_path: Path, restic: str
) -> None:
    config = initialised(cli, backup_config())
    assert cli("--config", config, "backup", "run").exit_code == 0
    assert plans()
    password = tmp_path / "repository.password"
    password.chmod(0o644)

    run = cli("--config", config, "backup", "run", "--format", "json")

    assert run.exit_code == 3, run.stdout
    assert "has mode 0644; it must be 0600 or stricter" in run.stdout
    password.chmod(0o600)
    assert snapshot_count(tmp_path / "repo", password) == 1


def test_a_failure_from_the_plan_opens_an_incident_with_the_config_loaded_meanwhile(
    cli, backup_config, tmp_path: Path, restic: str
) -> None:
    config = initialised(cli, backup_config())
    assert cli("--config", config, "backup", "run").exit_code == 0
    password = tmp_path / "repository.password"
    password.write_text("not-the-password\n")  # still a proper secret file: the plan holds

    run = cli("--config", config, "backup", "run", "--format", "json")

    assert run.exit_code == 2, run.stdout
    [result] = run.json["results"]
    assert result["status"] == "CRITICAL" and "password" in result["summary"]
    assert any("incident" in message and "opened" in message for message in run.json["messages"])
    incidents = cli("--config", config, "incidents", "--format", "json")
    assert [item["target"] for item in incidents.json["data"]["incidents"]] == ["website:local"]


def test_an_unknown_set_is_told_the_same_from_the_plan(cli, backup_config, restic: str) -> None:
    config = initialised(cli, backup_config())
    without_plan = cli("--config", config, "backup", "run", "nosuch")
    assert cli("--config", config, "backup", "run").exit_code == 0
    with_plan = cli("--config", config, "backup", "run", "nosuch")

    assert without_plan.exit_code == with_plan.exit_code == 3
    assert "unknown backup set: nosuch" in with_plan.stderr + with_plan.stdout
    assert with_plan.stdout == without_plan.stdout and with_plan.stderr == without_plan.stderr


def test_no_plan_is_kept_for_a_config_that_interpolates_the_environment(
    cli, make_config, backup_config, tmp_path: Path, restic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPOSITORY_DIR", str(tmp_path / "repo"))
    config = initialised(
        cli,
        backup_config(
            repositories=[
                {
                    "name": "local",
                    "path": "${REPOSITORY_DIR}",
                    "password_file": str(tmp_path / "repository.password"),
                }
            ]
        ),
    )

    assert cli("--config", config, "backup", "run").exit_code == 0
    assert cli("--config", config, "backup", "run").exit_code == 0
    assert plans() == []


def to_symlink(plan: Path) -> None:
    """The plan's place a link to a copy elsewhere (the entry is opened without following)."""
    elsewhere = plan.with_name("elsewhere.json")
    elsewhere.write_bytes(plan.read_bytes())
    elsewhere.chmod(0o600)
    plan.unlink()
    plan.symlink_to(elsewhere)


@pytest.mark.parametrize(
    "damage",
    [
        lambda plan: plan.write_bytes(plan.read_bytes()[:30]),
        lambda plan: plan.write_text('{"restic": 1}'),
        lambda plan: plan.write_text(json.dumps({**json.loads(plan.read_text()), "sets": "x"})),
        lambda plan: plan.chmod(0o620),
        to_symlink,
    ],
    ids=["truncated", "not-a-plan", "wrong-shape", "group-writable", "symlink"],
)
def test_a_damaged_or_doubtful_plan_is_made_again(
    cli, backup_config, tmp_path: Path, restic: str, damage: Callable[[Path], object]
) -> None:
    config = initialised(cli, backup_config())
    assert cli("--config", config, "backup", "run").exit_code == 0
    [plan] = plans()
    kept = plan.read_bytes()
    damage(plan)

    run = cli("--config", config, "backup", "run", "--format", "json")

    assert run.exit_code == 0, run.stdout
    assert run.json["results"][0]["status"] == "OK"
    assert snapshot_count(tmp_path / "repo", tmp_path / "repository.password") == 2
    assert plan.read_bytes() == kept and not plan.is_symlink()
    assert plan.stat().st_mode & 0o777 == 0o600
