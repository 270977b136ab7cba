"""Running the scan: chunks read ahead in a thread, scanned in order, detection on log time.

Reading (and decompressing ``.gz`` logs, which zlib does without holding
Python's lock) runs in a thread one chunk ahead of the scanning, whose
native code uses the other cores. Chunks are scanned in file order and
their small reports fed to the detector, so windows follow log time and
memory does not grow with the log.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from opskit.logs.chunk import SAMPLE_LIMIT, ChunkReport
from opskit.logs.detect import TOP_LIMIT, Detector
from opskit.logs.files import read_range

# A chunk to scan: bytes in hand, or a byte range of a plain file.
Task = tuple[str, Any, int, int]
READ_AHEAD = 1
# Per-chunk path counts are merged in native code every so many chunks.
PATH_MERGE_EVERY = 16


@dataclass
class Analysis:
    """Everything one analysis found, before it is judged and rendered."""

    detector: Detector
    lines: int = 0
    parsed: int = 0
    malformed: int = 0
    malformed_samples: list[str] = field(default_factory=list)
    outside_range: int = 0
    backwards: int = 0
    naive_times: int = 0
    first_epoch: float | None = None
    last_epoch: float | None = None
    clients: Counter[str] = field(default_factory=Counter)
    paths: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    minute_totals: Counter[int] = field(default_factory=Counter)
    minute_errors: Counter[int] = field(default_factory=Counter)
    site_findings: dict[str, Any] = field(default_factory=dict)
    log_format: str = ""
    zone: str = ""
    held_back: int = 0
    path_frames: list[Any] = field(default_factory=list)

    def merge(self, report: ChunkReport) -> None:
        self.lines += report.lines
        self.parsed += report.parsed
        self.malformed += report.malformed
        room = SAMPLE_LIMIT - len(self.malformed_samples)
        self.malformed_samples += report.malformed_samples[: max(0, room)]
        self.outside_range += report.outside_range
        self.backwards += report.backwards
        self.naive_times += report.naive_times
        if report.first_epoch is not None:
            self.first_epoch = min(self.first_epoch or report.first_epoch, report.first_epoch)
        if report.last_epoch is not None:
            self.last_epoch = max(self.last_epoch or report.last_epoch, report.last_epoch)
        self.clients.update(report.clients)
        self.statuses.update(report.statuses)
        self.minute_totals.update(report.minute_totals)
        self.minute_errors.update(report.minute_errors)
        if report.paths is not None and report.paths.height:
            self.path_frames.append(report.paths)
            if len(self.path_frames) >= PATH_MERGE_EVERY:
                self.path_frames = [_merged_paths(self.path_frames)]

    def finish(self) -> None:
        """The top paths, counted once for the whole log."""
        if self.path_frames:
            merged = _merged_paths(self.path_frames)
            self.paths = Counter(dict(merged.iter_rows()))
            self.path_frames = []


def _merged_paths(frames: list[Any]) -> Any:
    """Path counts summed; only the busiest TOP_LIMIT kept, which bounds memory."""
    import polars as pl

    merged = pl.concat(frames).group_by("path").agg(pl.col("len").sum())
    if merged.height > TOP_LIMIT:
        merged = merged.sort("len", descending=True).head(TOP_LIMIT // 2)
    return merged


def _chunk(task: Task) -> bytes:
    """The bytes of a task."""
    kind, payload, start, end = task
    if kind == "bytes":
        return payload if isinstance(payload, bytes) else bytes(payload)
    return read_range(payload, start, end)


def analyze(
    tasks: Iterable[Task],
    settings: Any,
    *,
    jobs: int = 2,
    expected_bytes: int = 0,
    extra: Iterable[ChunkReport] = (),
) -> Analysis:
    """Scan every task in order and run detection; memory does not grow with the lines.

    ``jobs`` caps the native threads (set before the engine first loads). ``extra``
    reports (an error log's) are fed to the same detector after the access log.
    """
    # The native engine reads its thread count when it is first loaded, which is here.
    os.environ.setdefault("POLARS_MAX_THREADS", str(max(1, jobs)))
    from opskit.logs.scan import Scanner

    detector = Detector(list(settings.rules))
    analysis = Analysis(detector=detector)
    scanner = Scanner(settings)
    for data in _read_ahead(tasks, expected_bytes):
        report = scanner.scan(data)
        analysis.merge(report)
        detector.feed(report)
    for report in extra:
        analysis.merge(report)
        detector.feed(report)
    analysis.finish()
    analysis.site_findings = detector.finish(analysis.minute_totals, analysis.minute_errors)
    return analysis


def _read_ahead(tasks: Iterable[Task], expected_bytes: int) -> Iterator[bytes]:
    """The tasks' bytes, read by a thread up to READ_AHEAD chunks ahead (large inputs)."""
    if expected_bytes < (4 << 20):
        for task in tasks:
            yield _chunk(task)
        return
    pending: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def read() -> None:
        try:
            for task in tasks:
                if stop.is_set():
                    return
                pending.put(("data", _chunk(task)))
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            pending.put(("error", error))
            return
        pending.put(("end", None))

    reader = threading.Thread(target=read, name="log-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = pending.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        while reader.is_alive():
            try:
                pending.get_nowait()
            except queue.Empty:
                reader.join(0.05)
