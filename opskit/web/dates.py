"""Reading the dates websites and registries write, in English and Bahasa Indonesia.

Registries write ISO 8601 (``2026-01-08T23:59:59Z``), the older ``.id``
registry wrote ``08-Jan-2026 23:59:59 UTC``, sitemaps and feeds use ISO
8601 or RFC 822, and Indonesian pages write ``8 Januari 2026``. A date
without a zone is taken as UTC (or the zone given), never left naive.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "february": 2, "pebruari": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "may": 5, "mei": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "agu": 8, "agt": 8, "agustus": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "okt": 10, "oktober": 10, "october": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11,
    "dec": 12, "des": 12, "desember": 12, "december": 12,
}  # fmt: skip

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})[\s\-/.]+([A-Za-z]{3,9})\.?[\s\-/.,]+(\d{4})"
    r"(?:\s+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?",
)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


def parse_date(text: str, zone: tzinfo = UTC) -> datetime | None:
    """The first date in ``text``, timezone-aware, or None when there is none."""
    text = text.strip()
    for reader in (_iso, _rfc822, _named, _numeric):
        found = reader(text, zone)
        if found is not None:
            return found
    return None


def _iso(text: str, zone: tzinfo) -> datetime | None:
    match = _ISO.search(text)
    return _from_iso(match, zone) if match else None


def _rfc822(text: str, zone: tzinfo) -> datetime | None:
    if not re.match(r"^[A-Za-z]{3},", text):
        return None
    try:
        found = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return found if found.tzinfo else found.replace(tzinfo=zone)


def _named(text: str, zone: tzinfo) -> datetime | None:
    match = _DAY_MONTH_YEAR.search(text)
    month = MONTHS.get(match.group(2).lower()) if match else None
    if match is None or month is None:
        return None
    day, _, year, hour, minute, second = match.groups()
    return _safe(
        int(year), month, int(day), int(hour or 0), int(minute or 0), int(second or 0), zone=zone
    )


def _numeric(text: str, zone: tzinfo) -> datetime | None:
    match = _NUMERIC.search(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    return _safe(year, month, day, zone=zone)


def _safe(*parts: int, zone: tzinfo) -> datetime | None:
    """The datetime of (year, month, day, hour, minute, second), or None if impossible."""
    year, month, day, hour, minute, second = (*parts, 0, 0, 0)[:6]
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def all_dates(text: str, zone: tzinfo = UTC) -> list[datetime]:
    """Every date found in ``text`` (ISO, day-month-year in either language, dd/mm/yyyy)."""
    found = []
    for pattern in (_ISO, _DAY_MONTH_YEAR, _NUMERIC):
        for match in pattern.finditer(text):
            moment = parse_date(match.group(0), zone)
            if moment is not None:
                found.append(moment)
    return found


def _from_iso(match: re.Match[str], zone: tzinfo) -> datetime | None:
    year, month, day, hour, minute, second, offset = match.groups()
    moment = _safe(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        zone=zone,
    )
    if moment is None:
        return None
    if offset and offset.upper() != "Z":
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        moment = moment.replace(tzinfo=timezone(sign * delta))
    elif offset:
        moment = moment.replace(tzinfo=UTC)
    return moment
