"""The watched pages of a site, and each fetched as a browser, a crawler and a search visitor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from opskit.config.schema import Site, WebSettings
from opskit.web.fetch import Page, resolve


@dataclass(frozen=True)
class Copies:
    """One watched page as a browser, a crawler and a search-engine visitor received it."""

    url: str
    browser: Page
    crawler: Page
    referred: Page


@dataclass
class StateChange:
    """A value the action saves in the store after the run (checks never write it themselves)."""

    namespace: str
    key: str
    value: Any


def watched_pages(site: Site) -> list[str]:
    """The home page and the configured pages, as full URLs, without repeats."""
    return list(dict.fromkeys([site.url, *(resolve(site.url, page) for page in site.pages)]))


def page_key(site: Site, url: str) -> str:
    """The baseline key: site name and path, so a new port or scheme keeps the baseline."""
    parts = urlsplit(url)
    return f"{site.name} {parts.path or '/'}{'?' + parts.query if parts.query else ''}"


def fetch_copies(site: Site, settings: WebSettings, get: Callable[..., Page]) -> list[Copies]:
    copies = []
    for url in watched_pages(site):
        copies.append(
            Copies(
                url=url,
                browser=get(url, user_agent=settings.browser_user_agent),
                crawler=get(url, user_agent=settings.crawler_user_agent),
                referred=get(
                    url,
                    user_agent=settings.browser_user_agent,
                    headers={"Referer": settings.search_referer},
                ),
            )
        )
    return copies
