"""When a job is due, pure functions of its cron expression, its history and the clock.

A job is due when a fire time passed since it last started. Several missed
fire times still mean one run ("once"); with catch_up "skip" a job more
than a grace period late (a tenth of its interval, 10 minutes to 1 hour)
waits for its next time instead of running late. A job
opskit has never run waits for its first fire time after opskit first saw
it, so installing a schedule never fires a month's recap mid-month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opskit.config.schema import Job

# Backups before their verification, checks before the reports that read them.
PHASES = (
    ("backup run", 10),
    ("backup prune", 15),
    ("backup verify", 20),
    ("check backup", 25),
    ("check", 30),
    ("logs", 30),
    ("report", 80),
)
DEFAULT_PHASE = 50


@dataclass(frozen=True)
class JobState:
    """What the store remembers about a job between runs."""

    first_seen: datetime
    last_started: datetime | None = None
    last_finished: datetime | None = None
    last_status: str | None = None
    last_exit_code: int | None = None
    last_duration_seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in self.__dict__.items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobState:
        def moment(key: str) -> datetime | None:
            return datetime.fromisoformat(data[key]) if data.get(key) else None

        return cls(
            first_seen=moment("first_seen") or datetime.fromisoformat(data["first_seen"]),
            last_started=moment("last_started"),
            last_finished=moment("last_finished"),
            last_status=data.get("last_status"),
            last_exit_code=data.get("last_exit_code"),
            last_duration_seconds=data.get("last_duration_seconds"),
        )


def previous_fire(cron: str, now: datetime, zone: tzinfo) -> datetime:
    """The latest fire time at or before ``now``."""
    from cronsim import CronSim

    return next(iter(CronSim(cron, (now + timedelta(seconds=1)).astimezone(zone), reverse=True)))


def next_fire(cron: str, now: datetime, zone: tzinfo) -> datetime:
    """The first fire time after ``now``."""
    from cronsim import CronSim

    return next(iter(CronSim(cron, now.astimezone(zone))))


def interval(cron: str, now: datetime, zone: tzinfo) -> timedelta:
    """The usual gap between fire times around ``now`` (median of the next few)."""
    import statistics

    from cronsim import CronSim

    times = list(zip(range(8), CronSim(cron, now.astimezone(zone)), strict=False))
    gaps = [
        (later[1] - earlier[1]).total_seconds()
        for earlier, later in zip(times, times[1:], strict=False)
    ]
    return timedelta(seconds=statistics.median(gaps))


def is_due(
    job: Job, state: JobState, now: datetime, zone: tzinfo, catch_up: str | None = None
) -> bool:
    fired = previous_fire(job.cron, now, zone)
    since = max(filter(None, (state.first_seen, state.last_started)))
    if fired <= since:
        return False
    if (catch_up or job.catch_up) == "skip":
        return now - fired <= grace(interval(job.cron, now, zone))
    return True


def grace(every: timedelta) -> timedelta:
    """How late a "skip" job may still start: a tenth of its interval, 10 minutes to 1 hour."""
    return min(max(every / 10, timedelta(minutes=10)), timedelta(hours=1))


def phase(job: Job) -> int:
    for prefix, rank in PHASES:
        if job.run == prefix or job.run.startswith(prefix + " "):
            return rank
    return DEFAULT_PHASE


def ordered(jobs: list[Job]) -> list[Job]:
    return sorted(jobs, key=lambda job: (phase(job), job.name))
