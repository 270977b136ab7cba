"""Everything people read, in their language: messages, catalogues, dates and numbers."""

from __future__ import annotations

from opskit.text.forms import DAYS, LANGUAGES, MONTHS, ROMAN, ZONE_NAMES, Forms, roman_month
from opskit.text.words import Message, Words, english, message_from, message_json

__all__ = [
    "DAYS",
    "LANGUAGES",
    "MONTHS",
    "ROMAN",
    "ZONE_NAMES",
    "Forms",
    "Message",
    "Words",
    "english",
    "message_from",
    "message_json",
    "roman_month",
]
