"""What calls `opskit run`: a real crontab, systemd units (systemd-analyze), CI workflows."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from opskit.scheduling.emit import CRON_MARKER, github_workflow, merge_crontab
from support.system import IN_CI, require

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def service_account() -> Iterator[str]:
    """A throwaway system user whose crontab the test may change (needs root)."""
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("installing a crontab for another user needs root in CI")
        pytest.skip("needs root to create a throwaway user")
    require("crontab", "cron")
    name = f"opskit-t{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--system", "--no-create-home", name], check=True)
    yield name
    subprocess.run(["crontab", "-u", name, "-r"], check=False, capture_output=True)
    subprocess.run(["userdel", name], check=True)


def test_cron_install_replaces_its_own_line_and_uninstall_leaves_others(
    cli, make_config, service_account: str
) -> None:
    config = make_config()
    subprocess.run(
        ["crontab", "-u", service_account, "-"],
        input="0 3 * * * /usr/bin/true # mine\n",
        text=True,
        check=True,
    )

    cli(
        "--config",
        config,
        "schedule",
        "install",
        "--cron",
        "--user",
        service_account,
        "--every",
        "10",
    )
    installed = cli("--config", config, "schedule", "install", "--cron", "--user", service_account)
    table = subprocess.run(
        ["crontab", "-u", service_account, "-l"], capture_output=True, text=True, check=True
    ).stdout
    removed = cli("--config", config, "schedule", "uninstall", "--cron", "--user", service_account)
    after = subprocess.run(
        ["crontab", "-u", service_account, "-l"], capture_output=True, text=True, check=True
    ).stdout

    assert installed.exit_code == 0, installed.stderr
    lines = table.splitlines()
    assert lines[0] == "0 3 * * * /usr/bin/true # mine"
    [ours] = [line for line in lines if line.endswith(CRON_MARKER)]
    assert ours.startswith("*/5 * * * * nice -n 10 ionice -c 3 ")
    command = shlex.split(ours.removeprefix("*/5 * * * * ").removesuffix(CRON_MARKER))
    assert command[6:] == [
        sys.executable,
        "-P",
        "-m",
        "opskit",
        "--config",
        str(config.resolve()),
        "run",
        "--quiet",
    ]
    assert Path(command[6]).exists()  # the interpreter cron will start
    assert removed.exit_code == 0
    assert after == "0 3 * * * /usr/bin/true # mine\n"


def test_crontab_merge_keeps_other_entries() -> None:
    existing = f"MAILTO=admin\n0 1 * * * backup.sh\n*/5 * * * * old opskit {CRON_MARKER}\n"

    merged = merge_crontab(existing, f"*/10 * * * * new opskit {CRON_MARKER}")

    assert merged == f"MAILTO=admin\n0 1 * * * backup.sh\n*/10 * * * * new opskit {CRON_MARKER}\n"
    assert merge_crontab(f"*/5 * * * * x {CRON_MARKER}\n", None) == ""


def test_systemd_units_pass_systemd_analyze(cli, make_config, tmp_path: Path) -> None:
    analyze = require("systemd-analyze", "systemd")
    config = make_config()
    env_file = tmp_path / "opskit.env"
    env_file.write_text("OPSKIT_SMTP_PASSWORD=x\n")
    env_file.chmod(0o600)

    run = cli(
        "--config",
        config,
        "schedule",
        "install",
        "--systemd",
        "--output",
        tmp_path / "units",
        "--env-file",
        env_file,
    )
    service = (tmp_path / "units" / "opskit.service").read_text()
    timer = (tmp_path / "units" / "opskit.timer").read_text()
    verified = subprocess.run(
        [
            analyze,
            "verify",
            str(tmp_path / "units" / "opskit.service"),
            str(tmp_path / "units" / "opskit.timer"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.exit_code == 0
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    for line in (
        "Type=oneshot",
        "Nice=10",
        "IOSchedulingClass=idle",
        f"EnvironmentFile=-{env_file}",
        f"--config {config.resolve()} run --quiet",
    ):
        assert line in service
    for line in (
        "OnCalendar=*:0/5",
        "Persistent=true",
        "RandomizedDelaySec=60",
        "WantedBy=timers.target",
    ):
        assert line in timer


def test_the_console_unit_passes_systemd_analyze_and_needs_systemd(
    cli, make_config, tmp_path: Path
) -> None:
    analyze = require("systemd-analyze", "systemd")
    config = make_config()

    run = cli(
        "--config", config, "schedule", "install", "--systemd", "--console",
        "--output", tmp_path / "units",
    )  # fmt: skip
    with_cron = cli("--config", config, "schedule", "install", "--cron", "--console")
    unit = tmp_path / "units" / "opskit-console.service"
    verified = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, check=False
    )

    assert run.exit_code == 0, run.stderr
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr
    text = unit.read_text()
    assert f"--config {config.resolve()} serve" in text
    for line in ("Restart=on-failure", "NoNewPrivileges=yes", "WantedBy=multi-user.target"):
        assert line in text
    assert with_cron.exit_code == 3 and "use it with --systemd" in with_cron.stderr


def test_env_file_readable_by_others_is_refused(cli, make_config, tmp_path: Path) -> None:
    env_file = tmp_path / "opskit.env"
    env_file.write_text("A=b\n")
    env_file.chmod(0o644)

    run = cli(
        "--config",
        make_config(),
        "schedule",
        "install",
        "--systemd",
        "--output",
        tmp_path / "units",
        "--env-file",
        env_file,
    )

    assert run.exit_code == 3 and "must be 0600 or stricter" in run.stderr
    assert not (tmp_path / "units").exists()


def test_github_workflows_are_valid_and_the_shipped_example_is_current(cli) -> None:
    single = yaml.safe_load(github_workflow(15))
    sharded = yaml.safe_load(github_workflow(15, shards=4))
    shipped = (ROOT / ".github" / "workflows" / "opskit-scheduled.yml").read_text()

    assert shipped == github_workflow(15)
    # YAML reads the key "on" as True.
    assert single[True]["schedule"] == [{"cron": "*/15 * * * *"}]
    assert single["permissions"] == {"contents": "read"}
    steps = single["jobs"]["run"]["steps"]
    assert [step.get("name") for step in steps][2:] == [
        "Install opskit",
        "Write the configuration from the repository secret",
        "Restore the history",
        "Run the jobs that are due",
        "Keep the history for the next run",
    ]
    assert steps[5]["run"] == "opskit --config opskit.yaml run"
    assert all(
        "@" in step["uses"] and len(step["uses"].split("@")[1].split()[0]) == 40
        for step in steps
        if "uses" in step
    )
    assert sharded["jobs"]["checks"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    assert sharded["jobs"]["merge"]["needs"] == "checks"
    merge_script = sharded["jobs"]["merge"]["steps"][-2]["run"]
    assert "history --import shards/*.jsonl" in merge_script and "run --no-checks" in merge_script
    printed = cli("schedule", "github", "--shards", "4")
    assert printed.stdout == github_workflow(15, shards=4)


@pytest.mark.parametrize(
    "arguments",
    [
        ("schedule", "install", "--systemd", "--every", "60"),
        ("schedule", "install", "--systemd", "--every", "100000"),
        # A user that does not exist: were the value accepted, no real crontab would change.
        ("schedule", "install", "--cron", "--user", "opskit-nobody", "--every", "100000"),
        ("schedule", "install", "--cron", "--user", "opskit-nobody", "--every", "0"),
        ("schedule", "github", "--every", "60"),
    ],
)
def test_every_outside_one_to_59_minutes_is_refused_before_anything_is_written(
    cli, make_config, tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    output = ("--output", tmp_path / "units") if "--systemd" in arguments else ()

    run = cli("--config", make_config(), *arguments, *output)

    assert run.exit_code == 3
    assert "--every takes 1 to 59 minutes; opskit run decides which jobs are due" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "units").exists()


@pytest.mark.parametrize("shards", [1, 3])
def test_a_workflow_can_publish_the_status_page_on_github_pages(shards: int) -> None:
    workflow = yaml.safe_load(github_workflow(15, shards=shards, status_page=True))
    last = "merge" if shards > 1 else "run"
    steps = workflow["jobs"][last]["steps"]
    pages = workflow["jobs"]["pages"]

    assert steps[-2]["run"] == "opskit --config opskit.yaml report status-page --output public"
    assert steps[-1]["uses"].startswith("actions/upload-pages-artifact@")
    assert pages["needs"] == last
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}
    assert len(pages["steps"][0]["uses"].split("@")[1].split()[0]) == 40


def test_every_59_minutes_writes_units_systemd_accepts(cli, make_config, tmp_path: Path) -> None:
    analyze = require("systemd-analyze", "systemd")

    run = cli(
        "--config",
        make_config(),
        "schedule",
        "install",
        "--systemd",
        "--every",
        "59",
        "--output",
        tmp_path / "units",
    )
    verified = subprocess.run(
        [analyze, "verify", *(str(path) for path in sorted((tmp_path / "units").iterdir()))],
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.exit_code == 0, run.stderr
    assert "OnCalendar=*:0/59" in (tmp_path / "units" / "opskit.timer").read_text()
    assert verified.returncode == 0 and verified.stderr == "", verified.stderr


def _config_reading_the_environment(make_config) -> Path:
    return make_config(
        {
            "notifications": {
                "channels": [
                    {"name": "telegram", "url_env": "OPSKIT_T_TELEGRAM_URL"},
                    {"name": "mail", "url": "mailtos://ops:${OPSKIT_T_SMTP}@127.0.0.1"},
                    {"name": "log", "url": "json://127.0.0.1/${OPSKIT_T_PATH:-x}/$${LITERAL}"},
                ]
            }
        }
    )


def test_install_without_env_file_warns_about_variables_the_config_reads(
    cli, make_config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set here, as in the admin's shell; cron and systemd will not have them.
    monkeypatch.setenv("OPSKIT_T_TELEGRAM_URL", "tgram://1/2")
    monkeypatch.setenv("OPSKIT_T_SMTP", "s3cret-value")
    config = _config_reading_the_environment(make_config)

    run = cli(
        "--config", config, "schedule", "install", "--systemd", "--output", tmp_path / "units"
    )
    quiet = cli(
        "--config",
        make_config(name="plain.yaml"),
        "schedule",
        "install",
        "--systemd",
        "--output",
        tmp_path / "plain",
    )

    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "units" / "opskit.timer").exists()
    # The console wraps long lines; the warning is the last message.
    warning = " ".join(run.stdout.split("warning:", 1)[1].split())
    # Names only, sorted; a variable with a default and a $${literal} are not needed.
    assert "reads OPSKIT_T_SMTP, OPSKIT_T_TELEGRAM_URL from the environment" in warning
    assert "--env-file" in warning
    assert "s3cret-value" not in run.stdout + run.stderr
    assert quiet.exit_code == 0 and "warning" not in quiet.stdout


def test_install_with_env_file_warns_only_about_variables_it_does_not_set(
    cli, make_config, tmp_path: Path
) -> None:
    config = _config_reading_the_environment(make_config)
    env_file = tmp_path / "opskit.env"
    env_file.write_text("# opskit secrets\n\nOPSKIT_T_TELEGRAM_URL=tgram://1/2\n")
    env_file.chmod(0o600)
    complete = tmp_path / "complete.env"
    complete.write_text("OPSKIT_T_TELEGRAM_URL=tgram://1/2\n  OPSKIT_T_SMTP='x y'\n")
    complete.chmod(0o600)

    partial = cli(
        "--config",
        config,
        "schedule",
        "install",
        "--systemd",
        "--output",
        tmp_path / "a",
        "--env-file",
        env_file,
    )
    whole = cli(
        "--config",
        config,
        "schedule",
        "install",
        "--systemd",
        "--output",
        tmp_path / "b",
        "--env-file",
        complete,
    )

    assert partial.exit_code == 0, partial.stderr
    assert f"reads OPSKIT_T_SMTP from the environment, but {env_file} does not set it" in (
        " ".join(partial.stdout.split())
    )
    assert whole.exit_code == 0, whole.stderr
    assert "warning" not in whole.stdout


@pytest.mark.parametrize("bad_line", ["export OPSKIT_T_SMTP=x", "OPSKIT_T_SMTP", "1X=y", "=y"])
def test_env_file_lines_that_are_not_name_value_are_refused_with_file_and_line(
    cli, make_config, tmp_path: Path, bad_line: str
) -> None:
    env_file = tmp_path / "opskit.env"
    env_file.write_text(f"# comment\n\nOPSKIT_T_TELEGRAM_URL=tgram://1/2\n{bad_line}\n")
    env_file.chmod(0o600)

    run = cli(
        "--config",
        make_config(),
        "schedule",
        "install",
        "--systemd",
        "--output",
        tmp_path / "units",
        "--env-file",
        env_file,
    )

    assert run.exit_code == 3
    assert f"{env_file}:4: not a NAME=value line" in run.stderr
    assert "tgram" not in run.stderr and "OPSKIT_T_SMTP" not in run.stderr.replace(bad_line, "")
    assert not (tmp_path / "units").exists()


def test_cron_install_without_env_file_installs_and_warns(
    cli, make_config, service_account: str
) -> None:
    config = _config_reading_the_environment(make_config)

    run = cli("--config", config, "schedule", "install", "--cron", "--user", service_account)
    table = subprocess.run(
        ["crontab", "-u", service_account, "-l"], capture_output=True, text=True, check=True
    ).stdout

    assert run.exit_code == 0, run.stderr
    assert CRON_MARKER in table
    assert "reads OPSKIT_T_SMTP, OPSKIT_T_TELEGRAM_URL from the environment" in " ".join(
        run.stdout.split()
    )
