"""Dates, times, numbers, sizes and durations as each language writes them.

Indonesian the way an Indonesian office writes it: "22 November 2026",
"14.30 WITA", "1.234,5", "2 jam 15 menit".
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

LANGUAGES = ("id", "en")

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
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
Day = date  # the methods below are named date(); annotations use this alias
SIZE_UNITS = ("B", "kB", "MB", "GB", "TB")


def roman_month(month: int) -> str:
    return ROMAN[month - 1]


class Forms:
    """Dates, numbers and durations of one language and time zone."""

    def __init__(self, language: str, zone: tzinfo) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown report language {language!r} (id or en)")
        self.language = language
        self.zone = zone

    def _local(self, moment: Day) -> Day:
        return moment.astimezone(self.zone) if isinstance(moment, datetime) else moment

    def date(self, moment: Day) -> str:
        local = self._local(moment)
        return f"{local.day} {MONTHS[self.language][local.month - 1]} {local.year}"

    def short_date(self, moment: Day) -> str:
        """``3 Des 2026``: a date that fits a narrow table column."""
        local = self._local(moment)
        month = MONTHS[self.language][local.month - 1]
        short = month if len(month) <= 4 else month[:3]
        return f"{local.day} {short} {local.year}"

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

    def count(self, value: float) -> str:
        """A whole number with thousands separated: ``1.234`` / ``1,234``."""
        return self.number(round(value), 0)

    def percent(self, value: float, decimals: int = 1) -> str:
        return f"{self.number(value, decimals)}%"

    def size(self, value: float) -> str:
        """Bytes in decimal units: ``1,2 MB``."""
        amount = float(value)
        for unit in SIZE_UNITS:
            if abs(amount) < 1000 or unit == SIZE_UNITS[-1]:
                return f"{self.number(amount, 0 if unit == 'B' else 1)} {unit}"
            amount /= 1000
        return f"{value} B"  # pragma: no cover - the loop always returns

    def span(self, seconds: float) -> str:
        """A rule's window, exactly, in its largest whole unit: ``10 detik``, ``1 jam``."""
        units = {
            "id": ((86400, "hari"), (3600, "jam"), (60, "menit"), (1, "detik")),
            "en": ((86400, "d"), (3600, "h"), (60, "min"), (1, "s")),
        }[self.language]
        for size, unit in units:
            if seconds >= size and seconds % size == 0:
                return f"{self.count(seconds / size)} {unit}"
        return f"{self.number(seconds, 1)} {units[-1][1]}"

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
