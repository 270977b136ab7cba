"""Scanning one chunk of log lines into a small report (runs in worker processes).

The fast path never loops over lines in Python: one ``findall`` extracts the
fields, ``zip(*rows)`` turns rows into columns, and counting, caching and
filtering use C-level builtins (``Counter``, ``map``, ``compress``). Each
distinct request, user agent, referer and time is classified once and
cached. Only requests a rule could match are looked at one by one, and
they leave the chunk as compact events for the detector.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, count
from operator import or_
from typing import Any
from urllib.parse import unquote_to_bytes

from opskit.logs.formats import LogFormat, cut_tail, parse_time
from opskit.logs.rules import Rule, status_matches

STATIC_SUFFIXES = (
    b".css", b".js", b".mjs", b".map", b".png", b".jpg", b".jpeg", b".gif", b".ico", b".svg",
    b".webp", b".avif", b".bmp", b".woff", b".woff2", b".ttf", b".otf", b".eot", b".mp4",
    b".webm", b".mp3", b".pdf", b".txt", b".xml",
)  # fmt: skip
CACHE_LIMIT = 200_000
# The site's median requests per client per minute is estimated from every Nth chunk.
VOLUME_SAMPLE_EVERY = 4
SAMPLE_LIMIT = 5
SAMPLE_BYTES = 200
EVIDENCE_CHARACTERS = 400
# Fields of a cached request: method, target, path without query, static, rule bits.
METHOD, TARGET, PATH, STATIC, BITS = range(5)


@dataclass
class ChunkReport:
    """What one chunk held, small enough to send between processes."""

    lines: int = 0
    parsed: int = 0
    malformed: int = 0
    malformed_samples: list[str] = field(default_factory=list)
    outside_range: int = 0
    first_epoch: float | None = None
    last_epoch: float | None = None
    clients: Counter[bytes] = field(default_factory=Counter)
    paths: Counter[bytes] = field(default_factory=Counter)
    statuses: Counter[bytes] = field(default_factory=Counter)
    minute_totals: Counter[int] = field(default_factory=Counter)
    minute_errors: Counter[int] = field(default_factory=Counter)
    # (epoch, client, rule mask, escalate mask, status, path, evidence line)
    events: list[tuple[float, str, int, int, int, str, str]] = field(default_factory=list)
    rate_buckets: list[tuple[float, str, int]] = field(default_factory=list)
    volume_histogram: Counter[int] = field(default_factory=Counter)
    volume_candidates: list[tuple[str, int, int]] = field(default_factory=list)
    agents: dict[str, str] = field(default_factory=dict)


class _Cache(dict[bytes, Any]):
    """A dict that computes missing values, so ``map(cache.__getitem__, column)`` stays in C."""

    def __init__(self, compute: Any) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: bytes) -> Any:
        value = self[key] = self.compute(key)
        return value


class Scanner:
    """Turns chunks into ChunkReports for one log format and rule set."""

    def __init__(
        self,
        log_format: LogFormat,
        rules: list[Rule],
        since: float | None = None,
        until: float | None = None,
    ) -> None:
        self.regex = log_format.regex()
        self.robust = log_format.robust_regex()
        self.tail_field = log_format.tail_field
        self.tails = _Cache(cut_tail)
        self.groups = log_format.groups
        self.since = since
        self.until = until
        self.rules = [rule for rule in rules if rule.kind == "window"]
        self.text_matchers: dict[str, list[tuple[int, re.Pattern[bytes]]]] = {
            "path": [],
            "user_agent": [],
            "referer": [],
        }
        for index, rule in enumerate(self.rules):
            for name, patterns in rule.patterns.items():
                combined = b"|".join(b"(?:" + pattern.encode() + b")" for pattern in patterns)
                self.text_matchers[name].append((1 << index, re.compile(combined)))
        # Statuses that make a request interesting to a rule without text patterns.
        self.status_rules = [rule for rule in self.rules if not rule.has_text]
        self.rate_rules = [rule for rule in rules if rule.kind == "rate"]
        relative = [rule for rule in rules if rule.kind == "site-relative"]
        self.volume_floor = min((rule.minimum for rule in relative), default=0)
        burst = [rule for rule in rules if rule.kind == "site-burst"]
        self.error_statuses = tuple(status for rule in burst for status in rule.statuses)
        self.requests = _Cache(self._request)
        self.agents = _Cache(lambda text: self._text_bits("user_agent", text.lower()))
        self.referers = _Cache(lambda text: self._text_bits("referer", text.lower()))
        self.times = _Cache(parse_time)
        self.minutes = _Cache(lambda text: int((self.times[text] or 0) // 60) * 60)
        self.dynamic = _Cache(lambda request: not self.requests[request][STATIC])
        self.status_interest = _Cache(self._status_interest)
        self.verdicts: dict[tuple[bytes, bytes, int], tuple[int, int]] = {}
        self.rule_tests = [
            (1 << position, rule.has_text, rule.statuses, rule.methods, rule.static,
             rule.escalate_statuses, bool(rule.patterns.get("path")))
            for position, rule in enumerate(self.rules)
        ]  # fmt: skip
        self.chunks_seen = 0
        self.chunk_requests: Counter[bytes] = Counter()

    def _text_bits(self, name: str, text: bytes) -> int:
        bits = 0
        for bit, regex in self.text_matchers[name]:
            if regex.search(text):
                bits |= bit
        return bits

    def _request(self, request: bytes) -> tuple[bytes, bytes, bytes, bool, int]:
        method, _, rest = request.partition(b" ")
        if not rest or not method.isupper():
            method, rest = b"", request
        target = rest.rsplit(b" ", 1)[0] if b" HTTP/" in rest else rest
        path = target.split(b"?", 1)[0]
        static = path.lower().endswith(STATIC_SUFFIXES)
        lowered = target.lower()
        decoded = unquote_to_bytes(unquote_to_bytes(lowered.replace(b"+", b" "))).lower()
        bits = self._text_bits("path", lowered + b"\n" + decoded)
        return method, target, path, static, bits

    def _status_interest(self, status: bytes) -> bool:
        code = int(status)
        return any(status_matches(code, rule.statuses) for rule in self.status_rules)

    def trim_caches(self) -> None:
        caches = (self.requests, self.agents, self.referers, self.times, self.minutes)
        for cache in (*caches, self.dynamic, self.tails, self.verdicts):
            if len(cache) > CACHE_LIMIT:
                cache.clear()

    def scan(self, chunk: bytes) -> ChunkReport:
        """The report of ``chunk``: whole lines, each ending in a newline except maybe the last."""
        self.trim_caches()
        report = ChunkReport()
        data = b"\n" + (chunk[:-1] if chunk.endswith(b"\n") else chunk)
        report.lines = data.count(b"\n")
        rows = self.regex.findall(data)
        if len(rows) != report.lines:
            rows = self._sort_out_malformed(data, report)
            report.lines = len(rows) + report.malformed
        if not rows:
            return report
        columns = dict(zip(self.groups, zip(*rows, strict=False), strict=True))
        if self.tail_field is not None:
            columns[self.tail_field] = tuple(map(self.tails.__getitem__, columns[self.tail_field]))
        if "request" not in columns:
            columns["request"] = tuple(
                map(b" ".join, zip(columns["method"], columns["path"], strict=False))
            )
        per_second = Counter(columns["time"])
        times = self.times
        if any(times[time_text] is None for time_text in per_second):
            columns = self._drop_bad_times(columns, report)
            per_second = Counter(columns["time"])
        if self.since is not None or self.until is not None:
            columns = self._keep_range(columns, report)
            per_second = Counter(columns["time"])
        report.parsed = len(columns["time"])
        if not report.parsed:
            return report
        self._aggregate(columns, per_second, report)
        self._collect_events(columns, report)
        return report

    def _sort_out_malformed(self, data: bytes, report: ChunkReport) -> list[Any]:
        """Rows of the lines either pattern reads; the others are counted and sampled."""
        rows = []
        fast, robust = self.regex.match, self.robust.match
        for line in data.split(b"\n")[1:]:
            if not line:
                continue
            found = fast(b"\n" + line) or robust(b"\n" + line)
            if found is None:
                self._malformed(line, report)
            else:
                rows.append(found.groups())
        return rows

    def _malformed(self, line: bytes, report: ChunkReport) -> None:
        report.malformed += 1
        if len(report.malformed_samples) < SAMPLE_LIMIT:
            sample = line[:SAMPLE_BYTES].decode("utf-8", "backslashreplace")
            if len(line) > SAMPLE_BYTES:
                sample += f" ... ({len(line)} bytes)"
            report.malformed_samples.append(sample)

    def _drop_bad_times(
        self, columns: dict[str, tuple[bytes, ...]], report: ChunkReport
    ) -> dict[str, tuple[bytes, ...]]:
        keep = [self.times[time_text] is not None for time_text in columns["time"]]
        for time_text in compress(columns["time"], [not flag for flag in keep]):
            self._malformed(b"unreadable time [" + time_text + b"]", report)
        return self._filter(columns, keep)

    def _keep_range(
        self, columns: dict[str, tuple[bytes, ...]], report: ChunkReport
    ) -> dict[str, tuple[bytes, ...]]:
        since = self.since if self.since is not None else float("-inf")
        until = self.until if self.until is not None else float("inf")
        keep = [since <= epoch < until for epoch in map(self.times.__getitem__, columns["time"])]
        report.outside_range += len(keep) - sum(keep)
        return self._filter(columns, keep)

    @staticmethod
    def _filter(
        columns: dict[str, tuple[bytes, ...]], keep: list[bool]
    ) -> dict[str, tuple[bytes, ...]]:
        return {name: tuple(compress(values, keep)) for name, values in columns.items()}

    def _aggregate(
        self,
        columns: dict[str, tuple[bytes, ...]],
        per_second: Counter[bytes],
        report: ChunkReport,
    ) -> None:
        report.clients = Counter(columns["client"])
        report.statuses = Counter(columns["status"])
        times, minutes = self.times, self.minutes
        for time_text, number in per_second.items():
            report.minute_totals[minutes[time_text]] += number
        epochs = list(map(times.__getitem__, per_second))
        report.first_epoch, report.last_epoch = min(epochs), max(epochs)
        errors = {
            status
            for status in report.statuses
            if self.error_statuses and status_matches(int(status), self.error_statuses)
        }
        if errors:
            error_times = compress(columns["time"], map(errors.__contains__, columns["status"]))
            for time_text, number in Counter(error_times).items():
                report.minute_errors[minutes[time_text]] += number
        requests = self.requests
        self.chunk_requests = Counter(columns["request"])
        for request, number in self.chunk_requests.items():
            report.paths[requests[request][PATH]] += number
        heavy: set[bytes] = set()
        if self.volume_floor:
            heavy |= self._volume(columns, report)
        if self.rate_rules:
            heavy |= self._rates(columns, report)
        self._sample_agents(heavy, columns["client"], columns.get("agent"), report)

    def _volume(self, columns: dict[str, tuple[bytes, ...]], report: ChunkReport) -> set[bytes]:
        """Requests per client per minute: exact for busy clients, a sample for the median."""
        self.chunks_seen += 1
        clients = columns["client"]
        minute_of = self.minutes
        if self.chunks_seen % VOLUME_SAMPLE_EVERY == 1:
            minutes = map(minute_of.__getitem__, columns["time"])
            report.volume_histogram = Counter(Counter(zip(clients, minutes, strict=False)).values())
        half = max(1, self.volume_floor // 2)
        heavy = {client for client, number in report.clients.items() if number >= half}
        if not heavy:
            return heavy
        mask = list(map(heavy.__contains__, clients))
        pairs = Counter(
            zip(
                compress(clients, mask),
                map(minute_of.__getitem__, compress(columns["time"], mask)),
                strict=False,
            )
        )
        # A minute cut by the chunk edge is sent in part so the detector can add it up.
        edges = {
            int((report.first_epoch or 0) // 60) * 60,
            int((report.last_epoch or 0) // 60) * 60,
        }
        report.volume_candidates = [
            (client.decode("utf-8", "replace"), minute, number)
            for (client, minute), number in pairs.items()
            if number >= half or minute in edges
        ]
        return heavy

    def _rates(self, columns: dict[str, tuple[bytes, ...]], report: ChunkReport) -> set[bytes]:
        span = (report.last_epoch or 0) - (report.first_epoch or 0)
        needed = min(
            rule.windows[0].threshold * rule.sustained_seconds / rule.windows[0].seconds
            for rule in self.rate_rules
        )
        sustained = max(rule.sustained_seconds for rule in self.rate_rules)
        # A client can only reach the rate across this chunk's edge if it has a fair share here.
        floor = max(2.0, needed * min(1.0, span / sustained) / 3)
        heavy = {client for client, number in report.clients.items() if number >= floor}
        if not heavy:
            return heavy
        clients = columns["client"]
        wanted = map(
            bool.__and__,
            map(heavy.__contains__, clients),
            map(self.dynamic.__getitem__, columns["request"]),
        )
        buckets = Counter(compress(zip(columns["time"], clients, strict=False), wanted))
        times = self.times
        report.rate_buckets = [
            (times[time_text], client.decode("utf-8", "replace"), number)
            for (time_text, client), number in buckets.items()
        ]
        return heavy

    @staticmethod
    def _sample_agents(
        heavy: set[bytes],
        clients: tuple[bytes, ...],
        agents: tuple[bytes, ...] | None,
        report: ChunkReport,
    ) -> None:
        """One user agent per heavy client, for allowlists of legitimate crawlers."""
        if not heavy or agents is None:
            return
        mask = list(map(heavy.__contains__, clients))
        for client, agent in zip(compress(clients, mask), compress(agents, mask), strict=False):
            report.agents.setdefault(
                client.decode("utf-8", "replace"), agent.decode("utf-8", "replace")
            )

    def _collect_events(self, columns: dict[str, tuple[bytes, ...]], report: ChunkReport) -> None:
        if not self.rules:
            return
        # Decide on distinct values first: most chunks then need no per-line pass at all.
        suspects: list[tuple[str, set[bytes]]] = [
            ("request", {r for r in self.chunk_requests if self.requests[r][BITS]}),
            ("status", {s for s in set(columns["status"]) if self.status_interest[s]}),
        ]
        for name, cache, matcher in (
            ("agent", self.agents, "user_agent"),
            ("referer", self.referers, "referer"),
        ):
            if name in columns and self.text_matchers[matcher]:
                suspects.append((name, {value for value in set(columns[name]) if cache[value]}))
        suspects = [(name, values) for name, values in suspects if values]
        if not suspects:
            return
        marks: Any = None
        for name, values in suspects:
            hits = map(values.__contains__, columns[name])
            marks = hits if marks is None else map(or_, marks, hits)
        interesting = marks
        infos = self.requests
        empty: tuple[bytes, ...] = (b"",) * len(columns["time"])
        agents = columns.get("agent", empty)
        referers = columns.get("referer", empty)
        statuses = columns["status"]
        requests = columns["request"]
        verdicts = self.verdicts
        for index in compress(count(), interesting):
            flags = (
                infos[requests[index]][BITS]
                | (self.agents[agents[index]] if agents is not empty else 0)
                | (self.referers[referers[index]] if referers is not empty else 0)
            )
            key = (requests[index], statuses[index], flags)
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = verdicts[key] = self._verdict(infos[key[0]], int(key[1]), flags)
            if not verdict[0]:
                continue
            report.events.append(
                (
                    self.times[columns["time"][index]],
                    columns["client"][index].decode("utf-8", "replace"),
                    verdict[0],
                    verdict[1],
                    int(statuses[index]),
                    infos[key[0]][TARGET][:500].decode("utf-8", "backslashreplace"),
                    _evidence(columns, index, agents[index], referers[index]),
                )
            )

    def _verdict(self, info: tuple[Any, ...], status: int, flags: int) -> tuple[int, int]:
        """The rules one request matches, and those it escalates."""
        mask = escalate = 0
        method = info[METHOD].decode("ascii", "replace")
        for bit, has_text, statuses, methods, static, escalate_statuses, by_path in self.rule_tests:
            if has_text and not flags & bit:
                continue
            if statuses and not status_matches(status, statuses):
                continue
            if methods and method not in methods:
                continue
            if static is not None and info[STATIC] != static:
                continue
            mask |= bit
            # Escalation is about what the server answered for the path, not a referer's words.
            path_matched = not by_path or info[BITS] & bit
            if escalate_statuses and path_matched and status_matches(status, escalate_statuses):
                escalate |= bit
        return mask, escalate


def _evidence(
    columns: dict[str, tuple[bytes, ...]], index: int, agent: bytes | str, referer: bytes | str
) -> str:
    """The request as a combined-format line (sizes left out), for people to read."""

    def text(value: bytes | str) -> str:
        return value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value

    line = (
        f"{text(columns['client'][index])} [{text(columns['time'][index])}] "
        f'"{text(columns["request"][index])}" {text(columns["status"][index])} '
        f'"{text(referer) or "-"}" "{text(agent) or "-"}"'
    )
    return line[:EVIDENCE_CHARACTERS]
