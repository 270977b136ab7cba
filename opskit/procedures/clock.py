"""The SOP's clock: time standards counted in office hours, not on the wall clock.

A step received at 16:20 on a Friday with a 30-minute standard is due at
08:20 on Monday (Friday closing at 16:30), later still when Monday is a
holiday. Minutes and hours count open office time; a standard in days ends
at the same office time that many working days later (or at closing time
when that day closes earlier). Everything is computed in the organisation's
time zone and returned as aware datetimes.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from opskit.config.schema import Config
from opskit.config.schema.procedures import WEEKDAY_NUMBERS, opening_hours
from opskit.procedures.definition import Standard

# Far enough to cross any run of holidays an office can have; further is a broken calendar.
MAX_DAYS_SEARCHED = 400


@dataclass(frozen=True)
class OfficeClock:
    zone: tzinfo
    hours: dict[int, tuple[time, time]]  # weekday number (0 = Monday) -> (opening, closing)
    holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, config: Config) -> OfficeClock:
        settings = config.procedures
        return cls(
            zoneinfo.ZoneInfo(config.organisation.timezone),
            {
                WEEKDAY_NUMBERS[day]: opening_hours(text)
                for day, text in settings.office_hours.items()
            },
            frozenset(settings.holidays),
        )

    def opening(self, day: date) -> tuple[datetime, datetime] | None:
        """When the office opens and closes on ``day``, or None when it is closed all day."""
        if day in self.holidays or day.weekday() not in self.hours:
            return None
        opening, closing = self.hours[day.weekday()]
        return (
            datetime.combine(day, opening, tzinfo=self.zone),
            datetime.combine(day, closing, tzinfo=self.zone),
        )

    def periods(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open periods from ``start`` onwards (the first one cut at ``start``)."""
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(MAX_DAYS_SEARCHED):
            hours = self.opening(day)
            if hours is not None and hours[1] > local:
                yield max(hours[0], local), hours[1]
            day += timedelta(days=1)
        raise ValueError(
            f"the office is closed for {MAX_DAYS_SEARCHED} days from {local:%Y-%m-%d}; "
            "check procedures.office_hours and procedures.holidays"
        )

    def is_open(self, moment: datetime) -> bool:
        hours = self.opening(moment.astimezone(self.zone).date())
        return hours is not None and hours[0] <= moment < hours[1]

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Office time between ``start`` and ``end`` (zero when end is not after start)."""
        if end <= start:
            return timedelta()
        total = timedelta()
        local_end = end.astimezone(self.zone)
        day = start.astimezone(self.zone).date()
        while day <= local_end.date():
            hours = self.opening(day)
            if hours is not None:
                begin, finish = max(hours[0], start), min(hours[1], end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The moment ``amount`` of office time after ``start``."""
        left = amount
        for begin, finish in self.periods(start):
            if finish - begin >= left:
                return begin + left
            left -= finish - begin
        raise AssertionError("periods() never ends without raising")  # pragma: no cover

    def due(self, start: datetime, standard: Standard) -> datetime:
        """When a step that became pending at ``start`` is due under ``standard``."""
        if not standard.days:
            return self.add(start, timedelta(minutes=standard.minutes))
        begin, _ = next(self.periods(start))  # the clock starts when the office is open
        offset = begin - datetime.combine(begin.date(), time(), tzinfo=self.zone)
        day, counted = begin.date(), 0
        for _ in range(MAX_DAYS_SEARCHED):
            day += timedelta(days=1)
            hours = self.opening(day)
            if hours is None:
                continue
            counted += 1
            if counted == standard.days:
                moment = datetime.combine(day, time(), tzinfo=self.zone) + offset
                return min(max(moment, hours[0]), hours[1])
        raise ValueError(
            f"no {standard.days} working days within {MAX_DAYS_SEARCHED} days of "
            f"{begin:%Y-%m-%d}; check procedures.office_hours and procedures.holidays"
        )
