"""The agenda register: the number each document is filed under.

Each kind of document has its own run of numbers per year (the year of the
letter's date, in the organisation's time zone). A number is given in one
write transaction (``BEGIN IMMEDIATE``), so two opskit processes asking at
once get different, consecutive numbers, and a number once given is never
given again, even when its document is deleted. The number is kept with the
document's key (its file stem), so writing the same document again, in
another format or the other language, keeps its number and its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from opskit.store import Store, from_text, to_text
from opskit.text import roman_month

# The classification code of each document in its number.
CODES = {
    "incident": "LSK",
    "daily": "LHS",
    "recap": "RHMP",
    "handoff": "STM",
    "schedule": "JP",
    "uat": "BA-UAT",
    "public-info": "LKIP",
    "policy": "KTI",
}
DEFAULT_PATTERN = "{seq:03}/{code}/{month_roman}/{year}"


@dataclass(frozen=True)
class Entry:
    """A document's place in the register."""

    number: str
    sequence: int
    year: int
    dated_at: datetime


def pattern_for(kind: str, numbering: dict[str, str], prefix: str | None) -> str:
    """The configured pattern of ``kind``, else the default (behind the office code, if any)."""
    if kind in numbering:
        return numbering[kind]
    return f"{{prefix}}/{DEFAULT_PATTERN}" if prefix else DEFAULT_PATTERN


def format_number(pattern: str, sequence: int, kind: str, moment: datetime, prefix: str) -> str:
    return pattern.format(
        seq=sequence,
        code=CODES.get(kind, kind.upper()),
        month_roman=roman_month(moment.month),
        month=f"{moment.month:02d}",
        year=moment.year,
        prefix=prefix,
    )


def assign(
    store: Store,
    *,
    kind: str,
    key: str,
    moment: datetime,
    zone: tzinfo,
    pattern: str,
    prefix: str = "",
    title: str = "",
) -> Entry:
    """The register entry of document ``key``: the one it has, else the next number of its year."""
    with store.transaction() as connection:
        row = connection.execute(
            "SELECT * FROM register_entries WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        if row is not None:
            return _entry(row)
        local = moment.astimezone(zone)
        connection.execute(
            "INSERT INTO register_counters (register, year, last) VALUES (?, ?, 1)"
            " ON CONFLICT (register, year) DO UPDATE SET last = register_counters.last + 1",
            (kind, local.year),
        )
        sequence = int(
            connection.execute(
                "SELECT last FROM register_counters WHERE register = ? AND year = ?",
                (kind, local.year),
            ).fetchone()[0]
        )
        number = format_number(pattern, sequence, kind, local, prefix)
        connection.execute(
            "INSERT INTO register_entries (register, year, sequence, kind, key, number,"
            " dated_at, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, local.year, sequence, kind, key, number, to_text(moment), title),
        )
    return Entry(number, sequence, local.year, moment)


def _entry(row: Any) -> Entry:
    return Entry(
        number=row["number"],
        sequence=row["sequence"],
        year=row["year"],
        dated_at=from_text(row["dated_at"]),  # type: ignore[arg-type]
    )
