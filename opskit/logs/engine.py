"""Running the scan: chunks to worker processes, reports back in order, detection.

Chunks are scanned in parallel (``jobs`` processes) but their reports are
fed to the detector in file order, so detection follows log time. At most
two chunks per process are in flight, which bounds memory however long the
log is. Small inputs are scanned in this process.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from opskit.logs.detect import TOP_LIMIT, Detector
from opskit.logs.files import read_range
from opskit.logs.formats import LogFormat
from opskit.logs.rules import Rule
from opskit.logs.scan import SAMPLE_LIMIT, ChunkReport, Scanner

# Below this many bytes, starting processes costs more than it saves.
PARALLEL_MINIMUM_BYTES = 16 << 20
IN_FLIGHT_PER_JOB = 2

# A chunk to scan: bytes in hand, or a byte range of a plain file a worker reads itself.
Task = tuple[str, Any, int, int]

_scanner: Scanner | None = None


@dataclass
class Analysis:
    """Everything one analysis found, before it is judged and rendered."""

    lines: int = 0
    parsed: int = 0
    malformed: int = 0
    malformed_samples: list[str] = field(default_factory=list)
    outside_range: int = 0
    first_epoch: float | None = None
    last_epoch: float | None = None
    clients: Counter[str] = field(default_factory=Counter)
    paths: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    minute_totals: Counter[int] = field(default_factory=Counter)
    minute_errors: Counter[int] = field(default_factory=Counter)
    detector: Detector | None = None
    site_findings: dict[str, Any] = field(default_factory=dict)

    def merge(self, report: ChunkReport) -> None:
        self.lines += report.lines
        self.parsed += report.parsed
        self.malformed += report.malformed
        room = SAMPLE_LIMIT - len(self.malformed_samples)
        self.malformed_samples += report.malformed_samples[: max(0, room)]
        self.outside_range += report.outside_range
        if report.first_epoch is not None:
            self.first_epoch = min(self.first_epoch or report.first_epoch, report.first_epoch)
        if report.last_epoch is not None:
            self.last_epoch = max(self.last_epoch or report.last_epoch, report.last_epoch)
        for client, number in report.clients.items():
            self.clients[client.decode("utf-8", "replace")] += number
        for path, number in report.paths.items():
            self.paths[path.decode("utf-8", "backslashreplace")] += number
        for status, number in report.statuses.items():
            self.statuses[int(status)] += number
        self.minute_totals.update(report.minute_totals)
        self.minute_errors.update(report.minute_errors)
        for counter in (self.clients, self.paths):
            if len(counter) > TOP_LIMIT:
                _trim(counter)


def _trim(counter: Counter[str]) -> None:
    """Keep the busiest half: top lists stay right, memory stays bounded."""
    keep = counter.most_common(TOP_LIMIT // 2)
    counter.clear()
    counter.update(dict(keep))


def _start_worker(log_format: LogFormat, rules: list[Rule], since: Any, until: Any) -> None:
    global _scanner  # noqa: PLW0603 - one scanner per worker process, built once
    _scanner = Scanner(log_format, rules, since, until)


def _scan_task(task: Task) -> ChunkReport:
    assert _scanner is not None  # noqa: S101 - set by the pool initializer
    kind, payload, start, end = task
    data = payload if kind == "bytes" else read_range(payload, start, end)
    return _scanner.scan(data)


def analyze(
    tasks: Iterable[Task],
    log_format: LogFormat,
    rules: list[Rule],
    *,
    since: float | None = None,
    until: float | None = None,
    jobs: int = 1,
    expected_bytes: int = 0,
) -> Analysis:
    """Scan every task in order and run detection; memory does not grow with the lines."""
    analysis = Analysis(detector=Detector(rules))
    detector = analysis.detector
    assert detector is not None  # noqa: S101
    if jobs > 1 and expected_bytes >= PARALLEL_MINIMUM_BYTES:
        reports = _parallel(tasks, log_format, rules, since, until, jobs)
    else:
        scanner = Scanner(log_format, rules, since, until)
        reports = (
            scanner.scan(task[1] if task[0] == "bytes" else read_range(*task[1:])) for task in tasks
        )
    for report in reports:
        analysis.merge(report)
        detector.feed(report)
    analysis.site_findings = detector.finish(analysis.minute_totals, analysis.minute_errors)
    return analysis


def _parallel(
    tasks: Iterable[Task],
    log_format: LogFormat,
    rules: list[Rule],
    since: float | None,
    until: float | None,
    jobs: int,
) -> Iterator[ChunkReport]:
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(log_format, rules, since, until),
    ) as pool:
        pending: list[Future[ChunkReport]] = []
        for task in tasks:
            pending.append(pool.submit(_scan_task, task))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
