"""The service requests' figures for the monthly recap, defined so they can be checked by hand:

- requests by category and priority: those registered in the month, by the
  category and priority they hold at the end of it (``-`` when not set yet);
- per timed step (B1 ... B9): the steps *taken* in the month, how many were
  taken within their time standard, and their median and 90th-percentile
  time in office hours. The median of an even count is the mean of the two
  middle values; the 90th percentile is the nearest rank: the value at
  position ceil(0.9 n) of the sorted times;
- open and late: requests registered up to the month's end that were not
  closed or rejected by then, and of those, the ones whose pending step was
  past due at the month's end (or now, for the current month); closed and
  rejected: of the month's requests, as they stood at that moment.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit.helpdesk import records
from opskit.helpdesk.model import ServiceRequest
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure
from opskit.procedures.timing import Took, took, waiting
from opskit.store import Store


@dataclass(frozen=True)
class StepFigures:
    step: str
    sop: str | None
    standard: str
    taken: int
    within: int
    median_seconds: float
    p90_seconds: float
    # The standard as a document says it: working days, else minutes of office time.
    standard_days: int = 0
    standard_minutes: int = 0

    @property
    def within_percent(self) -> float:
        return 100 * self.within / self.taken if self.taken else 0.0


def nearest_rank(values: list[float], percentile: float) -> float:
    """The value at rank ceil(p/100 * n) of the sorted values (n > 0)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percentile / 100 * len(ordered)))
    return ordered[rank - 1]


def month_figures(
    store: Store,
    procedure: Procedure,
    clock: OfficeClock,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> dict[str, Any]:
    """Everything the recap's request section shows for [start, end)."""
    cutoff = min(now, end)
    everything = records.listing(store, until=end, with_steps=True)
    registered = [request for request in everything if request.created_at >= start]
    by_category = Counter(
        (request.category or "-", request.priority or "-") for request in registered
    )
    taken: dict[str, list[Took]] = {}
    for request in everything:
        for item in took(procedure, request.records, clock, request.arrived_at):
            if start <= item.taken < end:
                taken.setdefault(item.step, []).append(item)
    steps = [
        step_figures(procedure, name, taken[name]) for name in procedure.steps if name in taken
    ]
    still_open, late = [], []
    for request in everything:
        state, entered = _state_at(request, cutoff)
        if procedure.states[state].final:
            continue
        still_open.append(request)
        pending = waiting(procedure, state, entered, clock, cutoff)
        if pending is not None and pending.late:
            late.append((request, pending))
    return {
        "registered": len(registered),
        "by_category": dict(sorted(by_category.items())),
        "category_totals": dict(Counter(request.category or "-" for request in registered)),
        "categories": sorted({category for category, _ in by_category}),
        "priorities": sorted({priority for _, priority in by_category}),
        "steps": steps,
        "open": still_open,
        "late": late,
        "rejected": sum(1 for request in registered if _state_at(request, cutoff)[0] == "rejected"),
        "closed": sum(1 for request in registered if _state_at(request, cutoff)[0] == "closed"),
    }


def step_figures(procedure: Procedure, name: str, items: list[Took]) -> StepFigures:
    seconds = [item.elapsed.total_seconds() for item in items]
    return StepFigures(
        step=name,
        sop=procedure.steps[name].sop,
        standard=str(items[0].standard),
        taken=len(items),
        within=sum(1 for item in items if item.within),
        median_seconds=statistics.median(seconds),
        p90_seconds=nearest_rank(seconds, 90),
        standard_days=items[0].standard.days,
        standard_minutes=items[0].standard.minutes,
    )


def _state_at(request: ServiceRequest, moment: datetime) -> tuple[str, datetime]:
    """The request's state at ``moment`` and when it entered it, from its steps."""
    state, entered = request.records[0].to_state, request.records[0].at
    for record in request.records:
        if record.at > moment:
            break
        if record.to_state != state:
            state, entered = record.to_state, record.at
    return state, entered
