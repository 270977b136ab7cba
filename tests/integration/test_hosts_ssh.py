"""Hosts over SSH against a real sshd on loopback: host keys, failures, parallel runs, fab."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support.limits import NEVER
from support.secrets import write_secret
from support.silent import SilentServer
from support.sshd import SshServer
from support.system import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield int(server.getsockname()[1])
    server.close()


def test_unknown_host_key_is_refused_with_its_fingerprint(
    make_config, cli, sshd: SshServer
) -> None:
    config = make_config({"hosts": [sshd.host_entry("web1")]})

    run = cli("--config", config, "hosts", "ping", "web1", "--format", "json")

    assert run.exit_code == 3
    [result] = run.json["results"]
    assert result["status"] == "UNKNOWN"
    assert "host key not trusted" in result["summary"]
    assert sshd.fingerprint in result["summary"]
    assert "opskit hosts trust web1" in " ".join(result["evidence"]["details"])


def test_trust_then_ping_and_check_host_succeed(make_config, cli, sshd: SshServer) -> None:
    config = make_config({"hosts": [sshd.host_entry("web1")]})

    trusted = cli("--config", config, "hosts", "trust", "web1", "--yes")
    ping = cli("--config", config, "hosts", "ping", "web1", "--format", "json")
    check = cli("--config", config, "check", "host", "web1", "--format", "json")

    assert trusted.exit_code == 0, trusted.stderr
    assert sshd.fingerprint in trusted.stdout
    assert ping.exit_code == 0, ping.stdout
    [result] = ping.json["results"]
    assert result["status"] == "OK"
    assert result["evidence"]["user"] == sshd.user
    checks = {item["check_id"] for item in check.json["results"]}
    assert checks == {"host.ssh", "host.disk", "host.memory", "host.load"}
    assert any(item["target"] == "web1:/" for item in check.json["results"])
    assert check.json["data"]["facts"]["web1"]["hostname"] == socket.gethostname()


def test_trust_without_yes_off_a_terminal_refuses(make_config, cli, sshd: SshServer) -> None:
    config = make_config({"hosts": [sshd.host_entry("web1")]})

    run = cli("--config", config, "hosts", "trust", "web1")

    assert run.exit_code == 3
    assert "add --yes after checking the fingerprint" in run.stderr
    assert sshd.fingerprint in run.stderr
    listed = cli("--config", config, "hosts", "list", "--format", "json")
    assert listed.json["data"]["hosts"][1]["trusted"] == "not trusted"


def test_changed_host_key_is_refused(make_config, cli, sshd: SshServer) -> None:
    config = make_config({"hosts": [sshd.host_entry("web1")]})
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0
    old_fingerprint = sshd.fingerprint

    sshd.replace_host_key()
    ping = cli("--config", config, "hosts", "ping", "web1", "--format", "json")
    retrust = cli("--config", config, "hosts", "trust", "web1", "--yes")

    [result] = ping.json["results"]
    assert result["status"] == "CRITICAL"  # a changed key may be an attack
    assert "HOST KEY CHANGED" in result["summary"]
    assert old_fingerprint in result["summary"] and sshd.fingerprint in result["summary"]
    assert retrust.exit_code == 3
    assert "--replace" in retrust.stderr
    replaced = cli("--config", config, "hosts", "trust", "web1", "--yes", "--replace")
    assert replaced.exit_code == 0
    assert cli("--config", config, "hosts", "ping", "web1").exit_code == 0


def test_unreachable_hosts_are_unknown_within_the_timeout_while_others_report(
    make_config, cli, sshd_factory: Callable[[str], SshServer]
) -> None:
    first, second = sshd_factory("one"), sshd_factory("two")
    closed_port = free_port()
    silent = SilentServer().start()
    silent_hosts = [
        {"name": name, "address": "127.0.0.1", "port": silent.port, "connect_timeout_seconds": 2}
        for name in ("silent", "silent2")
    ]
    config = make_config(
        {
            "hosts": [
                first.host_entry("web1"),
                second.host_entry("web2"),
                {
                    "name": "closed",
                    "address": "127.0.0.1",
                    "port": closed_port,
                    "connect_timeout_seconds": 2,
                },
                *silent_hosts,
            ],
            "host_checks": NEVER,
        }
    )
    for name in ("web1", "web2"):
        assert cli("--config", config, "hosts", "trust", name, "--yes").exit_code == 0

    try:
        run = cli("--config", config, "check", "host", "--jobs", "4", "--format", "json")
    finally:
        silent.stop()

    by_target = {(item["check_id"], item["target"]): item for item in run.json["results"]}
    assert by_target[("host.ssh", "closed")]["status"] == "UNKNOWN"
    assert "connection refused" in by_target[("host.ssh", "closed")]["summary"]
    for name in ("silent", "silent2"):
        assert by_target[("host.ssh", name)]["status"] == "UNKNOWN"
        assert "no SSH greeting within 2 s" in by_target[("host.ssh", name)]["summary"]
    for name in ("web1", "web2", "local"):
        assert by_target[("host.memory", name)]["status"] == "OK"
    assert run.json["status"] == "UNKNOWN"
    # Each silent host costs its timeout once, and both were waited for at the same time.
    assert silent.accepted == 2
    assert silent.peak == 2


def test_playbook_runs_with_plain_fab(sshd: SshServer, client_key: Path, tmp_path: Path) -> None:
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
            "facts",
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    facts = json.loads(completed.stdout)
    assert facts["hostname"] == socket.gethostname()
    assert any(mount["mount"] == "/" for mount in facts["mounts"])


def test_a_host_that_stays_down_becomes_critical_and_opens_an_incident(
    make_config, cli, sshd: SshServer
) -> None:
    config = make_config({"hosts": [sshd.host_entry("web1")], "host_checks": NEVER})
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0
    assert cli("--config", config, "check", "host", "web1").exit_code == 0

    sshd.stop()
    first = cli("--config", config, "check", "host", "web1", "--format", "json")
    second = cli("--config", config, "check", "host", "web1", "--format", "json")
    incidents = cli("--config", config, "incidents", "--format", "json").json["data"]["incidents"]

    [blip] = [item for item in first.json["results"] if item["check_id"] == "host.ssh"]
    [down] = [item for item in second.json["results"] if item["check_id"] == "host.ssh"]
    assert blip["status"] == "UNKNOWN" and "failure 1 of 2 before CRITICAL" in blip["summary"]
    assert down["status"] == "CRITICAL" and "2 runs in a row" in down["summary"]
    assert [(item["check_id"], item["target"], item["state"]) for item in incidents] == [
        ("host.ssh", "web1", "open")
    ]

    sshd.start()
    back = cli("--config", config, "check", "host", "web1", "--format", "json")
    resolved = cli("--config", config, "incidents", "--format", "json").json["data"]["incidents"]
    assert [item["status"] for item in back.json["results"] if item["check_id"] == "host.ssh"] == [
        "OK"
    ]
    assert resolved[0]["state"] == "resolved"


def test_a_changed_host_key_is_critical_at_once(make_config, cli, sshd: SshServer) -> None:
    config = make_config({"hosts": [sshd.host_entry("web1")]})
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0
    sshd.replace_host_key()

    run = cli("--config", config, "check", "host", "web1", "--format", "json")

    [result] = [item for item in run.json["results"] if item["check_id"] == "host.ssh"]
    assert result["status"] == "CRITICAL" and "HOST KEY CHANGED" in result["summary"]
    assert run.exit_code == 2


def test_a_bad_key_file_or_passphrase_is_named_and_a_right_one_connects(
    make_config, cli, sshd: SshServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = write_secret(tmp_path / "junk_key", os.urandom(400))
    encrypted = write_secret(tmp_path / "encrypted_key", sshd.client_key.read_bytes())
    subprocess.run(
        ["ssh-keygen", "-q", "-p", "-f", str(encrypted), "-N", "kunci-Rahasia-7"],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("OPSKIT_TEST_RIGHT", "kunci-Rahasia-7")
    monkeypatch.setenv("OPSKIT_TEST_WRONG", "bukan-ini-1")
    config = make_config(
        {
            "hosts": [
                sshd.host_entry("junk", key_file=str(junk)),
                sshd.host_entry(
                    "wrong", key_file=str(encrypted), key_passphrase_env="OPSKIT_TEST_WRONG"
                ),
                sshd.host_entry("none", key_file=str(encrypted)),
                sshd.host_entry(
                    "right", key_file=str(encrypted), key_passphrase_env="OPSKIT_TEST_RIGHT"
                ),
            ]
        }
    )
    assert cli("--config", config, "hosts", "trust", "right", "--yes").exit_code == 0

    run = cli("--config", config, "hosts", "ping", "--format", "json")

    summaries = {item["target"]: item["summary"] for item in run.json["results"]}
    statuses = {item["target"]: item["status"] for item in run.json["results"]}
    assert f"key_file {junk} is not a private key" in summaries["junk"]
    assert f"key_file {encrypted}: cannot open it with the passphrase given" in summaries["wrong"]
    assert f"key_file {encrypted} is encrypted; set key_passphrase_env" in summaries["none"]
    assert statuses["right"] == "OK", summaries["right"]
    assert {statuses[name] for name in ("junk", "wrong", "none")} == {"UNKNOWN"}
    for secret in ("kunci-Rahasia-7", "bukan-ini-1"):
        assert secret not in run.stdout + run.stderr
