"""Listening ports from captured `ss -tulpnH`, judged with the policy and the firewall."""

from __future__ import annotations

from opskit.result import Status
from opskit.security.ports import evaluate_listening, parse_ss
from support.security import captured


def test_ss_output_gives_address_port_and_process() -> None:
    listeners = {item.describe(): item for item in parse_ss(captured("ss-tulpnH-server.txt"))}

    assert set(listeners) == {
        "68/udp on 0.0.0.0 (python3)",
        "323/udp on 127.0.0.1 (python3)",
        "6379/tcp on 127.0.0.1 (python3)",
        "8080/tcp on 10.199.7.2 (python3)",
        "3306/tcp on 0.0.0.0 (python3)",
        "22/tcp on 0.0.0.0 (sshd)",
        "443/tcp on :: (python3)",
        "22/tcp on :: (sshd)",
        "5432/tcp on ::1 (python3)",
    }
    assert not listeners["6379/tcp on 127.0.0.1 (python3)"].public
    assert not listeners["5432/tcp on ::1 (python3)"].public
    assert listeners["8080/tcp on 10.199.7.2 (python3)"].public
    assert listeners["443/tcp on :: (python3)"].families == ("ipv4", "ipv6")


def test_ss_forms_without_process_and_with_interfaces() -> None:
    text = (
        "udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*\n"
        'tcp LISTEN 0 511 *:80 *:* users:(("apache2",pid=10,fd=4),("apache2",pid=11,fd=4))\n'
        "udp UNCONN 0 0 [fe80::1]%eth0:546 [::]:*\n" + captured("ss-tulpnH-root.txt")
    )

    listeners = parse_ss(text)

    assert [item.describe() for item in listeners] == [
        "53/udp on 127.0.0.53%lo",
        "80/tcp on * (apache2)",
        "546/udp on fe80::1%eth0",
        "2024/tcp on 0.0.0.0",
    ]
    assert [item.public for item in listeners] == [False, True, True, True]


def test_mysql_on_all_addresses_without_firewall_is_critical_with_its_process(
    facts, policy
) -> None:
    gathered = facts(
        ss=captured("ss-tulpnH-server.txt"), nft=captured("nft-empty.json"), iptables=""
    )

    result = evaluate_listening("web1", gathered, policy())

    assert result.check_id == "net.listening"
    assert result.status is Status.CRITICAL
    assert "3306/tcp on 0.0.0.0 (python3)" in result.summary
    assert "8080/tcp on 10.199.7.2 (python3)" in result.summary
    assert "22/tcp" not in result.summary  # in the policy
    assert "68/udp" not in result.summary  # the DHCP client is ignored
    assert "6379" not in result.summary  # loopback only


def test_listener_blocked_by_the_firewall_is_a_warning(facts, policy) -> None:
    gathered = facts(ss=captured("ss-tulpnH-server.txt"), nft=captured("nft-drop.json"))

    result = evaluate_listening(
        "web1", gathered, policy(network={"allowed_ports": ["22/tcp", "443/tcp"]})
    )

    assert result.status is Status.WARNING
    assert "3306/tcp on 0.0.0.0 (python3) (blocked by the firewall)" in result.summary
    observed = {item["listener"]: item["firewall"] for item in result.evidence["observed"]}
    assert observed["22/tcp on 0.0.0.0 (sshd)"] == "accept"
    assert observed["3306/tcp on 0.0.0.0 (python3)"] == "drop"


def test_policy_port_the_firewall_blocks_is_a_warning(facts, policy) -> None:
    gathered = facts(ss="tcp LISTEN 0 128 0.0.0.0:25 0.0.0.0:*\n", nft=captured("nft-drop.json"))

    result = evaluate_listening(
        "web1", gathered, policy(network={"allowed_ports": ["22/tcp", "25/tcp"]})
    )

    assert result.status is Status.WARNING
    assert "in the policy, but the firewall blocks it" in result.summary


def test_only_policy_listeners_is_ok(facts, policy) -> None:
    gathered = facts(
        ss='tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))\n',
        nft=captured("nft-drop.json"),
    )

    result = evaluate_listening("web1", gathered, policy())

    assert result.status is Status.OK
    assert result.summary == "public listeners all in the policy: 22/tcp"


def test_unreadable_sockets_are_unknown(facts, policy) -> None:
    result = evaluate_listening("web1", facts(ss=("ss: command not found", 127)), policy())

    assert result.status is Status.UNKNOWN
    assert "command not found" in result.summary
