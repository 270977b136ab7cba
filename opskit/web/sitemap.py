"""Fetching a site's sitemap, following a sitemap index one level down (bounded)."""

from __future__ import annotations

from collections.abc import Callable

from opskit.config.schema import Site
from opskit.web.content import Sitemap, parse_sitemap
from opskit.web.fetch import Page, resolve

MAX_CHILD_SITEMAPS = 5
# Answers that mean the site has no sitemap at that address.
ABSENT_STATUSES = (404, 410)


def fetch_sitemap(site: Site, get: Callable[..., Page]) -> tuple[Sitemap | None, str]:
    """The sitemap's URLs, or None with the reason (absent, unreadable, or the site not answering).

    A reason starting with ``UNREACHABLE`` means the question could not be asked at all;
    one starting with ``INVALID`` that the address answers, but not with a sitemap.
    """
    url = resolve(site.url, site.sitemap or "/sitemap.xml")
    page = get(url)
    if page.status is None:
        return None, f"UNREACHABLE: sitemap {url}: {page.error}"
    if page.status in ABSENT_STATUSES:
        return None, f"no sitemap at {url} (HTTP {page.status})"
    if page.status != 200:
        # A server error or a refusal says nothing about whether a sitemap exists.
        return None, f"UNREACHABLE: sitemap {url} answered HTTP {page.status}"
    try:
        found = parse_sitemap(page.body)
    except ValueError as error:
        return None, f"INVALID: {url} answers HTTP 200 but is not a sitemap ({error})"
    urls = dict(found.urls)
    for child in found.children[:MAX_CHILD_SITEMAPS]:
        answer = get(child)
        if answer.ok and answer.status == 200:
            try:
                urls.update(parse_sitemap(answer.body).urls)
            except ValueError:
                continue
    return Sitemap(urls, found.children), f"sitemap {url}: {len(urls)} URLs"
