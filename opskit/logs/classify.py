"""What a request, user agent, referer or status means to the window rules.

Each distinct value is classified once and cached: a request's method,
target, path, whether it is a static file, and one bit per rule whose text
patterns match it. Caches are emptied past a size, which bounds memory.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from opskit.logs.fields import Cache, status_code
from opskit.logs.rules import Rule, status_matches

STATIC_SUFFIXES = (
    b".css", b".js", b".mjs", b".map", b".png", b".jpg", b".jpeg", b".gif", b".ico", b".svg",
    b".webp", b".avif", b".bmp", b".woff", b".woff2", b".ttf", b".otf", b".eot", b".mp4",
    b".webm", b".mp3", b".pdf", b".txt", b".xml",
)  # fmt: skip
# Fields of a classified request: method, target, path without query, static, rule bits.
METHOD, TARGET, PATH, STATIC, BITS = range(5)
Request = tuple[bytes, bytes, bytes, bool, int]


def split_request(request: bytes) -> tuple[bytes, bytes]:
    """The method and target of ``GET /page?x=1 HTTP/1.1`` (no method if it has none)."""
    method, _, rest = request.partition(b" ")
    if not rest or not method.isupper():
        method, rest = b"", request
    return method, (rest.rsplit(b" ", 1)[0] if b" HTTP/" in rest else rest)


def request_path(request: bytes) -> bytes:
    """The path of a request, without its query."""
    return split_request(request)[1].split(b"?", 1)[0]


class Classifier:
    """Classifies values for the window rules of a rule set (rule N is bit 1 << N)."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.text_matchers: dict[str, list[tuple[int, re.Pattern[bytes]]]] = {
            "path": [],
            "user_agent": [],
            "referer": [],
        }
        for index, rule in enumerate(rules):
            for name, patterns in rule.patterns.items():
                combined = b"|".join(b"(?:" + pattern.encode() + b")" for pattern in patterns)
                self.text_matchers[name].append((1 << index, re.compile(combined)))
        # Statuses make a request interesting to rules without text patterns.
        self.status_rules = [rule for rule in rules if not rule.has_text]
        self.rule_tests = [
            (1 << position, rule.has_text, rule.statuses, rule.methods, rule.static,
             rule.escalate_statuses, bool(rule.patterns.get("path")))
            for position, rule in enumerate(rules)
        ]  # fmt: skip
        self.requests = Cache(self._request)
        self.agents = Cache(lambda text: self._text_bits("user_agent", text.lower()))
        self.referers = Cache(lambda text: self._text_bits("referer", text.lower()))
        self.dynamic = Cache(lambda request: not self.requests[request][STATIC])
        self.status_interest = Cache(self._status_interest)
        self.verdicts: dict[tuple[bytes, int, int], tuple[int, int]] = {}

    def matches_agents(self) -> bool:
        return bool(self.text_matchers["user_agent"])

    def matches_referers(self) -> bool:
        return bool(self.text_matchers["referer"])

    def trim(self, limit: int) -> None:
        for cache in (self.requests, self.agents, self.referers, self.dynamic, self.verdicts):
            if len(cache) > limit:
                cache.clear()

    def verdict(self, request: bytes, status: int, flags: int) -> tuple[int, int]:
        """The rules a request with this status and text bits matches, and those it escalates."""
        key = (request, status, flags)
        found = self.verdicts.get(key)
        if found is None:
            found = self.verdicts[key] = self._verdict(self.requests[request], status, flags)
        return found

    def _text_bits(self, name: str, text: bytes) -> int:
        bits = 0
        for bit, regex in self.text_matchers[name]:
            if regex.search(text):
                bits |= bit
        return bits

    def _request(self, request: bytes) -> Request:
        method, target = split_request(request)
        path = target.split(b"?", 1)[0]
        static = path.lower().endswith(STATIC_SUFFIXES)
        lowered = target.lower()
        text = lowered
        if b"%" in lowered or b"+" in lowered:
            # Rules see the target as written and percent-decoded twice (double encoding).
            decoded = unquote_to_bytes(unquote_to_bytes(lowered.replace(b"+", b" "))).lower()
            text = lowered + b"\n" + decoded
        bits = self._text_bits("path", text)
        return method, target, path, static, bits

    def _status_interest(self, status: bytes) -> bool:
        code = status_code(status)
        return any(status_matches(code, rule.statuses) for rule in self.status_rules)

    def _verdict(self, info: Request, status: int, flags: int) -> tuple[int, int]:
        raw_method, _, _, is_static, path_bits = info
        mask = escalate = 0
        method = raw_method.decode("ascii", "replace")
        for bit, has_text, statuses, methods, static, escalate_statuses, by_path in self.rule_tests:
            if has_text and not flags & bit:
                continue
            if statuses and not status_matches(status, statuses):
                continue
            if methods and method not in methods:
                continue
            if static is not None and is_static != static:
                continue
            mask |= bit
            # Escalation is about what the server answered for the path, not a referer's words.
            path_matched = not by_path or path_bits & bit
            if escalate_statuses and path_matched and status_matches(status, escalate_statuses):
                escalate |= bit
        return mask, escalate
