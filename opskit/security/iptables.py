"""Reading ``iptables-save`` / ``ip6tables-save`` into a netfilter Ruleset (the filter table).

iptables-save writes every rule as the command line that makes it
(``-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT``), the same for the legacy
and the nf_tables back ends, ufw's chains included.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from opskit.security.netfilter import (
    Chain,
    Rule,
    Ruleset,
    constant,
    ct_state_condition,
    destination_condition,
    interface_condition,
    parse_port_ranges,
    port_in,
    protocol_is,
    source_condition,
)

TARGETS = {"ACCEPT": "accept", "DROP": "drop", "REJECT": "drop", "RETURN": "return"}
# Targets that act on the side and let the packet go on.
SIDE_TARGETS = {"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CT", "NOTRACK", "TRACE", "AUDIT"}
# Matches that never stop a new connection from anywhere (rate limits admit the first packet).
HARMLESS = {"comment", "limit", "hashlimit", "tcp", "udp", "multiport", "state", "conntrack"}
KNOWN_MODULES = HARMLESS | {"addrtype", "pkttype", "icmp", "icmp6", "icmpv6"}


def tables(text: str) -> list[str]:
    """The table names an iptables-save output contains (``filter``, ``nat`` ...)."""
    return [line[1:].strip() for line in text.splitlines() if line.startswith("*")]


def parse_save(text: str, family: str, source: str) -> Ruleset | None:
    """The filter table's chains, INPUT as the base chain; None if there is no filter table."""
    ruleset: Ruleset | None = None
    in_filter = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line.startswith("*"):
            in_filter = line == "*filter"
            if in_filter:
                ruleset = Ruleset(source=source, families=frozenset({family}))
            continue
        if not in_filter or ruleset is None or not line or line.startswith("#"):
            continue
        if line == "COMMIT":
            in_filter = False
        elif line.startswith(":"):
            name, policy = (line[1:].split() + ["-"])[:2]
            ruleset.chains[name] = Chain(name, policy=TARGETS.get(policy))
        elif line.startswith("-A "):
            chain, rule = read_rule(line, set(ruleset.chains))
            ruleset.chains.setdefault(chain, Chain(chain)).rules.append(rule)
    if ruleset is not None and "INPUT" in ruleset.chains:
        ruleset.base = ["INPUT"]
    return ruleset


@dataclass
class _Reading:
    """A rule being read, with what earlier options said (protocol, current match module)."""

    rule: Rule
    chains: set[str]
    protocol: str | None = None
    module: str = ""


def read_rule(line: str, chains: set[str]) -> tuple[str, Rule]:
    """(chain, rule) from one ``-A CHAIN ...`` line; ``chains`` are the table's chain names."""
    tokens = shlex.split(line)
    reading = _Reading(Rule(text=line), chains)
    for option, values, negate in _options(tokens[2:]):
        handler = HANDLERS.get(option)
        if handler is not None:
            handler(reading, values or [""], negate)
        elif option.startswith("--") and reading.module not in KNOWN_MODULES:
            reading.rule.conditions.append(constant(None))
    return tokens[1], reading.rule


def _protocol(reading: _Reading, values: list[str], negate: bool) -> None:
    reading.protocol = values[0].lower()
    reading.rule.conditions.append(protocol_is(set(values), negate))


def _module(reading: _Reading, values: list[str], negate: bool) -> None:
    reading.module = values[0]
    if reading.module not in KNOWN_MODULES:
        reading.rule.conditions.append(constant(None))


def _source(reading: _Reading, values: list[str], negate: bool) -> None:
    reading.rule.source_restricted = not negate
    reading.rule.conditions.append(source_condition(negate))


def _destination(reading: _Reading, values: list[str], negate: bool) -> None:
    reading.rule.conditions.append(destination_condition(set(values[0].split(",")), negate))


def _interface(reading: _Reading, values: list[str], negate: bool) -> None:
    reading.rule.conditions.append(interface_condition(set(values), negate))


def _ports(reading: _Reading, values: list[str], negate: bool) -> None:
    rule = reading.rule
    try:
        ranges = parse_port_ranges(values[0].split(","))
    except ValueError:
        rule.conditions.append(constant(None))
        return
    proto = reading.protocol if reading.protocol in ("tcp", "udp") else None
    rule.ports += [(proto, first, last) for first, last in ranges]
    rule.conditions.append(port_in(ranges, proto, negate))


def _state(reading: _Reading, values: list[str], negate: bool) -> None:
    reading.rule.conditions.append(ct_state_condition(set(values[0].split(",")), negate))


def _destination_type(reading: _Reading, values: list[str], negate: bool) -> None:
    kinds = set(values[0].upper().split(","))
    reading.rule.conditions.append(constant(bool(kinds & {"LOCAL", "UNICAST"}) != negate))


def _never(reading: _Reading, values: list[str], negate: bool) -> None:
    """Source address type LOCAL, fragments: not a new connection from outside."""
    reading.rule.conditions.append(constant(negate))


def _packet_type(reading: _Reading, values: list[str], negate: bool) -> None:
    reading.rule.conditions.append(constant((values[0].lower() == "host") != negate))


def _jump(reading: _Reading, values: list[str], negate: bool) -> None:
    _target(reading.rule, values[0], False, reading.chains)


def _goto(reading: _Reading, values: list[str], negate: bool) -> None:
    _target(reading.rule, values[0], True, reading.chains)


def _names(handler: Handler, *names: str) -> dict[str, Handler]:
    return dict.fromkeys(names, handler)


Handler = Callable[[_Reading, list[str], bool], None]
HANDLERS: dict[str, Handler] = {
    **_names(_protocol, "-p", "--protocol"),
    **_names(_module, "-m", "--match"),
    **_names(_source, "-s", "--source", "--sport", "--source-port", "--sports", "--source-ports"),
    **_names(_destination, "-d", "--destination"),
    **_names(_interface, "-i", "--in-interface"),
    **_names(_ports, "--dport", "--destination-port", "--dports", "--destination-ports", "--ports"),
    **_names(_state, "--state", "--ctstate"),
    **_names(_destination_type, "--dst-type"),
    **_names(_never, "--src-type", "-f", "--fragment"),
    **_names(_packet_type, "--pkt-type"),
    **_names(_jump, "-j", "--jump"),
    **_names(_goto, "-g", "--goto"),
}


def _options(tokens: list[str]) -> list[tuple[str, list[str], bool]]:
    """(option, its values, negated) in order; ``!`` may stand before an option or its value."""
    options: list[tuple[str, list[str], bool]] = []
    negate = False
    index = 0
    while index < len(tokens):
        word = tokens[index]
        index += 1
        if word == "!":
            negate = True
            continue
        if not word.startswith("-"):
            continue
        values: list[str] = []
        while index < len(tokens) and not tokens[index].startswith("-"):
            if tokens[index] == "!":
                negate = True
            else:
                values.append(tokens[index])
            index += 1
        options.append((word, values, negate))
        negate = False
    return options


def _target(rule: Rule, target: str, goto: bool, chains: set[str]) -> None:
    if target in TARGETS:
        rule.verdict = TARGETS[target]
    elif target in SIDE_TARGETS:
        rule.verdict = None
    elif target in chains:
        rule.verdict, rule.target = ("goto" if goto else "jump"), target
    else:
        rule.verdict = "unknown"  # QUEUE, NFQUEUE, TARPIT ...: cannot tell from here
