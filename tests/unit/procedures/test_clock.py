"""The SOP's clock in office hours: weekends and holidays stand still, days are working days."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest

from opskit.config.load import load
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Standard

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
WEEKDAYS = {day: (time(8), time(16)) for day in range(5)}
# Friday 4 December 2026, Monday 7 December a holiday, Tuesday 8 December back at work.
FRIDAY, HOLIDAY, TUESDAY = date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 8)
CLOCK = OfficeClock(MAKASSAR, WEEKDAYS, frozenset({HOLIDAY}))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MAKASSAR)


def test_the_calendar_of_these_tests() -> None:
    assert (FRIDAY.strftime("%A"), HOLIDAY.strftime("%A")) == ("Friday", "Monday")


def test_minutes_within_one_office_day() -> None:
    start = at(TUESDAY, 9)

    assert CLOCK.due(start, Standard(minutes=30)) == at(TUESDAY, 9, 30)
    assert CLOCK.elapsed(start, at(TUESDAY, 11, 15)) == timedelta(hours=2, minutes=15)


def test_a_standard_running_into_the_weekend_and_a_holiday_resumes_after_them() -> None:
    start = at(FRIDAY, 15, 55)

    due = CLOCK.due(start, Standard(minutes=10))

    assert due == at(TUESDAY, 8, 5)
    assert CLOCK.elapsed(start, due) == timedelta(minutes=10)
    assert CLOCK.elapsed(start, at(HOLIDAY, 12)) == timedelta(minutes=5)


def test_a_step_received_after_closing_starts_at_the_next_opening() -> None:
    start = at(date(2026, 12, 3), 20, 15)  # Thursday evening

    assert CLOCK.due(start, Standard(minutes=15)) == at(FRIDAY, 8, 15)
    assert CLOCK.elapsed(start, at(FRIDAY, 8)) == timedelta()


def test_hours_span_several_office_days() -> None:
    start = at(date(2026, 12, 3), 14)  # Thursday 14:00, 2 hours before closing

    assert CLOCK.due(start, Standard(minutes=10 * 60)) == at(FRIDAY, 16)
    assert CLOCK.due(start, Standard(minutes=11 * 60)) == at(TUESDAY, 9)
    assert CLOCK.elapsed(start, at(TUESDAY, 9)) == timedelta(hours=11)


def test_a_day_ends_at_the_same_office_time_the_next_working_day() -> None:
    assert CLOCK.due(at(FRIDAY, 10, 30), Standard(days=1)) == at(TUESDAY, 10, 30)
    assert CLOCK.due(at(date(2026, 12, 3), 9), Standard(days=2)) == at(TUESDAY, 9)
    # Received after closing: counted from the next opening.
    assert CLOCK.due(at(FRIDAY, 18), Standard(days=1)) == at(date(2026, 12, 9), 8)


def test_a_day_that_closes_earlier_ends_at_its_closing() -> None:
    short_friday = OfficeClock(MAKASSAR, {**WEEKDAYS, 4: (time(8), time(11))})

    assert short_friday.due(at(date(2026, 12, 3), 15), Standard(days=1)) == at(FRIDAY, 11)


def test_is_open() -> None:
    assert CLOCK.is_open(at(TUESDAY, 8))
    assert not CLOCK.is_open(at(TUESDAY, 16))
    assert not CLOCK.is_open(at(HOLIDAY, 10))
    assert not CLOCK.is_open(at(date(2026, 12, 5), 10))


def test_an_office_never_open_is_a_readable_error() -> None:
    closed = OfficeClock(MAKASSAR, {})

    with pytest.raises(ValueError, match="the office is closed for 400 days"):
        closed.due(at(TUESDAY, 9), Standard(minutes=10))


def test_the_clock_reads_hours_and_holidays_from_the_config(make_config) -> None:
    config = load(
        make_config(
            {
                "procedures": {
                    "office_hours": {"mon": "07:30-16:00", "fri": "07:30-11:30"},
                    "holidays": {"2026-12-25": "Hari Raya Natal"},
                }
            }
        )
    )

    clock = OfficeClock.of(config)

    assert clock.hours == {0: (time(7, 30), time(16)), 4: (time(7, 30), time(11, 30))}
    assert clock.holidays == frozenset({date(2026, 12, 25)})
    assert clock.zone == MAKASSAR


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("8-16", "write office hours as HH:MM-HH:MM"),
        ("16:00-08:00", "must open before it closes"),
        ("08:00-25:00", "not a time of day"),
    ],
)
def test_bad_office_hours_are_refused_with_their_place(make_config, cli, hours, message) -> None:
    path = make_config({"procedures": {"office_hours": {"mon": hours}}})

    result = cli("-c", path, "config", "validate")

    said = " ".join((result.stdout + result.stderr).split())
    assert result.exit_code == 3
    assert "procedures.office_hours.mon" in said
    assert message in said
