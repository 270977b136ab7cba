"""Every text of the catalogues reads in its own language: no English in id, no Indonesian in en.

Each message is filled with neutral data (paths, numbers, dates) and said in
both languages; a word list of common English words flags an English
sentence left in the Indonesian catalogue, and the other way round.
"""

from __future__ import annotations

import string
import zoneinfo
from datetime import UTC, datetime

from opskit.text import Words
from opskit.text.catalogue import table
from support.languages import english_words, indonesian_words

# The catalogues of findings and evidence (the documents' own words are judged in the PDF test).
AREAS = (
    "hosts", "web", "security", "backup", "logs", "uat_step", "schedule_check",
    "notify_check", "command", "evidence", "words", "terminal", "content", "policy", "refusal",
    "procedure",
)  # fmt: skip
MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
MOMENT = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


def flat(node: object, prefix: str) -> dict[str, str]:
    if not isinstance(node, dict):
        return {prefix: str(node)}
    found: dict[str, str] = {}
    for name, value in node.items():
        found.update(flat(value, f"{prefix}.{name}"))
    return found


def neutral(spec: str) -> object:
    """Data for a field: what its spec formats, never words of either language."""
    kind = spec.partition(":")[0]
    if kind in ("n", "n0", "n1", "n2", "pct", "pct0", "count", "plural", "dur", "span", "bytes"):
        return 3
    if kind in ("date", "datetime", "time", "day"):
        return MOMENT
    if kind in ("and", "or", "qand", "qor", "semi", "first", "lines"):
        return ["/srv/a.php", "/srv/b.php"]
    if kind == "status":
        return "CRITICAL"
    return "/srv/www/x1"


def messages(language: str) -> list[tuple[str, str]]:
    found = []
    for area in AREAS:
        for key, template in flat(table(language)[area], area).items():
            found.append((key, template))
    return found


def said(words: Words, key: str, template: str) -> str:
    values = {
        name: neutral(spec or "")
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }
    return words(key, **values)


def test_no_indonesian_text_has_an_english_word() -> None:
    words = Words("id", MAKASSAR)
    flagged = {}
    for key, template in messages("id"):
        text = said(words, key, template)
        if english_words(text):
            flagged[key] = text

    assert flagged == {}


def test_no_english_text_has_an_indonesian_word() -> None:
    words = Words("en", MAKASSAR)
    flagged = {}
    for key, template in messages("en"):
        text = said(words, key, template)
        if indonesian_words(text):
            flagged[key] = text

    assert flagged == {}
    assert len(messages("en")) > 500  # the lists above really cover the catalogues


def test_the_word_lists_tell_the_languages_apart() -> None:
    assert english_words("Tidak ada firewall yang menyaring lalu lintas masuk") == []
    assert english_words("no firewall is filtering inbound traffic") == ["no", "is", "inbound"]
    assert indonesian_words("no firewall is filtering inbound traffic") == []
    assert english_words("Berkas “no such file” di /var/www/uploads/shell.php") == []
