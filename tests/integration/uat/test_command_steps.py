"""Command steps through the ``uat`` playbook, on a real sshd host and on this machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.sshd import SshServer

pytestmark = pytest.mark.integration


def outcomes(run) -> dict[str, str]:
    return {step["id"]: step["outcome"] for step in run.json["data"]["steps"]}


@pytest.mark.timeout(60)
def test_command_steps_on_an_ssh_host_judge_exit_code_output_and_time(
    uat_config, checklist, cli, sshd: SshServer, tmp_path: Path
) -> None:
    config = uat_config(hosts=[sshd.host_entry("web1")])
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0
    planted = tmp_path / "planted"
    path = checklist(
        {"id": "os", "title": "Linux", "command": {"host": "web1", "argv": ["uname", "-s"],
                                                   "contains": ["Linux"]}},
        {"id": "exit", "title": "Keluar 3", "command": {"host": "web1",
                                                        "argv": ["sh", "-c", "exit 3"]}},
        {"id": "quoted", "title": "Argumen dikutip", "command": {
            "host": "web1", "argv": ["echo", f"a; touch {planted}"], "contains": ["a; touch"]}},
        {"id": "slow", "title": "Terlalu lama", "command": {
            "host": "web1", "argv": ["sleep", "10"], "timeout_seconds": 1}},
        {"id": "local", "title": "Di mesin ini", "command": {"argv": ["id", "-un"],
                                                             "contains": [sshd.user]}},
    )  # fmt: skip

    run = cli("--config", config, "uat", "run", path, "--format", "json")

    assert run.exit_code == 2, run.stderr
    assert outcomes(run) == {
        "os": "passed",
        "exit": "failed",
        "quoted": "passed",
        "slow": "failed",
        "local": "passed",
    }
    steps = {step["id"]: step for step in run.json["data"]["steps"]}
    assert steps["exit"]["summary"] == "exit code 3 (expected 0)"
    assert steps["os"]["evidence"]["host"] == "web1"
    assert steps["os"]["evidence"]["stdout"].strip() == "Linux"
    assert steps["slow"]["summary"] == "did not finish within 1 s"
    assert steps["slow"]["duration_ms"] < 8000
    assert not planted.exists(), "the argument was run as a command"


def test_an_untrusted_host_is_an_error_not_a_failure(
    uat_config, checklist, cli, sshd: SshServer
) -> None:
    config = uat_config(hosts=[sshd.host_entry("web1")])
    path = checklist(
        {"id": "os", "title": "Linux", "command": {"host": "web1", "argv": ["uname"]}},
        {"id": "tampilan", "title": "Tampilan", "manual": {"instruction": "a", "expected": "b"}},
    )

    run = cli("--config", config, "uat", "run", path, "--format", "json")

    assert run.exit_code == 3
    assert run.json["data"]["result"] == "error"
    assert outcomes(run) == {"os": "error", "tampilan": "unanswered"}
    assert "host key not trusted" in run.json["data"]["steps"][0]["summary"]


def test_a_host_missing_from_the_inventory_stops_the_run(uat_config, checklist, cli) -> None:
    path = checklist({"title": "x", "command": {"host": "web9", "argv": ["true"]}})

    run = cli("--config", uat_config(), "uat", "run", path)

    assert run.exit_code == 3
    assert "unknown host: web9" in run.stderr
