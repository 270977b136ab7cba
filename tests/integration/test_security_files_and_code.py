"""Web root integrity over SSH, and bandit on a small vulnerable application, with baselines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from support.sshd import SshServer

pytestmark = pytest.mark.integration

APP = """\
import subprocess


def backup(name):
    return subprocess.call("tar czf /backup/" + name + ".tgz /var/www", shell=True)
"""
SAME_KIND = """

def restore(name):
    return subprocess.call("tar xzf /backup/" + name + ".tgz -C /", shell=True)
"""
IDENTICAL_LINE = """

def backup_again(name):
    return subprocess.call("tar czf /backup/" + name + ".tgz /var/www", shell=True)
"""


def by_id(run) -> dict[str, dict]:
    return {item["check_id"]: item for item in run.json["results"]}


def test_web_root_changes_and_web_shells_over_ssh(
    make_config, cli, sshd: SshServer, tmp_path: Path
) -> None:
    root = tmp_path / "html"
    (root / "wp-content" / "uploads").mkdir(parents=True)
    (root / "index.php").write_text("<?php echo 'PA Penajam';\n")
    (root / "wp-content" / "uploads" / "logo.png").write_bytes(b"\x89PNG")
    config = make_config(
        {"hosts": [sshd.host_entry("web1", security={"web_files": {"roots": [str(root)]}})]}
    )
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0

    first = by_id(cli("--config", config, "check", "webfiles", "--format", "json"))
    (root / "wp-content" / "uploads" / "cache.php").write_text("<?php eval($_POST['x']);\n")
    (root / "index.php").write_text("<?php echo 'hacked';\n")
    (root / "robots.txt").write_text("User-agent: *\n")
    (root / "robots.txt").chmod(0o666)
    attacked = by_id(cli("--config", config, "check", "webfiles", "--format", "json"))
    accepted = cli("--config", config, "check", "webfiles", "--accept", "--format", "json")
    later = by_id(cli("--config", config, "check", "webfiles", "--format", "json"))

    assert {item["status"] for item in first.values()} == {"OK"}
    assert first["web.files.changed"]["summary"] == (
        "baseline recorded: 2 files (later runs report changes against it)"
    )
    assert attacked["web.files.uploads"]["status"] == "CRITICAL"
    assert attacked["web.files.uploads"]["evidence"]["observed"] == ["wp-content/uploads/cache.php"]
    changed = attacked["web.files.changed"]
    assert changed["status"] == "CRITICAL"
    assert changed["evidence"]["modified"] == ["index.php"]
    assert changed["evidence"]["added"] == ["robots.txt", "wp-content/uploads/cache.php"]
    assert attacked["web.files.writable"]["status"] == "WARNING"
    assert "robots.txt (0666)" in attacked["web.files.writable"]["summary"]
    assert by_id(accepted)["web.files.changed"]["status"] == "OK"
    assert any("accepted baseline" in message for message in accepted.json["messages"])
    assert (
        later["web.files.changed"]["summary"] == "unchanged since the accepted baseline (4 files)"
    )
    assert later["web.files.uploads"]["status"] == "CRITICAL"  # accepting never hides a web shell
    stored = sqlite3.connect(tmp_path / "state" / "history.sqlite").execute(
        "SELECT key FROM state WHERE namespace = 'security.web-files'"
    )
    assert [row[0] for row in stored] == [f"web1:{root}"]


def test_bandit_baseline_accepts_known_findings_but_not_new_ones_of_the_same_kind(
    make_config, cli, tmp_path: Path
) -> None:
    app = tmp_path / "sipp"
    app.mkdir()
    source = app / "jobs.py"
    source.write_text(APP)
    config = make_config({"security": {"code": [{"name": "sipp", "path": str(app)}]}})

    found = by_id(cli("--config", config, "check", "code", "--format", "json"))["code.bandit"]
    accepted = cli("--config", config, "check", "code", "--accept", "--format", "json")
    quiet = by_id(cli("--config", config, "check", "code", "--format", "json"))["code.bandit"]
    source.write_text(APP + SAME_KIND)
    second = by_id(cli("--config", config, "check", "code", "--format", "json"))["code.bandit"]
    source.write_text(APP + SAME_KIND + IDENTICAL_LINE)
    third = cli("--config", config, "check", "code", "--format", "json")

    assert found["status"] == "CRITICAL"
    assert "jobs.py:5 B602 high" in found["summary"]
    assert by_id(accepted)["code.bandit"]["status"] == "OK"
    assert quiet["status"] == "OK"
    assert quiet["summary"] == f"no new findings ({quiet['evidence']['accepted']} accepted)"
    assert second["status"] == "CRITICAL"
    assert [item["where"] for item in second["evidence"]["new"]] == ["jobs.py:9"]
    # The very same line again: bandit's own baseline would count it as known; we do not.
    new = by_id(third)["code.bandit"]["evidence"]["new"]
    assert [item["where"] for item in new] == ["jobs.py:9", "jobs.py:13"]
    assert third.exit_code == 2


def test_code_scan_errors_and_missing_paths_are_unknown(make_config, cli, tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "broken.py").write_text("def broken(:\n    pass\n")
    config = make_config(
        {
            "security": {
                "code": [
                    {"name": "broken", "path": str(app)},
                    {"name": "gone", "path": str(tmp_path / "gone")},
                ]
            }
        }
    )
    empty = make_config({}, name="empty.yaml")

    run = cli("--config", config, "check", "code", "--format", "json")
    nothing = cli("--config", empty, "check", "code", "--format", "json")

    results = {item["target"]: item for item in run.json["results"]}
    assert results["broken"]["status"] == "UNKNOWN"
    assert "broken.py: syntax error" in results["broken"]["summary"]
    assert results["gone"]["status"] == "UNKNOWN"
    assert "No such file or directory" in results["gone"]["summary"]
    assert run.exit_code == 3
    assert nothing.json["results"][0]["status"] == "UNKNOWN"
    assert "no application code configured" in nothing.json["results"][0]["summary"]


def test_security_playbook_runs_with_plain_fab(sshd: SshServer, client_key: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    from opskit.paths import playbooks_dir

    home = Path(os.environ["HOME"])
    (home / ".ssh").mkdir(mode=0o700, exist_ok=True)
    (home / ".ssh" / "known_hosts").write_text(
        f"[127.0.0.1]:{sshd.port} {Path(f'{sshd.host_key}.pub').read_text().rsplit(' ', 1)[0]}\n"
    )
    fab = Path(sys.executable).parent / "fab"

    completed = subprocess.run(
        [
            str(fab),
            "-r",
            str(playbooks_dir()),
            "-i",
            str(client_key),
            "-H",
            f"{sshd.user}@127.0.0.1:{sshd.port}",
            "security",
            "--areas=ssh,firewall",
            "--sudo",
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    gathered = json.loads(completed.stdout)
    assert gathered["sections"]["sshd"]["exit_code"] == 0
    assert "permitrootlogin" in gathered["sections"]["sshd"]["output"]
    assert "nft" in gathered["sections"]
    assert "apt" not in gathered["sections"]


def test_webfiles_without_any_web_root_is_unknown_not_ok(make_config, cli) -> None:
    config = make_config({})

    run = cli("--config", config, "check", "webfiles", "--format", "json")

    [result] = run.json["results"]
    assert result["status"] == "UNKNOWN"
    assert "set web_files.roots" in result["summary"]
    assert run.exit_code == 3
