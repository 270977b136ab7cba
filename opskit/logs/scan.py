"""Scanning one chunk of log lines into a small report, with the per-line work in Polars.

Counting (clients, paths, statuses, minutes, requests per client and
minute or second) is done by group-bys in native code. Rules' text patterns
run first as one combined pattern per field over the chunk's distinct values
(in Rust's regex engine); only the few values it flags are classified in
Python, and only the lines a rule could care about leave the chunk as events.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import polars as pl

from opskit.logs.chunk import ChunkReport, Event
from opskit.logs.classify import STATIC_PATTERN, Classifier
from opskit.logs.formats import LogFormat
from opskit.logs.frame import FrameReader, Zone
from opskit.logs.rules import Rule, event_rules

# The site's median requests per client per minute is estimated from every Nth chunk.
VOLUME_SAMPLE_EVERY = 4
EVIDENCE_CHARACTERS = 400
# A line more than this far behind the latest time before it counts as going backwards
# (Apache writes a request's start time when it ends, so a few seconds back is normal).
BACKWARDS_TOLERANCE_SECONDS = 300
# Distinct values of one client in one bucket worth sending on for the spread rules.
SPREAD_MINIMUM = 3


@dataclass(frozen=True)
class ScanSettings:
    """What the scanning of one analysis needs; plain data."""

    log_format: LogFormat
    rules: tuple[Rule, ...]
    since: float | None = None
    until: float | None = None
    zone: Zone = Zone()


class Scanner:
    """Turns chunks into ChunkReports for one log format and rule set."""

    def __init__(self, settings: ScanSettings) -> None:
        self.reader = FrameReader(settings.log_format, settings.zone)
        self.since = settings.since
        self.until = settings.until
        rules = settings.rules
        self.rules = event_rules(rules)
        self.classifier = Classifier(self.rules)
        self.rate_rules = [rule for rule in rules if rule.kind == "rate"]
        relative = [rule for rule in rules if rule.kind == "site-relative"]
        self.volume_floor = min((rule.minimum for rule in relative), default=0)
        burst = [rule for rule in rules if rule.kind == "site-burst"]
        self.error_statuses = tuple(status for rule in burst for status in rule.statuses)
        self.spread_rules = [
            (index, rule) for index, rule in enumerate(rules) if rule.kind == "spread"
        ]
        self.latest = float("-inf")
        self.chunks_seen = 0

    def scan(self, data: bytes) -> ChunkReport:
        """The report of ``data``: whole lines (the last newline is optional)."""
        chunk = self.reader.read(data)
        report = ChunkReport(
            lines=chunk.lines,
            malformed=chunk.malformed,
            malformed_samples=chunk.samples,
            naive_times=chunk.naive_times,
        )
        frame = chunk.frame
        if self.since is not None or self.until is not None:
            since = self.since if self.since is not None else float("-inf")
            until = self.until if self.until is not None else float("inf")
            inside = frame.filter((pl.col("epoch") >= since) & (pl.col("epoch") < until))
            report.outside_range = frame.height - inside.height
            frame = inside
        report.parsed = frame.height
        if not frame.height:
            return report
        self._order(frame, report)
        base = self._derived(frame)
        self._count(base, report)
        self._collect_events(base, report)
        return report

    def _order(self, frame: pl.DataFrame, report: ChunkReport) -> None:
        """First and last time, and the lines that went back in time."""
        epoch = frame.get_column("epoch")
        report.first_epoch, report.last_epoch = float(epoch.min()), float(epoch.max())  # type: ignore[arg-type]
        before = epoch.cum_max().shift(1).fill_null(self.latest).clip(lower_bound=self.latest)
        report.backwards = int((epoch < before - BACKWARDS_TOLERANCE_SECONDS).sum())
        self.latest = max(self.latest, report.last_epoch)

    def _derived(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Method, target, path, whether it is a static file, minute and second of each line."""
        request = pl.col("request")
        parts = request.str.splitn(" ", 3)
        method = parts.struct.field("field_0")
        has_method = method.str.contains("^[A-Z]{1,20}$") & parts.struct.field("field_1").is_not_null()
        target = pl.when(has_method).then(parts.struct.field("field_1")).otherwise(request)
        return (
            frame.lazy()
            .with_columns(
                pl.when(has_method).then(method).otherwise(pl.lit("")).alias("method"),
                target.alias("target"),
            )
            .with_columns(
                pl.col("target").str.splitn("?", 2).struct.field("field_0").alias("path"),
                ((pl.col("epoch") // 60) * 60).cast(pl.Int64).alias("minute"),
            )
            .with_columns(
                pl.col("path").str.to_lowercase().str.contains(STATIC_PATTERN).alias("static")
            )
            .collect()
        )

    def _count(self, base: pl.DataFrame, report: ChunkReport) -> None:
        lazy = base.lazy()
        error = pl.lit(value=False)
        if self.error_statuses:
            codes = [int(s) for s in self.error_statuses if s.isdigit()]
            classes = [int(s[0]) for s in self.error_statuses if s.endswith("xx")]
            error = pl.col("status").is_in(codes) | (pl.col("status") // 100).is_in(classes)
        queries = [
            lazy.group_by("client").len(),
            lazy.group_by("path").len(),
            lazy.group_by("status").len(),
            lazy.group_by("minute").agg(pl.len(), error.sum().alias("errors")),
        ]
        clients, paths, statuses, minutes = pl.collect_all(queries)
        report.clients = Counter(dict(clients.iter_rows()))
        report.paths = paths
        report.statuses = Counter(dict(statuses.iter_rows()))
        for minute, number, errors in minutes.iter_rows():
            report.minute_totals[minute] = number
            if errors:
                report.minute_errors[minute] = errors
        self._busy(base, report)
        self._spread(base, report)

    def _busy(self, base: pl.DataFrame, report: ChunkReport) -> None:
        """For busy clients only: requests per minute and per second, and one user agent."""
        volume_floor = max(1, self.volume_floor // 2) if self.volume_floor else None
        rate_floor = self._rate_floor(report) if self.rate_rules else None
        floor = min(value for value in (volume_floor, rate_floor, float("inf")) if value)
        heavy = [client for client, number in report.clients.items() if number >= floor]
        self.chunks_seen += 1
        if volume_floor is not None and self.chunks_seen % VOLUME_SAMPLE_EVERY == 1:
            pairs = base.group_by("client", "minute").len()
            histogram = pairs.group_by("len").agg(pl.len().alias("clients"))
            report.volume_histogram = Counter(dict(histogram.iter_rows()))
        if not heavy:
            return
        busy = base.filter(pl.col("client").is_in(heavy))
        if volume_floor is not None:
            edges = [
                int((report.first_epoch or 0) // 60) * 60,
                int((report.last_epoch or 0) // 60) * 60,
            ]
            pairs = busy.group_by("client", "minute").len()
            pairs = pairs.filter((pl.col("len") >= volume_floor) | pl.col("minute").is_in(edges))
            report.volume_candidates = list(pairs.iter_rows())
        if rate_floor is not None:
            seconds = (
                busy.filter(~pl.col("static"))
                .group_by(pl.col("epoch").floor().alias("second"), "client")
                .len()
            )
            report.rate_buckets = list(seconds.iter_rows())
        if "agent" in base.columns:
            agents = busy.group_by("client").agg(pl.col("agent").first())
            report.agents = {client: agent or "" for client, agent in agents.iter_rows()}

    def _rate_floor(self, report: ChunkReport) -> float:
        """Below this many lines in the chunk, a client cannot reach a rate rule's limit."""
        span = (report.last_epoch or 0) - (report.first_epoch or 0)
        needed = min(
            rule.windows[0].threshold * rule.sustained_seconds / rule.windows[0].seconds
            for rule in self.rate_rules
        )
        sustained = max(rule.sustained_seconds for rule in self.rate_rules)
        return max(2.0, needed * min(1.0, span / sustained) / 3)

    def _spread(self, base: pl.DataFrame, report: ChunkReport) -> None:
        """Clients spreading over many user agents, or many query strings on one path."""
        for index, rule in self.spread_rules:
            seconds = rule.windows[0].seconds
            bucket = ((pl.col("epoch") // seconds) * seconds).cast(pl.Int64).alias("bucket")
            frame = base.lazy()
            if rule.spread == "agent":
                keys = ["client", bucket]
                value = pl.col("agent")
            else:
                frame = frame.filter(pl.col("target").str.contains("?", literal=True))
                frame = frame.filter(~pl.col("static"))
                keys = ["client", bucket, "path"]
                value = pl.col("target")
            groups = (
                frame.group_by(keys)
                .agg(
                    value.n_unique().alias("distinct"),
                    value.hash().unique().alias("hashes"),
                    pl.col("request").first(),
                )
                .filter(pl.col("distinct") >= min(SPREAD_MINIMUM, rule.windows[0].threshold))
                .collect()
            )
            for row in groups.iter_rows(named=True):
                report.spread.append(
                    (index, row["client"], row["bucket"], frozenset(row["hashes"]),
                     str(row.get("path") or row["request"])[:300])
                )  # fmt: skip

    def _collect_events(self, base: pl.DataFrame, report: ChunkReport) -> None:
        if not self.rules:
            return
        classifier = self.classifier
        wanted = pl.lit(value=False)
        found = classifier.flag_values("path", base.get_column("target").unique())
        requests = classifier.flag_values("request", base.get_column("request").unique())
        if found:
            wanted = wanted | pl.col("target").is_in(found)
        if requests:
            wanted = wanted | pl.col("request").is_in(requests)
        for column, name in (("agent", "user_agent"), ("referer", "referer")):
            if classifier.wants(name) and base.get_column(column).null_count() < base.height:
                values = classifier.flag_values(name, base.get_column(column).drop_nulls().unique())
                if values:
                    wanted = wanted | pl.col(column).is_in(values)
        statuses = [code for code in report.statuses if classifier.status_interest(code)]
        if statuses:
            wanted = wanted | pl.col("status").is_in(statuses)
        if classifier.method_rules:
            wanted = wanted | pl.col("method").is_in(classifier.method_rules)
        rows = base.filter(wanted).sort("epoch")
        for row in rows.iter_rows(named=True):
            event = self._event(row)
            if event is not None:
                report.events.append(event)

    def _event(self, row: dict[str, Any]) -> Event | None:
        """The event of one line if a window rule matches it."""
        classifier = self.classifier
        status = int(row["status"])
        agent, referer = row["agent"] or "", row["referer"] or ""
        verdict = classifier.verdict(row["method"], row["target"], row["request"], status,
                                     row["static"], agent, referer)  # fmt: skip
        if not verdict.rules:
            return None
        line = (
            f'{row["client"]} [{row["time"]}] "{row["request"]}" {status} '
            f'"{referer or "-"}" "{agent or "-"}"'
        )
        return Event(
            epoch=row["epoch"],
            client=row["client"],
            rules=verdict.rules,
            escalate=verdict.escalate,
            status=status,
            path=row["target"][:500],
            line=line[:EVIDENCE_CHARACTERS],
            tag=verdict.tag,
            method=row["method"],
        )

