"""`opskit demo` builds its own workspace and runs every capability end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_demo_runs_every_step_and_leaves_its_outputs(cli, tmp_path: Path) -> None:
    workspace = tmp_path / "demo"

    demo_run = cli("demo", "--dir", workspace, "--format", "json")
    run = demo_run

    assert run.exit_code == 0, run.stderr
    steps = run.json["data"]["steps"]
    assert [step["name"] for step in steps][:4] == [
        "opskit config validate",
        "opskit hosts list",
        "opskit hosts ping",
        "opskit check host",
    ]
    assert all(step["status"] != "UNKNOWN" for step in steps), steps
    for step in steps:
        document = json.loads((workspace / step["output"]).read_text())
        assert document["schema"] == "opskit/v1"
        assert document["error"] is None
    names = [step["name"] for step in steps]
    assert "opskit backup run" in names and "opskit backup verify" in names
    assert "opskit check backup" in names
    run = json.loads((workspace / "output" / "06-backup-run.json").read_text())
    assert {result["check_id"] for result in run["results"]} >= {"backup.run"}
    assert all(result["status"] == "OK" for result in run["results"]), run["results"]
    restored = workspace / "restored" / str(workspace / "site" / "html").lstrip("/")
    assert (restored / "index.php").read_text() == (workspace / "site/html/index.php").read_text()
    assert (workspace / "state" / "history.sqlite").is_file()
    assert (workspace / "opskit.yaml").stat().st_mode & 0o077 == 0
    assert_uat_went_to_approval(workspace, steps)
    assert_console_answered_without_showing_passwords(workspace, run_output=demo_run)


def assert_console_answered_without_showing_passwords(workspace: Path, run_output) -> None:
    """The demo's console answered; its passwords sit in a 0600 file, nowhere else."""
    console = run_output.json["data"]["console"]
    assert console["answered"] is True
    passwords_file = Path(console["passwords_file"])
    assert passwords_file.stat().st_mode & 0o077 == 0
    passwords = dict(line.split() for line in passwords_file.read_text().splitlines())
    assert set(passwords) == {"budi", "siti", "ahmad", "dewi", "rahmat"}
    history = b"".join(path.read_bytes() for path in (workspace / "state").glob("history.sqlite*"))
    for password in passwords.values():
        assert password not in run_output.stdout + run_output.stderr
        assert password.encode() not in history
    waiting = json.loads(sorted((workspace / "output").glob("*-uat-run.json"))[-1].read_text())
    assert (waiting["data"]["id"], waiting["data"]["state"]) == (2, "tested")


def assert_uat_went_to_approval(workspace: Path, rows: list[dict[str, str]]) -> None:
    """The demo took its site through a UAT, a review and an approval, and wrote the record."""
    steps = {step["name"]: step for step in rows}

    def envelope(name: str) -> dict:
        return dict(json.loads((workspace / steps[name]["output"]).read_text()))

    tested = envelope("opskit uat run rilis-website-demo --answers uat-answers.yaml")
    assert tested["data"]["result"] == "passed", tested["data"]["steps"]
    kinds = {step["kind"] for step in tested["data"]["steps"]}
    assert kinds == {"http", "form", "tls", "links", "command", "manual"}
    assert tested["data"]["testers"] == ["Budi Santoso"]
    assert envelope("opskit uat review 1")["data"]["reviews"][0]["reviewer"] == "Siti Aminah"
    decided = envelope("opskit uat approve 1")["data"]
    assert (decided["state"], decided["decision"]["approver"]) == ("approved", "Ahmad Fauzi")
    record = envelope("opskit report uat 1 --send")["data"]
    assert Path(record["paths"]["pdf"]).is_file()
    assert "Berita Acara" in record["title"]
    assert all(delivery["state"] == "sent" for delivery in record["deliveries"])


def test_demo_site_shows_spam_planted_for_the_crawler_without_failing_the_demo(
    cli, tmp_path: Path
) -> None:
    workspace = tmp_path / "demo"

    run = cli("demo", "--dir", workspace, "--format", "json")

    assert run.exit_code == 0, run.stderr
    steps = {step["name"]: step for step in run.json["data"]["steps"]}
    web = steps["opskit check web"]
    assert web["status"] == "CRITICAL"
    results = {
        result["check_id"]: result
        for result in json.loads((workspace / web["output"]).read_text())["results"]
    }
    assert results["web.integrity.spam"]["status"] == "CRITICAL"
    assert results["web.integrity.cloaking"]["status"] == "CRITICAL"
    assert "crawler copy" in results["web.integrity.cloaking"]["summary"]
    for check_id in ("web.http", "web.tls", "web.domain", "web.freshness", "web.links"):
        assert results[check_id]["status"] == "OK", results[check_id]
    assert results["web.integrity"]["status"] == "OK"  # the baseline was accepted one step before


@pytest.mark.timeout(300)  # the whole demo, twice: about a minute each on two shared cores
def test_demo_can_run_twice_in_the_same_place(cli, tmp_path: Path) -> None:
    workspace = tmp_path / "demo"

    assert cli("demo", "--dir", workspace).exit_code == 0
    again = cli("demo", "--dir", workspace)

    assert again.exit_code == 0
    assert f"workspace: {workspace}" in again.stdout
