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
    failed: list[str] = field(default_factory=list)
    outbound: dict[str, content.Link] = field(default_factory=dict)

    def text(self, text: str, where: str) -> None:
        self.hits += spam.scan(text, where, self.listed, self.allowed)

    def page(self, site: Site, url: str, label: str, page: Page) -> bool:
        """Scan ``page``; False when it was not the page itself (spam on an error page counts)."""
        if not page.ok:
            self.failed.append(f"{url} ({label}): {page.error}")
            return False
        if not page.answered:
            self.failed.append(f"{url} ({label}): HTTP {page.status}")
        self.text(content.all_text(page.text), f"{url} ({label})")
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
        read += found.page(site, copy.url, "browser copy", copy.browser)
        read += found.page(site, copy.url, "crawler copy", copy.crawler)
        read += found.page(site, copy.url, "search visitor copy", copy.referred)
        found.scanned.append(copy.url)
    for link in found.outbound.values():
        found.text(f"{link.url} {link.text}", f"outbound link {link.url}")
    if sitemap is not None and site.sitemap_max_urls:
        watched = set(watched_pages(site))
        for url in list(dict.fromkeys([*new_urls, *sitemap.urls]))[: site.sitemap_max_urls]:
            found.text(url.replace("-", " ").replace("/", " "), f"sitemap URL {url}")
            if url not in watched and same_site(url, site.url):
                # Fetched as the crawler: injected pages are made for it.
                found.page(site, url, "sitemap page, crawler copy", get(url))
                found.scanned.append(url)
    if found.hits:
        first = found.hits[0]
        more = len(found.hits) - 1
        places = len({hit.where for hit in found.hits})
        status = Status.CRITICAL
        summary = f"SPAM/DEFACEMENT: {first.phrase!r} in {first.where}"
        if more:
            summary += f" and {more} more hit(s) in {places} place(s)"
    elif not read:
        status, summary = Status.UNKNOWN, "no page could be fetched to scan"
        if found.failed:
            summary += f" (first: {found.failed[0]})"
    else:
        status = Status.OK
        summary = (
            f"no spam phrase in {len(found.scanned)} page(s) and "
            f"{len(found.outbound)} outbound link(s)"
        )
    return Result(
        check_id=SPAM_ID,
        target=site.name,
        status=status,
        summary=summary,
        evidence={
            "hits": [hit.to_dict() for hit in found.hits[:100]],
            "pages_scanned": found.scanned,
            "outbound_links_scanned": len(found.outbound),
            "fetch_failures": found.failed[:20],
        },
        sop_row=sop_row(SPAM_ID),
    )
