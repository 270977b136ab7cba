"""What a request, user agent, referer or status means to the window rules.

Each field's patterns of all rules are joined into one pattern that runs in
native code over a chunk's distinct values; only the values it flags are
classified here, one bit per rule whose patterns match, and cached. A rule
with a catalog (known exploits) also says which entry matched: its tag.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote

import polars as pl

from opskit.logs.rules import Rule, status_matches

FIELDS = ("path", "request", "user_agent", "referer")
CACHE_LIMIT = 100_000


class Verdict(NamedTuple):
    rules: int  # the rules a line matches, one bit each
    escalate: int  # the rules it is a finding for on its own
    tag: str  # what exactly matched, for rules that say (a CVE id)


def split_request(request: str) -> tuple[str, str]:
    """The method and target of ``GET /page?x=1 HTTP/1.1`` (no method if it has none)."""
    method, _, rest = request.partition(" ")
    if not rest or not method.isupper():
        return "", request
    return method, rest.split(" ", 1)[0]


def request_path(request: str) -> str:
    """The path of a request, without its query."""
    return split_request(request)[1].split("?", 1)[0]


def path_text(target: str) -> str:
    """What path patterns see: the target in lower case, and percent-decoded twice."""
    lowered = target.lower()
    if "%" in lowered or "+" in lowered:
        decoded = unquote(unquote(lowered.replace("+", " "), errors="replace"), errors="replace")
        return lowered + "\n" + decoded.lower()
    return lowered


class Classifier:
    """Classifies values for the window rules of a rule set (rule N is bit 1 << N)."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.matchers: dict[str, list[tuple[int, re.Pattern[str]]]] = {name: [] for name in FIELDS}
        self.prefilters: dict[str, str | None] = {}
        for name in FIELDS:
            patterns: list[str] = []
            for index, rule in enumerate(rules):
                own = rule.patterns.get(name, ())
                if own:
                    joined = "|".join(f"(?:{pattern})" for pattern in own)
                    self.matchers[name].append((1 << index, re.compile(joined)))
                    patterns += own
            self.prefilters[name] = _native(patterns)
        self.tags = [
            (1 << index, [(tag, name, re.compile(pattern)) for tag, name, pattern in rule.tags])
            for index, rule in enumerate(rules)
            if rule.tags
        ]
        self.tests = [
            (1 << index, rule.has_text, rule.statuses, rule.methods, rule.static,
             rule.escalate_statuses, bool(rule.patterns.get("path")),
             rule.has_text or bool(rule.statuses) or bool(rule.methods))
            for index, rule in enumerate(rules)
        ]  # fmt: skip
        self.status_cache: dict[tuple[int, tuple[str, ...]], bool] = {}
        self.cache: dict[str, dict[str, int]] = {name: {} for name in FIELDS}
        # Rules that take any method; the others need one of ``methods`` to match at all.
        self.any_method = sum(1 << index for index, rule in enumerate(rules) if not rule.methods)
        self.methods = sorted({method for rule in rules for method in rule.methods})

    def wants(self, name: str) -> bool:
        return bool(self.matchers[name])

    def flag_values(self, name: str, values: pl.Series) -> list[str]:
        """The values of ``values`` that some rule's ``name`` patterns match."""
        return [value for value, _ in self.flagged(name, values)]

    def split_by_method(self, name: str, values: pl.Series) -> tuple[list[str], list[str]]:
        """Flagged values matching a rule for any method, and those only for some methods."""
        anyhow: list[str] = []
        some: list[str] = []
        for value, bits in self.flagged(name, values):
            (anyhow if bits & self.any_method else some).append(value)
        return anyhow, some

    def flagged(self, name: str, values: pl.Series) -> list[tuple[str, int]]:
        """The values some rule's ``name`` patterns match, with their rule bits."""
        if not self.matchers[name] or not len(values):
            return []
        prefilter = self.prefilters[name]
        candidates = values
        if prefilter is not None:
            lowered = values.str.to_lowercase()
            hit = lowered.str.contains(prefilter)
            if name == "path":
                hit = hit | values.str.contains(r"[%+]")
            candidates = values.filter(hit.fill_null(value=False))
        found = ((value, self.bits(name, value)) for value in candidates)
        return [(value, bits) for value, bits in found if bits]

    def bits(self, name: str, value: str) -> int:
        cache = self.cache[name]
        found = cache.get(value)
        if found is None:
            if len(cache) > CACHE_LIMIT:
                cache.clear()
            text = path_text(value) if name == "path" else value.lower()
            found = cache[value] = sum(
                bit for bit, regex in self.matchers[name] if regex.search(text)
            )
        return found

    def verdict(
        self,
        request: str,
        status: int,
        *,
        method: str,
        target: str,
        static: bool,
        agent: str,
        referer: str,
    ) -> Verdict:
        """The rules one line matches, those it escalates, and the tag of what matched."""
        path_bits = self.bits("path", target) | self.bits("request", request)
        flags = path_bits | self.bits("user_agent", agent) | self.bits("referer", referer)
        mask = escalate = 0
        matches = self._status_matches
        for (
            bit,
            has_text,
            statuses,
            methods,
            static_wanted,
            escalating,
            by_path,
            any_test,
        ) in self.tests:
            if has_text and not flags & bit:
                continue
            if statuses and not matches(status, statuses):
                continue
            if methods and method not in methods:
                continue
            if static_wanted is not None and static != static_wanted:
                continue
            if not any_test:
                continue
            mask |= bit
            # Escalation is about what the server answered for the path, not a referer's words.
            if escalating and (not by_path or path_bits & bit) and matches(status, escalating):
                escalate |= bit
        return Verdict(mask, escalate, self._tag(mask, target, request, agent, referer))

    def _status_matches(self, status: int, wanted: tuple[str, ...]) -> bool:
        key = (status, wanted)
        found = self.status_cache.get(key)
        if found is None:
            found = self.status_cache[key] = status_matches(status, wanted)
        return found

    def status_condition(self) -> pl.Expr | None:
        """Lines that rules without text patterns care about (statuses, methods, static)."""
        found: pl.Expr | None = None
        for rule in self.rules:
            if rule.has_text or not (rule.statuses or rule.methods):
                continue
            condition = pl.lit(value=True)
            if rule.statuses:
                codes = [int(item) for item in rule.statuses if item.isdigit()]
                classes = [int(item[0]) for item in rule.statuses if not item.isdigit()]
                condition = pl.col("status").is_in(codes) | (pl.col("status") // 100).is_in(classes)
            if rule.methods:
                condition = condition & pl.col("method").is_in(list(rule.methods))
            if rule.static is not None:
                condition = condition & (pl.col("static") == rule.static)
            found = condition if found is None else found | condition
        return found

    def _tag(self, mask: int, target: str, request: str, agent: str, referer: str) -> str:
        texts = {
            "path": path_text(target), "request": request.lower(),
            "user_agent": agent.lower(), "referer": referer.lower(),
        }  # fmt: skip
        for bit, entries in self.tags:
            if mask & bit:
                for tag, name, regex in entries:
                    if regex.search(texts[name]):
                        return tag
        return ""


def _native(patterns: list[str]) -> str | None:
    """One pattern for the native engine matching what any of ``patterns`` matches.

    None when some pattern is beyond the native engine (then every value is classified
    here, which is slower but still right).
    """
    if not patterns:
        return None
    joined = "|".join(f"(?:{pattern})" for pattern in patterns)
    try:
        pl.Series([""]).str.contains(joined)
    except pl.exceptions.PolarsError:
        return None
    return joined
