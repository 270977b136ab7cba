"""Scanning one chunk of log lines into a small report (runs in worker processes).

The chunk's fields come as columns (see ``fields``), so counting, caching and
filtering use C-level builtins (``Counter``, ``map``, ``compress``) and each
distinct request, user agent, referer and time is classified once and
cached. Only requests a rule could match are looked at one by one, and they
leave the chunk as compact events for the detector.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, count
from operator import itemgetter

from opskit.logs.chunk import ChunkReport, Event
from opskit.logs.classify import BITS, TARGET, Classifier
from opskit.logs.fields import (
    COUNTED,
    SAMPLE_LIMIT,
    Cache,
    Columns,
    FieldReader,
    client_text,
    sample,
    slices,
    stamp_text,
    status_code,
)
from opskit.logs.formats import LogFormat
from opskit.logs.rules import Rule, status_matches

# Caches of distinct values are emptied past these sizes, which bounds a worker's memory
# (a cached request costs about half a kilobyte); time keys matter only near their chunk.
CACHE_LIMIT = 50_000
TIME_CACHE_LIMIT = 20_000
# The site's median requests per client per minute is estimated from every Nth chunk.
VOLUME_SAMPLE_EVERY = 8
# Up to this many distinct values are found by list.index (a C loop comparing pointers and
# sizes, several times faster than a set lookup per line); more by one set lookup per line.
INDEX_SCAN_LIMIT = 3
EVIDENCE_CHARACTERS = 400
SLICE_BYTES = 1 << 20


@dataclass(frozen=True)
class ScanSettings:
    """What every scanner of one analysis shares; plain data, so it travels to workers."""

    log_format: LogFormat
    rules: tuple[Rule, ...]
    since: float | None = None
    until: float | None = None


class Scanner:
    """Turns chunks into ChunkReports for one log format and rule set."""

    def __init__(self, settings: ScanSettings) -> None:
        self.reader = FieldReader(settings.log_format)
        self.since = settings.since
        self.until = settings.until
        rules = settings.rules
        self.rules = [rule for rule in rules if rule.kind == "window"]
        self.classifier = Classifier(self.rules)
        self.rate_rules = [rule for rule in rules if rule.kind == "rate"]
        relative = [rule for rule in rules if rule.kind == "site-relative"]
        self.volume_floor = min((rule.minimum for rule in relative), default=0)
        burst = [rule for rule in rules if rule.kind == "site-burst"]
        self.error_statuses = tuple(status for rule in burst for status in rule.statuses)
        self.times = self.reader.epochs
        self.minutes = Cache(lambda key: int((self.times[key] or 0) // 60) * 60)
        self.status_error = Cache(
            lambda key: (
                status_matches(status_code(key), self.error_statuses)
                if self.error_statuses
                else False
            )
        )
        self.chunks_seen = 0

    def trim_caches(self) -> None:
        self.reader.trim(CACHE_LIMIT, TIME_CACHE_LIMIT)
        if len(self.minutes) > TIME_CACHE_LIMIT:
            self.minutes.clear()
        self.classifier.trim(CACHE_LIMIT)

    def scan(self, data: bytes) -> ChunkReport:
        """The report of ``data``: a newline, then whole lines (the last newline is optional).

        The data is scanned a slice of about SLICE_BYTES at a time: the per-line
        objects of a slice then stay in the processor's cache, which makes scanning
        a third faster than in 4 MiB slices.
        """
        report: ChunkReport | None = None
        for piece in slices(data, SLICE_BYTES):
            part = self._scan_slice(piece)
            if report is None:
                report = part
            else:
                report.merge(part)
        return report or ChunkReport()

    def _scan_slice(self, data: bytes) -> ChunkReport:
        self.trim_caches()
        fields = self.reader.read(data)
        report = ChunkReport(
            lines=fields.lines, malformed=fields.malformed, malformed_samples=fields.samples
        )
        if not fields.rows:
            return report
        columns, counts = fields.columns, fields.counts
        if any(self.times[key] is None for key in counts["time"]):
            columns, counts = self._drop_bad_times(columns, counts, report)
        if self.since is not None or self.until is not None:
            columns, counts = self._keep_range(columns, counts, report)
        report.parsed = len(columns["time"])
        if not report.parsed:
            return report
        report.clients = counts["client"]
        self._aggregate(columns, counts["time"], counts["status"], report)
        suspicious = self._requests(Counter(columns["request"]), report)
        self._busy(columns, report)
        self._collect_events(columns, suspicious, counts["status"], report)
        return report

    def _requests(self, requests: Counter[bytes], report: ChunkReport) -> set[bytes]:
        """Counts the chunk's requests; returns those a rule's text matches.

        Requests, not paths, are counted here: the analysis turns them into paths
        once at the end instead of once per chunk.
        """
        report.requests = requests
        infos = map(self.classifier.requests.__getitem__, requests)
        return set(compress(requests, map(itemgetter(BITS), infos)))

    def _drop_bad_times(
        self, columns: Columns, counts: dict[str, Counter[bytes]], report: ChunkReport
    ) -> tuple[Columns, dict[str, Counter[bytes]]]:
        per_second = counts["time"]
        bad = {key for key in per_second if self.times[key] is None}
        for key in bad:
            report.malformed += per_second[key]
            if len(report.malformed_samples) < SAMPLE_LIMIT:
                text = b"unreadable time [" + stamp_text(key) + b"]"
                report.malformed_samples.append(sample(text))
        return self._filter(columns, counts, per_second.keys() - bad)

    def _keep_range(
        self, columns: Columns, counts: dict[str, Counter[bytes]], report: ChunkReport
    ) -> tuple[Columns, dict[str, Counter[bytes]]]:
        since = self.since if self.since is not None else float("-inf")
        until = self.until if self.until is not None else float("inf")
        per_second = counts["time"]
        inside = {key for key in per_second if since <= self.times[key] < until}
        report.outside_range += sum(per_second[key] for key in per_second.keys() - inside)
        return self._filter(columns, counts, inside)

    @staticmethod
    def _filter(
        columns: Columns, counts: dict[str, Counter[bytes]], keep: set[bytes]
    ) -> tuple[Columns, dict[str, Counter[bytes]]]:
        """Only the lines whose time key is in ``keep``, and their counts."""
        if len(keep) == len(counts["time"]):
            return columns, counts
        flags = list(map(keep.__contains__, columns["time"]))
        kept = {name: list(compress(values, flags)) for name, values in columns.items()}
        return kept, {name: Counter(kept[name]) for name in COUNTED}

    def _aggregate(
        self,
        columns: Columns,
        per_second: Counter[bytes],
        statuses: Counter[bytes],
        report: ChunkReport,
    ) -> None:
        for status, number in statuses.items():
            report.statuses[status_code(status)] += number
        times, minutes = self.times, self.minutes
        for key, number in per_second.items():
            report.minute_totals[minutes[key]] += number
        epochs = list(map(times.__getitem__, per_second))
        report.first_epoch, report.last_epoch = min(epochs), max(epochs)
        errors = {status for status in statuses if self.status_error[status]}
        if errors:
            keys = columns["time"]
            error_times = Counter(keys[index] for index in lines_with(columns["status"], errors))
            for key, number in error_times.items():
                report.minute_errors[minutes[key]] += number
        if self.volume_floor:
            self.chunks_seen += 1
            if self.chunks_seen % VOLUME_SAMPLE_EVERY == 1:
                by_minute = map(minutes.__getitem__, columns["time"])
                pairs = Counter(zip(columns["client"], by_minute, strict=False))
                report.volume_histogram = Counter(pairs.values())

    def _busy(self, columns: Columns, report: ChunkReport) -> None:
        """For busy clients only: requests per minute and per second, and one user agent."""
        volume_floor = max(1, self.volume_floor // 2) if self.volume_floor else None
        rate_floor = self._rate_floor(report) if self.rate_rules else None
        floor = min(value for value in (volume_floor, rate_floor, float("inf")) if value)
        heavy = {client for client, number in report.clients.items() if number >= floor}
        if not heavy:
            return
        flags = list(map(heavy.__contains__, columns["client"]))
        clients = list(compress(columns["client"], flags))
        times = list(compress(columns["time"], flags))
        if volume_floor is not None:
            self._volume(report, clients, times, volume_floor)
        if rate_floor is not None:
            dynamic = map(self.classifier.dynamic.__getitem__, compress(columns["request"], flags))
            self._rates(report, compress(zip(times, clients, strict=True), dynamic), rate_floor)
        if "agent" in columns:
            agents = dict(zip(clients, compress(columns["agent"], flags), strict=False))
            report.agents = {
                client_text(client): agent.decode("utf-8", "replace")
                for client, agent in agents.items()
            }

    def _volume(
        self, report: ChunkReport, clients: list[bytes], times: list[bytes], floor: float
    ) -> None:
        """Requests per busy client per minute (a minute cut by the chunk edge is sent in part)."""
        minute_of = self.minutes
        pairs = Counter(zip(clients, map(minute_of.__getitem__, times), strict=False))
        edges = {
            int((report.first_epoch or 0) // 60) * 60,
            int((report.last_epoch or 0) // 60) * 60,
        }
        report.volume_candidates = [
            (client_text(client), minute, number)
            for (client, minute), number in pairs.items()
            if number >= floor or minute in edges
        ]

    def _rate_floor(self, report: ChunkReport) -> float:
        """Below this many lines in the chunk, a client cannot reach a rate rule's limit."""
        span = (report.last_epoch or 0) - (report.first_epoch or 0)
        needed = min(
            rule.windows[0].threshold * rule.sustained_seconds / rule.windows[0].seconds
            for rule in self.rate_rules
        )
        sustained = max(rule.sustained_seconds for rule in self.rate_rules)
        # Across the chunk's edge a client needs only a fair share of the rate here.
        return max(2.0, needed * min(1.0, span / sustained) / 3)

    def _rates(
        self, report: ChunkReport, dynamic: Iterable[tuple[bytes, bytes]], floor: float
    ) -> None:
        """Non-static requests per second of clients busy enough to reach a rate rule."""
        counts = report.clients
        report.rate_buckets = [
            (self.times[key], client_text(client), number)
            for (key, client), number in Counter(dynamic).items()
            if counts[client] >= floor
        ]

    def _collect_events(
        self,
        columns: Columns,
        suspicious: set[bytes],
        statuses: Counter[bytes],
        report: ChunkReport,
    ) -> None:
        if not self.rules:
            return
        classifier = self.classifier
        # Decide on distinct values first: most chunks then need no per-line pass at all.
        suspects: list[tuple[str, set[bytes]]] = [
            ("request", suspicious),
            ("status", {status for status in statuses if classifier.status_interest[status]}),
        ]
        for name, cache, wanted in (
            ("agent", classifier.agents, classifier.matches_agents()),
            ("referer", classifier.referers, classifier.matches_referers()),
        ):
            if name in columns and wanted:
                suspects.append((name, {value for value in set(columns[name]) if cache[value]}))
        found: set[int] = set()
        for name, values in suspects:
            if values:
                found.update(lines_with(columns[name], values))
        for index in sorted(found):
            event = self._event(columns, index)
            if event is not None:
                report.events.append(event)

    def _event(self, columns: Columns, index: int) -> Event | None:
        """The event of line ``index`` if a window rule matches it."""
        classifier = self.classifier
        request = columns["request"][index]
        info = classifier.requests[request]
        agent = columns["agent"][index] if "agent" in columns else b""
        referer = columns["referer"][index] if "referer" in columns else b""
        flags = info[BITS] | classifier.agents[agent] | classifier.referers[referer]
        status = status_code(columns["status"][index])
        verdict = classifier.verdict(request, status, flags)
        if not verdict[0]:
            return None
        client = columns["client"][index]
        time_key = columns["time"][index]
        # The request as a combined-format line (size left out), for people to read.
        line = (
            f'{client_text(client)} [{_text(stamp_text(time_key))}] "{_text(request)}" {status} '
            f'"{_text(referer or b"-")}" "{_text(agent or b"-")}"'
        )
        return Event(
            epoch=self.times[time_key] or 0.0,
            client=client_text(client),
            rules=verdict[0],
            escalate=verdict[1],
            status=status,
            path=info[TARGET][:500].decode("utf-8", "backslashreplace"),
            line=line[:EVIDENCE_CHARACTERS],
        )


def lines_with(column: list[bytes], wanted: set[bytes]) -> Iterable[int]:
    """The indexes of the lines whose value in ``column`` is one of ``wanted``."""
    if len(wanted) > INDEX_SCAN_LIMIT:
        return compress(count(), map(wanted.__contains__, column))
    found: list[int] = []
    for value in wanted:
        position = -1
        try:
            while True:
                position = column.index(value, position + 1)
                found.append(position)
        except ValueError:
            continue
    return found


def _text(value: bytes) -> str:
    return value.decode("utf-8", "backslashreplace")
