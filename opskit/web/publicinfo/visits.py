"""What a crawl of one site saw: each page's answer, the documents peeked at, and its limits.

Kept apart from the crawler so that judging (pure functions of these
records) never needs the network code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from opskit.web.publicinfo.page import PageFacts
from opskit.web.publicinfo.robots import Robots

MAX_REDIRECTS = 5


@dataclass
class Visit:
    """One page of the site: how it was reached and what it answered."""

    url: str
    depth: int
    via: str | None = None
    via_text: str = ""
    priority: int = 0
    status: int | None = None
    error: str | None = None
    redirect: str | None = None
    facts: PageFacts | None = None
    content_type: str = ""

    @property
    def answered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None

    @property
    def failed(self) -> bool:
        """No usable answer because of the server or the network: "could not tell"."""
        if self.status is None or self.error is not None:
            return True
        return self.status >= 500 or self.status == 429

    @property
    def gone(self) -> bool:
        return self.status is not None and 400 <= self.status < 500 and self.status != 429

    def reason(self) -> str:
        return self.error or f"HTTP {self.status}"


@dataclass(frozen=True)
class Document:
    """The first bytes of a linked document: whether it answers, and the file name it is sent as."""

    url: str
    status: int | None
    error: str | None = None
    file_name: str = ""
    content_type: str = ""
    pdf: bool = False
    elsewhere: str = ""  # where it redirects off the site (not followed)

    @property
    def answered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500 or self.status == 429


@dataclass
class Crawl:
    """Everything read from one site, and what stopped the crawl early, if anything."""

    start: str
    origin: str
    robots: Robots
    visits: dict[str, Visit] = field(default_factory=dict)
    sitemap: dict[str, datetime | None] = field(default_factory=dict)
    sitemap_note: str = ""
    pages: int = 0
    requests: int = 0
    seconds: float = 0.0
    limit_reached: bool = False
    unvisited_priority: int = 0
    gave_up: str | None = None
    blocked: list[str] = field(default_factory=list)
    left_site: list[str] = field(default_factory=list)
    documents: dict[str, Document] = field(default_factory=dict)

    @property
    def home(self) -> Visit | None:
        return self.final(self.start)

    def final(self, url: str) -> Visit | None:
        """The visit at ``url`` after following its same-site redirects."""
        visit = self.visits.get(url)
        for _ in range(MAX_REDIRECTS):
            if visit is None or visit.redirect is None:
                return visit
            visit = self.visits.get(visit.redirect)
        return visit

    def answered_pages(self) -> list[Visit]:
        return [visit for visit in self.visits.values() if visit.answered and visit.facts]

    def incomplete(self) -> str | None:
        """Why an item not seen might still be on the site, or None when the crawl was whole."""
        home = self.home
        if home is None or not home.answered:
            return "the home page could not be read"
        if self.gave_up:
            return self.gave_up
        # A failing menu page may hide any item; a failing item page only its own item.
        failed = [visit for visit in self.visits.values() if visit.failed and visit.priority == 1]
        if failed:
            sample = ", ".join(f"{visit.url} ({visit.reason()})" for visit in failed[:3])
            return f"{len(failed)} menu page(s) did not answer: {sample}"
        if self.blocked:
            sample = ", ".join(self.blocked[:3])
            return f"robots.txt does not allow reading {len(self.blocked)} menu page(s): {sample}"
        if self.limit_reached and self.unvisited_priority:
            return (
                f"the page limit ({self.pages}) was reached with {self.unvisited_priority} menu "
                "page(s) not read"
            )
        return None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"
