"""The written policy (checks/security.yaml) and its changes in opskit.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskit.config.load import validate_file
from opskit.errors import ConfigError
from opskit.security.policy import PolicyBook, baseline, merge, parse_port, validate


def test_the_shipped_baseline_gives_every_key() -> None:
    policy = validate(baseline(), "checks/security.yaml")

    assert policy.network.allowed_ports == ["22/tcp", "80/tcp", "443/tcp"]
    assert policy.ssh.permit_root_login == ["no"]
    assert policy.antivirus.signatures_warning_days == 1
    assert policy.antivirus.signatures_critical_days == 7
    assert policy.score.weight("fw.active") == 5
    assert policy.score.weight("ssh.x11-forwarding") == 1


def test_changes_replace_keys_and_lists_whole() -> None:
    changed = merge(
        baseline(), {"network": {"allowed_ports": ["443/tcp"]}, "ssh": {"max_auth_tries": 2}}
    )

    policy = validate(changed, "test")

    assert policy.network.allowed_ports == ["443/tcp"]
    assert policy.network.ignored_listeners == ["68/udp", "546/udp"]
    assert policy.ssh.max_auth_tries == 2
    assert policy.ssh.x11_forwarding is False


def test_yaml_no_is_the_word_no_for_sshd() -> None:
    policy = validate(
        merge(baseline(), {"ssh": {"permit_root_login": [False, "prohibit-password"]}}), "t"
    )

    assert policy.ssh.permit_root_login == ["no", "prohibit-password"]


@pytest.mark.parametrize(
    ("text", "protocol", "first", "last"),
    [("22/tcp", "tcp", 22, 22), ("8000-8010/udp", "udp", 8000, 8010)],
)
def test_port_specs(text: str, protocol: str, first: int, last: int) -> None:
    spec = parse_port(text)

    assert (spec.protocol, spec.first, spec.last) == (protocol, first, last)
    assert str(spec) == text


@pytest.mark.parametrize("text", ["22", "22/icmp", "0/tcp", "70000/tcp", "90-80/tcp"])
def test_bad_port_specs(text: str) -> None:
    with pytest.raises(ValueError, match="PORT/tcp|ports must be"):
        parse_port(text)


def test_override_mistakes_are_config_errors_with_their_place(make_config) -> None:
    path = make_config(
        {
            "security": {"policy": {"ssh": {"max_auth_tries": "many"}, "netwrk": {}}},
            "hosts": [
                {
                    "name": "web1",
                    "address": "127.0.0.1",
                    "security": {"web_files": {"roots": "/var/www"}, "firewall": {"requird": True}},
                }
            ],
        }
    )

    problems = {problem.path: problem for problem in validate_file(path).errors}

    assert "valid integer" in problems["security.policy.ssh.max_auth_tries"].message
    assert problems["security.policy.netwrk"].message.startswith("unknown key (allowed: antivirus")
    assert "valid list" in problems["hosts[0].security.web_files.roots"].message
    assert (
        "unknown key (allowed: required)" in problems["hosts[0].security.firewall.requird"].message
    )
    assert problems["hosts[0].security.firewall.requird"].line is not None


def test_policy_book_layers_file_config_and_host(make_config, tmp_path: Path) -> None:
    policy_file = tmp_path / "court-policy.yaml"
    policy_file.write_text(
        "network:\n  allowed_ports: [22/tcp, 443/tcp]\nssh:\n  max_auth_tries: 5\n"
    )
    path = make_config(
        {
            "security": {"policy_file": str(policy_file), "policy": {"ssh": {"max_auth_tries": 3}}},
            "hosts": [
                {
                    "name": "web1",
                    "address": "127.0.0.1",
                    "security": {"web_files": {"roots": ["/var/www/html"]}},
                }
            ],
        }
    )
    config = validate_file(path).config
    assert config is not None

    book = PolicyBook.from_config(config)
    web1 = book.for_host(config.inventory()["web1"])

    assert book.default.network.allowed_ports == ["22/tcp", "443/tcp"]
    assert book.default.ssh.max_auth_tries == 3
    assert book.default.web_files.roots == []
    assert web1.web_files.roots == ["/var/www/html"]
    assert web1.ssh.max_auth_tries == 3


def test_a_broken_policy_file_names_its_problems(make_config, tmp_path: Path) -> None:
    policy_file = tmp_path / "court-policy.yaml"
    policy_file.write_text("antivirus:\n  scan_interval_days: -1\n")
    config = validate_file(make_config({"security": {"policy_file": str(policy_file)}})).config
    assert config is not None

    with pytest.raises(ConfigError) as raised:
        PolicyBook.from_config(config)

    assert str(policy_file) in raised.value.message
    assert any("antivirus.scan_interval_days" in detail for detail in raised.value.details)
