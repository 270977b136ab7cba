"""Firewall verdicts from captured real rulesets: nftables, iptables, and ufw's chains."""

from __future__ import annotations

import pytest

from opskit.result import Status
from opskit.security.firewall import evaluate_firewall, parse_ufw_status, read_firewall
from opskit.security.iptables import parse_save, tables
from opskit.security.netfilter import Packet, decide
from opskit.security.nftables import parse_ruleset
from support.security import captured

NF_TABLES = "iptables v1.8.9 (nf_tables)"


def by_id(results):
    return {result.check_id: result for result in results}


@pytest.mark.parametrize(
    ("port", "protocol", "verdict"),
    [
        (22, "tcp", "accept"),
        (80, "tcp", "accept"),
        (443, "tcp", "accept"),
        (8080, "udp", "accept"),
        (3306, "tcp", "drop"),  # allowed from 10.0.0.0/8 only
        (137, "udp", "drop"),  # ufw-after-input sends NetBIOS to the drop policy
        (65000, "tcp", "drop"),
    ],
)
def test_ufw_chains_in_iptables_save_give_each_port_its_verdict(port, protocol, verdict) -> None:
    ruleset = parse_save(captured("ufw-iptables-save.txt"), "ipv4", "iptables (nf_tables)")

    decision = decide([ruleset], Packet("ipv4", protocol, port))

    assert decision.verdict == verdict, decision
    assert not decision.uncertain


def test_nft_drop_ruleset_with_named_set_and_range() -> None:
    rulesets = parse_ruleset(captured("nft-drop.json"))

    verdicts = {
        port: decide(rulesets, Packet("ipv4", "tcp", port)).verdict
        for port in (22, 80, 443, 3306, 8005, 8011, 1)
    }

    assert verdicts == {
        22: "accept",
        80: "accept",
        443: "accept",
        3306: "drop",
        8005: "accept",
        8011: "drop",
        1: "drop",
    }
    assert decide(rulesets, Packet("ipv4", "udp", 22)).verdict == "drop"


def test_iptables_nft_tables_seen_through_nft_are_uncertain_and_skipped_when_save_is_read() -> None:
    native = parse_ruleset(captured("iptables-nft.json"))
    skipped = parse_ruleset(
        captured("iptables-nft.json"),
        skip={("ip", name) for name in tables(captured("iptables-save-drop.txt"))},
    )

    assert decide(native, Packet("ipv4", "tcp", 80)).uncertain
    assert skipped == []


def test_drop_ruleset_is_active_and_drops_by_default(facts, policy) -> None:
    results = by_id(
        evaluate_firewall(
            "web1", facts(nft=captured("nft-drop.json"), iptables="", ip6tables=""), policy()
        )
    )

    assert results["fw.active"].status is Status.OK
    assert results["fw.active"].evidence["manager"] == "nftables"
    assert results["fw.default-inbound"].status is Status.OK
    assert "policy drop" in results["fw.default-inbound"].summary
    # 8000-8010/tcp is open to anyone and not in the policy; 3306 only from 10.0.0.0/8.
    assert results["fw.allowed-ports"].status is Status.WARNING
    assert "8000-8010/tcp" in results["fw.allowed-ports"].summary
    assert "3306" not in results["fw.allowed-ports"].summary
    assert any("3306" in rule for rule in results["fw.allowed-ports"].evidence["restricted_rules"])


def test_accept_policy_with_empty_chain_is_no_firewall(facts, policy) -> None:
    results = by_id(
        evaluate_firewall("web1", facts(nft=captured("nft-accept.json"), iptables=""), policy())
    )

    assert results["fw.active"].status is Status.CRITICAL
    assert results["fw.default-inbound"].status is Status.CRITICAL
    assert results["fw.allowed-ports"].status is Status.WARNING
    assert "every port is open" in results["fw.allowed-ports"].summary


def test_empty_ruleset_with_ufw_enabled_at_boot_says_so(facts, policy) -> None:
    results = by_id(
        evaluate_firewall(
            "web1",
            facts(
                nft=captured("nft-empty.json"),
                iptables="",
                ufw=captured("ufw-status-verbose-inactive.txt"),
                firewall_services="ufw enabled inactive\nnftables disabled inactive\nENABLED=yes",
            ),
            policy(),
        )
    )

    assert results["fw.active"].status is Status.CRITICAL
    assert "ufw is enabled at boot" in results["fw.active"].summary
    assert results["fw.default-inbound"].summary.endswith("there is no firewall")


