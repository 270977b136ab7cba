"""Recognising a catalogue item in a link, an address, a page title or a page's text.

Link texts are compared as words: lower case, ``&`` read as "dan", any
punctuation as a space, so "Hak-Hak Pelapor & Terlapor" matches "hak hak
pelapor dan terlapor". Address patterns look at the last part of the
address (the slug or file name) and the query, not at the menu groups
above it: under ``/layanan-informasi-publik/prosedur-permohonan-informasi``
the page is the procedure, not the service report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote, urlsplit

from opskit.web.publicinfo.catalogue import Catalogue, Item

_NOT_WORD = re.compile(r"[^0-9a-z]+")
LINK_CACHE_SIZE = 200_000


def words(text: str) -> str:
    """``text`` as plain lower-case words separated by single spaces."""
    return _NOT_WORD.sub(" ", text.lower().replace("&", " dan ")).strip()


def address_tail(url: str) -> str:
    """The last part of an address' path and its query, lower case and unescaped."""
    parts = urlsplit(url)
    path = unquote(parts.path).rstrip("/").lower()
    tail = path.rsplit("/", 1)[-1]
    return f"{tail}?{unquote(parts.query).lower()}" if parts.query else tail


def file_name(url: str) -> str:
    """The file name in an address (``LKjIP_2024.pdf``), or empty for a page."""
    tail = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]
    return tail if "." in tail else ""


def _any(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    return (
        re.compile("|".join(f"(?:{pattern})" for pattern in patterns), flags) if patterns else None
    )


def _phrases(phrases: list[str]) -> re.Pattern[str] | None:
    cleaned = sorted({words(phrase) for phrase in phrases if words(phrase)}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<![0-9a-z])(?:" + "|".join(map(re.escape, cleaned)) + r")(?![0-9a-z])")


@dataclass(frozen=True)
class ItemMatcher:
    """One item's patterns, compiled."""

    item: Item

    @cached_property
    def _link(self) -> re.Pattern[str] | None:
        return _phrases(self.item.match.link_text)

    @cached_property
    def _exclude(self) -> re.Pattern[str] | None:
        return _phrases(self.item.match.exclude)

    @cached_property
    def _url(self) -> re.Pattern[str] | None:
        return _any(self.item.match.url)

    @cached_property
    def _title(self) -> re.Pattern[str] | None:
        return _any(self.item.match.title)

    @cached_property
    def _content(self) -> list[re.Pattern[str]]:
        return [re.compile(pattern, re.IGNORECASE) for pattern in self.item.match.content]

    def excluded(self, text: str, url: str = "") -> bool:
        return self._excluded(words(text), address_tail(url) if url else "")

    def _excluded(self, text_words: str, tail: str) -> bool:
        return self._exclude is not None and bool(
            self._exclude.search(text_words) or (tail and self._exclude.search(words(tail)))
        )

    def link(self, text: str, url: str) -> bool:
        """Whether a link with this text to this address is (a way to) the item."""
        return self.link_words(words(text), address_tail(url))

    def link_words(self, text_words: str, tail: str) -> bool:
        """``link`` on a text already in words and an address already cut to its tail."""
        if self._excluded(text_words, tail):
            return False
        if self._link is not None and self._link.search(text_words):
            return True
        return self._url is not None and bool(self._url.search(tail))

    def address(self, url: str) -> bool:
        return self.address_tail(address_tail(url))

    def address_tail(self, tail: str) -> bool:
        return (
            self._url is not None and not self._excluded("", tail) and bool(self._url.search(tail))
        )

    def title(self, text: str) -> bool:
        return (
            self._title is not None and not self.excluded(text) and bool(self._title.search(text))
        )

    def content(self, text: str) -> bool:
        return bool(self._content) and all(pattern.search(text) for pattern in self._content)


class Matchers:
    """Every item's matcher, and what the catalogue says about documents and other hosts."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.items = [ItemMatcher(item) for item in catalogue.items]
        extensions = "|".join(
            re.escape(ending.lower()) for ending in catalogue.documents.extensions
        )
        self._file = re.compile(rf"\.(?:{extensions})$")
        self._download = _any(catalogue.documents.download_urls)
        self._links: dict[tuple[str, str], tuple[int, ...]] = {}
        self._hosts = {
            name: re.compile(entry.host, re.IGNORECASE)
            for name, entry in catalogue.external_hosts.items()
        }

    def is_document(self, url: str) -> bool:
        """A file or a download manager's link: fetched only to read its name, never crawled."""
        parts = urlsplit(url)
        if self._file.search(unquote(parts.path).lower()):
            return True
        return self._download is not None and bool(
            self._download.search(f"{parts.path}?{parts.query}")
        )

    def host_name(self, host: str) -> str | None:
        """The name of the external host entry ``host`` belongs to, if any."""
        return next((name for name, pattern in self._hosts.items() if pattern.search(host)), None)

    def live(self, name: str | None) -> bool:
        return name is not None and self.catalogue.external_hosts[name].live

    def link_items(self, text: str, url: str) -> tuple[int, ...]:
        """Positions of the items a link leads to; menus repeat on every page, so remembered."""
        key = (text, url)
        found = self._links.get(key)
        if found is None:
            text_words, tail = words(text), address_tail(url)
            found = tuple(
                index
                for index, matcher in enumerate(self.items)
                if matcher.link_words(text_words, tail)
            )
            if len(self._links) < LINK_CACHE_SIZE:
                self._links[key] = found
        return found

    def wanted(self, text: str, url: str) -> bool:
        """Whether a link looks like the way to some item: the crawl reads those first."""
        return bool(self.link_items(text, url))
