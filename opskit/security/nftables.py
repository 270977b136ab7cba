"""Reading ``nft -j list ruleset`` into netfilter Rulesets (one per table)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from opskit.security.netfilter import (
    Chain,
    Condition,
    Packet,
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

FAMILIES = {"ip": ("ipv4",), "ip6": ("ipv6",), "inet": ("ipv4", "ipv6")}
VERDICTS = {"accept": "accept", "drop": "drop", "reject": "drop", "return": "return"}
# Statements that do something on the side and let the packet go on.
SIDE_EFFECTS = {"counter", "log", "mangle", "set", "notrack", "quota", "meta", "ct", "continue"}


def parse_ruleset(text: str, skip: Iterable[tuple[str, str]] = ()) -> list[Ruleset]:
    """Rulesets of the ip, ip6 and inet tables; raises ValueError if ``text`` is not nft JSON.

    ``skip`` names tables read elsewhere, e.g. ``("ip", "filter")`` made by
    iptables-nft, whose matches nft can only show as opaque ``xt`` entries.
    """
    try:
        items = json.loads(text)["nftables"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"not the JSON of `nft -j list ruleset`: {error}") from None
    skipped = set(skip)
    tables: dict[tuple[str, str], Ruleset] = {}
    sets: dict[tuple[str, str, str], list[Any]] = {}
    for item in items:
        if "table" in item:
            table = item["table"]
            key = (table["family"], table["name"])
            if table["family"] in FAMILIES and key not in skipped:
                tables[key] = Ruleset(
                    source=f"nftables {table['family']} {table['name']}",
                    families=frozenset(FAMILIES[table["family"]]),
                )
        elif "set" in item or "map" in item:
            found = item.get("set") or item.get("map")
            sets[(found["family"], found["table"], found["name"])] = list(found.get("elem") or [])
    for item in items:
        if "chain" in item:
            chain = item["chain"]
            ruleset = tables.get((chain["family"], chain["table"]))
            if ruleset is None:
                continue
            ruleset.chains[chain["name"]] = Chain(chain["name"], policy=chain.get("policy"))
            if chain.get("hook") == "input" and chain.get("type", "filter") == "filter":
                ruleset.base.append(chain["name"])
        elif "rule" in item:
            rule = item["rule"]
            ruleset = tables.get((rule["family"], rule["table"]))
            if ruleset is None or rule["chain"] not in ruleset.chains:
                continue
            named = {
                name: elements
                for (family, table, name), elements in sets.items()
                if (family, table) == (rule["family"], rule["table"])
            }
            ruleset.chains[rule["chain"]].rules.append(read_rule(rule.get("expr", []), named))
    return list(tables.values())


def read_rule(expressions: list[dict[str, Any]], named_sets: dict[str, list[Any]]) -> Rule:
    """One rule from its ``expr`` list."""
    rule = Rule(text=" ".join(filter(None, (_text(expression) for expression in expressions))))
    for expression in expressions:
        kind, value = next(iter(expression.items()))
        if kind == "match":
            rule.conditions.append(_match(value, named_sets, rule))
        elif kind in VERDICTS:
            rule.verdict = VERDICTS[kind]
        elif kind in ("jump", "goto"):
            rule.verdict, rule.target = kind, value["target"]
        elif kind == "limit":
            rule.conditions.append(constant(not value.get("inv", False)))
        elif kind == "vmap":
            rule.dynamic = _verdict_map(value, named_sets, rule)
        elif kind == "xt":
            _xt(value, rule)
        elif kind in ("queue",):
            rule.verdict = "unknown"
        elif kind not in SIDE_EFFECTS:
            rule.conditions.append(constant(None))
    return rule


def _xt(value: dict[str, Any], rule: Rule) -> None:
    """iptables-nft compatibility entries: nft shows only their names."""
    name = str(value.get("name", "")).lower()
    if value.get("type") == "target":
        if name in ("log", "nflog", "mark", "connmark"):
            return
        rule.verdict = "drop" if name == "reject" else "unknown"
    elif name not in ("comment", "limit"):
        rule.conditions.append(constant(None))


def _match(value: dict[str, Any], named_sets: dict[str, list[Any]], rule: Rule) -> Condition:
    op = value.get("op", "==")
    left, right = value.get("left"), value.get("right")
    if op not in ("==", "!=", "in") or not isinstance(left, dict) or not left:
        return constant(None)
    kind = next(iter(left))
    reader = MATCHES.get(kind)
    if reader is None:
        return constant(None)
    elements = _elements(right, named_sets)
    if kind == "fib":
        elements.append(right)
    return reader(left[kind], [str(item) for item in elements], op == "!=", rule)


def _payload(left: dict[str, Any], values: list[str], negate: bool, rule: Rule) -> Condition:
    protocol, name = left.get("protocol"), left.get("field")
    if name == "dport" and protocol in ("tcp", "udp", "th"):
        try:
            ranges = parse_port_ranges(values)
        except ValueError:
            return constant(None)
        proto = None if protocol == "th" else protocol
        rule.ports += [(proto, first, last) for first, last in ranges]
        return port_in(ranges, proto, negate)
    if name in ("saddr", "sport"):
        rule.source_restricted = not negate
        return source_condition(negate)
    if name == "daddr":
        return destination_condition(set(values), negate)
    if (protocol, name) in (("ip", "protocol"), ("ip6", "nexthdr")):
        return protocol_is(set(values), negate)
    # An ICMP header never matches the TCP or UDP packets we follow.
    return constant(False if protocol in ("icmp", "icmpv6", "ip6-icmp") else None)


def _meta(left: dict[str, Any], values: list[str], negate: bool, rule: Rule) -> Condition:
    key = left.get("key")
    if key == "l4proto":
        return protocol_is(set(values), negate)
    if key == "nfproto":
        return lambda packet: (packet.family in values) != negate
    if key in ("iif", "iifname"):
        return interface_condition(set(values), negate)
    if key == "pkttype":
        return constant(("host" in values) != negate)
    return constant(None)


def _ct(left: dict[str, Any], values: list[str], negate: bool, rule: Rule) -> Condition:
    key = left.get("key")
    if key == "state":
        return ct_state_condition(set(values), negate)
    # ct status dnat/snat: a plain inbound connection has none.
    return constant(negate if key == "status" else None)


def _fib(left: dict[str, Any], values: list[str], negate: bool, rule: Rule) -> Condition:
    """Reverse-path and address-type lookups: our packet has a route back and is for us."""
    if "missing" in values:
        return constant(negate)
    return constant(not negate if "local" in values else None)


MATCHES: dict[str, Callable[[dict[str, Any], list[str], bool, Rule], Condition]] = {
    "payload": _payload,
    "meta": _meta,
    "ct": _ct,
    "fib": _fib,
}


def _elements(right: Any, named_sets: dict[str, list[Any]]) -> list[Any]:
    """The values a match compares with: a literal, a list, an anonymous or a named set."""
    if isinstance(right, str) and right.startswith("@"):
        return _flatten(named_sets.get(right[1:], []))
    if isinstance(right, dict) and "set" in right:
        return _flatten(right["set"])
    if isinstance(right, list):
        return _flatten(right)
    return _flatten([right])


def _flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, dict) and "range" in value:
            first, last = value["range"]
            flat.append(f"{first}-{last}")
        elif isinstance(value, dict) and "prefix" in value:
            prefix = value["prefix"]
            flat.append(f"{prefix['addr']}/{prefix['len']}")
        elif isinstance(value, dict) and "elem" in value:
            flat += _flatten([value["elem"].get("val")])
        else:
            flat.append(value)
    return flat


def _verdict_map(value: dict[str, Any], named_sets: dict[str, list[Any]], rule: Rule) -> Any:
    """``ct state vmap { established : accept, ... }`` and ``tcp dport vmap {...}``."""
    key = value.get("key", {})
    data = value.get("data")
    entries = named_sets.get(data[1:], []) if isinstance(data, str) else (data or {}).get("set", [])
    table: list[tuple[Any, tuple[str | None, str | None]]] = []
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2):
            continue
        match, verdict = entry
        kind, target = next(iter(verdict.items())) if isinstance(verdict, dict) else (None, None)
        resolved = VERDICTS.get(kind or "", kind)
        table.append((match, (resolved, (target or {}).get("target") if kind else None)))
        _note_ports(key, match, rule)

    def lookup(packet: Packet) -> tuple[str | None, str | None]:
        for match, outcome in table:
            if _key_matches(key, match, packet):
                return outcome
        return None, None

    if "ct" not in key and "payload" not in key:
        rule.conditions.append(constant(None))
    return lookup


def _note_ports(key: dict[str, Any], match: Any, rule: Rule) -> None:
    """A port verdict map names ports just like ``tcp dport 22 accept`` does."""
    payload = key.get("payload", {})
    if payload.get("field") != "dport" or payload.get("protocol") not in ("tcp", "udp", "th"):
        return
    try:
        ranges = parse_port_ranges(_flatten([match]))
    except ValueError:
        return
    protocol = None if payload["protocol"] == "th" else payload["protocol"]
    rule.ports += [(protocol, first, last) for first, last in ranges]


def _key_matches(key: dict[str, Any], match: Any, packet: Packet) -> bool:
    if "ct" in key:
        return str(match) == "new"
    payload = key.get("payload", {})
    protocol = payload.get("protocol")
    if payload.get("field") != "dport" or protocol not in ("tcp", "udp", "th"):
        return False
    try:
        ranges = parse_port_ranges(_flatten([match]))
    except ValueError:
        return False
    return protocol in ("th", packet.protocol) and any(
        first <= packet.port <= last for first, last in ranges
    )


def _text(expression: dict[str, Any]) -> str:
    """A short nft-like rendering of one expression, for evidence."""
    kind, value = next(iter(expression.items()))
    if kind == "match" and isinstance(value, dict):
        left, right = value.get("left"), value.get("right")
        op = value.get("op", "==")
        return f"{_operand(left)}{'' if op in ('==', 'in') else ' ' + op} {_operand(right)}"
    if kind in ("jump", "goto"):
        return f"{kind} {value['target']}"
    if kind == "counter":
        return ""
    return kind if value is None else f"{kind} {json.dumps(value, separators=(',', ':'))}"


def _operand(value: Any) -> str:
    if isinstance(value, list):
        return "{" + ", ".join(_operand(item) for item in value) + "}"
    if not isinstance(value, dict) or not value:
        return str(value)
    kind, inner = next(iter(value.items()))
    renderers: dict[str, Callable[[Any], str]] = {
        "payload": lambda item: f"{item.get('protocol')} {item.get('field')}",
        "meta": lambda item: f"meta {item.get('key')}",
        "ct": lambda item: f"ct {item.get('key')}",
        "set": lambda item: _operand(list(item)),
        "range": lambda item: "-".join(str(part) for part in item),
        "prefix": lambda item: f"{item['addr']}/{item['len']}",
    }
    renderer = renderers.get(kind)
    return renderer(inner) if renderer else json.dumps(value, separators=(",", ":"))
