"""Bad input the admin can type gets one readable message with the real reason, never an
internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("since", ["99999999d", "99999999999999999999w", "0001-01-01"])
def test_history_since_beyond_the_calendar_is_a_usage_error(cli, make_config, since: str) -> None:
    config = make_config()

    listed = cli("--config", config, "history", "--since", since)
    exported = cli("--config", config, "history", "--since", since, "--export", "out.jsonl")

    for run in (listed, exported):
        assert run.exit_code == 3
        assert f"opskit: {since!r} is too far back or ahead: dates go from year 1 to 9999" in (
            run.stderr
        )
        assert "internal error" not in run.stderr


def test_schedule_output_that_is_a_file_says_not_a_directory(
    cli, make_config, tmp_path: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me\n")
    config = make_config()

    units = cli("--config", config, "schedule", "install", "--systemd", "--output", afile)
    workflow = cli("schedule", "github", "--output", afile / "opskit.yml")

    assert units.exit_code == 3
    assert f"opskit: cannot write the unit files to {afile}: Not a directory" in units.stderr
    assert workflow.exit_code == 3
    assert f"opskit: cannot write {afile / 'opskit.yml'}: Not a directory" in workflow.stderr
    assert afile.read_text() == "keep me\n"


def test_run_metrics_under_a_file_says_not_a_directory(cli, make_config, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me\n")

    run = cli(
        "--config",
        make_config({"schedule": {"jobs": []}}),
        "run",
        "--metrics",
        afile / "x.prom",
    )

    assert run.exit_code == 3
    assert f"cannot write metrics to {afile / 'x.prom'}: Not a directory" in run.stderr
    assert "File exists" not in run.stderr


def test_uat_validate_of_a_binary_file_says_it_is_not_text(
    cli, make_config, tmp_path: Path
) -> None:
    binary = tmp_path / "bin.log"
    binary.write_bytes(b"steps:\n" + bytes(range(256)) * 8)

    run = cli("--config", make_config(), "uat", "validate", binary)

    assert run.exit_code == 3
    assert f"opskit: cannot read checklist {binary}: not UTF-8 text" in run.stderr
    assert "internal error" not in run.stderr


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("notifications: x\n", ":2: notifications: must be a mapping"),
        ("notifications: [x]\n", ":2: notifications: must be a mapping"),
        (
            "backup:\n  repositories: [{name: [a, b], path: /srv/r, password_env: X}]\n"
            "  sets: [{name: s, paths: [/srv], repositories: [[a]]}]\n",
            "backup.repositories[0].name: Input should be a valid string",
        ),
        ("host_checks: {failures_before_critical: " + "9" * 5000 + "}\n", ":2: not valid YAML: a"),
        ("hosts: " + "[" * 5000 + "]" * 5000 + "\n", ":2: not valid YAML: nested more than 64"),
    ],
    ids=["string-for-mapping", "list-for-mapping", "list-for-name", "huge-int", "deep"],
)
def test_a_config_of_the_wrong_shape_is_a_validation_error_with_its_line(
    cli, tmp_path: Path, body: str, where: str
) -> None:
    config = tmp_path / "opskit.yaml"
    config.write_text("organisation: {name: PA Uji, timezone: Asia/Makassar}\n" + body)

    run = cli("--config", config, "config", "validate")

    shown = " ".join((run.stdout + run.stderr).split())
    assert run.exit_code == 3
    assert "internal error" not in shown
    assert where in shown, shown
