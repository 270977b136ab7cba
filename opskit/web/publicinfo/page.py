"""What the public-information audit needs from one HTML page, in one pass.

The title, the headings, every link with its text and whether it sits in
a menu (WordPress and Joomla menus are nested ``<ul>`` lists inside
``<nav>`` or an element whose class says menu) or in the page's chrome
(header, footer, sidebar), and the text of the content area. The standard
library's HTMLParser reads it without building a tree, which keeps a
crawl of thousands of pages quick; broken HTML (unclosed ``<li>``) is
tolerated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

MAX_TEXT_CHARACTERS = 40_000
MAX_LINKS = 2_000
CHROME_TAGS = frozenset({"header", "footer", "aside", "nav"})
MENU_WORDS = re.compile(r"menu|nav|dropdown", re.IGNORECASE)
CHROME_WORDS = re.compile(r"sidebar|widget|footer|header|breadcrumb", re.IGNORECASE)
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Tags an HTML parser closes implicitly when a sibling opens (<li> without </li>).
IMPLIED_CLOSE = {"li": {"li"}, "p": {"p"}, "option": {"option"}, "tr": {"tr"}, "td": {"td", "th"},
                 "th": {"td", "th"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}}  # fmt: skip


@dataclass(frozen=True)
class PageLink:
    """One link: where it goes, its words (text, image alt, title), and where it sits."""

    url: str
    text: str
    menu: bool
    chrome: bool


@dataclass
class PageFacts:
    """The parts of a page the audit reads."""

    title: str = ""
    headings: list[str] = field(default_factory=list)
    links: list[PageLink] = field(default_factory=list)
    text: str = ""
    all_text: str = ""

    @property
    def h1(self) -> list[str]:
        return self.headings[:3]


@dataclass
class _Open:
    tag: str
    menu: bool
    chrome: bool


class _Reader(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.stack: list[_Open] = []
        self.skipping = 0
        self.facts = PageFacts()
        self.title_parts: list[str] | None = None
        self.heading_parts: list[str] | None = None
        self.link: tuple[str, list[str], bool, bool] | None = None
        self.content: list[str] = []
        self.everything: list[str] = []
        self.size = 0
        self.seen: set[str] = set()

    @property
    def in_menu(self) -> bool:
        return bool(self.stack) and self.stack[-1].menu

    @property
    def in_chrome(self) -> bool:
        return bool(self.stack) and self.stack[-1].chrome

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in SKIPPED_TAGS:
            self.skipping += 1
            return
        if tag == "base" and values.get("href"):
            self.base_url = urljoin(self.base_url, values["href"])
            return
        if tag == "title":
            self.title_parts = []
        elif tag in ("h1", "h2", "h3"):
            self.heading_parts = []
        elif tag == "a" and values.get("href"):
            self._close_link()
            words = [values.get("title", "")]
            self.link = (values["href"], words, self.in_menu, self.in_chrome)
        elif tag == "img" and self.link is not None:
            self.link[1].append(values.get("alt", ""))
        elif tag in ("iframe", "embed") and values.get("src"):
            self._add(values["src"], values.get("title", ""), self.in_menu, self.in_chrome)
        if tag in VOID_TAGS:
            return
        closes = IMPLIED_CLOSE.get(tag)
        if closes and self.stack and self.stack[-1].tag in closes:
            self.stack.pop()
        marker = f"{values.get('class', '')} {values.get('id', '')} {values.get('role', '')}"
        menu = self.in_menu or tag == "nav" or bool(MENU_WORDS.search(marker))
        chrome = self.in_chrome or menu or tag in CHROME_TAGS or bool(CHROME_WORDS.search(marker))
        self.stack.append(_Open(tag, menu, chrome))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag == "title" and self.title_parts is not None:
            self.facts.title = _squash(" ".join(self.title_parts))
            self.title_parts = None
        elif tag in ("h1", "h2", "h3") and self.heading_parts is not None:
            heading = _squash(" ".join(self.heading_parts))
            if heading:
                self.facts.headings.append(heading)
            self.heading_parts = None
        elif tag == "a":
            self._close_link()
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self.skipping or not data.strip():
            return
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.heading_parts is not None:
            self.heading_parts.append(data)
        if self.link is not None:
            self.link[1].append(data)
        if self.size < MAX_TEXT_CHARACTERS:
            self.size += len(data)
            self.everything.append(data)
            if not self.in_chrome:
                self.content.append(data)

    def _close_link(self) -> None:
        if self.link is not None:
            href, words, menu, chrome = self.link
            self.link = None
            self._add(href, " ".join(words), menu, chrome)

    def _add(self, href: str, text: str, menu: bool, chrome: bool) -> None:
        href = href.strip()
        if len(self.facts.links) >= MAX_LINKS or href.startswith(
            ("mailto:", "tel:", "javascript:", "#", "data:")
        ):
            return
        url = urldefrag(urljoin(self.base_url, href)).url
        if not url.startswith(("http://", "https://")):
            return
        key = f"{url} {text}"
        if key not in self.seen:
            self.seen.add(key)
            self.facts.links.append(PageLink(url, _squash(text), menu, chrome))

    def finish(self) -> PageFacts:
        self._close_link()
        self.facts.text = _squash(" ".join(self.content))
        self.facts.all_text = _squash(" ".join(self.everything))
        return self.facts


def read_page(html: str, url: str) -> PageFacts:
    """The audit's view of a page; never raises on malformed HTML."""
    reader = _Reader(url)
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):
        pass  # HTMLParser gives up on some broken markup; what was read so far stands
    return reader.finish()


def _squash(text: str) -> str:
    return " ".join(text.split())
