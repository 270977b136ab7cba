"""``web.integrity.spam``: the phrase list over a site's pages, sitemap URLs and outbound links.

Every copy of each watched page is scanned (browser, crawler, search
visitor), then the addresses and text of links to other sites, then the
sitemap's URLs (new ones first, at most ``sitemap_max_urls``), whose
same-site pages are fetched as the crawler: injected pages are made for it.
Any hit is CRITICAL with the place and the text around it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from opskit.catalog import sop_row
from opskit.config.schema import Site
from opskit.result import Result, Status
from opskit.text import Message
from opskit.web import content, spam
from opskit.web.content import Sitemap
from opskit.web.fetch import Page, same_site
from opskit.web.pages import Copies, watched_pages

SPAM_ID = "web.integrity.spam"


@dataclass
class _SpamScan:
    """The phrase scan of one site, accumulated over pages, links and sitemap URLs."""

    listed: dict[str, str]
    allowed: frozenset[str]
    hits: list[spam.Hit] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)
    failed: list[Message] = field(default_factory=list)
    outbound: dict[str, content.Link] = field(default_factory=dict)

    def text(self, text: str, where: Message) -> None:
        self.hits += spam.scan(text, where, self.listed, self.allowed)

    def page(self, site: Site, url: str, where: Message, page: Page) -> bool:
        """Scan ``page``; False when it was not the page itself (spam on an error page counts)."""
        if not page.ok:
            self.failed.append(Message("web.spam.failure", where=where, error=page.error))
            return False
        if not page.answered:
            self.failed.append(Message("web.spam.failure_status", where=where, status=page.status))
        self.text(content.all_text(page.text), where)
        for link in content.links(page.text, page.final_url or url):
            if not same_site(link.url, site.url):
                self.outbound.setdefault(link.url, link)
        return page.answered


def evaluate(
    site: Site,
    copies: list[Copies],
    sitemap: Sitemap | None,
    *,
    new_urls: list[str],
    get: Callable[..., Page],
    listed: dict[str, str],
) -> Result:
    found = _SpamScan(listed, frozenset(phrase.lower() for phrase in site.spam_allow))
    read = 0  # watched copies that were the page itself, not an error page
    for copy in copies:
        for label, page in (
            ("browser", copy.browser),
            ("crawler", copy.crawler),
            ("search visitor", copy.referred),
        ):
            where = Message("web.spam.page", url=copy.url, copy=Message(f"web.copy.{label}"))
            read += found.page(site, copy.url, where, page)
        found.scanned.append(copy.url)
    for link in found.outbound.values():
        found.text(f"{link.url} {link.text}", Message("web.spam.outbound", url=link.url))
    if sitemap is not None and site.sitemap_max_urls:
        watched = set(watched_pages(site))
        for url in list(dict.fromkeys([*new_urls, *sitemap.urls]))[: site.sitemap_max_urls]:
            found.text(
                url.replace("-", " ").replace("/", " "), Message("web.spam.sitemap_url", url=url)
            )
            if url not in watched and same_site(url, site.url):
                # Fetched as the crawler: injected pages are made for it.
                where = Message("web.spam.sitemap_page", url=url)
                found.page(site, url, where, get(url))
                found.scanned.append(url)
    if found.hits:
        first = found.hits[0]
        more = len(found.hits) - 1
        places = len({hit.where for hit in found.hits})
        status = Status.CRITICAL
        summary = Message(
            "web.spam.found",
            phrase=first.phrase,
            where=first.where,
            more=Message("web.spam.more", count=more, places=places) if more else "",
        )
    elif not read:
        first_failure = Message("web.spam.first", failure=found.failed[0]) if found.failed else ""
        status, summary = Status.UNKNOWN, Message("web.spam.nothing_read", first=first_failure)
    else:
        status = Status.OK
        summary = Message("web.spam.clean", pages=len(found.scanned), links=len(found.outbound))
    return Result(
        check_id=SPAM_ID,
        target=site.name,
        status=status,
        summary=summary,
        evidence={
            "hits": [hit.to_dict() for hit in found.hits[:100]],
            "pages_scanned": found.scanned,
            "outbound_links_scanned": len(found.outbound),
            "fetch_failures": [str(failure) for failure in found.failed[:20]],
        },
        sop_row=sop_row(SPAM_ID),
    )
