"""``web.integrity``: defacement, gambling-spam injection, cloaking, and new sitemap URLs.

- ``web.integrity``: each watched page's normalised text against its
  accepted baseline (``--accept-baseline``); a change beyond the site's
  threshold is a WARNING with a readable diff.
- ``web.integrity.spam``: the phrase list over the pages (every copy
  fetched), the sitemap's URLs (new ones first, bounded) and the outbound
  links' addresses and text; any hit is CRITICAL.
- ``web.integrity.cloaking``: the same pages fetched as a browser, as a
  search-engine crawler and as a visitor from a search engine; a
  materially different copy, or spam only in the crawler's, is CRITICAL.
- ``web.integrity.sitemap``: URLs new in the sitemap since the last run.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opskit.catalog import sop_row
from opskit.config.schema import Site, WebSettings
from opskit.result import Result, Status, utc_now, worst
from opskit.web import content, spam
from opskit.web.content import Sitemap
from opskit.web.fetch import Page, resolve, same_site

BASELINE_ID = "web.integrity"
SPAM_ID = "web.integrity.spam"
CLOAKING_ID = "web.integrity.cloaking"
SITEMAP_ID = "web.integrity.sitemap"
BASELINES = "web.baseline"
SITEMAPS = "web.sitemap"
DIFF_LINES = 60
MAX_KNOWN_URLS = 20_000


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


@dataclass
class IntegrityOutcome:
    results: list[Result] = field(default_factory=list)
    changes: list[StateChange] = field(default_factory=list)


def watched_pages(site: Site) -> list[str]:
    """The home page and the configured pages, as full URLs, without repeats."""
    return list(dict.fromkeys([site.url, *(resolve(site.url, page) for page in site.pages)]))


def page_key(site: Site, url: str) -> str:
    """The baseline key: site name and path, so a new port or scheme keeps the baseline."""
    from urllib.parse import urlsplit

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


def check(
    site: Site,
    settings: WebSettings,
    *,
    copies: list[Copies],
    sitemap: Sitemap | None,
    sitemap_note: str,
    get: Callable[..., Page],
    state: dict[str, Any],
    listed: dict[str, str],
    accept_baseline: bool,
) -> IntegrityOutcome:
    """All four integrity results for one site, and the state to save."""
    outcome = IntegrityOutcome()
    outcome.results.append(
        _baseline(site, copies, state.get(BASELINES, {}), accept_baseline, outcome)
    )
    known = (state.get(SITEMAPS, {}).get(site.name) or {}).get("urls")
    new_urls = _new_sitemap_urls(sitemap, known)
    outcome.results.append(
        _spam(
            site,
            copies,
            sitemap,
            new_urls=new_urls,
            get=lambda url: get(url, user_agent=settings.crawler_user_agent),
            listed=listed,
        )
    )
    outcome.results.append(_cloaking(site, copies, listed))
    outcome.results.append(
        _sitemap_result(
            site, sitemap, sitemap_note, known=known, new_urls=new_urls, outcome=outcome
        )
    )
    return outcome


def _baseline(
    site: Site,
    copies: list[Copies],
    baselines: dict[str, Any],
    accept: bool,
    outcome: IntegrityOutcome,
) -> Result:
    pages: list[dict[str, Any]] = []
    statuses = []
    for copy in copies:
        key = page_key(site, copy.url)
        page = copy.browser
        if not page.ok or page.status != 200:
            pages.append({"url": copy.url, "error": page.error or f"HTTP {page.status}"})
            statuses.append(Status.UNKNOWN)
            continue
        lines = content.visible_lines(page.text)
        digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        baseline = baselines.get(key)
        if accept:
            outcome.changes.append(
                StateChange(
                    BASELINES,
                    key,
                    {"lines": lines, "sha256": digest, "accepted_at": utc_now().isoformat()},
                )
            )
            pages.append({"url": copy.url, "accepted": True, "sha256": digest})
            statuses.append(Status.OK)
            continue
        if baseline is None:
            pages.append({"url": copy.url, "baseline": None})
            statuses.append(Status.WARNING)
            continue
        if baseline.get("sha256") == digest:
            pages.append({"url": copy.url, "changed_percent": 0.0})
            statuses.append(Status.OK)
            continue
        old = list(baseline.get("lines") or [])
        changed = round(
            (1 - difflib.SequenceMatcher(None, old, lines, autojunk=False).ratio()) * 100, 1
        )
        diff = list(difflib.unified_diff(old, lines, "baseline", "now", n=1, lineterm=""))[
            :DIFF_LINES
        ]
        pages.append(
            {
                "url": copy.url,
                "changed_percent": changed,
                "accepted_at": baseline.get("accepted_at"),
                "diff": diff,
            }
        )
        statuses.append(Status.WARNING if changed > site.change_warning_percent else Status.OK)
    status = worst(statuses, default=Status.UNKNOWN)
    if accept:
        summary = f"baseline accepted for {len(outcome.changes)} page(s)"
    elif any(page.get("baseline", 1) is None for page in pages):
        summary = (
            "no accepted baseline yet; run `opskit check web --accept-baseline` "
            "once the site is known good"
        )
    else:
        worst_page = max(pages, key=lambda page: page.get("changed_percent", -1))
        most = worst_page.get("changed_percent")
        summary = (
            f"{worst_page['url']} changed {most:g}% from its baseline"
            if most is not None
            else f"{worst_page['url']}: {worst_page.get('error')}"
        )
        if status is Status.WARNING:
            summary += f" (limit {site.change_warning_percent:g}%); see the diff in the evidence"
    return Result(
        check_id=BASELINE_ID,
        target=site.name,
        status=status,
        summary=summary,
        evidence={"pages": pages, "change_warning_percent": site.change_warning_percent},
        sop_row=sop_row(BASELINE_ID),
    )


def _new_sitemap_urls(sitemap: Sitemap | None, known: list[str] | None) -> list[str]:
    if sitemap is None or known is None:
        return []
    seen = set(known)
    return [url for url in sitemap.urls if url not in seen]


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

    def page(self, site: Site, url: str, label: str, page: Page) -> None:
        if not page.ok:
            self.failed.append(f"{url} ({label}): {page.error}")
            return
        self.text(content.all_text(page.text), f"{url} ({label})")
        for link in content.links(page.text, page.final_url or url):
            if not same_site(link.url, site.url):
                self.outbound.setdefault(link.url, link)


def _spam(
    site: Site,
    copies: list[Copies],
    sitemap: Sitemap | None,
    *,
    new_urls: list[str],
    get: Callable[..., Page],
    listed: dict[str, str],
) -> Result:
    found = _SpamScan(listed, frozenset(phrase.lower() for phrase in site.spam_allow))
    for copy in copies:
        found.page(site, copy.url, "browser copy", copy.browser)
        found.page(site, copy.url, "crawler copy", copy.crawler)
        found.page(site, copy.url, "search visitor copy", copy.referred)
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
    elif not found.scanned or len(found.failed) >= 3 * len(copies):
        status, summary = Status.UNKNOWN, "no page could be fetched to scan"
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


def _cloaking(site: Site, copies: list[Copies], listed: dict[str, str]) -> Result:
    compared = []
    problems = []
    unknown = []
    allowed = frozenset(phrase.lower() for phrase in site.spam_allow)
    for copy in copies:
        if not (copy.browser.ok and copy.crawler.ok and copy.referred.ok):
            unknown.append(copy.url)
            continue
        browser_lines = content.visible_lines(copy.browser.text)
        browser_spam = {
            hit.phrase
            for hit in spam.scan(content.all_text(copy.browser.text), "", listed, allowed)
        }
        for label, page in (("crawler", copy.crawler), ("search visitor", copy.referred)):
            lines = content.visible_lines(page.text)
            ratio = difflib.SequenceMatcher(None, browser_lines, lines, autojunk=False).ratio()
            difference = round((1 - ratio) * 100, 1)
            only_there = sorted(
                {hit.phrase for hit in spam.scan(content.all_text(page.text), "", listed, allowed)}
                - browser_spam
            )
            entry: dict[str, Any] = {
                "url": copy.url,
                "copy": label,
                "difference_percent": difference,
            }
            if page.status != copy.browser.status:
                entry["status"] = {"browser": copy.browser.status, label: page.status}
            if only_there:
                entry["spam_only_in_this_copy"] = only_there
                problems.append(
                    f"{copy.url}: spam only in the {label} copy ({', '.join(only_there[:5])})"
                )
            elif difference > site.cloaking_difference_percent:
                problems.append(
                    f"{copy.url}: the {label} copy differs {difference:g}% from the browser's"
                )
            if difference > site.cloaking_difference_percent or only_there:
                entry["diff"] = list(
                    difflib.unified_diff(browser_lines, lines, "browser", label, n=0, lineterm="")
                )[:DIFF_LINES]
            compared.append(entry)
    if problems:
        status, summary = Status.CRITICAL, "CLOAKING: " + "; ".join(problems[:3])
    elif unknown and not compared:
        status, summary = Status.UNKNOWN, f"could not fetch every copy of {', '.join(unknown)}"
    else:
        status = Status.OK if not unknown else Status.UNKNOWN
        summary = f"crawler and browser copies of {len(copies) - len(unknown)} page(s) match"
    return Result(
        check_id=CLOAKING_ID, target=site.name, status=status, summary=summary,
        evidence={"compared": compared, "not_fetched": unknown,
                  "difference_limit_percent": site.cloaking_difference_percent},
        sop_row=sop_row(CLOAKING_ID),
    )  # fmt: skip


def _sitemap_result(
    site: Site,
    sitemap: Sitemap | None,
    note: str,
    *,
    known: list[str] | None,
    new_urls: list[str],
    outcome: IntegrityOutcome,
) -> Result:
    if sitemap is None:
        status = Status.UNKNOWN if site.sitemap or note.startswith("UNREACHABLE") else Status.OK
        return Result(
            check_id=SITEMAP_ID, target=site.name, status=status,
            summary=note if site.sitemap else f"{note}; nothing to compare",
            evidence={"note": note}, sop_row=sop_row(SITEMAP_ID),
        )  # fmt: skip
    urls = sorted(sitemap.urls)[:MAX_KNOWN_URLS]
    outcome.changes.append(
        StateChange(SITEMAPS, site.name, {"urls": urls, "seen_at": utc_now().isoformat()})
    )
    if known is None:
        summary, status = f"{len(urls)} sitemap URLs recorded (first run)", Status.OK
    elif new_urls:
        status = Status.WARNING if len(new_urls) > site.sitemap_new_warning else Status.OK
        summary = f"{len(new_urls)} new URL(s) in the sitemap: " + ", ".join(new_urls[:5])
        if status is Status.WARNING:
            summary += f" (more than {site.sitemap_new_warning} at once)"
    else:
        summary, status = f"no new URLs among {len(urls)}", Status.OK
    return Result(
        check_id=SITEMAP_ID, target=site.name, status=status, summary=summary,
        evidence={"new_urls": new_urls[:200], "new_count": len(new_urls), "total": len(urls)},
        sop_row=sop_row(SITEMAP_ID),
    )  # fmt: skip
