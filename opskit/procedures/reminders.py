"""Reminding the people who hold a late step: once when it is found late, then again
each time the interval has passed on the office clock, until the step is taken.

Which reminders are due is decided and marked in one write transaction, so
two scheduled runs at once never remind twice. A new state starts a new
series (the reminders are kept per state entered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from opskit.procedures.clock import OfficeClock
from opskit.store import Store, from_text, to_text


@dataclass(frozen=True)
class Late:
    """An instance whose pending step is late, as the caller found it."""

    instance: int
    entered_position: int


def claim(
    store: Store,
    procedure: str,
    late: list[Late],
    *,
    clock: OfficeClock,
    every: timedelta,
    now: datetime,
) -> dict[int, int]:
    """The late instances due a reminder now, each with its reminder's number (1 = first);
    marked as reminded before returning."""
    due: dict[int, int] = {}
    with store.transaction() as connection:
        for item in late:
            row = connection.execute(
                "SELECT reminders, last_at FROM procedure_reminders WHERE procedure = ?"
                " AND instance = ? AND position = ?",
                (procedure, item.instance, item.entered_position),
            ).fetchone()
            if row is None:
                connection.execute(
                    "INSERT INTO procedure_reminders (procedure, instance, position, reminders,"
                    " last_at) VALUES (?, ?, ?, 1, ?)",
                    (procedure, item.instance, item.entered_position, to_text(now)),
                )
                due[item.instance] = 1
                continue
            last = from_text(row["last_at"])
            if last is not None and clock.elapsed(last, now) < every:
                continue
            connection.execute(
                "UPDATE procedure_reminders SET reminders = reminders + 1, last_at = ?"
                " WHERE procedure = ? AND instance = ? AND position = ?",
                (to_text(now), procedure, item.instance, item.entered_position),
            )
            due[item.instance] = int(row["reminders"]) + 1
    return due


def sent(store: Store, procedure: str, instance: int) -> int:
    """How many reminders went out about the instance's current and earlier states."""
    rows = store.read(
        "SELECT COALESCE(SUM(reminders), 0) AS n FROM procedure_reminders WHERE procedure = ?"
        " AND instance = ?",
        (procedure, instance),
    )
    return int(rows[0]["n"])
