"""``backup run`` from the plan kept beside the validated config, against the real restic.

After ``backup init``, a run of an unchanged config starts restic from the
kept plan, before the config's schema is imported, and a run that leaves
nothing to announce or send never loads the config; a failure, an incident
to resolve or a delivery due loads it. Whatever a run without a plan would
do differently (a changed file, a secret file opened to others, a damaged
entry) is a plan not taken.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit import notify
from opskit.config import snapshot
from opskit.config.load import load
from opskit.store import Store
from support.restic import REPOSITORY_PASSWORD, restic_direct
from support.webhook import WebhookReceiver

pytestmark = pytest.mark.integration

# Runs opskit and notes whether the config's schema is loaded when each restic backup
# starts, and when the command ends.
HARNESS = """
import json, subprocess, sys
def schema():
    return "opskit.config.schema" in sys.modules or "pydantic" in sys.modules
seen = {"at_restic": []}
started = subprocess.Popen.__init__
def noting(self, argv, *args, **kwargs):
    if "restic" in str(argv[0]) and "backup" in argv:
        seen["at_restic"].append(schema())
    started(self, argv, *args, **kwargs)
subprocess.Popen.__init__ = noting
from opskit.cli import main
code = main(sys.argv[2:])
seen["at_end"] = schema()
with open(sys.argv[1], "w") as file:
    json.dump(seen, file)
sys.exit(code)
"""


class Watched:
    """``opskit`` run under the harness: its exit, its JSON and when the schema was loaded."""

    def __init__(self, notes: Path, *arguments: str | Path) -> None:
        done = subprocess.run(
            [sys.executable, "-c", HARNESS, notes, *arguments, "--format", "json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.exit_code, self.output = done.returncode, done.stdout + done.stderr
        self.json: dict[str, Any] = json.loads(done.stdout) if done.stdout.startswith("{") else {}
        seen = json.loads(notes.read_text())
        self.schema_at_restic: list[bool] = seen["at_restic"]
        self.schema_at_end: bool = seen["at_end"]


@pytest.fixture
def watched(tmp_path: Path) -> Callable[..., Watched]:
    return lambda *arguments: Watched(tmp_path / "seen.json", *arguments)


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


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


def test_after_init_restic_starts_from_the_plan_and_a_quiet_run_never_loads_the_schema(
    cli, backup_config, watched: Callable[..., Watched], tmp_path: Path, restic: str
) -> None:
    config = initialised(cli, backup_config())

    first = watched("--config", config, "backup", "run")
    second = watched("--config", config, "backup", "run")
    for plan in plans():
        plan.unlink()
    without_plan = watched("--config", config, "backup", "run")

    for run in (first, second, without_plan):
        assert run.exit_code == 0, run.output
        [result] = run.json["results"]
        assert (result["target"], result["status"]) == ("website:local", "OK")
        assert result["evidence"]["location"] == str(tmp_path / "repo")
    assert first.schema_at_restic == second.schema_at_restic == [False]
    assert first.schema_at_end is second.schema_at_end is False
    assert without_plan.schema_at_restic == [True], "no plan: made from the validated config"
    assert len(plans()) == 1
    assert snapshot_count(tmp_path / "repo", tmp_path / "repository.password") == 3
    listed = cli("--config", config, "history", "--check", "backup.run", "--format", "json")
    assert [row["status"] for row in listed.json["data"]["results"]] == ["OK"] * 3


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


def test_a_failure_opens_its_incident_and_the_next_good_run_resolves_it(
    cli, backup_config, watched: Callable[..., Watched], tmp_path: Path, restic: str
) -> None:
    config = initialised(cli, backup_config())
    password = tmp_path / "repository.password"
    right = password.read_text()
    password.write_text("not-the-password\n")  # still a proper secret file: the plan holds

    failed = watched("--config", config, "backup", "run")
    password.write_text(right)
    recovered = watched("--config", config, "backup", "run")
    quiet = watched("--config", config, "backup", "run")

    assert failed.exit_code == 2, failed.output
    [result] = failed.json["results"]
    assert result["status"] == "CRITICAL" and "password" in result["summary"]
    assert failed.schema_at_restic == [False] and failed.schema_at_end is True
    assert any("incident" in item and "opened" in item for item in failed.json["messages"])
    assert recovered.exit_code == 0, recovered.output
    assert recovered.schema_at_end is True, "an open incident on the set: the config loads"
    assert any("incident" in item and "resolved" in item for item in recovered.json["messages"])
    assert quiet.exit_code == 0 and quiet.schema_at_end is False
    assert quiet.json["messages"] == []
    incidents = cli("--config", config, "incidents", "--format", "json")
    assert [(item["target"], item["state"]) for item in incidents.json["data"]["incidents"]] == [
        ("website:local", "resolved")
    ]


def test_a_delivery_due_is_sent_by_a_good_run_and_one_past_retrying_is_left(
    cli,
    backup_config,
    watched: Callable[..., Watched],
    webhook: WebhookReceiver,
    restic: str,
) -> None:
    config = backup_config()
    text = config.read_text() + (
        "people:\n- {name: Budi Santoso, roles: [operator], notify: [chat]}\n"
        f"notifications:\n  retry_hours: 2\n  channels:\n  - {{name: chat, url: '{webhook.url}'}}\n"
    )
    config.write_text(text)
    initialised(cli, config)
    loaded = load(config)
    now = datetime.now(UTC)

    def queue(subject: str, at: datetime) -> None:
        with Store.open(loaded.store_location) as store:
            notify.queue_message(
                store, loaded, ["Budi Santoso"], kind="reminder", subject=subject, body="isi",
                reference=subject, now=at,
            )  # fmt: skip

    queue("Terlambat", now - timedelta(hours=3))  # past the retry window: never tried again
    quiet = watched("--config", config, "backup", "run")
    queue("Tertunda", now)
    delivering = watched("--config", config, "backup", "run")

    assert quiet.exit_code == 0 and quiet.schema_at_end is False, quiet.output
    assert delivering.exit_code == 0 and delivering.schema_at_end is True, delivering.output
    assert [post.get("title") for post in webhook.posts] == ["Tertunda"]
    with Store.open(loaded.store_location) as store:
        states = store.read("SELECT subject, state FROM deliveries ORDER BY id")
    assert [(row["subject"], row["state"]) for row in states] == [
        ("Terlambat", "pending"),
        ("Tertunda", "sent"),
    ]


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
