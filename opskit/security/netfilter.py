"""A small model of the kernel's inbound packet filter, and its verdict on one packet.

nftables tables and iptables-save filter tables are both read into
Rulesets (chains of rules, each a list of conditions and a verdict). To
judge a firewall we follow a new inbound packet from an arbitrary public
address to one port through every input base chain, jumps and gotos
included: the firewall admits it only if every base chain accepts it.
This reads the real state, whatever tool wrote it (ufw, firewalld,
nftables.conf, iptables scripts).

A condition answers True (matches), False (does not), or None (cannot be
judged from here, e.g. an ipset). A rule with an unjudgeable condition is
skipped and the verdict is marked uncertain, never silently trusted.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from opskit.text import Message

TERMINAL = ("accept", "drop")
MAX_DEPTH = 64


@dataclass(frozen=True)
class Packet:
    """A new connection from anywhere to this host."""

    family: str  # ipv4 | ipv6
    protocol: str  # tcp | udp
    port: int


Condition = Callable[[Packet], bool | None]


@dataclass
class Rule:
    """Conditions, then what happens when all of them match."""

    text: str
    conditions: list[Condition] = field(default_factory=list)
    verdict: str | None = None  # accept | drop | jump | goto | return | unknown | None (goes on)
    target: str | None = None
    ports: list[tuple[str | None, int, int]] = field(default_factory=list)
    source_restricted: bool = False
    dynamic: Callable[[Packet], tuple[str | None, str | None]] | None = None


@dataclass
class Chain:
    name: str
    rules: list[Rule] = field(default_factory=list)
    policy: str | None = None  # base chains only


@dataclass
class Ruleset:
    """One table: its chains and which of them filter inbound packets."""

    source: str
    families: frozenset[str]
    chains: dict[str, Chain] = field(default_factory=dict)
    base: list[str] = field(default_factory=list)

    def rule_count(self) -> int:
        return sum(len(chain.rules) for chain in self.chains.values())


@dataclass(frozen=True)
class Decision:
    """What the filter does with a packet, and how sure we are."""

    verdict: str  # accept | drop
    decided_by: str
    uncertain: bool = False


def decide(rulesets: Iterable[Ruleset], packet: Packet) -> Decision:
    """The combined verdict of every input base chain that sees ``packet``."""
    uncertain = False
    accepted_by: list[str] = []
    for ruleset in rulesets:
        if packet.family not in ruleset.families:
            continue
        for name in ruleset.base:
            chain = ruleset.chains[name]
            verdict, rule_text, unsure = _walk(ruleset, name, packet, 0)
            uncertain = uncertain or unsure
            if verdict in (None, "policy"):
                verdict = chain.policy or "accept"
                rule_text = f"policy {verdict}"
            where = f"{ruleset.source} {name}: {rule_text}"
            if verdict != "accept":
                return Decision("drop", where, uncertain)
            accepted_by.append(where)
    reason = "; ".join(accepted_by) or Message("security.fw.no_input_filter")
    return Decision("accept", reason, uncertain)


def _walk(ruleset: Ruleset, name: str, packet: Packet, depth: int) -> tuple[str | None, str, bool]:
    """(verdict or None when the chain falls through or returns, the deciding rule, uncertain)."""
    chain = ruleset.chains.get(name)
    if chain is None or depth > MAX_DEPTH:
        return "unknown", f"chain {name} missing or looping", True
    uncertain = False
    for rule in chain.rules:
        matched = _matches(rule, packet)
        if matched is None:
            uncertain = uncertain or rule.verdict is not None or rule.dynamic is not None
            continue
        if not matched:
            continue
        verdict, target = rule.dynamic(packet) if rule.dynamic else (rule.verdict, rule.target)
        if verdict is None:
            continue
        if verdict in TERMINAL:
            return verdict, rule.text, uncertain
        if verdict == "return":
            return None, rule.text, uncertain
        if verdict == "unknown":
            uncertain = True
            continue
        inner, text, unsure = _walk(ruleset, target or "", packet, depth + 1)
        uncertain = uncertain or unsure
        if inner == "unknown":
            continue
        if inner is not None:
            return inner, text, uncertain
        if verdict == "goto":
            return "policy", rule.text, uncertain
    return None, "end of chain", uncertain


def _matches(rule: Rule, packet: Packet) -> bool | None:
    answer: bool | None = True
    for condition in rule.conditions:
        value = condition(packet)
        if value is False:
            return False
        if value is None:
            answer = None
    return answer


# Conditions shared by the nftables and iptables readers.


def protocol_is(names: set[str], negate: bool = False) -> Condition:
    wanted = {_protocol_name(name) for name in names}

    def check(packet: Packet) -> bool | None:
        if wanted & {"all", "any"}:
            return not negate
        return (packet.protocol in wanted) != negate

    return check


def port_in(ranges: list[tuple[int, int]], protocol: str | None, negate: bool = False) -> Condition:
    """Destination port in ``ranges`` (and, for ``tcp dport``, the protocol)."""

    def check(packet: Packet) -> bool | None:
        if protocol is not None and packet.protocol != protocol:
            return False
        inside = any(first <= packet.port <= last for first, last in ranges)
        return inside != negate

    return check


def family_is(name: str, negate: bool = False) -> Condition:
    return lambda packet: (packet.family == name) != negate


def constant(value: bool | None) -> Condition:
    return lambda packet: value


def interface_condition(names: set[str], negate: bool) -> Condition:
    """Inbound interface: the packet comes from outside, never from ``lo``."""
    outside = {name for name in names if name not in ("lo", "lo+")}
    if not negate:
        return constant(bool(outside))
    return constant(True if not outside else None)


def destination_condition(addresses: set[str], negate: bool) -> Condition:
    """Destination address: a unicast address of this host, not multicast or broadcast."""
    special = all(_is_multicast_or_broadcast(address) for address in addresses)
    if special:
        return constant(negate)
    return constant(None if negate else True)


def source_condition(negate: bool) -> Condition:
    """A rule for some sources only does not admit "anywhere"; "not from X" does."""
    return constant(negate)


def ct_state_condition(states: set[str], negate: bool) -> Condition:
    return constant(("new" in {state.lower() for state in states}) != negate)


def parse_port_ranges(values: Iterable[object]) -> list[tuple[int, int]]:
    """Port numbers, ``a-b``/``a:b`` ranges and service names as (first, last) pairs."""
    ranges = []
    for value in values:
        if isinstance(value, int):
            ranges.append((value, value))
            continue
        text = str(value)
        for separator in ("-", ":"):
            if separator in text:
                first, _, last = text.partition(separator)
                ranges.append((_port_number(first), _port_number(last)))
                break
        else:
            ranges.append((_port_number(text), _port_number(text)))
    return ranges


def _port_number(text: str) -> int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        return socket.getservbyname(text)
    except OSError:
        raise ValueError(f"unknown port {text!r}") from None


def _protocol_name(name: str) -> str:
    return {"6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp", "0": "all"}.get(
        str(name).lower(), str(name).lower()
    )


def _is_multicast_or_broadcast(address: str) -> bool:
    try:
        network = ipaddress.ip_network(address.split("%", maxsplit=1)[0], strict=False)
    except ValueError:
        return False
    return network.is_multicast or str(network.broadcast_address) == "255.255.255.255"
