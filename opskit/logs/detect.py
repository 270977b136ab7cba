"""Detection on log time over chunk reports, with memory bounded by the windows.

Window rules keep, per rule and client, only the matching requests inside
the window; a client's state is dropped once its newest request is older
than the window. Rate rules slide over per-second counts of busy clients.
Site-relative rules compare with the site's own median at the end.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from opskit.logs.chunk import ChunkReport, Event
from opskit.logs.rules import Rule, event_rules
from opskit.text import Message

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
    """Matching requests of one client for one rule inside the longest window, in time order."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: list[tuple[float, str, str]] = []


class Detector:
    """Feed chunk reports in log order, then ``finish()``."""

    def __init__(self, rules: list[Rule]) -> None:
        self.window_rules = event_rules(rules)
        self.all_rules = rules
        self.spread_rules = {
            index: rule for index, rule in enumerate(rules) if rule.kind == "spread"
        }
        self.spreads: dict[tuple[int, str, int], tuple[set[int], str]] = {}
        self.forms: dict[tuple[int, str, int], dict[str, Any]] = {}
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
        for index, client, bucket, hashes, example in report.spread:
            self._spread(index, client, bucket, hashes, example)
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
            if rule.kind == "site-form":
                self._form(index, rule, event)
                continue
            if event.escalate & bit:
                reason = Message(
                    "logs.reason.answered",
                    status=event.status,
                    path=path[:120],
                    tag=_tagged(event.tag),
                )
                detection = Detection(rule.id, rule.escalate_severity, reason, epoch)
                self._offend(client, detection, [line])
            if client in self.fired[index]:
                offender = self.offenders[client]
                offender.last_seen = max(offender.last_seen, epoch)
                continue
            state = self.states[index].get(client)
            if state is None:
                state = self.states[index][client] = _WindowState()
            entries = state.entries
            # Lines out of time order (merged files) go where their time puts them.
            key = event.tag if rule.distinct_by == "tag" else path
            bisect.insort(entries, (epoch, key, line))
            longest = max(window.seconds for window in rule.windows)
            newest = entries[-1][0]
            while entries and entries[0][0] <= newest - longest:
                entries.pop(0)
            if self._window_fires(rule, client, entries, epoch, event.tag):
                self.fired[index].add(client)
                del self.states[index][client]

    def _window_fires(
        self, rule: Rule, client: str, entries: list[tuple[float, str, str]], added: float, tag: str
    ) -> bool:
        """Whether a window holding the entry just added (at time ``added``) reaches its limit."""
        times = [entry[0] for entry in entries]
        for window in rule.windows:
            # In time order only the newest end matters; a late line also closes later windows.
            first_end = bisect.bisect_left(times, added)
            last_end = bisect.bisect_right(times, added + window.seconds) - 1
            for end in range(last_end, first_end - 1, -1):
                moment = times[end]
                start = bisect.bisect_right(times, moment - window.seconds)
                inside = entries[start : end + 1]
                number = len({entry[1] for entry in inside}) if rule.distinct else len(inside)
                if number >= window.threshold:
                    what = Message(
                        "logs.what.distinct_paths" if rule.distinct else "logs.what.requests"
                    )
                    if number == 1:
                        what = Message("logs.what.request")
                    if rule.distinct_by == "tag":
                        kinds = ", ".join(sorted({entry[1] for entry in inside}))
                        what = Message("logs.what.kinds", kinds=kinds)
                    if rule.errors:
                        what = Message("logs.what.error_lines")
                    reason = Message(
                        "logs.reason.count",
                        number=number,
                        what=what,
                        window=window.seconds,
                        tag=_tagged(tag),
                    )
                    detection = Detection(rule.id, rule.severity, reason, moment)
                    self._offend(client, detection, [entry[2] for entry in inside])
                    return True
        return False

    def _spread(
        self, index: int, client: str, bucket: int, hashes: frozenset[int], example: str
    ) -> None:
        rule = self.spread_rules.get(index)
        if rule is None or rule.id in self._detections(client):
            return
        key = (index, client, bucket)
        seen, _ = self.spreads.get(key, (set(), example))
        seen |= hashes
        self.spreads[key] = (seen, example)
        window = rule.windows[0]
        if len(seen) >= window.threshold:
            what = (
                Message("logs.what.agents")
                if rule.spread == "agent"
                else Message("logs.what.queries", example=example[:120])
            )
            reason = Message(
                "logs.reason.spread", count=len(seen), what=what, window=window.seconds
            )
            self._offend(client, Detection(rule.id, rule.severity, reason, float(bucket)), [])
            del self.spreads[key]

    def _form(self, index: int, rule: Rule, event: Event) -> None:
        """Site-wide: many addresses posting to one form within the rule's window."""
        seconds = rule.windows[0].seconds
        bucket = int(event.epoch // seconds * seconds)
        form = event.path.split("?", 1)[0][:200]
        state = self.forms.setdefault(
            (index, form, bucket), {"clients": Counter(), "lines": [], "first": event.epoch}
        )
        state["clients"][event.client] += 1
        if len(state["lines"]) < EVIDENCE_PER_DETECTION:
            state["lines"].append(event.line)

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
                reason = Message(
                    "logs.reason.rate",
                    total=total,
                    sustained=rule.sustained_seconds,
                    rate=rate,
                    threshold=window.threshold,
                    window=window.seconds,
                )
                self._offend(client, Detection(rule.id, rule.severity, reason, epoch), [])

    def _forms(self) -> list[dict[str, Any]]:
        """Forms that many addresses posted to: a site finding, and a finding per address."""
        found = []
        for (index, form, bucket), state in sorted(self.forms.items(), key=lambda item: item[0][2]):
            rule = self.window_rules[index]
            clients: Counter[str] = state["clients"]
            posts = sum(clients.values())
            if len(clients) < rule.minimum or posts < rule.windows[0].threshold:
                continue
            reason = Message(
                "logs.reason.form",
                count=len(clients),
                posts=posts,
                form=form,
                window=rule.windows[0].seconds,
            )
            for client in clients:
                self._offend(client, Detection(rule.id, rule.severity, reason, state["first"]), [])
            found.append({
                "rule_id": rule.id, "form": form, "first_minute": bucket, "addresses": len(clients),
                "posts": posts, "severity": rule.severity, "lines": state["lines"],
                "top_addresses": clients.most_common(5),
            })  # fmt: skip
        return found

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
        if self.spreads:
            longest = max(rule.windows[0].seconds for rule in self.spread_rules.values())
            self.spreads = {
                key: value for key, value in self.spreads.items()
                if key[2] > self.now - 2 * longest
            }  # fmt: skip
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
        forms = self._forms()
        return {
            "forms": forms,
            "bursts": [
                burst
                for rule in self.burst_rules
                for burst in _bursts(rule, minute_totals, minute_errors)
            ],
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
            reason = Message(
                "logs.reason.volume", number=number, median=float(median), limit=float(limit)
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


def _tagged(tag: str) -> Message | str:
    return Message("logs.reason.tag", tag=tag) if tag else ""
