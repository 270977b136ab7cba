"""Website content's figures for the monthly recap, defined so they can be checked by hand:

- published: the items whose E6 step was taken in the month, each with its
  office time from the first draft (E3) to publication;
- per timed step (E1 ... E7): the steps taken in the month, how many within
  their time standard, and their median and 90th-percentile office time
  (as for service requests, ``opskit.helpdesk.figures``);
- sent back: every send-back taken in the month, at which step, by whom, why;
- open and late: items not published, archived or withdrawn at the month's
  end (or now, for the current month), and of those the ones whose pending
  step was past due then.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from opskit.content import records
from opskit.helpdesk.figures import nearest_rank, step_figures
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure
from opskit.procedures.timing import Took, took, waiting
from opskit.store import Store

DONE = ("published", "archived", "withdrawn")


def month_figures(
    store: Store, procedure: Procedure, clock: OfficeClock, *, start: datetime, end: datetime,
    now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """Everything the recap's content section shows for [start, end)."""
    cutoff = min(now, end)
    items = [item for item in records.listing(store, with_steps=True) if item.created_at < end]
    published: list[dict[str, Any]] = []
    sent_back: list[dict[str, Any]] = []
    still_open: list[records.Item] = []
    late: list[Any] = []
    taken: dict[str, list[Took]] = {}
    for item in items:
        for entry in took(procedure, item.records, clock, item.created_at):
            if start <= entry.taken < end:
                taken.setdefault(entry.step, []).append(entry)
        publish = next((r for r in item.records if r.step == "publish"), None)
        drafted = next((r for r in item.records if r.step == "draft"), None)
        if publish is not None and start <= publish.at < end:
            seconds = clock.elapsed(drafted.at, publish.at).total_seconds() if drafted else None
            published.append({"item": item, "at": publish.at, "draft_to_publish": seconds})
        for record in item.records:
            if record.step == "send_back" and start <= record.at < end:
                sent_back.append({"item": item, "record": record})
        state, entered = _state_at(item, cutoff)
        if state in DONE:
            continue
        still_open.append(item)
        pending = waiting(procedure, state, entered, clock, cutoff)
        if pending is not None and pending.late:
            late.append((item, pending))
    spans: list[float] = [
        float(entry["draft_to_publish"]) for entry in published if entry["draft_to_publish"]
    ]
    return {
        "published": published,
        "draft_to_publish_median": statistics.median(spans) if spans else None,
        "draft_to_publish_p90": nearest_rank(spans, 90) if spans else None,
        "steps": [step_figures(procedure, name, taken[name]) for name in procedure.steps
                  if name in taken],
        "sent_back": sent_back,
        "open": still_open,
        "late": late,
    }  # fmt: skip


def _state_at(item: records.Item, moment: datetime) -> tuple[str, datetime]:
    """The item's state at ``moment`` and when it entered it, from its steps."""
    state, entered = item.records[0].to_state, item.records[0].at
    for record in item.records:
        if record.at > moment:
            break
        if record.to_state != state:
            state, entered = record.to_state, record.at
    return state, entered
