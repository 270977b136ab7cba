"""Firewall checks (SOP D1, D5): which firewall is in charge, and what it really does.

The verdicts come from the rules loaded in the kernel (``nft -j list
ruleset``, ``iptables-save``), never from a service being "enabled":
ufw, firewalld and nftables.service can all be enabled while nothing
filters. ``ufw status verbose`` is read for the admin's evidence only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.result import Result, Status
from opskit.security.facts import HostFacts, excerpt
from opskit.security.iptables import parse_save, tables
from opskit.security.netfilter import Decision, Packet, Ruleset, decide
from opskit.security.nftables import parse_ruleset
from opskit.security.policy import SecurityPolicy, parse_port
from opskit.text import Message

CHECKS = ("fw.active", "fw.default-inbound", "fw.allowed-ports")
PROTOCOLS = ("tcp", "udp")


@dataclass
class Firewall:
    """The inbound filter of one host as loaded in the kernel."""

    rulesets: list[Ruleset]
    manager: str | None
    commands: list[str]
    notes: list[Message] = field(default_factory=list)
    ufw: dict[str, Any] | None = None
    ipv6_relevant: bool = False

    @property
    def families(self) -> tuple[str, ...]:
        return ("ipv4", "ipv6") if self.ipv6_relevant else ("ipv4",)

    def active_chains(self) -> list[dict[str, Any]]:
        """Input base chains that filter something (a rule, or a policy other than accept)."""
        return [
            {
                "source": ruleset.source,
                "chain": name,
                "policy": ruleset.chains[name].policy or "accept",
                "rules": len(ruleset.chains[name].rules),
            }
            for ruleset in self.rulesets
            for name in ruleset.base
            if ruleset.chains[name].rules or (ruleset.chains[name].policy or "accept") != "accept"
        ]

    def decide(self, family: str, protocol: str, port: int) -> Decision:
        return decide(self.rulesets, Packet(family, protocol, port))

    def mentioned_ports(self) -> list[tuple[str, int, int]]:
        """Every (protocol, first, last) destination port range some rule names."""
        found: set[tuple[str, int, int]] = set()
        for ruleset in self.rulesets:
            for chain in ruleset.chains.values():
                for rule in chain.rules:
                    for protocol, first, last in rule.ports:
                        for name in (protocol,) if protocol else PROTOCOLS:
                            found.add((name, first, last))
        return sorted(found)

    def unmentioned_port(self) -> int:
        """A high port no rule names: what happens to it is the default."""
        ranges = self.mentioned_ports()
        for port in range(65000, 1024, -1):
            if not any(first <= port <= last for _, first, last in ranges):
                return port
        return 65535


def read_firewall(facts: HostFacts) -> Firewall | Message:
    """The host's firewall, or the reason it cannot be read."""
    nft = facts.output("nft")
    ipt4, ipt6 = facts.output("iptables"), facts.output("ip6tables")
    if nft is None and ipt4 is None:
        return facts.why_missing("nft") if facts.raw("nft") else facts.why_missing("iptables")
    version = facts.output("iptables-version") or ""
    variant = "legacy" if "legacy" in version else "nf_tables"
    skip: set[tuple[str, str]] = set()
    if variant == "nf_tables":
        skip |= {("ip", name) for name in tables(ipt4 or "")}
        skip |= {("ip6", name) for name in tables(ipt6 or "")}
    commands: list[str] = []
    notes: list[Message] = []
    rulesets: list[Ruleset] = []
    if nft is not None:
        try:
            rulesets += parse_ruleset(nft, skip)
            commands.append(facts.command("nft"))
        except ValueError as error:
            return Message("security.fw.unreadable", detail=str(error))
    elif variant == "nf_tables":
        notes.append(Message("security.fw.nft_not_read", reason=facts.why_missing("nft")))
    saves = [("iptables", "ipv4", variant), ("ip6tables", "ipv6", variant)]
    if variant == "nf_tables":
        saves += [("iptables-legacy", "ipv4", "legacy"), ("ip6tables-legacy", "ipv6", "legacy")]
    for section, family, kind in saves:
        text = facts.output(section)
        if not text or not text.strip():
            continue
        ruleset = parse_save(text, family, f"{section.split('-')[0]} ({kind})")
        if ruleset is not None and ruleset.base:
            rulesets.append(ruleset)
            commands.append(facts.command(section))
    firewall = Firewall(rulesets, None, commands, notes)
    firewall.ufw = parse_ufw_status(facts.output("ufw") or "") if facts.output("ufw") else None
    firewall.ipv6_relevant = bool((facts.output("ipv6-global") or "").strip())
    firewall.manager = manager(firewall, facts)
    firewall.notes += idle_services(facts.output("firewall-services") or "", firewall)
    return firewall


