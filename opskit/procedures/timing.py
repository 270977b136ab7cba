"""How an instance stands against the SOP's time standards, on the office clock.

A timed step's clock starts when the instance entered the state the step is
taken from (for the starting step: when the paper or message arrived) and
stops when the step is taken. A step not taken yet is *late* once its due
moment has passed. Log entries that do not change the state (work notes) do
not restart a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure, Standard
from opskit.procedures.engine import Record


@dataclass(frozen=True)
class Waiting:
    """The step an instance waits for now, and how its clock stands."""

    step: str
    since: datetime
    due: datetime
    elapsed: timedelta  # office time since it became pending
    late_by: timedelta  # office time past due (zero when not late)
    standard: Standard

    @property
    def late(self) -> bool:
        return self.late_by > timedelta()

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "since": self.since.isoformat(),
            "due": self.due.isoformat(),
            "elapsed_seconds": self.elapsed.total_seconds(),
            "late": self.late,
            "late_by_seconds": self.late_by.total_seconds(),
            "standard": str(self.standard),
        }


@dataclass(frozen=True)
class Took:
    """A timed step as it was taken: how long it waited, in office time, and whether in time."""

    step: str
    position: int
    sop: str | None
    started: datetime
    taken: datetime
    elapsed: timedelta
    due: datetime
    standard: Standard

    @property
    def within(self) -> bool:
        return self.taken <= self.due

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "position": self.position,
            "sop": self.sop,
            "started": self.started.isoformat(),
            "taken": self.taken.isoformat(),
            "elapsed_seconds": self.elapsed.total_seconds(),
            "due": self.due.isoformat(),
            "within": self.within,
            "standard": str(self.standard),
        }


def waiting(
    procedure: Procedure, state: str, entered_at: datetime, clock: OfficeClock, now: datetime
) -> Waiting | None:
    """The pending timed step of an instance in ``state`` since ``entered_at``, or None."""
    step = procedure.due(state)
    if step is None:
        return None
    standard = procedure.steps[step].standard
    if standard is None:
        return None
    due = clock.due(entered_at, standard)
    return Waiting(
        step=step,
        since=entered_at,
        due=due,
        elapsed=clock.elapsed(entered_at, now),
        late_by=clock.elapsed(due, now),
        standard=standard,
    )


def took(
    procedure: Procedure,
    records: tuple[Record, ...] | list[Record],
    clock: OfficeClock,
    arrived: datetime | None = None,
) -> list[Took]:
    """Every timed step taken, in order; ``arrived`` starts the clock of the first step."""
    found: list[Took] = []
    entered: datetime | None = None
    for record in records:
        step = procedure.steps.get(record.step)
        standard = step.standard if step is not None else None
        if standard is not None and step is not None:
            started = (
                (arrived or record.at) if record.from_state is None else (entered or record.at)
            )
            found.append(
                Took(
                    step=record.step,
                    position=record.position,
                    sop=step.sop,
                    started=started,
                    taken=record.at,
                    elapsed=clock.elapsed(started, record.at),
                    due=clock.due(started, standard),
                    standard=standard,
                )
            )
        if record.from_state != record.to_state:
            entered = record.at
    return found
