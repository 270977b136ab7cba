"""The gambling-spam and defacement phrase list, and scanning text for it.

The list is a maintained YAML file (``checks/web/spam-keywords.yaml``,
replaceable with ``web.keywords_file``). Matching ignores case and needs
whole words, so ``judi`` is found in "situs judi online" but not in
"perjudian".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from opskit import bounded_yaml
from opskit.errors import ConfigError
from opskit.paths import checks_dir

CONTEXT_CHARACTERS = 60


@dataclass(frozen=True)
class Hit:
    """One phrase found, where, and the text around it."""

    phrase: str
    category: str
    where: str
    excerpt: str

    def to_dict(self) -> dict[str, str]:
        return {
            "phrase": self.phrase,
            "category": self.category,
            "where": self.where,
            "excerpt": self.excerpt,
        }


@functools.cache
def phrases(path: Path | None = None) -> dict[str, str]:
    """Every phrase (lower case) with its category; raises ConfigError when the file is unusable."""
    import yaml

    path = path or checks_dir() / "web" / "spam-keywords.yaml"
    try:
        document = bounded_yaml.load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"spam phrase list {path}: {error}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"spam phrase list {path}: must map categories to lists of phrases")
    found: dict[str, str] = {}
    for category, items in document.items():
        if not isinstance(items, list):
            raise ConfigError(f"spam phrase list {path}: {category}: must be a list of phrases")
        for item in items:
            found[str(item).strip().lower()] = str(category)
    return found


@functools.cache
def _pattern(listed: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(listed, key=len, reverse=True)
    alternatives = "|".join(re.escape(phrase).replace(r"\ ", r"[\s_\-+]+") for phrase in ordered)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


def scan(
    text: str, where: str, listed: dict[str, str], allowed: frozenset[str] = frozenset()
) -> list[Hit]:
    """Every listed phrase in ``text`` (once per phrase), with its surrounding text."""
    if not listed:
        return []
    hits: dict[str, Hit] = {}
    for match in _pattern(tuple(sorted(listed))).finditer(text):
        phrase = re.sub(r"[\s_\-+]+", " ", match.group(0).lower())
        if phrase in allowed or phrase in hits:
            continue
        start = max(0, match.start() - CONTEXT_CHARACTERS)
        excerpt = " ".join(text[start : match.end() + CONTEXT_CHARACTERS].split())
        hits[phrase] = Hit(phrase, listed.get(phrase, "spam"), where, excerpt)
    return list(hits.values())
