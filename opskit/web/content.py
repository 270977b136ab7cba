"""Reading what pages, sitemaps and feeds say: visible text, links, dates, URLs.

Pure functions of the fetched bytes. HTML goes through BeautifulSoup with
the standard library's parser; XML through defusedxml, because sitemaps
and feeds come from the network and may be hostile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urldefrag, urljoin

from opskit.web.dates import all_dates, parse_date

INVISIBLE_TAGS = ("script", "style", "noscript", "template")
MAX_TEXT_LINES = 3000


@dataclass(frozen=True)
class Link:
    """One ``<a href>`` (or document link) on a page, with its text."""

    url: str
    text: str


def soup(html: str) -> Any:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def visible_lines(html: str) -> list[str]:
    """The page's text as normalised lines (scripts dropped, spaces collapsed, lower case).

    Hidden elements (``display:none``) are kept: injected spam hides there.
    """
    document = soup(html)
    for tag in document(INVISIBLE_TAGS):
        tag.decompose()
    lines = []
    for raw_line in document.get_text("\n").splitlines():
        line = " ".join(raw_line.split()).lower()
        if line:
            lines.append(line)
    return lines[:MAX_TEXT_LINES]


def all_text(html: str) -> str:
    """Every piece of text a crawler indexes: visible text, titles, meta content, link text."""
    document = soup(html)
    for tag in document(("script", "style")):
        tag.decompose()
    parts = [document.get_text(" ")]
    for tag in document.find_all(["meta", "img", "a"]):
        for attribute in ("content", "alt", "title"):
            value = tag.get(attribute)
            if isinstance(value, str):
                parts.append(value)
    return " ".join(" ".join(parts).split())


def links(html: str, base_url: str) -> list[Link]:
    """Every distinct link on the page, absolute and without fragments, in page order."""
    document = soup(html)
    base = document.find("base", href=True)
    base_url = urljoin(base_url, str(base["href"])) if base else base_url
    found: dict[str, Link] = {}
    for tag in document.find_all(["a", "area", "iframe", "embed", "object"]):
        reference = tag.get("href") or tag.get("src") or tag.get("data")
        if not isinstance(reference, str) or reference.startswith(
            ("mailto:", "tel:", "javascript:", "#", "data:")
        ):
            continue
        url = urldefrag(urljoin(base_url, reference.strip())).url
        if url.startswith(("http://", "https://")) and url not in found:
            found[url] = Link(url, " ".join(tag.get_text(" ").split()))
    return list(found.values())


def feed_links(html: str, base_url: str) -> list[str]:
    """RSS and Atom feeds a page announces with ``<link rel="alternate">``."""
    document = soup(html)
    found = []
    for tag in document.find_all("link", href=True):
        kind = str(tag.get("type") or "").lower()
        if kind in ("application/rss+xml", "application/atom+xml"):
            found.append(urljoin(base_url, str(tag["href"])))
    return found


def region_dates(html: str, selector: str, zone: tzinfo) -> list[datetime]:
    """Dates written in the page region ``selector`` (e.g. the list of newest posts)."""
    document = soup(html)
    found = []
    for element in document.select(selector):
        for tag in element.find_all("time"):
            moment = parse_date(str(tag.get("datetime") or ""), zone)
            if moment is not None:
                found.append(moment)
        found += all_dates(element.get_text(" "), zone)
    return found


@dataclass(frozen=True)
class Sitemap:
    """What a sitemap (or sitemap index) lists: page URLs with their lastmod, and child sitemaps."""

    urls: dict[str, datetime | None]
    children: list[str]


def parse_sitemap(body: bytes) -> Sitemap:
    """Read a sitemap or sitemap index; raises ValueError when it is not one."""
    root = _xml(body)
    urls: dict[str, datetime | None] = {}
    children = []
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (root element {kind!r})")
    for entry in root:
        location = modified = None
        for part in entry:
            name = _local(part.tag)
            if name == "loc":
                location = (part.text or "").strip()
            elif name == "lastmod":
                modified = parse_date(part.text or "")
        if not location:
            continue
        if kind == "sitemapindex":
            children.append(location)
        else:
            urls[location] = modified
    return Sitemap(urls, children)


def feed_dates(body: bytes) -> list[datetime]:
    """Publication dates in an RSS or Atom feed; raises ValueError when it is not one."""
    root = _xml(body)
    if _local(root.tag) not in ("rss", "feed", "RDF"):
        raise ValueError(f"not an RSS or Atom feed (root element {_local(root.tag)!r})")
    found = []
    for element in root.iter():
        if _local(element.tag) in ("pubDate", "published", "updated", "lastBuildDate", "date"):
            moment = parse_date(element.text or "")
            if moment is not None:
                found.append(moment)
    return found


def _xml(body: bytes) -> Any:
    import defusedxml.ElementTree
    from defusedxml import DefusedXmlException

    try:
        return defusedxml.ElementTree.fromstring(body)
    except DefusedXmlException as error:
        raise ValueError(f"refused unsafe XML: {error.__class__.__name__}") from None
    except Exception as error:  # noqa: BLE001 - ElementTree.ParseError and friends; any means "not XML"
        raise ValueError(f"not XML: {error}") from None


def _local(tag: Any) -> str:
    return re.sub(r"^\{.*\}", "", str(tag))
