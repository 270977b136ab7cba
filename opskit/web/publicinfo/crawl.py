"""A polite, bounded crawl of one website's own pages.

Only the site's origin (scheme, host and port) is ever asked: redirects
are followed by hand and only within it, links elsewhere are read from the
pages but never fetched. robots.txt is honoured (also its Crawl-delay), a
shared pacer spaces the requests (``requests_per_second``), at most
``max_pages`` pages are read, and after several failures in a row the
crawl stops instead of waiting out every timeout. Pages that look like
the way to a catalogue item (by link text or address), then menu links,
are read first, so the page limit cuts news archives, not menus.
"""

from __future__ import annotations

import heapq
import re
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from opskit import __version__
from opskit.web.content import parse_sitemap
from opskit.web.fetch import Page, fetch
from opskit.web.publicinfo.match import Matchers
from opskit.web.publicinfo.page import read_page
from opskit.web.publicinfo.robots import Robots, read_robots
from opskit.web.publicinfo.visits import MAX_REDIRECTS, Crawl, Document, Visit, origin_of

USER_AGENT = f"Mozilla/5.0 (compatible; opskit/{__version__}; public information audit)"
PAGE_MAX_BYTES = 2_000_000
DOCUMENT_PEEK_BYTES = 2_048
MAX_CHILD_SITEMAPS = 5
FAILURES_BEFORE_GIVING_UP = 5
# Addresses that are never pages worth reading: feeds, admin, search, print and share views.
SKIPPED = re.compile(
    r"/(?:feed|wp-admin|wp-json|wp-login\.php|xmlrpc\.php|tag|author|comments)(?:/|$)"
    r"|[?&](?:s|q|searchword|replytocom|share|print|format=feed|tmpl=component|ical)(?:=|&|$)"
    r"|option=com_(?:users|search|mailto)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CrawlLimits:
    """How much and how fast: the office's politeness settings."""

    max_pages: int = 300
    max_depth: int = 4
    requests_per_second: float = 2.0  # 0: no pacing (benchmarks, tests on loopback)
    workers: int = 2
    timeout_seconds: float = 10.0
    max_documents: int = 100
    verify: bool | str = True


class Crawler:
    """Reads one site within its limits; ``run`` for the pages, ``inspect`` for documents."""

    def __init__(self, start: str, matchers: Matchers, limits: CrawlLimits) -> None:
        self.start = start
        self.origin = origin_of(start)
        self.matchers = matchers
        self.limits = limits
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._interval = 1 / limits.requests_per_second if limits.requests_per_second else 0.0
        self._queue: list[tuple[int, int, int, str, str | None, str]] = []
        self._best: dict[str, int] = {}
        self._sequence = 0
        self._started = time.monotonic()
        self.crawl = Crawl(start, self.origin, Robots("robots.txt not read yet"))

    def run(self) -> Crawl:
        self._started = time.monotonic()
        robots_page = self._get(urljoin(self.start, "/robots.txt"), checked=False)
        self.crawl.robots = read_robots(robots_page)
        delay = self.crawl.robots.delay_seconds
        self._interval = max(self._interval, delay)
        if self.crawl.robots.readable:
            self._push(self.start, 0, 0, None, "")
            for _ in range(MAX_REDIRECTS + 1):  # the home page, through its redirects on the site
                self._crawl(home_only=True)
                home = self.crawl.home
                if home is None or home.redirect is None or not self._queue:
                    break
            if home is not None and home.answered:
                self._read_sitemaps()
                self._crawl(home_only=False)
        self.crawl.seconds = round(time.monotonic() - self._started, 3)
        return self.crawl

    def inspect(self, urls: list[str]) -> None:
        """Peek at documents (same site, robots permitting): status and sent file name."""
        chosen = [url for url in dict.fromkeys(urls) if url not in self.crawl.documents]
        with ThreadPoolExecutor(max_workers=self.limits.workers) as pool:
            for document in pool.map(self._document, chosen[: self.limits.max_documents]):
                self.crawl.documents[document.url] = document
        self.crawl.seconds = round(time.monotonic() - self._started, 3)

    def _document(self, url: str) -> Document:
        target = url
        for _ in range(MAX_REDIRECTS):
            page = self._get(target, max_bytes=DOCUMENT_PEEK_BYTES)
            location = page.header("location")
            if page.status is not None and 300 <= page.status < 400 and location:
                target = urljoin(target, location)
                if origin_of(target) != self.origin:
                    return Document(
                        url, page.status, file_name=_file_name(target), elsewhere=target
                    )
                continue
            return Document(
                url,
                page.status,
                page.error if page.status is None else None,
                _disposition_name(page.header("content-disposition")),
                page.header("content-type"),
                page.body.startswith(b"%PDF-"),
            )
        return Document(url, None, "too many redirects")

    def _crawl(self, home_only: bool) -> None:
        failures_in_a_row = 0
        running: dict[Future[Visit], Visit] = {}
        with ThreadPoolExecutor(
            max_workers=self.limits.workers, thread_name_prefix="crawl"
        ) as pool:
            while True:
                while (
                    len(running) < self.limits.workers
                    and self.crawl.pages + len(running) < self.limits.max_pages
                    and not self.crawl.gave_up
                ):
                    visit = self._pop()
                    if visit is None:
                        break
                    running[pool.submit(self._visit, visit)] = visit
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    visit = future.result()
                    del running[future]
                    self.crawl.pages += 1
                    failures_in_a_row = failures_in_a_row + 1 if visit.failed else 0
                    if failures_in_a_row >= FAILURES_BEFORE_GIVING_UP and not self.crawl.gave_up:
                        self.crawl.gave_up = (
                            f"{failures_in_a_row} pages in a row did not answer (last: "
                            f"{visit.url}: {visit.reason()}); the crawl stopped"
                        )
                    self._follow(visit)
                if home_only:
                    break
        waiting = {url: priority for priority, _, _, url, _, _ in self._queue}
        unread = {
            url: priority for url, priority in waiting.items() if url not in self.crawl.visits
        }
        if self.crawl.pages >= self.limits.max_pages and unread:
            self.crawl.limit_reached = True
            self.crawl.unvisited_priority = sum(1 for priority in unread.values() if priority <= 1)

    def _visit(self, visit: Visit) -> Visit:
        page = self._get(visit.url, max_bytes=PAGE_MAX_BYTES)
        visit.status, visit.content_type = page.status, page.header("content-type")
        visit.error = page.error
        location = page.header("location")
        if page.status is not None and 300 <= page.status < 400 and location:
            visit.redirect = urljoin(visit.url, location)
        elif visit.answered and "html" in (visit.content_type or "text/html"):
            visit.facts = read_page(page.text, page.url)
        return visit

    def _follow(self, visit: Visit) -> None:
        if visit.redirect is not None:
            if origin_of(visit.redirect) == self.origin:
                self._push(visit.redirect, visit.depth, visit.priority, visit.url, visit.via_text)
            else:
                self.crawl.left_site.append(f"{visit.url} -> {visit.redirect}")
            return
        if visit.facts is None or visit.depth >= self.limits.max_depth:
            return
        for link in visit.facts.links:
            url = link.url
            if origin_of(url) != self.origin or SKIPPED.search(url):
                continue
            if self.matchers.is_document(url):
                continue
            if self.matchers.wanted(link.text, url):
                priority = 0
            elif link.menu:
                priority = 1
            else:
                priority = 2 + visit.depth
            self._push(url, visit.depth + 1, priority, visit.url, link.text)

    def _push(self, url: str, depth: int, priority: int, via: str | None, text: str) -> None:
        if url in self.crawl.visits or self._best.get(url, 99) <= priority:
            return
        if not self.crawl.robots.allows(url):
            if priority <= 1 and url not in self.crawl.blocked:
                self.crawl.blocked.append(url)
            return
        self._best[url] = priority
        self._sequence += 1
        heapq.heappush(self._queue, (priority, depth, self._sequence, url, via, text))

    def _pop(self) -> Visit | None:
        while self._queue:
            priority, depth, _, url, via, text = heapq.heappop(self._queue)
            if url in self.crawl.visits:
                continue
            visit = Visit(url, depth, via, text, priority)
            self.crawl.visits[url] = visit
            return visit
        return None

    def _read_sitemaps(self) -> None:
        addresses = [
            url for url in self.crawl.robots.sitemaps if origin_of(url) == self.origin
        ] or [urljoin(self.start, "/sitemap.xml")]
        notes = []
        for address in addresses[:2]:
            page = self._get(address)
            if not page.answered:
                notes.append(f"sitemap {address}: {page.error or f'HTTP {page.status}'}")
                continue
            try:
                found = parse_sitemap(page.body)
            except ValueError as error:
                notes.append(f"sitemap {address}: {error}")
                continue
            self.crawl.sitemap.update(found.urls)
            for child in [url for url in found.children if origin_of(url) == self.origin][
                :MAX_CHILD_SITEMAPS
            ]:
                answer = self._get(child)
                try:
                    self.crawl.sitemap.update(
                        parse_sitemap(answer.body).urls if answer.answered else {}
                    )
                except ValueError:
                    continue
        for url in self.crawl.sitemap:
            if origin_of(url) == self.origin and not self.matchers.is_document(url):
                wanted = any(matcher.address(url) for matcher in self.matchers.items)
                self._push(url, 1, 0 if wanted else 3, None, "")
        self.crawl.sitemap_note = "; ".join(notes) or f"sitemap: {len(self.crawl.sitemap)} URLs"

    def _get(self, url: str, *, checked: bool = True, max_bytes: int = PAGE_MAX_BYTES) -> Page:
        """One request: same origin only, robots permitting, paced; never follows redirects."""
        if origin_of(url) != self.origin:
            return Page(url, None, error="outside the site: not requested")
        if checked and not self.crawl.robots.allows(url):
            return Page(url, None, error="robots.txt does not allow it: not requested")
        self._pace()
        with self._lock:
            self.crawl.requests += 1
        return fetch(
            url,
            timeout_seconds=self.limits.timeout_seconds,
            user_agent=USER_AGENT,
            verify=self.limits.verify,
            follow_redirects=False,
            max_bytes=max_bytes,
        )

    def _pace(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._interval
        if slot > now:
            time.sleep(slot - now)


def _disposition_name(value: str) -> str:
    if not value:
        return ""
    message = Message()
    message["content-disposition"] = value
    return message.get_filename() or ""


def _file_name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]