def test_ufw_host_is_judged_from_the_kernel_rules(facts, policy) -> None:
    gathered = facts(
        nft=captured("ufw-nft.json"),
        iptables=captured("ufw-iptables-save.txt"),
        ip6tables=captured("ufw-ip6tables-save.txt"),
        iptables_version=NF_TABLES,
        ufw=captured("ufw-status-verbose-active.txt"),
    )

    results = by_id(evaluate_firewall("web1", gathered, policy()))

    assert results["fw.active"].evidence["manager"] == "ufw"
    assert results["fw.default-inbound"].status is Status.OK
    assert not results["fw.default-inbound"].evidence["uncertain"]
    assert results["fw.allowed-ports"].status is Status.WARNING
    assert "8080/tcp" in results["fw.allowed-ports"].summary
    assert "8080/udp" in results["fw.allowed-ports"].summary


def test_ipv6_without_a_filter_is_a_warning_when_the_host_has_a_global_address(
    facts, policy
) -> None:
    gathered = facts(
        nft=("sh: 1: nft: not found", 127),
        iptables=captured("iptables-save-drop.txt"),
        ip6tables="",
        iptables_version=NF_TABLES,
        ipv6_global="2: eth0    inet6 2001:db8::5/64 scope global",
    )

    results = by_id(evaluate_firewall("web1", gathered, policy()))

    assert results["fw.default-inbound"].status is Status.WARNING
    assert "IPv6" in results["fw.default-inbound"].summary


def test_without_root_every_firewall_check_is_unknown_with_the_reason(facts, policy) -> None:
    denied = (
        "iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: "
        "Permission denied (you must be root)",
        1,
    )
    gathered = facts(
        uid="1000",
        nft=("Operation not permitted", 1),
        iptables=denied,
        privilege={"mode": "none", "ok": True},
    )

    results = evaluate_firewall("web1", gathered, policy())

    assert {result.status for result in results} == {Status.UNKNOWN}
    assert all("sudo: true" in result.summary for result in results)


def test_missing_privileged_sections_name_the_sudo_failure(facts, policy) -> None:
    gathered = facts(
        uid="1000", privilege={"mode": "sudo", "ok": False, "error": "sudo: a password is required"}
    )

    firewall = read_firewall(gathered)

    assert isinstance(firewall, str)
    assert "sudo: a password is required" in firewall


def test_ufw_status_is_parsed_for_the_record() -> None:
    status = parse_ufw_status(captured("ufw-status-verbose-active.txt"))

    assert status["active"] is True
    assert status["defaults"] == {"incoming": "deny", "outgoing": "allow", "routed": "disabled"}
    assert {"to": "3306/tcp", "action": "ALLOW IN", "from": "10.0.0.0/8"} in status["rules"]
    assert len(status["rules"]) == 7
    assert parse_ufw_status(captured("ufw-status-verbose-inactive.txt"))["active"] is False


def test_verdict_maps_and_jumps_are_followed(facts, policy) -> None:
    rulesets = parse_ruleset(captured("nft-vmap.json"))

    verdicts = {
        port: decide(rulesets, Packet("ipv4", "tcp", port)).verdict for port in (22, 443, 3306, 80)
    }
    results = by_id(evaluate_firewall("web1", facts(nft=captured("nft-vmap.json")), policy()))

    assert verdicts == {22: "accept", 443: "accept", 3306: "drop", 80: "drop"}
    assert results["fw.allowed-ports"].status is Status.OK
    assert results["fw.allowed-ports"].evidence["observed"] == ["22/tcp", "443/tcp"]


def test_firewalld_is_named_in_charge_when_it_says_it_is_running(facts, policy) -> None:
    gathered = facts(nft=captured("nft-drop.json"), iptables="", firewalld="running")

    results = by_id(evaluate_firewall("web1", gathered, policy()))

    assert results["fw.active"].evidence["manager"] == "firewalld"
    assert results["fw.active"].summary.startswith("firewalld is active")


def test_legacy_iptables_rules_count_next_to_native_nftables_tables(facts, policy) -> None:
    gathered = facts(
        nft=captured("nft-accept.json"),
        iptables=captured("iptables-save-drop.txt"),
        iptables_version="iptables v1.8.9 (legacy)",
    )

    firewall = read_firewall(gathered)

    assert not isinstance(firewall, str)
    assert sorted(ruleset.source for ruleset in firewall.rulesets) == [
        "iptables (legacy)",
        "nftables inet filter",
    ]
    assert firewall.manager == "iptables (legacy)"
    # The nftables chain accepts everything, but the legacy INPUT chain still drops.
    assert firewall.decide("ipv4", "tcp", 5432).verdict == "drop"
    assert firewall.decide("ipv4", "tcp", 3306).verdict == "accept"
