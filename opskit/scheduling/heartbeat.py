"""``opskit check schedule``: a scheduler that stopped must not look like "all OK".

A job whose last start is more than 1.5 of its intervals ago is late
(WARNING); more than 3 intervals (or never, 3 intervals after opskit first
saw it) means the scheduler itself is broken (CRITICAL).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from opskit.catalog import sop_row
from opskit.config.schema import Job
from opskit.result import Metric, Result, Status
from opskit.scheduling.jobs import JobState, interval
from opskit.text import Message

LATE_INTERVALS = 1.5
BROKEN_INTERVALS = 3.0


def evaluate(job: Job, state: JobState, now: datetime, zone: tzinfo) -> Result:
    every = interval(job.cron, now, zone)
    reference = state.last_started or state.first_seen
    intervals = (now - reference) / every
    if intervals > BROKEN_INTERVALS:
        status = Status.CRITICAL
    elif intervals > LATE_INTERVALS:
        status = Status.WARNING
    else:
        status = Status.OK
    hours = (now - reference).total_seconds() / 3600
    hint = Message("schedule_check.hint") if status is not Status.OK else ""
    if state.last_started is None:
        summary = Message("schedule_check.never", every=every.total_seconds(), hint=hint)
    else:
        summary = Message(
            "schedule_check.last",
            hours=hours,
            state=state.last_status or Message("schedule_check.no_status"),
            every=every.total_seconds(),
            hint=hint,
        )
    return Result(
        check_id="schedule.heartbeat",
        target=job.name,
        status=status,
        summary=summary,
        evidence={
            "cron": job.cron,
            "run": job.run,
            "last_started": state.last_started and state.last_started.isoformat(),
            "last_status": state.last_status,
            "first_seen": state.first_seen.isoformat(),
        },
        metrics=(
            Metric(
                "intervals_since_last_run",
                round(intervals, 2),
                "",
                LATE_INTERVALS,
                BROKEN_INTERVALS,
            ),
        ),
        sop_row=sop_row("schedule.heartbeat"),
    )
