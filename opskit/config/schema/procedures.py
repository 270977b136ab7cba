"""``procedures:`` and ``requests:``: the SOP's clock (office hours, holidays, reminders) and
what the IT service requests of SOP B accept."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field

from opskit.config.schema.common import ConfigPath, Section

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_PATTERN = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def _hours(value: str) -> str:
    """``08:00-16:30``: opening before closing, both on the clock."""
    found = HOURS_PATTERN.match(value.strip())
    if not found:
        raise ValueError("write office hours as HH:MM-HH:MM, e.g. 08:00-16:30")
    hour_open, minute_open, hour_close, minute_close = (int(part) for part in found.groups())
    try:
        opening, closing = time(hour_open, minute_open), time(hour_close, minute_close)
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day (00:00 to 23:59)") from None
    if opening >= closing:
        raise ValueError(f"{value!r}: the office must open before it closes")
    return value.strip()


Hours = Annotated[str, AfterValidator(_hours)]


def opening_hours(value: str) -> tuple[time, time]:
    """A validated ``HH:MM-HH:MM`` as (opening, closing)."""
    opening, closing = value.split("-")
    return time.fromisoformat(opening), time.fromisoformat(closing)


DEFAULT_OFFICE_HOURS: dict[Weekday, str] = {
    "mon": "08:00-16:30",
    "tue": "08:00-16:30",
    "wed": "08:00-16:30",
    "thu": "08:00-16:30",
    "fri": "08:00-17:00",
}


class Procedures(Section):
    """The SOP's procedures (service requests, UAT ...): where their definitions live, and
    the office hours their time standards ("Mutu Baku") are counted in."""

    directory: ConfigPath | None = Field(
        None,
        description="Directory of your own procedure definitions (*.yaml), e.g. "
        "/etc/opskit/procedures; one there replaces the built-in procedure of the same name "
        "(copy checks/procedures/service-request.yaml to change a step's role or time "
        "standard).",
    )
    office_hours: dict[Weekday, Hours] = Field(
        default_factory=lambda: dict(DEFAULT_OFFICE_HOURS),
        description="Working hours per weekday (mon ... sun) in the organisation's time zone; "
        "a day not listed is closed. Time standards count only these hours.",
    )
    holidays: dict[date, str] = Field(
        default_factory=dict,
        description="Public holidays and collective leave (cuti bersama) as date: name, e.g. "
        "2026-12-25: Hari Raya Natal; the clock stands still on them. List each year's days.",
    )
    reminder_every_hours: float = Field(
        4,
        gt=0,
        le=24 * 30,
        description="A late step's holder is reminded when it becomes late, then again after "
        "this many office hours while it stays late.",
    )
    critical_after_hours: float = Field(
        8,
        gt=0,
        le=24 * 365,
        description="`opskit check requests`: a step late by more than this many office hours "
        "is CRITICAL (opens an incident); less late is WARNING.",
    )


AttachmentType = Literal["pdf", "png", "jpg", "jpeg", "txt", "csv", "docx", "xlsx", "odt", "ods"]
ATTACHMENT_TYPES: tuple[AttachmentType, ...] = get_args(AttachmentType)


class Attachments(Section):
    """Files people attach to a request or a step."""

    max_megabytes: float = Field(10, gt=0, le=1024, description="Largest file accepted.")
    max_files: int = Field(10, ge=1, le=100, description="Most files attached at once.")
    types: list[AttachmentType] = Field(
        default_factory=lambda: list(ATTACHMENT_TYPES),
        description="File types accepted (" + ", ".join(ATTACHMENT_TYPES) + "), by extension; "
        "the content must match the type, and office files with macros are refused.",
    )


class Requests(Section):
    """IT service requests (SOP B, `opskit request`)."""

    attachments: Attachments = Field(
        default_factory=Attachments, description="What may be attached to a request."
    )
    procedure: str = Field(
        "service-request",
        description="The procedure requests follow (checks/procedures/, or procedures.directory).",
    )


WEEKDAY_NUMBERS = {name: number for number, name in enumerate(WEEKDAYS)}
