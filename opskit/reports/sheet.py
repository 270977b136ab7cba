"""What a table cell shows: text that fits an A4 column, and the full values it cut short.

Long paths, URLs and log lines are shortened in the middle (the start and
the end say the most) and numbered; the document's appendix lists them in
full. Evidence cells say themselves in the document's language: a message,
a date on two short lines, a number in the language's form, "-" for
nothing, never an empty cell.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape

from opskit.evidence import Code, Facts, facts_for
from opskit.text import Words

# Characters of 9-point text one A4 table row holds across (16 cm), and the lines a cell may use.
ROW_CHARACTERS = 150
CELL_LINES = 2
ELLIPSIS = "\u2026"
NOTHING = Markup("-")
TWO_LINES = Markup("{}<br>{}")
CODE = Markup("<code>{}</code>")
TEXT = Markup("<span>{}</span>")
CODE_NOTE = Markup('<code>{}</code><sup class="note">{}</sup>')
TEXT_NOTE = Markup('<span>{}</span><sup class="note">{}</sup>')


def shorten(text: str, limit: int) -> str:
    """``text`` cut in the middle to ``limit`` characters (start and end kept)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 3 // 5
    tail = limit - 1 - head
    return text[:head] + ELLIPSIS + text[-tail:]


def cut(text: str, limit: int) -> str:
    """Running text cut at a word boundary to ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + " " + ELLIPSIS


class Sheet:
    """One document's cells: their words, and the full values of what was shortened."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.full: list[str] = []

    def when(self, moment: datetime | date | None) -> Markup:
        """A date and time on two short lines (``3 Des 2026`` / ``20.01 WITA``)."""
        if moment is None:
            return NOTHING
        if isinstance(moment, datetime):
            return TWO_LINES.format(self.words.short_date(moment), self.words.time(moment))
        return escape(self.words.short_date(moment))

    def short(self, text: str, limit: int = 60, code: bool = True) -> Markup:
        """``text`` at most ``limit`` characters; a cut value is numbered for the appendix."""
        shown = shorten(text, limit)
        if shown == text:
            return (CODE if code else TEXT).format(text)
        self.full.append(text)
        return (CODE_NOTE if code else TEXT_NOTE).format(shown, len(self.full))

    def target(self, target: str, limit: int = 40) -> Markup:
        """A result's target by its human name, shortened to fit a narrow column."""
        named = self.words.target(target)
        if len(named) <= limit:
            return escape(named)
        return self.short(named, limit, code=False)

    def cell(self, value: Any, columns: int = 2) -> Markup:
        """An evidence value in a table of ``columns`` columns."""
        limit = max(24, ROW_CHARACTERS * CELL_LINES // max(1, columns) - 4)
        if value is None or value in ("", []):
            return NOTHING
        if isinstance(value, Code):
            return self.short(value.text, limit)
        if isinstance(value, (datetime, date)):
            return self.when(value)
        if isinstance(value, float):
            return escape(self.words.form(value))
        if isinstance(value, int) and not isinstance(value, bool):
            return escape(self.words.count(value))
        return escape(cut(self.words.say(value), limit))

    def facts(self, check_id: str, evidence: dict[str, Any]) -> list[Facts]:
        return facts_for(check_id, evidence)
