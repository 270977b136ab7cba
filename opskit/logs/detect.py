"""Detection on log time over chunk reports, with memory bounded by the windows.

Window rules keep, per rule and client, only the matching requests inside
the window; a client's state is dropped once its newest request is older
than the window. Rate rules slide over per-second counts of busy clients.
Site-relative rules compare with the site's own median at the end.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from opskit.logs.chunk import ChunkReport, Event
from opskit.logs.rules import Rule

EVIDENCE_PER_CLIENT = 8
EVIDENCE_PER_DETECTION = 3
TOP_LIMIT = 100_000
CANDIDATE_LIMIT = 200_000


@dataclass
class Detection:
    rule_id: str
    severity: str
    reason: str
    fired_at: float
    matches: int = 0


@dataclass
class Offender:
    """One client address and everything it was caught doing."""

    client: str
    first_seen: float
    last_seen: float
    detections: dict[str, Detection] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return "high" if any(d.severity == "high" for d in self.detections.values()) else "medium"

    def note(self, detection: Detection, lines: list[str], epoch: float) -> None:
        known = self.detections.get(detection.rule_id)
        if known is None:
            self.detections[detection.rule_id] = detection
        elif detection.severity == "high" and known.severity != "high":
            known.severity, known.reason = "high", detection.reason
        for line in lines[:EVIDENCE_PER_DETECTION]:
            if len(self.evidence) < EVIDENCE_PER_CLIENT and line not in self.evidence:
                self.evidence.append(line)
        self.first_seen = min(self.first_seen, epoch)
        self.last_seen = max(self.last_seen, epoch)


class _WindowState:
    """Matching requests of one client for one rule inside the longest window."""

    __slots__ = ("entries", "paths")

    def __init__(self) -> None:
        self.entries: deque[tuple[float, str, str]] = deque()
        self.paths: Counter[str] = Counter()


class Detector:
    """Feed chunk reports in log order, then ``finish()``."""

    def __init__(self, rules: list[Rule]) -> None:
        self.window_rules = [rule for rule in rules if rule.kind == "window"]
        self.rate_rules = [rule for rule in rules if rule.kind == "rate"]
        self.volume_rules = [rule for rule in rules if rule.kind == "site-relative"]
        self.burst_rules = [rule for rule in rules if rule.kind == "site-burst"]
        self.states: list[dict[str, _WindowState]] = [{} for _ in self.window_rules]
        self.fired: list[set[str]] = [set() for _ in self.window_rules]
        self.rates: dict[str, deque[tuple[float, int]]] = {}
        self.rate_sums: dict[str, int] = {}
        self.offenders: dict[str, Offender] = {}
        self.matches: list[Counter[str]] = [Counter() for _ in self.window_rules]
        self.volume_histogram: Counter[int] = Counter()
        self.volume_pairs: dict[tuple[str, int], int] = {}
        self.agents: dict[str, str] = {}
        self.now = -math.inf

    def feed(self, report: ChunkReport) -> None:
        for event in sorted(report.events, key=lambda item: item.epoch):
            self._event(event)
        if self.rate_rules and report.rate_buckets:
            for epoch, client, number in sorted(report.rate_buckets):
                self._rate(epoch, client, number)
        self.volume_histogram.update(report.volume_histogram)
        for client, minute, number in report.volume_candidates:
            key = (client, minute)
            self.volume_pairs[key] = self.volume_pairs.get(key, 0) + number
        if report.first_epoch is not None:
            self._settle_volume(report.first_epoch)
        for client, agent in report.agents.items():
            if len(self.agents) < TOP_LIMIT:
                self.agents.setdefault(client, agent)
        if report.last_epoch is not None:
            self.now = max(self.now, report.last_epoch)
            self._expire()

    def _settle_volume(self, first_epoch: float) -> None:
        """Forget client minutes that are complete and too small for any volume rule.

        Reports come in log order, so a minute before this chunk's first one gets no
        more requests (one minute is left for lines written slightly out of order).
        """
        horizon = (first_epoch // 60) * 60 - 60
        floor = min(rule.minimum for rule in self.volume_rules) if self.volume_rules else 0
        self.volume_pairs = {
            key: number
            for key, number in self.volume_pairs.items()
            if number >= floor or key[1] >= horizon
        }
        if len(self.volume_pairs) > CANDIDATE_LIMIT:
            keep = sorted(self.volume_pairs.items(), key=lambda item: -item[1])
            self.volume_pairs = dict(keep[: CANDIDATE_LIMIT // 2])

    def _event(self, event: Event) -> None:
        epoch, client, path, line = event.epoch, event.client, event.path, event.line
        for index, rule in enumerate(self.window_rules):
            bit = 1 << index
            if not event.rules & bit:
                continue
            self.matches[index][client] += 1
            if event.escalate & bit:
                reason = f"answered {event.status} to {path[:120]}"
                detection = Detection(rule.id, rule.escalate_severity, reason, epoch)
                self._offend(client, detection, [line])
            if client in self.fired[index]:
                offender = self.offenders[client]
                offender.last_seen = max(offender.last_seen, epoch)
                continue
            state = self.states[index].get(client)
            if state is None:
                state = self.states[index][client] = _WindowState()
            state.entries.append((epoch, path, line))
            state.paths[path] += 1
            longest = max(window.seconds for window in rule.windows)
            while state.entries and state.entries[0][0] <= epoch - longest:
                _, old_path, _ = state.entries.popleft()
                state.paths[old_path] -= 1
                if not state.paths[old_path]:
                    del state.paths[old_path]
            for window in rule.windows:
                inside = [entry for entry in state.entries if entry[0] > epoch - window.seconds]
                number = len({entry[1] for entry in inside}) if rule.distinct else len(inside)
                if number >= window.threshold:
                    what = "distinct paths" if rule.distinct else "requests"
                    reason = f"{number} {what} within {_duration(window.seconds)}"
                    detection = Detection(rule.id, rule.severity, reason, epoch)
                    self._offend(client, detection, [entry[2] for entry in inside])
                    self.fired[index].add(client)
                    del self.states[index][client]
                    break

    def _rate(self, epoch: float, client: str, number: int) -> None:
        for rule in self.rate_rules:
            window = rule.windows[0]
            needed = math.ceil(window.threshold * rule.sustained_seconds / window.seconds)
            entries = self.rates.setdefault(client, deque())
            entries.append((epoch, number))
            total = self.rate_sums.get(client, 0) + number
            while entries and entries[0][0] <= epoch - rule.sustained_seconds:
                total -= entries.popleft()[1]
            self.rate_sums[client] = total
            if total >= needed and rule.id not in self._detections(client):
                rate = total / rule.sustained_seconds
                reason = (
                    f"{total} non-static requests within {_duration(rule.sustained_seconds)} "
                    f"({rate:.0f}/s; limit {window.threshold} per {_duration(window.seconds)})"
                )
                self._offend(client, Detection(rule.id, rule.severity, reason, epoch), [])

    def _detections(self, client: str) -> dict[str, Detection]:
        offender = self.offenders.get(client)
        return offender.detections if offender else {}

    def _offend(self, client: str, detection: Detection, lines: list[str]) -> None:
        epoch = detection.fired_at
        offender = self.offenders.get(client)
        if offender is None:
            offender = self.offenders[client] = Offender(client, epoch, epoch)
        offender.note(detection, lines, epoch)

    def _expire(self) -> None:
        """Drop clients whose newest request has left every window."""
        for index, rule in enumerate(self.window_rules):
            longest = max(window.seconds for window in rule.windows)
            states = self.states[index]
            stale = [
                client
                for client, state in states.items()
                if not state.entries or state.entries[-1][0] <= self.now - longest
            ]
            for client in stale:
                del states[client]
        if self.rate_rules:
            horizon = self.now - max(rule.sustained_seconds for rule in self.rate_rules)
            for client in [c for c, entries in self.rates.items() if entries[-1][0] <= horizon]:
                del self.rates[client]
                self.rate_sums.pop(client, None)

    def finish(self, minute_totals: Counter[int], minute_errors: Counter[int]) -> dict[str, Any]:
        """Site-relative findings; offenders get their match counts. Returns site findings."""
        for index, rule in enumerate(self.window_rules):
            for client, number in self.matches[index].items():
                detection = self._detections(client).get(rule.id)
                if detection is not None:
                    detection.matches = number
        for rule in self.volume_rules:
            self._volume(rule)
        return {
            "bursts": [
                burst
                for rule in self.burst_rules
                for burst in _bursts(rule, minute_totals, minute_errors)
            ]
        }

    def volume_median(self) -> float:
        return _median(self.volume_histogram)

    def _volume(self, rule: Rule) -> None:
        median = self.volume_median()
        limit = max(rule.minimum, rule.factor * median)
        busiest: dict[str, tuple[int, int]] = {}
        for (client, minute), number in self.volume_pairs.items():
            if number >= limit and number > busiest.get(client, (0, 0))[0]:
                busiest[client] = (number, minute)
        for client, (number, minute) in busiest.items():
            reason = (
                f"{number} requests in one minute (site median {median:g} per client per minute, "
                f"limit {limit:g})"
            )
            detection = Detection(rule.id, rule.severity, reason, float(minute))
            self._offend(client, detection, [])


def _bursts(
    rule: Rule, minute_totals: Counter[int], minute_errors: Counter[int]
) -> list[dict[str, Any]]:
    """Runs of minutes whose server errors stand far above the site's usual level."""
    if not minute_totals:
        return []
    usual = _median(Counter(minute_errors.get(minute, 0) for minute in minute_totals))
    limit = max(rule.minimum, rule.factor * usual)
    bursts: list[dict[str, Any]] = []
    for minute in sorted(minute for minute, number in minute_errors.items() if number >= limit):
        if bursts and minute - bursts[-1]["last_minute"] <= 60:
            burst = bursts[-1]
        else:
            burst = {"rule_id": rule.id, "first_minute": minute, "errors": 0, "requests": 0}
            bursts.append(burst)
        burst["last_minute"] = minute
        burst["errors"] += minute_errors[minute]
        burst["requests"] += minute_totals.get(minute, 0)
    for burst in bursts:
        ratio = burst["errors"] / max(1, burst["requests"])
        burst["ratio"] = round(ratio, 3)
        burst["severity"] = "high" if ratio >= rule.high_ratio else rule.severity
        burst["usual_per_minute"] = usual
        burst["limit_per_minute"] = limit
    return bursts


def _median(histogram: Counter[int]) -> float:
    """The median of values given as value -> how often."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen * 2 >= total:
            return float(value)
    return 0.0


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"
