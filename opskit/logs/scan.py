"""Scanning one chunk of log lines into a small report, with the per-line work in Polars.

Counting (clients, paths, statuses, minutes, requests per client and
minute or second) is done by group-bys in native code. Rules' text patterns
run first as one combined pattern per field over the chunk's distinct values
(in Rust's regex engine); only the few values it flags are classified in
Python, and only the lines a rule could care about leave the chunk as events.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl

from opskit.logs.chunk import ChunkReport, Event
from opskit.logs.classify import Classifier
from opskit.logs.frame import FrameReader
from opskit.logs.rules import event_rules
from opskit.logs.settings import ScanSettings

# The site's median requests per client per minute is estimated from every Nth chunk.
VOLUME_SAMPLE_EVERY = 4
EVIDENCE_CHARACTERS = 400
# A line more than this far behind the latest time before it counts as going backwards
# (Apache writes a request's start time when it ends, so a few seconds back is normal).
BACKWARDS_TOLERANCE_SECONDS = 300
# Distinct values of one client in one bucket worth sending on for the spread rules.
SPREAD_MINIMUM = 3


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
        distinct = self._count(frame, report)
        self._collect_events(frame, distinct, report)
        return report

    def _order(self, frame: pl.DataFrame, report: ChunkReport) -> None:
        """First and last time, and the lines that went back in time."""
        epoch = frame.get_column("epoch")
        report.first_epoch, report.last_epoch = float(epoch.min()), float(epoch.max())  # type: ignore[arg-type]
        before = epoch.cum_max().shift(1).fill_null(self.latest).clip(lower_bound=self.latest)
        report.backwards = int((epoch < before - BACKWARDS_TOLERANCE_SECONDS).sum())
        self.latest = max(self.latest, report.last_epoch)

    def _count(self, base: pl.DataFrame, report: ChunkReport) -> dict[str, pl.Series]:
        """All the chunk's counts in one native pass; returns its distinct texts per field.

        The queries share the chunk's frame and run together (``collect_all``), which
        costs far less than one call each.
        """
        lazy = base.lazy()
        error = pl.lit(value=False)
        if self.error_statuses:
            codes = [int(s) for s in self.error_statuses if s.isdigit()]
            classes = [int(s[0]) for s in self.error_statuses if s.endswith("xx")]
            error = pl.col("status").is_in(codes) | (pl.col("status") // 100).is_in(classes)
        queries: dict[str, pl.LazyFrame] = {
            "clients": lazy.group_by("client").len(),
            "paths": lazy.group_by("path").len(),
            "statuses": lazy.group_by("status").len(),
            "minutes": lazy.group_by("minute").agg(pl.len(), error.sum().alias("errors")),
            "target": lazy.select(pl.col("target").unique()),
            "request": lazy.select(pl.col("request").unique()),
            "agent": lazy.select(pl.col("agent").drop_nulls().unique()),
            "referer": lazy.select(pl.col("referer").drop_nulls().unique()),
        }
        queries.update(self._busy_queries(lazy, report))
        queries.update(self._spread_queries(lazy))
        names = list(queries)
        found = dict(zip(names, pl.collect_all([queries[name] for name in names]), strict=True))
        report.clients = Counter(dict(found["clients"].iter_rows()))
        report.paths = found["paths"]
        report.statuses = Counter(dict(found["statuses"].iter_rows()))
        for minute, number, errors in found["minutes"].iter_rows():
            report.minute_totals[minute] = number
            if errors:
                report.minute_errors[minute] = errors
        if "histogram" in found:
            report.volume_histogram = Counter(dict(found["histogram"].iter_rows()))
        if "volume" in found:
            report.volume_candidates = list(found["volume"].iter_rows())
        if "rates" in found:
            report.rate_buckets = list(found["rates"].iter_rows())
        if "agents" in found:
            report.agents = {client: agent or "" for client, agent in found["agents"].iter_rows()}
        for index, _ in self.spread_rules:
            for row in found[f"spread-{index}"].iter_rows(named=True):
                report.spread.append(
                    (index, row["client"], row["bucket"], frozenset(row["hashes"]),
                     str(row.get("path") or row["request"])[:300])
                )  # fmt: skip
        return {name: found[name].to_series() for name in ("target", "request", "agent", "referer")}

    def _busy_queries(self, lazy: pl.LazyFrame, report: ChunkReport) -> dict[str, pl.LazyFrame]:
        """For busy clients only: requests per minute and per second, and one user agent."""
        volume_floor = max(1, self.volume_floor // 2) if self.volume_floor else None
        rate_floor = self._rate_floor(report) if self.rate_rules else None
        floor = min(value for value in (volume_floor, rate_floor, float("inf")) if value)
        queries: dict[str, pl.LazyFrame] = {}
        self.chunks_seen += 1
        if volume_floor is not None and self.chunks_seen % VOLUME_SAMPLE_EVERY == 1:
            pairs = lazy.group_by("client", "minute").len()
            queries["histogram"] = pairs.group_by("len").agg(pl.len().alias("clients"))
        if floor == float("inf"):
            return queries
        busy = lazy.filter(pl.len().over("client") >= floor)
        if volume_floor is not None:
            edges = [
                int((report.first_epoch or 0) // 60) * 60,
                int((report.last_epoch or 0) // 60) * 60,
            ]
            pairs = busy.group_by("client", "minute").len()
            queries["volume"] = pairs.filter(
                (pl.col("len") >= volume_floor) | pl.col("minute").is_in(edges)
            )
        if rate_floor is not None:
            # A rate held for ``sustained`` seconds puts at least half its requests into one
            # fixed span of that length: only such clients' seconds are sent on.
            sustained = max(rule.sustained_seconds for rule in self.rate_rules)
            needed = min(
                rule.windows[0].threshold * rule.sustained_seconds / rule.windows[0].seconds
                for rule in self.rate_rules
            )
            span = (pl.col("epoch") // sustained).cast(pl.Int64)
            queries["rates"] = (
                busy.filter(~pl.col("static"))
                .filter(pl.len().over("client", span) >= needed / 2)
                .group_by(pl.col("epoch").floor().alias("second"), "client")
                .len()
            )
        queries["agents"] = busy.group_by("client").agg(pl.col("agent").first())
        return queries

    def _rate_floor(self, report: ChunkReport) -> float:
        """Below this many lines in the chunk, a client cannot reach a rate rule's limit."""
        span = (report.last_epoch or 0) - (report.first_epoch or 0)
        needed = min(
            rule.windows[0].threshold * rule.sustained_seconds / rule.windows[0].seconds
            for rule in self.rate_rules
        )
        sustained = max(rule.sustained_seconds for rule in self.rate_rules)
        return max(2.0, needed * min(1.0, span / sustained) / 3)

    def _spread_queries(self, lazy: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
        """Clients spreading over many user agents, or many query strings on one path."""
        queries = {}
        for index, rule in self.spread_rules:
            seconds = rule.windows[0].seconds
            least = min(SPREAD_MINIMUM, rule.windows[0].threshold)
            bucket = ((pl.col("epoch") // seconds) * seconds).cast(pl.Int64).alias("bucket")
            frame = lazy
            if rule.spread == "agent":
                keys = ["client", bucket]
                value = pl.col("agent")
            else:
                frame = frame.filter(
                    ~pl.col("static") & pl.col("target").str.contains("?", literal=True)
                )
                keys = ["client", bucket, "path"]
                value = pl.col("target")
            # Only clients with that many distinct values in the chunk are looked at closer.
            frame = frame.filter(value.n_unique().over("client") >= least)
            queries[f"spread-{index}"] = (
                frame.group_by(keys)
                .agg(
                    value.n_unique().alias("distinct"),
                    value.hash().unique().alias("hashes"),
                    pl.col("request").first(),
                )
                .filter(pl.col("distinct") >= least)
            )
        return queries

    def _collect_events(
        self, base: pl.DataFrame, distinct: dict[str, pl.Series], report: ChunkReport
    ) -> None:
        if not self.rules:
            return
        classifier = self.classifier
        wanted = pl.lit(value=False)
        for column, name in (("target", "path"), ("request", "request")):
            anyhow, some = classifier.split_by_method(name, distinct[column])
            if anyhow:
                wanted = wanted | pl.col(column).is_in(anyhow)
            if some:
                methods = pl.col("method").is_in(classifier.methods)
                wanted = wanted | (pl.col(column).is_in(some) & methods)
        for column, name in (("agent", "user_agent"), ("referer", "referer")):
            if classifier.wants(name):
                values = classifier.flag_values(name, distinct[column])
                if values:
                    wanted = wanted | pl.col(column).is_in(values)
        plain = classifier.status_condition()
        if plain is not None:
            wanted = wanted | plain
        rows = base.lazy().filter(wanted).sort("epoch").collect()
        for row in rows.iter_rows(named=True):
            event = self._event(row)
            if event is not None:
                report.events.append(event)

    def _event(self, row: dict[str, Any]) -> Event | None:
        """The event of one line if a window rule matches it."""
        classifier = self.classifier
        status = int(row["status"])
        agent, referer = row["agent"] or "", row["referer"] or ""
        verdict = classifier.verdict(
            row["request"], status, method=row["method"], target=row["target"],
            static=row["static"], agent=agent, referer=referer,
        )  # fmt: skip
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
