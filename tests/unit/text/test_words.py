"""Dates, times, numbers and durations as an Indonesian office writes them."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime

import pytest

from opskit.reports.i18n import Words, roman_month

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")


def test_indonesian_dates_times_and_numbers() -> None:
    words = Words("id", MAKASSAR)
    moment = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)  # 14.30 in Makassar

    assert words.date(moment) == "22 November 2026"
    assert words.weekday_date(moment) == "Minggu, 22 November 2026"
    assert words.time(moment) == "14.30 WITA"
    assert words.number(1234.5) == "1.234,5"
    assert words.percent(99.5) == "99,5%"
    assert words.duration(2 * 3600 + 15 * 60) == "2 jam 15 menit"
    assert words.duration(3 * 86400 + 3600) == "3 hari 1 jam"
    assert words.month(2026, 8) == "Agustus 2026"
    assert words.status("CRITICAL") == "Kritis"
    assert roman_month(11) == "XI"


def test_english_words_and_a_date_without_time() -> None:
    words = Words("en", zoneinfo.ZoneInfo("Asia/Jakarta"))

    assert words.date(date(2026, 1, 5)) == "5 January 2026"
    assert words.time(datetime(2026, 1, 5, 1, 5, tzinfo=UTC)) == "08:05 WIB"
    assert words.number(1234.5) == "1,234.5"
    assert words.duration(59) == "1 min"
    assert words("incident.title") == "Situation and Condition Report"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report language 'fr'"):
        Words("fr", MAKASSAR)