def manager(firewall: Firewall, facts: HostFacts) -> str | None:
    """Which tool wrote the active rules."""
    chains = {name for ruleset in firewall.rulesets for name in ruleset.chains}
    active = firewall.active_chains()
    if {"ufw-user-input", "ufw6-user-input"} & chains:
        return "ufw"
    sources = {ruleset.source for ruleset in firewall.rulesets}
    if any(source.endswith(" firewalld") for source in sources) or (
        (facts.output("firewalld") or "").strip() == "running"
    ):
        return "firewalld"
    for chain in active:
        if chain["source"].startswith(("iptables", "ip6tables")):
            return str(chain["source"]).replace("ip6tables", "iptables")
    return "nftables" if active else None


def idle_services(text: str, firewall: Firewall) -> list[Message]:
    """Firewall services enabled at boot while no rules of theirs are loaded."""
    notes = []
    active = bool(firewall.active_chains())
    for line in text.splitlines():
        parts = line.split()
        if (
            line.startswith("ENABLED=")
            and line.strip() == "ENABLED=yes"
            and firewall.manager != "ufw"
        ):
            notes.append(Message("security.fw.ufw_idle"))
        elif (
            len(parts) == 3
            and parts[1] == "enabled"
            and (not active or (parts[0] in ("ufw", "firewalld") and firewall.manager != parts[0]))
        ):
            notes.append(Message("security.fw.service_idle", service=parts[0], state=parts[2]))
    return notes


def parse_ufw_status(text: str) -> dict[str, Any]:
    """``ufw status verbose``: active or not, default policies and rules (to, action, from)."""
    status: dict[str, Any] = {"active": False, "defaults": {}, "rules": []}
    in_rules = False
    for line in text.splitlines():
        if line.startswith("Status:"):
            status["active"] = line.split(":", 1)[1].strip() == "active"
        elif line.startswith("Default:"):
            for part in line.split(":", 1)[1].split(","):
                value, _, direction = part.strip().partition(" (")
                status["defaults"][direction.rstrip(")")] = value
        elif line.startswith("--"):
            in_rules = True
        elif in_rules and line.strip():
            columns = [column.strip() for column in line.split("  ") if column.strip()]
            if len(columns) >= 3:
                status["rules"].append(
                    {"to": columns[0], "action": columns[1], "from": " ".join(columns[2:])}
                )
    return status


def evaluate_firewall(host: str, facts: HostFacts, policy: SecurityPolicy) -> list[Result]:
    """fw.active, fw.default-inbound and fw.allowed-ports for one host."""
    firewall = read_firewall(facts)
    if not isinstance(firewall, Firewall):
        return [unknown(check_id, host, firewall) for check_id in CHECKS]
    results = []
    if policy.firewall.required:
        results += [active_result(host, firewall), default_result(host, firewall)]
    results.append(allowed_ports_result(host, firewall, policy))
    return results


def _result(check_id: str, host: str, status: Status, summary: str, **evidence: Any) -> Result:
    return Result(
        check_id=check_id,
        target=host,
        status=status,
        summary=summary,
        evidence=evidence,
        sop_row=sop_row(check_id),
    )


