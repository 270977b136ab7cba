"""Security checks over SSH against four test hosts in network namespaces, each with a firewall.

drop:   nftables drops inbound by default, allows 22/80/443; a stray listener on 8080
accept: nftables with rules, but the input policy accepts everything
bare:   no rules at all
mysql:  drops by default but opens 3306, where "mysqld" listens on 0.0.0.0

opskit reaches each namespace's sshd from the root namespace over its veth
address, exactly as it reaches a real server.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.netns import Namespace, NamespaceSshd, namespaces_or_fail
from support.security import DATA
from support.sshd import keygen
from support.system import free_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

ALLOW_WEB = "tcp dport { 22, 80, 443 } accept"
RULESETS = {
    "drop": f"""table inet filter {{
  chain input {{
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif "lo" accept
    {ALLOW_WEB}
  }}
}}""",
    "accept": """table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    tcp dport 22 accept
  }
}""",
    "bare": None,
    "mysql": """table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif "lo" accept
    tcp dport { 22, 80, 443, 3306 } accept
  }
}""",
}
# A listener that calls itself NAME (PR_SET_NAME), as ss shows the process.
LISTENER = """
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, sys.argv[2].encode(), 0, 0, 0)
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", int(sys.argv[1])))
server.listen()
time.sleep(3600)
"""
LISTENERS = {"drop": (8080, "webadmin"), "mysql": (3306, "mysqld")}


class Host:
    def __init__(self, namespace: Namespace, sshd: NamespaceSshd) -> None:
        self.namespace = namespace
        self.sshd = sshd


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Host]]:
    namespaces_or_fail()
    directory = tmp_path_factory.mktemp("fleet")
    client_key = keygen(directory / "client_ed25519")
    hosts: dict[str, Host] = {}
    try:
        for label, ruleset in RULESETS.items():
            space = Namespace(label)
            hosts[label] = Host(space, None)  # type: ignore[arg-type]
            space.create()
            if ruleset:
                space.load_ruleset(ruleset, directory)
            sshd = NamespaceSshd(space, directory / label, client_key)
            sshd.authorize(getpass.getuser())
            hosts[label].sshd = sshd.start()
            if label in LISTENERS:
                port, name = LISTENERS[label]
                space.start(
                    [sys.executable, "-c", LISTENER, str(port), name], directory / f"{label}.log"
                )
                space.wait_for_port(port)
        yield hosts
    finally:
        for host in hosts.values():
            if host.sshd is not None:
                host.sshd.stop()
            host.namespace.destroy()


def configure(make_config, cli, fleet: dict[str, Host], **per_host: dict) -> Path:
    user = getpass.getuser()
    entries = [
        host.sshd.host_entry(label, user, sudo=True, **per_host.get(label, {}))
        for label, host in fleet.items()
    ]
    config = make_config({"hosts": entries})
    for label in fleet:
        trusted = cli("--config", config, "hosts", "trust", label, "--yes")
        assert trusted.exit_code == 0, trusted.stderr
    return config


def results_of(run) -> dict[tuple[str, str], dict]:
    return {(item["check_id"], item["target"]): item for item in run.json["results"]}


def test_firewall_checks_tell_the_four_hosts_apart(make_config, cli, fleet) -> None:
    config = configure(make_config, cli, fleet)

    run = cli("--config", config, "check", "firewall", *fleet, "--jobs", "4", "--format", "json")

    found = {key: item["status"] for key, item in results_of(run).items()}
    assert found[("fw.active", "drop")] == "OK"
    assert found[("fw.default-inbound", "drop")] == "OK"
    assert found[("fw.allowed-ports", "drop")] == "OK"
    assert found[("fw.active", "accept")] == "OK"
    assert found[("fw.default-inbound", "accept")] == "CRITICAL"
    assert found[("fw.allowed-ports", "accept")] == "WARNING"
    assert found[("fw.active", "bare")] == "CRITICAL"
    assert found[("fw.default-inbound", "bare")] == "CRITICAL"
    assert found[("fw.default-inbound", "mysql")] == "OK"
    assert found[("fw.allowed-ports", "mysql")] == "WARNING"
    detail = results_of(run)
    assert "3306/tcp" in detail[("fw.allowed-ports", "mysql")]["summary"]
    assert detail[("fw.active", "drop")]["evidence"]["manager"] == "nftables"
    assert "nft -j list ruleset" in detail[("fw.active", "drop")]["evidence"]["command"]
    assert run.exit_code == 2


def test_listeners_are_judged_as_the_network_sees_them(make_config, cli, fleet) -> None:
    config = configure(make_config, cli, fleet)

    run = cli("--config", config, "check", "ports", "--format", "json")

    found = results_of(run)
    mysql = found[("net.listening", "mysql")]
    assert mysql["status"] == "CRITICAL"
    assert "3306/tcp on 0.0.0.0 (mysqld)" in mysql["summary"]
    assert fleet["mysql"].namespace.reachable(3306)  # opskit is right: anyone can connect
    stray = found[("net.listening", "drop")]
    assert stray["status"] == "WARNING"
    assert "8080/tcp on 0.0.0.0 (webadmin) (blocked by the firewall)" in stray["summary"]
    assert not fleet["drop"].namespace.reachable(8080)  # and really blocked
    assert found[("net.listening", "bare")]["status"] == "OK"
    assert found[("net.listening", "accept")]["status"] == "OK"
    # Ports ran the firewall reading too, but reports only its own check.
    assert {check for check, _ in found} == {"net.listening"}


def test_ssh_hardening_reads_the_effective_config_with_includes(
    make_config, cli, fleet, tmp_path: Path
) -> None:
    host_key = fleet["drop"].sshd.host_key
    hardened = tmp_path / "hardened"
    hardened.write_text(
        (DATA / "sshd-T-hardened.txt").read_text().split("\nport ", 1)[0]
        + f"HostKey {host_key}\nPermitRootLogin no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nMaxAuthTries 3\nX11Forwarding no\n"
        "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com\n"
        "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n"
        "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org\n"
    )
    included = tmp_path / "sshd_config.d"
    included.mkdir()
    (included / "50-vendor.conf").write_text("PermitRootLogin yes\n")
    lax = tmp_path / "lax"
    lax.write_text(f"Include {included}/*.conf\n" + hardened.read_text())
    config = configure(
        make_config,
        cli,
        fleet,
        drop={"security": {"ssh": {"config_file": str(hardened)}}},
        accept={"security": {"ssh": {"config_file": str(lax)}}},
    )

    run = cli("--config", config, "check", "ssh", "drop", "accept", "--format", "json")

    found = results_of(run)
    assert {item["status"] for key, item in found.items() if key[1] == "drop"} == {"OK"}
    root = found[("ssh.root-login", "accept")]
    assert root["status"] == "CRITICAL"
    assert root["evidence"]["observed"] == "yes"
    assert root["evidence"]["command"] == f"sshd -T -f {lax}"
    assert any("50-vendor.conf" in line for line in root["evidence"]["configured_in"])
    assert found[("ssh.password-auth", "accept")]["status"] == "OK"


def test_security_check_scores_every_host_and_an_unreachable_one_is_unknown(
    make_config, cli, fleet
) -> None:
    config_path = configure(make_config, cli, fleet)
    text = config_path.read_text().replace(
        "hosts:\n",
        f"hosts:\n- name: gone\n  address: 127.0.0.1\n  port: {free_port()}\n"
        "  connect_timeout_seconds: 2\n",
        1,
    )
    config_path.write_text(text)

    run = cli(
        "--config", config_path, "check", "security", *fleet, "gone", "--format", "json", "-j", "5"
    )

    found = results_of(run)
    assert found[("host.ssh", "gone")]["status"] == "UNKNOWN"
    assert found[("security.score", "gone")]["status"] == "UNKNOWN"
    scores = {row["host"]: row["score"] for row in run.json["data"]["scores"]}
    assert set(scores) == set(fleet)
    assert scores["drop"] > scores["accept"] > 0
    assert scores["drop"] > scores["bare"]
    assert found[("security.score", "drop")]["metrics"][0]["name"] == "hardening_score_percent"
    # Each host's checks ran; the unreachable host did not stop them.
    for label in fleet:
        assert found[("fw.active", label)]["status"] in ("OK", "CRITICAL")
        assert found[("os.updates.reboot", label)]["status"] != "UNKNOWN"
    history = cli(
        "--config", config_path, "history", "--check", "security.score", "--format", "json"
    )
    assert {item["target"] for item in history.json["data"]["results"]} >= set(fleet)
    human = cli("--config", config_path, "check", "security", "drop")
    assert "Hardening score" in human.stdout
