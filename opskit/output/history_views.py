"""``opskit history`` for a person: recorded runs, or results, as one table.

A short listing to a stream that is not a terminal (cron mail, a pipe) is
laid out by ``plain_table`` in the very bytes Rich would write, without
importing Rich, whose import costs more than the rest of the command (and
with named tuples, made at no cost, where dataclasses generate code).
Whatever Rich would do more than pad (colour on a terminal, wrapping a
wide row, measuring text that is not ASCII, markup in brackets, emoji
codes) is left to Rich.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.result import Status
from opskit.text import Words

# Rich's width for a stream that is not a terminal (``human.make_console``).
NOT_TERMINAL_WIDTH = 120


class StatusCell(NamedTuple):
    """A status in a table: coloured by Rich, its name and note as text otherwise."""

    status: Status
    note: str = ""

    def __str__(self) -> str:
        return self.status.value + self.note


class Table(NamedTuple):
    """A view's table as data: columns, rows, and what to say when there is no row."""

    columns: tuple[str, ...]
    rows: list[list[Any]]
    empty: str


def runs_table(outcome: Outcome, words: Words) -> Table:
    rows: list[list[Any]] = []
    for run in outcome.data["runs"]:
        counts = ", ".join(f"{count} {status}" for status, count in sorted(run["counts"].items()))
        status = Status(run["status"]) if run["status"] else Status.UNKNOWN
        # An interrupted run never said how it ended: its state is shown beside its status.
        state = run.get("state", "finished")
        note = f" ({state})" if state != "finished" else ""
        rows.append(
            [str(run["id"]), run["started_at_local"], run["command"], StatusCell(status, note),
             counts or "-"]
        )  # fmt: skip
    return Table(("Run", "Started", "Command", "Status", "Results"), rows, "no runs recorded yet")


def results_table(outcome: Outcome, words: Words) -> Table:
    from opskit.output.human import said

    rows: list[list[Any]] = [
        [
            result["observed_at_local"],
            StatusCell(Status(result["status"])),
            result["check_id"],
            words.target(result["target"]),
            said(words, result),
        ]
        for result in outcome.data["results"]
    ]
    return Table(("Time", "Status", "Check", "Target", "Summary"), rows, "no results match")


TABLES = {"runs": runs_table, "history-results": results_table}


def render_table(console: Any, table: Table) -> None:
    """The table through Rich (``human.simple_table``), statuses in colour."""
    from opskit.output.human import simple_table, status_text

    def cell(value: Any) -> Any:
        if isinstance(value, StatusCell):
            shown = status_text(value.status)
            if value.note:
                shown.append(value.note)
            return shown
        return value

    console.print(simple_table(list(table.columns), [[cell(v) for v in row] for row in table.rows]))
    if not table.rows:
        console.print(table.empty, highlight=False)


def plain_table(table: Table) -> str | None:
    """The table as Rich lays it out for a stream that is not a terminal, or None where Rich
    would do more than pad its cells."""
    from opskit.output.human import printable

    cells = [list(table.columns)]
    cells += [
        [str(value) if isinstance(value, StatusCell) else printable(mask(_text(value)))
         for value in row]
        for row in table.rows
    ]  # fmt: skip
    if not all(_only_padded(text) for row in cells for text in row):
        return None
    widths = [max(len(row[column]) for row in cells) for column in range(len(table.columns))]
    width = sum(widths) + 3 * (len(widths) - 1)
    if width > NOT_TERMINAL_WIDTH:
        return None
    lines = ["   ".join(text.ljust(size) for text, size in zip(row, widths, strict=True))
             for row in cells]  # fmt: skip
    lines.insert(1, "\u2500" * width)
    if not table.rows:
        lines.append(table.empty)
    return "\n".join(lines) + "\n"


# Rich's emoji codes (``:smile:``, ``:100:``); a name of digits only is a time (``08:30:00``).
_EMOJI_CODE = re.compile(r"(:(\S*?)(?:(?:\-)(emoji|text))?:)")


def _only_padded(text: str) -> bool:
    """Whether Rich writes ``text`` as it is: ASCII, printable, no markup, no emoji code."""
    if not (text.isascii() and text.isprintable()) or "[" in text:
        return False
    names = [match.group(2) for match in _EMOJI_CODE.finditer(text)]
    return all(name.isdigit() and name not in ("100", "1234") for name in names)


def _text(value: Any) -> str:
    return "-" if value is None else str(value)
