"""What scanning a chunk of log lines yields: a small report, and events for the detector.

Reports hold counts and a few events, never the lines themselves, so memory
stays flat however long the log is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SAMPLE_LIMIT = 5


class Event(NamedTuple):
    """A request (or error-log line) that matched window rules, as the detector needs it."""

    epoch: float
    client: str
    rules: int  # one bit per window rule it matches
    escalate: int  # one bit per rule it is a finding for on its own
    status: int
    path: str
    line: str
    tag: str = ""  # what exactly matched, when a rule says (a CVE id, an error kind)
    method: str = ""


@dataclass
class ChunkReport:
    """What one chunk held."""

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
    paths: Any = None  # a frame of path -> requests, merged by the engine
    statuses: Counter[int] = field(default_factory=Counter)
    minute_totals: Counter[int] = field(default_factory=Counter)
    minute_errors: Counter[int] = field(default_factory=Counter)
    events: list[Event] = field(default_factory=list)
    rate_buckets: list[tuple[float, str, int]] = field(default_factory=list)
    volume_histogram: Counter[int] = field(default_factory=Counter)
    volume_candidates: list[tuple[str, int, int]] = field(default_factory=list)
    # (rule index, client, bucket start, distinct values seen, an example line)
    spread: list[tuple[int, str, int, frozenset[int], str]] = field(default_factory=list)
    agents: dict[str, str] = field(default_factory=dict)
