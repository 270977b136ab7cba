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

STATIC_SUFFIXES = (
    "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "ico", "svg", "webp", "avif", "bmp",
    "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "pdf", "txt", "xml",
)  # fmt: skip
STATIC_PATTERN = r"\.(?:" + "|".join(STATIC_SUFFIXES) + r")$"
STATIC = re.compile(STATIC_PATTERN)
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
        self.status_rules = [rule for rule in rules if not rule.has_text and rule.statuses]
        self.method_rules = sorted(
            {method for rule in rules if not rule.has_text and not rule.statuses
             for method in rule.methods}
        )  # fmt: skip
        self.cache: dict[str, dict[str, int]] = {name: {} for name in FIELDS}
        self.interest: dict[int, bool] = {}

    def wants(self, name: str) -> bool:
        return bool(self.matchers[name])

    def flag_values(self, name: str, values: pl.Series) -> list[str]:
        """The values of ``values`` that some rule's ``name`` patterns match."""
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
        return [value for value in candidates if self.bits(name, value)]

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

    def status_interest(self, status: int) -> bool:
        found = self.interest.get(status)
        if found is None:
            found = self.interest[status] = any(
                status_matches(status, rule.statuses) for rule in self.status_rules
            )
        return found

    def verdict(
        self,
        method: str,
        target: str,
        request: str,
        status: int,
        static: bool,
        agent: str,
        referer: str,
    ) -> Verdict:
        """The rules one line matches, those it escalates, and the tag of what matched."""
        path_bits = self.bits("path", target) | self.bits("request", request)
        flags = path_bits | self.bits("user_agent", agent) | self.bits("referer", referer)
        mask = escalate = 0
        for index, rule in enumerate(self.rules):
            bit = 1 << index
            if rule.has_text and not flags & bit:
                continue
            if rule.statuses and not status_matches(status, rule.statuses):
                continue
            if rule.methods and method not in rule.methods:
                continue
            if rule.static is not None and static != rule.static:
                continue
            if not rule.has_text and not rule.statuses and not rule.methods:
                continue
            mask |= bit
            # Escalation is about what the server answered for the path, not a referer's words.
            by_path = not rule.patterns.get("path") or path_bits & bit
            if rule.escalate_statuses and by_path and status_matches(status, rule.escalate_statuses):
                escalate |= bit
        return Verdict(mask, escalate, self._tag(mask, target, request, agent, referer))

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
