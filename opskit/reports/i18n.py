"""Words, dates and numbers of documents in Bahasa Indonesia (default) or English.

Every string is in ``locale/<language>.yaml``; dates read the way an
Indonesian office writes them ("22 November 2026", "14.30 WITA").
"""

from __future__ import annotations

import functools
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("id", "en")
LOCALE_DIR = Path(__file__).parent / "locale"

MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
# Indonesia's own names for its three time zones.
ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}
Day = date  # the methods below are named date(); annotations use this alias
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@functools.cache
def _strings(language: str) -> dict[str, Any]:
    """``locale/<language>.yaml``, with each feature's ``locale/<feature>.<language>.yaml``
    merged into it (so a feature's words sit together in a file of their own)."""
    table = dict(_read(LOCALE_DIR / f"{language}.yaml"))
    for path in sorted(LOCALE_DIR.glob(f"*.{language}.yaml")):
        _merge(table, _read(path) or {}, path.name)
    return table


def _read(path: Path) -> Any:
    """A locale file, with libyaml's loader when present (several times faster)."""
    text = path.read_text(encoding="utf-8")
    return (
        yaml.load(text, Loader=yaml.CSafeLoader) if yaml.__with_libyaml__ else yaml.safe_load(text)
    )


def _merge(table: dict[str, Any], extra: dict[str, Any], source: str) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(table.get(key), dict):
            _merge(table[key], value, source)
        elif key in table:
            raise ValueError(f"locale/{source}: {key} is already defined")
        else:
            table[key] = value


class Words:
    """The strings, dates and numbers of one language and time zone."""

    def __init__(self, language: str, zone: tzinfo) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown report language {language!r} (id or en)")
        self.language = language
        self.zone = zone
        self._table = _strings(language)

    def __call__(self, key: str, **values: Any) -> str:
        """The string at dotted ``key`` with ``{placeholders}`` filled."""
        node: Any = self._table
        for part in key.split("."):
            node = node[part]
        return str(node).format(**values) if values else str(node)

    def _local(self, moment: Day) -> Day:
        return moment.astimezone(self.zone) if isinstance(moment, datetime) else moment

    def date(self, moment: Day) -> str:
        local = self._local(moment)
        return f"{local.day} {MONTHS[self.language][local.month - 1]} {local.year}"

    def weekday_date(self, moment: Day) -> str:
        local = self._local(moment)
        return f"{DAYS[self.language][local.weekday()]}, {self.date(local)}"

    def month(self, year: int, month: int) -> str:
        return f"{MONTHS[self.language][month - 1]} {year}"

    def time(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        separator = "." if self.language == "id" else ":"
        zone = ZONE_NAMES.get(str(self.zone), local.strftime("%Z"))
        return f"{local:%H}{separator}{local:%M} {zone}"

    def datetime(self, moment: datetime) -> str:
        return f"{self.date(moment)} {self.time(moment)}"

    def number(self, value: float, decimals: int = 1) -> str:
        """``99.5`` as ``99,5`` in Indonesian, thousands with ``.``."""
        text = f"{value:,.{decimals}f}"
        if self.language == "id":
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return text

    def percent(self, value: float, decimals: int = 1) -> str:
        return f"{self.number(value, decimals)}%"

    def duration(self, seconds: float) -> str:
        """``2 jam 15 menit`` / ``2 h 15 min``; days above 48 hours."""
        minutes = round(seconds / 60)
        days, minutes = divmod(minutes, 24 * 60) if minutes >= 48 * 60 else (0, minutes)
        hours, minutes = divmod(minutes, 60)
        units = {"id": ("hari", "jam", "menit"), "en": ("d", "h", "min")}[self.language]
        parts = [
            f"{amount} {unit}"
            for amount, unit in zip((days, hours, minutes), units, strict=True)
            if amount
        ]
        return " ".join(parts) or f"0 {units[2]}"

    def status(self, status: str) -> str:
        return self(f"status.{status}")

    def role(self, role: str) -> str:
        return self(f"roles.{role}")


def roman_month(month: int) -> str:
    return ROMAN[month - 1]
