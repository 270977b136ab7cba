"""Which period a court document is about, read from its title or file name.

Court websites name their reports in words, not dates: "LKjIP Tahun
2024", "Laporan Keuangan Semester I Tahun 2025", "Survei Kepuasan
Triwulan II 2025", "LRA Bulan Juli 2025", "Realisasi Anggaran Bulan VII
Tahun 2025", "Renstra 2025-2029", "Laporan Keuangan untuk Periode yang
Berakhir 30 Juni 2024". A letter number such as ``W17-A23/512/HK.05/VII/2025``
dates a decree (July 2025) without being a report period. References to
laws ("UU Nomor 14 Tahun 2008") and DIPA numbers ("DIPA 01") are neither.

``read`` returns the periods and the dates in a text; ``required`` says
which period a renewal rule asks for on a given day. Everything is a pure
function of text and dates.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import unquote

from opskit.web.dates import MONTHS as DATE_MONTHS

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
         "x": 10, "xi": 11, "xii": 12}  # fmt: skip
PERIODIC = ("monthly", "quarterly", "semester", "yearly", "five-yearly")
FIRST_YEAR = 2000
# The month words of dated pages, plus the abbreviations court titles use ("Ags", "Agus").
MONTHS = {**DATE_MONTHS, "ags": 8, "agus": 8, "peb": 2, "mart": 3}

_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))
_ROMAN_WORD = "xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i"
_YEAR = r"(20\d{2})"
# Between a period word and its year: "Semester I Tahun Anggaran 2025", "TW II/2025".
_TO_YEAR = r"[\s,./-]*(?:(?:tahun|thn|th)\.?\s*)?(?:anggaran\s*)?(?:t\.?a\.?\s*)?"

# Never periods: law and decree references, DIPA numbers, the court's decree numbers of 2-144.
_IGNORED = [
    re.compile(
        r"\b(?:uu|undang undang|perma|sema|perki|pp|perpres|permen[a-z]*|inpres|keppres|kma)\b"
        r"[\w\s./-]{0,30}?\b(?:tahun|th\.?)\s*(?:19|20)\d{2}"
    ),
    re.compile(r"\d+-?\d*/kma/sk/[ivxl]+/\d{4}"),
    re.compile(r"\bdipa\s*0?\d\b"),
]
_RANGE = re.compile(_YEAR + r"\s*(?:-|–|—|s\.?\s*d\.?|sampai(?: dengan)?|/)\s*" + _YEAR)
_SEMESTER = re.compile(
    r"\b(?:semester|smt|sem)\s*(ii|i|1|2|ganjil|genap|satu|dua|pertama|kedua)\b" + _TO_YEAR + _YEAR
)
_QUARTER = re.compile(
    r"\b(?:triwulan|tw|trw|kuartal|quarter|q)\s*(iv|iii|ii|i|[1-4])\b" + _TO_YEAR + _YEAR
)
_UNTIL = re.compile(
    r"(?:berakhir|s\.?\s*d\.?|sampai(?: dengan)?|per)\s*(?:tanggal\s*)?(\d{1,2})\s*("
    + _MONTH_WORD
    + r")\b[\s,.-]*"
    + _YEAR
)
_DAY = re.compile(r"\b(\d{1,2})[\s.-]*(" + _MONTH_WORD + r")\b[\s,.-]*" + _YEAR)
_ISO_DAY = re.compile(r"\b" + _YEAR + r"-(\d{2})-(\d{2})\b")
_ROMAN_MONTH = re.compile(r"\bbulan\s*(" + _ROMAN_WORD + r")\b" + _TO_YEAR + _YEAR)
_MONTH = re.compile(r"\b(?:bulan\s*)?(" + _MONTH_WORD + r")\b" + _TO_YEAR + _YEAR)
_LETTER_NUMBER = re.compile(r"/(" + _ROMAN_WORD + r")/" + _YEAR + r"\b")
_BARE_YEAR = re.compile(r"(?<![\d])" + _YEAR + r"(?![\d])")
_SEMESTER_WORDS = {"i": 1, "1": 1, "ganjil": 1, "satu": 1, "pertama": 1,
                   "ii": 2, "2": 2, "genap": 2, "dua": 2, "kedua": 2}  # fmt: skip


@dataclass(frozen=True, order=True)
class Period:
    """A span of time a document is about; ordered by its end (the newest report last)."""

    end: date
    start: date
    kind: str  # year, years, semester, quarter, month, until
    year: int
    number: int = 0  # the semester, quarter or month; the last year of a range

    @property
    def label(self) -> str:
        """A neutral label for evidence and JSON (documents word it in their language)."""
        if self.kind == "year":
            return str(self.year)
        if self.kind == "years":
            return f"{self.year}-{self.number}"
        if self.kind == "semester":
            return f"{self.year}-S{self.number}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "year": self.year, "number": self.number, "label": self.label,
                "start": self.start.isoformat(), "end": self.end.isoformat()}  # fmt: skip


@dataclass(frozen=True)
class Reading:
    """What a text says about time: the periods it covers and the dates it was issued."""

    periods: tuple[Period, ...]
    dates: tuple[date, ...]


def year(value: int) -> Period:
    return Period(date(value, 12, 31), date(value, 1, 1), "year", value)


def semester(value: int, number: int) -> Period:
    start = date(value, 1 if number == 1 else 7, 1)
    end = date(value, 6, 30) if number == 1 else date(value, 12, 31)
    return Period(end, start, "semester", value, number)


def quarter(value: int, number: int) -> Period:
    first = 3 * number - 2
    return Period(_month_end(value, 3 * number), date(value, first, 1), "quarter", value, number)


def month(value: int, number: int) -> Period:
    return Period(_month_end(value, number), date(value, number, 1), "month", value, number)


def normalise(text: str) -> str:
    """Lower case, URL escapes decoded, ``_`` and ``+`` as spaces (file names)."""
    return " ".join(unquote(text).lower().replace("_", " ").replace("+", " ").split())


def read(text: str, *, today: date | None = None) -> Reading:
    """Every period and issue date in ``text``; with ``today``, far-future ones are dropped.

    The most specific readings go first and their words are taken out, so
    "Semester I Tahun 2025" is a semester, not also the year 2025.
    """
    remaining = normalise(text)
    for pattern in _IGNORED:
        remaining = pattern.sub(" ", remaining)
    found: list[Period | date | None] = []
    for pattern, build in _READERS:
        found += [build(match) for match in pattern.finditer(remaining)]
        remaining = pattern.sub(" ", remaining)
    limit = today + timedelta(days=366) if today else date.max
    periods = [item for item in found if isinstance(item, Period) and _plausible(item, limit)]
    # "LRA Bulan VI Tahun 2026 (lra-06-2026.pdf)": the month says it all; the bare year
    # of the file name must not stretch it to the end of 2026.
    specific = {item.year for item in periods if item.kind not in ("year", "years")}
    periods = [item for item in periods if item.kind != "year" or item.year not in specific]
    return Reading(
        tuple(periods),
        tuple(
            item
            for item in found
            if isinstance(item, date) and item.year >= FIRST_YEAR and item <= limit
        ),
    )


def required(renew: str, period_of: str, due_days: int, today: date) -> Period | None:
    """The period a document must cover today under a renewal rule; None if not periodic.

    ``previous``: the newest period that ended at least ``due_days`` ago.
    ``current``: the running period once ``due_days`` have passed since it
    began, else the one before. ``five-yearly`` asks for a range reaching
    the current year (compared by its end, like any other period).
    """
    if renew not in PERIODIC:
        return None
    make = {
        "monthly": month,
        "quarterly": quarter,
        "semester": semester,
        "yearly": lambda y, n: year(y),
        "five-yearly": lambda y, n: year(y),
    }[renew]
    per_year = {"monthly": 12, "quarterly": 4, "semester": 2}.get(renew, 1)
    length = 12 // per_year
    index = today.year * per_year + (today.month - 1) // length  # the running period
    if period_of == "current":
        running = make(index // per_year, index % per_year + 1)
        if today >= running.start + timedelta(days=due_days):
            return running
        return make((index - 1) // per_year, (index - 1) % per_year + 1)
    while True:
        index -= 1
        candidate = make(index // per_year, index % per_year + 1)
        if candidate.end + timedelta(days=due_days) <= today:
            return candidate


def satisfies(reading: Reading, needed: Period, period_of: str) -> bool:
    """Whether a document or page covers ``needed``: a period reaching its end, or a date after it.

    A date stands for "written then": for a report about a finished period
    it must come after that period ended, for the running period within it.
    """
    if any(found.end >= needed.end for found in reading.periods):
        return True
    threshold = needed.end + timedelta(days=1) if period_of == "previous" else needed.start
    return any(moment >= threshold for moment in reading.dates)


def newest(reading: Reading) -> Period | None:
    return max(reading.periods, default=None)


def _plausible(period: Period, limit: date) -> bool:
    return period.year >= FIRST_YEAR and period.start <= limit


def _range(match: re.Match[str]) -> Period | None:
    first, last = int(match.group(1)), int(match.group(2))
    if not first < last <= first + 10:
        return None
    return Period(date(last, 12, 31), date(first, 1, 1), "years", first, last)


def _until(match: re.Match[str]) -> Period | None:
    end = _safe_date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    if end is None:
        return None
    if end.month == 6 and end.day == 30:
        return semester(end.year, 1)
    if end.month == 12 and end.day == 31:
        return year(end.year)
    return Period(end, date(end.year, 1, 1), "until", end.year, end.month)


def _roman_or_digit(text: str) -> int:
    return int(text) if text.isdigit() else ROMAN[text]


def _month_end(value: int, number: int) -> date:
    return date(value, number, calendar.monthrange(value, number)[1])


def _safe_date(value: int, number: int, day: int) -> date | None:
    try:
        return date(value, number, day)
    except ValueError:
        return None


# In order: the most specific first (a range before its years, a day before its month).
_READERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Period | date | None]], ...] = (
    (_RANGE, _range),
    (_SEMESTER, lambda m: semester(int(m.group(2)), _SEMESTER_WORDS[m.group(1)])),
    (_QUARTER, lambda m: quarter(int(m.group(2)), _roman_or_digit(m.group(1)))),
    (_UNTIL, _until),
    (_DAY, lambda m: _safe_date(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))),
    (_ISO_DAY, lambda m: _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))),
    (_ROMAN_MONTH, lambda m: month(int(m.group(2)), ROMAN[m.group(1)])),
    (_MONTH, lambda m: month(int(m.group(2)), MONTHS[m.group(1)])),
    (_LETTER_NUMBER, lambda m: date(int(m.group(2)), ROMAN[m.group(1)], 1)),
    (_BARE_YEAR, lambda m: year(int(m.group(1)))),
)
