"""Words, dates and numbers of documents: the ones of ``opskit.text``, under their old name."""

from __future__ import annotations

from opskit.text import DAYS, LANGUAGES, MONTHS, ROMAN, ZONE_NAMES, Words, roman_month

__all__ = ["DAYS", "LANGUAGES", "MONTHS", "ROMAN", "ZONE_NAMES", "Words", "roman_month"]