def active_result(host: str, firewall: Firewall) -> Result:
    chains = firewall.active_chains()
    evidence: dict[str, Any] = {
        "command": "; ".join(firewall.commands),
        "manager": firewall.manager,
        "input_chains": chains,
        "notes": firewall.notes,
        "expected": "an active firewall filtering inbound traffic",
    }
    if firewall.ufw is not None:
        evidence["ufw"] = firewall.ufw
    if not chains:
        notes = Message("security.fw.notes", notes=firewall.notes) if firewall.notes else ""
        summary = Message("security.fw.none", notes=notes)
        return _result("fw.active", host, Status.CRITICAL, summary, observed="no rules", **evidence)
    rules = sum(chain["rules"] for chain in chains)
    summary = Message(
        "security.fw.active", manager=firewall.manager, chains=len(chains), rules=rules
    )
    return _result("fw.active", host, Status.OK, summary, observed="active", **evidence)


def default_result(host: str, firewall: Firewall) -> Result:
    port = firewall.unmentioned_port()
    decisions = {
        f"{protocol}/{port} {family}": firewall.decide(family, protocol, port)
        for family in firewall.families
        for protocol in PROTOCOLS
    }
    accepted = [probe for probe, decision in decisions.items() if decision.verdict == "accept"]
    uncertain = any(decision.uncertain for decision in decisions.values())
    evidence: dict[str, Any] = {
        "command": "; ".join(firewall.commands),
        "manager": firewall.manager,
        "expected": "drop (or reject) anything not allowed",
        "observed": {probe: decision.verdict for probe, decision in decisions.items()},
        "decided_by": {probe: decision.decided_by for probe, decision in decisions.items()},
        "uncertain": uncertain,
    }
    v4 = [probe for probe in accepted if probe.endswith("ipv4")]
    if v4:
        reason = decisions[v4[0]].decided_by
        summary = Message("security.fw.accepted_by_default", reason=reason)
        if not firewall.active_chains():
            summary = Message("security.fw.accepted_no_firewall")
        return _result("fw.default-inbound", host, Status.CRITICAL, summary, **evidence)
    if accepted:
        summary = Message("security.fw.ipv6_accepted")
        return _result("fw.default-inbound", host, Status.WARNING, summary, **evidence)
    first = next(iter(decisions.values()))
    summary = Message(
        "security.fw.dropped",
        reason=first.decided_by,
        uncertain=Message("security.fw.uncertain") if uncertain else "",
    )
    return _result("fw.default-inbound", host, Status.OK, summary, **evidence)


def allowed_ports_result(host: str, firewall: Firewall, policy: SecurityPolicy) -> Result:
    expected = list(policy.network.allowed_ports)
    evidence: dict[str, Any] = {"command": "; ".join(firewall.commands), "expected": expected}
    default_port = firewall.unmentioned_port()
    if any(
        firewall.decide(family, "tcp", default_port).verdict == "accept"
        for family in firewall.families
    ):
        summary = Message("security.fw.all_open")
        return _result(
            "fw.allowed-ports", host, Status.WARNING, summary, observed="all ports", **evidence
        )
    open_ranges: list[str] = []
    unexpected: list[str] = []
    restricted: list[str] = []
    for protocol, first, last in firewall.mentioned_ports():
        decisions = [firewall.decide(family, protocol, first) for family in firewall.families]
        spec = f"{first}/{protocol}" if first == last else f"{first}-{last}/{protocol}"
        if any(decision.verdict == "accept" for decision in decisions):
            open_ranges.append(spec)
            if not any(_covers(allowed, protocol, first, last) for allowed in expected):
                unexpected.append(spec)
    for ruleset in firewall.rulesets:
        for chain in ruleset.chains.values():
            restricted += [
                rule.text for rule in chain.rules if rule.source_restricted and rule.ports
            ]
    evidence.update(
        observed=open_ranges, restricted_rules=[excerpt(text, 200) for text in restricted]
    )
    if unexpected:
        summary = Message("security.fw.outside_policy", ports=unexpected)
        return _result("fw.allowed-ports", host, Status.WARNING, summary, **evidence)
    shown = open_ranges or [Message("security.fw.no_ports")]
    return _result(
        "fw.allowed-ports",
        host,
        Status.OK,
        Message("security.fw.in_policy", ports=shown),
        **evidence,
    )


def _covers(allowed: str, protocol: str, first: int, last: int) -> bool:
    spec = parse_port(allowed)
    return spec.protocol == protocol and spec.first <= first and last <= spec.last
