"""SSH hardening from captured `sshd -T` outputs (Debian's default, hardened, bad Include)."""

from __future__ import annotations

from opskit.result import Status
from opskit.security.sshd import evaluate_ssh, parse_sshd_t, sources
from support.security import captured


def statuses(results):
    return {result.check_id: result.status for result in results}


def test_sshd_t_is_read_first_value_wins() -> None:
    settings = parse_sshd_t(captured("sshd-T-debian12-default.txt"))

    assert settings["permitrootlogin"] == "without-password"
    assert settings["maxauthtries"] == "6"
    assert settings["listenaddress"] == "[::]:22"
    assert "hmac-sha1" in settings["macs"].split(",")


def test_debian_default_fails_the_baseline_where_it_is_lax(facts, policy) -> None:
    results = evaluate_ssh(
        "web1", facts(sshd=captured("sshd-T-debian12-default.txt")), policy().ssh
    )

    assert statuses(results) == {
        "ssh.root-login": Status.WARNING,
        "ssh.password-auth": Status.WARNING,
        "ssh.kbd-interactive": Status.OK,
        "ssh.empty-passwords": Status.OK,
        "ssh.max-auth-tries": Status.WARNING,
        "ssh.x11-forwarding": Status.WARNING,
        "ssh.weak-ciphers": Status.OK,
        "ssh.weak-macs": Status.WARNING,
        "ssh.weak-kex": Status.OK,
    }
    root = results[0]
    assert root.evidence["observed"] == "prohibit-password"
    assert root.evidence["expected"] == "no"
    assert root.evidence["command"] == "sshd"


def test_hardened_configuration_passes_everything(facts, policy) -> None:
    results = evaluate_ssh("web1", facts(sshd=captured("sshd-T-hardened.txt")), policy().ssh)

    assert set(statuses(results).values()) == {Status.OK}


def test_root_login_from_an_included_file_is_critical_and_located(facts, policy) -> None:
    written = (
        "/etc/ssh/sshd_config.d/50-vendor.conf:1:PermitRootLogin yes\n"
        "/etc/ssh/sshd_config:3:PermitRootLogin no\n"
        "/etc/ssh/sshd_config.d/50-vendor.conf:2:Ciphers +aes128-cbc\n"
    )
    gathered = facts(sshd=captured("sshd-T-include-root-login.txt"), sshd_sources=written)

    results = {result.check_id: result for result in evaluate_ssh("web1", gathered, policy().ssh)}

    assert results["ssh.root-login"].status is Status.CRITICAL
    assert "50-vendor.conf" in results["ssh.root-login"].summary
    assert results["ssh.weak-ciphers"].status is Status.WARNING
    assert results["ssh.weak-ciphers"].evidence["weak"] == ["aes128-cbc"]
    assert sources(written)["ciphers"] == [
        "/etc/ssh/sshd_config.d/50-vendor.conf:2:Ciphers +aes128-cbc"
    ]


def test_policy_may_accept_prohibit_password(facts, policy) -> None:
    lenient = policy(ssh={"permit_root_login": ["no", "prohibit-password"], "max_auth_tries": 6})

    results = evaluate_ssh("web1", facts(sshd=captured("sshd-T-debian12-default.txt")), lenient.ssh)

    assert statuses(results)["ssh.root-login"] is Status.OK
    assert statuses(results)["ssh.max-auth-tries"] is Status.OK


def test_a_config_sshd_rejects_makes_every_ssh_check_unknown(facts, policy) -> None:
    gathered = facts(sshd=(captured("sshd-T-bad-option.txt"), 255))

    results = evaluate_ssh("web1", gathered, policy().ssh)

    assert {result.status for result in results} == {Status.UNKNOWN}
    assert 'unsupported option "maybe"' in results[0].summary
