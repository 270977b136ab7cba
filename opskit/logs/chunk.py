"""What scanning a chunk of log lines yields: a small report, and events for the detector.

Reports travel from worker processes to the detector, so they hold counts
and a few events, never the lines themselves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from opskit.logs.fields import SAMPLE_LIMIT


class Event(NamedTuple):
    """A request that matched window rules, as the detector needs it."""

    epoch: float
    client: str
    rules: int  # one bit per window rule it matches
    escalate: int  # one bit per rule it is a finding for on its own
    status: int
    path: str
    line: str


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
    requests: Counter[bytes] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    minute_totals: Counter[int] = field(default_factory=Counter)
    minute_errors: Counter[int] = field(default_factory=Counter)
    events: list[Event] = field(default_factory=list)
    rate_buckets: list[tuple[float, str, int]] = field(default_factory=list)
    volume_histogram: Counter[int] = field(default_factory=Counter)
    volume_candidates: list[tuple[str, int, int]] = field(default_factory=list)
    agents: dict[str, str] = field(default_factory=dict)

    def merge(self, other: ChunkReport) -> None:
        """Adds the report of the chunk that follows this one."""
        self.lines += other.lines
        self.parsed += other.parsed
        self.malformed += other.malformed
        room = max(0, SAMPLE_LIMIT - len(self.malformed_samples))
        self.malformed_samples += other.malformed_samples[:room]
        self.outside_range += other.outside_range
        if other.first_epoch is not None:
            self.first_epoch = min(self.first_epoch or other.first_epoch, other.first_epoch)
        if other.last_epoch is not None:
            self.last_epoch = max(self.last_epoch or other.last_epoch, other.last_epoch)
        self.clients.update(other.clients)
        self.requests.update(other.requests)
        self.statuses.update(other.statuses)
        self.minute_totals.update(other.minute_totals)
        self.minute_errors.update(other.minute_errors)
        self.volume_histogram.update(other.volume_histogram)
        self.events += other.events
        self.rate_buckets += other.rate_buckets
        self.volume_candidates += other.volume_candidates
        for client, agent in other.agents.items():
            self.agents.setdefault(client, agent)
