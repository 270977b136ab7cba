"""Signs of each catalogue item on the pages read, and the words that may tell its period.

A *hit* is a link whose words or address name the item, a page titled or
addressed after it, or a page carrying its content. *Evidence* is text
that may name a period: the item's links and documents (with the file
name the link or the server gives), and its pages' headings and dates.
Pure functions of the crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from opskit.web.publicinfo.match import ItemMatcher, Matchers, address_tail, file_name
from opskit.web.publicinfo.periods import Reading, read
from opskit.web.publicinfo.visits import Crawl, origin_of

KIND_ORDER = {"link": 0, "title": 1, "address": 2, "content": 3}
DOCUMENTS_PER_ITEM = 3


@dataclass(frozen=True)
class Hit:
    """One sign of an item: a link to it, a page titled or addressed after it, or its content."""

    kind: str
    page: str
    text: str
    target: str
    depth: int
    document: bool = False
    off_site: bool = False
    host: str | None = None  # the external_hosts entry of a link off the site


@dataclass(frozen=True)
class Evidence:
    """Words that may name a period (a document's title and file name, a heading), and where."""

    text: str
    page: str
    target: str
    reading: Reading
    label: str = ""  # what a person reads: the link text (and the file name if it told more)


def collect(matchers: Matchers, crawl: Crawl) -> dict[str, list[Hit]]:
    """Every hit of every item on the pages read, nearest the home page first."""
    hits: dict[str, dict[tuple[str, str], Hit]] = {m.item.id: {} for m in matchers.items}
    pages = sorted(crawl.answered_pages(), key=lambda visit: (visit.depth, visit.url))
    for visit in pages:
        facts = visit.facts
        if facts is None:
            continue
        for link in facts.links:
            indexes = matchers.link_items(link.text, link.url)
            if not indexes:
                continue
            off_site = origin_of(link.url) != crawl.origin
            hit = Hit(
                "link",
                visit.url,
                link.text,
                link.url,
                visit.depth,
                matchers.is_document(link.url),
                off_site,
                matchers.host_name(urlsplit(link.url).hostname or "") if off_site else None,
            )
            for index in indexes:
                hits[matchers.items[index].item.id].setdefault(("link", link.url), hit)
        tail = address_tail(visit.url)
        headings = [text for text in (facts.title, *facts.h1) if text]
        for matcher in matchers.items:
            found = hits[matcher.item.id]
            if any(matcher.title(text) for text in headings):
                found.setdefault(
                    ("title", visit.url),
                    Hit("title", visit.url, facts.title or facts.h1[0], visit.url, visit.depth),
                )
            if matcher.address_tail(tail):
                found.setdefault(
                    ("address", visit.url),
                    Hit("address", visit.url, facts.title, visit.url, visit.depth),
                )
            if matcher.content(facts.all_text):
                found.setdefault(
                    ("content", visit.url),
                    Hit("content", visit.url, facts.title, visit.url, visit.depth),
                )
    return {item: sorted(found.values(), key=_hit_order) for item, found in hits.items()}


def documents_to_inspect(matchers: Matchers, crawl: Crawl, hits: dict[str, list[Hit]]) -> list[str]:
    """Same-site documents whose answer decides a verdict, a few per item.

    For a periodic item: those whose link names no period (the name the
    server sends may) and the newest named ones; for any other item: the
    first document linked as the item, to know that it opens.
    """
    wanted: list[str] = []
    for matcher in matchers.items:
        own = hits[matcher.item.id]
        if not matcher.item.periodic:
            first = next((hit.target for hit in own if hit.document and not hit.off_site), None)
            wanted += [first] if first else []
            continue
        documents = [
            evidence
            for evidence in evidence_of(matcher, crawl, own, matchers)
            if evidence.target != evidence.page
            and origin_of(evidence.target) == crawl.origin
            and matchers.is_document(evidence.target)
        ]
        undated = [evidence.target for evidence in documents if not evidence.reading.periods]
        dated = sorted(
            (evidence for evidence in documents if evidence.reading.periods),
            key=lambda evidence: max(evidence.reading.periods),
            reverse=True,
        )
        wanted += undated[: 2 * DOCUMENTS_PER_ITEM]
        wanted += [evidence.target for evidence in dated][:DOCUMENTS_PER_ITEM]
    return list(dict.fromkeys(wanted))


def evidence_of(
    matcher: ItemMatcher,
    crawl: Crawl,
    hits: list[Hit],
    matchers: Matchers,
    today: date | None = None,
) -> list[Evidence]:
    """The words that may tell an item's period: its links and documents, its pages' headings."""
    found: list[Evidence] = []
    pages: list[str] = []
    for hit in hits:
        if hit.kind == "link":
            found.append(words_of(hit.text, hit.page, hit.target, crawl, today))
            visit = crawl.final(hit.target) if not hit.document else None
            if visit is not None and visit.answered and visit.facts is not None:
                pages.append(visit.url)
        elif hit.kind in ("title", "address"):
            pages.append(hit.target)
    for url in dict.fromkeys(pages):
        visit = crawl.visits[url]
        facts = visit.facts
        if facts is None:
            continue
        for heading in [facts.title, *facts.headings]:
            if heading:
                found.append(Evidence(heading, url, url, read(heading, today=today), heading))
        for link in facts.links:
            if not link.chrome and (
                matchers.is_document(link.url) or matcher.link(link.text, link.url)
            ):
                found.append(words_of(link.text, url, link.url, crawl, today))
        page_dates = read(facts.text, today=today).dates
        modified = crawl.sitemap.get(url)
        dates = (*page_dates, *([modified.date()] if modified else []))
        if dates:
            latest = Reading((), tuple(sorted(dates))[-1:])
            found.append(Evidence(facts.title, url, url, latest, facts.title))
    return found


def words_of(text: str, page: str, target: str, crawl: Crawl, today: date | None) -> Evidence:
    document = crawl.documents.get(target)
    sent_name = document.file_name if document else ""
    combined = " ".join(part for part in (text, file_name(target), sent_name) if part)
    name = sent_name or file_name(target)
    told_more = name and not read(text, today=today).periods
    label = f"{text} ({name})" if told_more and text else (text or name)
    return Evidence(combined, page, target, read(combined, today=today), label)


def document_usable(crawl: Crawl, url: str) -> bool:
    """Whether a linked document counts: as linked when not peeked at, else it must answer.

    A file named ``.pdf`` must start like a PDF: a CMS's "file not found"
    page answering 200 is not the report.
    """
    document = crawl.documents.get(url)
    if document is None or document.elsewhere:
        return True
    if not document.answered:
        return False
    names = (urlsplit(url).path.lower(), document.file_name.lower())
    return document.pdf or not any(name.endswith(".pdf") for name in names)


def _hit_order(hit: Hit) -> tuple[int, int, int, str]:
    return (int(hit.off_site), KIND_ORDER[hit.kind], hit.depth, hit.page)
