"""Root-only facts without root: sudo with a password, sudo refused, no sudo at all.

A throw-away account logs in to an sshd in a network namespace whose
firewall drops inbound by default; only root can read that firewall.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.accounts import temporary_user
from support.cli import run_opskit
from support.netns import Namespace, NamespaceSshd, namespaces_or_fail
from support.sshd import keygen
from support.system import require

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

RULESET = """table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    tcp dport 22 accept
  }
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NamespaceSshd]:
    namespaces_or_fail()
    require("sudo", "sudo")
    directory = tmp_path_factory.mktemp("privileges")
    space = Namespace("priv")
    sshd = None
    try:
        space.create()
        space.load_ruleset(RULESET, directory)
        sshd = NamespaceSshd(space, directory / "sshd", keygen(directory / "client_ed25519"))
        yield sshd.start()
    finally:
        if sshd is not None:
            sshd.stop()
        space.destroy()


def config_for(make_config, cli, server: NamespaceSshd, user: str, **host: object) -> Path:
    server.authorize(user)
    config = make_config({"hosts": [server.host_entry("web1", user, **host)]})
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0
    return config


def by_id(run) -> dict[str, dict]:
    return {item["check_id"]: item for item in run.json["results"]}


def test_without_sudo_root_only_checks_are_unknown_and_say_why(make_config, cli, server) -> None:
    with temporary_user() as user:
        config = config_for(make_config, cli, server, user, sudo=False)

        run = cli("--config", config, "check", "firewall", "web1", "--format", "json")
        updates = cli("--config", config, "check", "updates", "web1", "--format", "json")

    found = by_id(run)
    assert {item["status"] for item in found.values()} == {"UNKNOWN"}
    assert "needs root" in found["fw.active"]["summary"]
    assert "set `sudo: true`" in found["fw.active"]["summary"]
    assert run.exit_code == 3
    # apt's simulation needs no root: the unprivileged half still reports (what it reports
    # is the state of this machine, which the test does not decide).
    assert by_id(updates)["os.updates.reboot"]["status"] in ("OK", "WARNING")


def test_sudo_refused_is_unknown_with_sudos_own_words(make_config, cli, server) -> None:
    with temporary_user() as user:
        config = config_for(make_config, cli, server, user, sudo=True)

        run = cli("--config", config, "check", "firewall", "web1", "--format", "json")

    found = by_id(run)
    assert {item["status"] for item in found.values()} == {"UNKNOWN"}
    assert "root-only commands did not run" in found["fw.active"]["summary"]
    assert "password is required" in found["fw.active"]["summary"]


def test_sudo_with_a_password_file_reads_the_firewall_and_never_shows_the_password(
    make_config, cli, server, tmp_path: Path
) -> None:
    password = f"Sandi-{secrets.token_hex(8)}"
    password_file = tmp_path / "sudo-password"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    with temporary_user(password=password, sudo_with_password=True) as user:
        config = config_for(
            make_config, cli, server, user, sudo=True, sudo_password_file=str(password_file)
        )

        # As cron would run it, in its own process, with debug logs on stderr.
        run = run_opskit("-vv", "--config", config, "check", "firewall", "web1", "--format", "json")

    found = by_id(run)
    assert found["fw.active"]["status"] == "OK", found["fw.active"]
    assert found["fw.default-inbound"]["status"] == "OK"
    assert "DEBUG" in run.stderr  # the logs were there to leak it, and did not
    assert password not in run.stdout
    assert password not in run.stderr
    state = tmp_path / "state"
    for path in state.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path
