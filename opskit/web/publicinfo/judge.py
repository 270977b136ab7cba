"""From the pages read to a verdict per catalogue item: found, stale, missing or unknown.

Pure functions of the crawl. An item is *found* when a page links to it
(by words or address), a page is titled after it, or a page carries it;
a periodic item is *stale* when the newest period or date shown for it is
older than its renewal rule asks; it is *missing* only when the crawl saw
the whole site (menus read, no menu page failing) and nothing pointed to
it, or the only link to it is broken (HTTP 404). When the site or the
page behind the item did not answer, the verdict is *unknown*: never
"missing" for what could not be seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from opskit.web.publicinfo.catalogue import Item
from opskit.web.publicinfo.hits import Evidence, Hit, document_usable, evidence_of
from opskit.web.publicinfo.match import ItemMatcher, Matchers
from opskit.web.publicinfo.periods import Period, Reading, required, satisfies, year
from opskit.web.publicinfo.visits import Crawl, origin_of

FOUND, STALE, MISSING, UNKNOWN = "found", "stale", "missing", "unknown"
STATES = (FOUND, STALE, MISSING, UNKNOWN)
KIND_ORDER = {"link": 0, "title": 1, "address": 2, "content": 3}
DOCUMENTS_PER_ITEM = 3


@dataclass
class Verdict:
    item: str
    category: str
    state: str
    weight: float
    reason: str
    code: str
    detail: str = ""
    where: str | None = None
    text: str | None = None
    target: str | None = None
    period: Period | None = None
    expected: Period | None = None
    dated: date | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "category": self.category,
            "state": self.state,
            "weight": self.weight,
            "code": self.code,
            "reason": self.reason,
            "detail": self.detail,
            "where": self.where,
            "text": self.text,
            "target": self.target,
            "period": self.period.to_dict() if self.period else None,
            "expected": self.expected.to_dict() if self.expected else None,
            "dated": self.dated.isoformat() if self.dated else None,
            "notes": self.notes,
        }


def judge(
    matchers: Matchers, crawl: Crawl, hits: dict[str, list[Hit]], today: date
) -> list[Verdict]:
    """A verdict for every item of the catalogue, in catalogue order."""
    return [
        _one(matcher, matchers, crawl, hits[matcher.item.id], today) for matcher in matchers.items
    ]


def _one(
    matcher: ItemMatcher, matchers: Matchers, crawl: Crawl, hits: list[Hit], today: date
) -> Verdict:
    item = matcher.item
    verdict = Verdict(item.id, item.category, UNKNOWN, item.weight, "", "")
    home = crawl.home
    if home is None or not home.answered:
        reason = crawl.robots.note if not crawl.robots.readable else _home_reason(crawl)
        verdict.detail = reason
        return _set(verdict, UNKNOWN, "site_unreadable", reason)
    states = [(hit, _hit_state(hit, item, crawl, matchers)) for hit in hits]
    usable = [hit for hit, state in states if state in ("valid", "unverified", "external")]
    verdict.notes = [
        f"{hit.text or hit.target}: leads off the site ({hit.target})"
        for hit, state in states
        if state == "elsewhere"
    ][:3]
    if not usable:
        return _unseen(verdict, matcher, crawl, states)
    _place(verdict, usable[0])
    if not item.periodic:
        return _set(verdict, FOUND, "found", _found_text(usable[0]))
    live = next((hit for hit in usable if matchers.live(hit.host)), None)
    if live is not None:
        _place(verdict, live)
        host = urlsplit(live.target).hostname
        return _set(verdict, FOUND, "live", f"links to live data at {host}")
    evidence = [
        entry
        for entry in evidence_of(matcher, crawl, usable, matchers, today)
        if document_usable(crawl, entry.target)
    ]
    return _periodic(verdict, item, evidence, today)


def _unseen(
    verdict: Verdict, matcher: ItemMatcher, crawl: Crawl, states: list[tuple[Hit, str]]
) -> Verdict:
    """Nothing usable points to the item: could it be there unseen, or is it truly absent?"""
    failed = [hit for hit, state in states if state == "failed"]
    broken = [hit for hit, state in states if state == "broken"]
    if failed:
        _place(verdict, failed[0])
        answer = verdict.detail = _answer(crawl, failed[0].target)
        return _set(
            verdict, UNKNOWN, "target_failed", f"the page it links to did not answer: {answer}"
        )
    if broken:
        hit = broken[0]
        _place(verdict, hit)
        answer = verdict.detail = _answer(crawl, hit.target)
        reason = f"the link {hit.text!r} on {hit.page} leads to a missing page ({answer})"
        return _set(verdict, MISSING, "broken_link", reason)
    blocked = [url for url in crawl.blocked if matcher.address(url)]
    if blocked:
        verdict.detail = blocked[0]
        reason = f"robots.txt does not allow reading {blocked[0]}"
        return _set(verdict, UNKNOWN, "blocked", reason)
    incomplete = crawl.incomplete()
    if incomplete:
        verdict.detail = incomplete
        return _set(verdict, UNKNOWN, "crawl_incomplete", incomplete)
    reason = f"no link, title or page for it among the {crawl.pages} pages read"
    return _set(verdict, MISSING, "not_linked", reason)


def _periodic(verdict: Verdict, item: Item, evidence: list[Evidence], today: date) -> Verdict:
    """Found or stale by the newest period shown; by the newest date when no period is shown."""
    period_of = item.period_of or "previous"
    needed = required(item.renew, period_of, item.due_days, today) or year(today.year)
    verdict.expected = needed
    periods = [entry for entry in evidence if entry.reading.periods]
    dates = [entry for entry in evidence if entry.reading.dates]
    if periods:
        newest = max(periods, key=lambda entry: max(entry.reading.periods))
        verdict.period = max(newest.reading.periods)
        _place_evidence(verdict, newest)
        fresh = satisfies(Reading(newest.reading.periods, ()), needed, period_of)
        reason = f"newest: {verdict.period.label} ({newest.label}); required: {needed.label}"
        return _set(
            verdict, FOUND if fresh else STALE, "period_ok" if fresh else "period_old", reason
        )
    if dates:
        latest = max(dates, key=lambda entry: max(entry.reading.dates))
        verdict.dated = max(latest.reading.dates)
        _place_evidence(verdict, latest)
        fresh = satisfies(Reading((), latest.reading.dates), needed, period_of)
        reason = f"dated {verdict.dated}; required: {needed.label}"
        return _set(verdict, FOUND if fresh else STALE, "date_ok" if fresh else "date_old", reason)
    reason = f"no year, period or date shown; required: {needed.label}"
    return _set(verdict, STALE, "undated", reason)


def _hit_state(hit: Hit, item: Item, crawl: Crawl, matchers: Matchers) -> str:
    """valid, unverified (not read: taken as linked), external, elsewhere, broken or failed."""
    if hit.kind != "link":
        return "valid"
    if hit.off_site:
        listed = hit.host is not None and hit.host in item.external_ok
        return "external" if listed or _sibling(hit.target, crawl.start) else "elsewhere"
    if hit.document:
        return _document_state(crawl, hit.target)
    visit = crawl.final(hit.target)
    if visit is None or visit.redirect is not None:
        return "unverified"
    if visit.answered:
        return "valid"
    return "broken" if visit.gone else "failed"


def _document_state(crawl: Crawl, url: str) -> str:
    document = crawl.documents.get(url)
    if document is None:
        return "unverified"
    if document.failed:
        return "failed"
    return "valid" if document_usable(crawl, url) else "broken"


def _sibling(url: str, start: str) -> bool:
    """Another site of the same court (``sipp.pa-x.go.id`` beside ``www.pa-x.go.id``)."""
    host = (urlsplit(url).hostname or "").lower()
    base = (urlsplit(start).hostname or "").lower().removeprefix("www.")
    return (
        bool(base)
        and "." in base
        and not base.replace(".", "").isdigit()
        and (host == base or host.endswith("." + base))
    )


def _answer(crawl: Crawl, url: str) -> str:
    visit = crawl.final(url)
    if visit is not None:
        return visit.reason()
    document = crawl.documents.get(url)
    if document is not None:
        if document.answered:
            return "not a PDF"
        return document.error or f"HTTP {document.status}"
    return "not read"


def _home_reason(crawl: Crawl) -> str:
    if crawl.start in crawl.blocked:
        return "robots.txt does not allow reading the home page"
    first = crawl.visits.get(crawl.start)
    if first is not None and first.redirect and origin_of(first.redirect) != crawl.origin:
        return f"the home page redirects to {first.redirect}, another address: audit that one"
    home = crawl.home
    return (
        f"the home page did not answer ({home.reason()})" if home else "the home page was not read"
    )


def _found_text(hit: Hit) -> str:
    if hit.kind == "link":
        return f"link {hit.text!r} on {hit.page}"
    return f"page {hit.page} ({hit.kind})"


def _place(verdict: Verdict, hit: Hit) -> None:
    verdict.where, verdict.text, verdict.target = hit.page, hit.text, hit.target


def _place_evidence(verdict: Verdict, evidence: Evidence) -> None:
    verdict.where, verdict.text, verdict.target = evidence.page, evidence.label, evidence.target


def _set(verdict: Verdict, state: str, code: str, reason: str) -> Verdict:
    verdict.state, verdict.code, verdict.reason = state, code, reason
    return verdict
