"""What an evidence view is made of: labelled facts and small tables, cells that say themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opskit.text import Message, message_from

# Rows shown per table; the rest is counted and left to the appendix.
MAX_ROWS = 12


@dataclass(frozen=True)
class Code:
    """Text shown as typed: a path, a command, a URL, a line of a log."""

    text: str


@dataclass(frozen=True)
class Facts:
    """A small table: ``columns`` name the columns; without them the rows are label-value pairs."""

    rows: tuple[tuple[Any, ...], ...]
    columns: tuple[Message, ...] = ()
    caption: Message | None = None
    more: int = 0


View = Callable[[dict[str, Any]], list[Facts]]


def label(key: str, **values: Any) -> Message:
    return Message(f"evidence.{key}", **values)


def pairs(*items: tuple[str, Any], caption: Message | None = None) -> Facts:
    """Label-value rows, leaving out values that are missing."""
    rows = tuple((label(key), value) for key, value in items if value not in (None, "", [], {}))
    return Facts(rows=rows, caption=caption)


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    caption: Message | None = None,
    limit: int = MAX_ROWS,
) -> Facts:
    """A table with a header of ``evidence.<column>`` labels, cut at ``limit`` rows."""
    listed = [tuple(row) for row in rows]
    return Facts(
        rows=tuple(listed[:limit]),
        columns=tuple(label(column) for column in columns),
        caption=caption,
        more=max(0, len(listed) - limit),
    )


def moment(text: Any) -> datetime | None:
    """A stored ISO time (or an epoch) as a datetime, None if there is none."""
    if isinstance(text, (int, float)):
        from datetime import UTC

        return datetime.fromtimestamp(text, UTC)
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text).replace(" +", "+"))
    except ValueError:
        return None


def yes_no(value: Any) -> Message:
    return Message("words.yes" if value else "words.no")


def said(data: Any, fallback: Any = "") -> Any:
    """A message stored in evidence (its dict form), else the fallback text."""
    return message_from(data) if isinstance(data, dict) else fallback


def facts_only(found: Iterable[Facts | None]) -> list[Facts]:
    return [item for item in found if item is not None and item.rows]
