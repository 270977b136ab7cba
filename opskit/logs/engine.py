"""Running the scan: chunks to worker processes, reports back in order, detection.

Chunks are scanned in parallel (``jobs`` processes) but their reports are
fed to the detector in file order, so detection follows log time. At most
two chunks per process are in flight, which bounds memory however long the
log is. Small inputs are scanned in this process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opskit.logs.chunk import ChunkReport
from opskit.logs.classify import request_path
from opskit.logs.detect import TOP_LIMIT, Detector
from opskit.logs.fields import SAMPLE_LIMIT, client_text
from opskit.logs.files import read_range
from opskit.logs.scan import Scanner, ScanSettings

if TYPE_CHECKING:
    from concurrent.futures import Future

# Below this many bytes, starting processes costs more than it saves.
PARALLEL_MINIMUM_BYTES = 16 << 20
IN_FLIGHT_PER_JOB = 2

# A chunk to scan: bytes in hand, or a byte range of a plain file a worker reads itself.
Task = tuple[str, Any, int, int]

_scanner: Scanner | None = None


@dataclass
class Analysis:
    """Everything one analysis found, before it is judged and rendered."""

    detector: Detector
    lines: int = 0
    parsed: int = 0
    malformed: int = 0
    malformed_samples: list[str] = field(default_factory=list)
    outside_range: int = 0
    first_epoch: float | None = None
    last_epoch: float | None = None
    clients: Counter[str] = field(default_factory=Counter)
    paths: Counter[str] = field(default_factory=Counter)
    # Counted as the scanners send them (bytes), turned into text and paths once at the end.
    client_keys: Counter[bytes] = field(default_factory=Counter)
    request_keys: Counter[bytes] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    minute_totals: Counter[int] = field(default_factory=Counter)
    minute_errors: Counter[int] = field(default_factory=Counter)
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
        self.client_keys.update(report.clients)
        self.request_keys.update(report.requests)
        self.statuses.update(report.statuses)
        self.minute_totals.update(report.minute_totals)
        self.minute_errors.update(report.minute_errors)
        for counter in (self.client_keys, self.request_keys):
            if len(counter) > TOP_LIMIT:
                _trim(counter)

    def finish(self) -> None:
        """Turns the counted keys into client addresses and paths, once for the whole log."""
        for key, number in self.client_keys.items():
            self.clients[client_text(key)] += number
        for request, number in self.request_keys.items():
            self.paths[request_path(request).decode("utf-8", "backslashreplace")] += number
        self.client_keys.clear()
        self.request_keys.clear()


def _trim(counter: Counter[bytes]) -> None:
    """Keep the busiest half: top lists stay right, memory stays bounded."""
    keep = counter.most_common(TOP_LIMIT // 2)
    counter.clear()
    counter.update(dict(keep))


def _start_worker(settings: ScanSettings) -> None:
    global _scanner  # noqa: PLW0603 - one scanner per worker process, built once
    _scanner = Scanner(settings)


def _scan_task(task: Task) -> ChunkReport:
    if _scanner is None:
        raise RuntimeError("scan task outside a worker started by _start_worker")
    return _scanner.scan(_chunk(task))


def _chunk(task: Task) -> bytes:
    """The task's lines with a newline in front, as the scanner takes them."""
    kind, payload, start, end = task
    if kind == "bytes":
        return b"\n" + payload
    if start == 0:
        return b"\n" + read_range(payload, 0, end)
    # A range starts after a newline (or after a cut overlong line): reading from one byte
    # earlier usually gives the newline in front without copying the chunk.
    data = read_range(payload, start - 1, end)
    return data if data[:1] == b"\n" else b"\n" + data[1:]


def analyze(
    tasks: Iterable[Task],
    settings: ScanSettings,
    *,
    jobs: int = 1,
    expected_bytes: int = 0,
) -> Analysis:
    """Scan every task in order and run detection; memory does not grow with the lines."""
    detector = Detector(list(settings.rules))
    analysis = Analysis(detector=detector)
    if jobs > 1 and expected_bytes >= PARALLEL_MINIMUM_BYTES:
        reports = _parallel(tasks, settings, jobs)
    else:
        scanner = Scanner(settings)
        reports = (scanner.scan(_chunk(task)) for task in tasks)
    for report in reports:
        analysis.merge(report)
        detector.feed(report)
    analysis.finish()
    analysis.site_findings = detector.finish(analysis.minute_totals, analysis.minute_errors)
    return analysis


def _parallel(tasks: Iterable[Task], settings: ScanSettings, jobs: int) -> Iterator[ChunkReport]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(settings,),
    ) as pool:
        pending: list[Future[ChunkReport]] = []
        for task in tasks:
            pending.append(pool.submit(_scan_task, task))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
