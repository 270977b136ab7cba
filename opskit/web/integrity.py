"""``web.integrity``: defacement against an accepted baseline, and new sitemap URLs.

Runs the integrity family for one site from one set of fetched copies:

- ``web.integrity``: each watched page's normalised text against its
  accepted baseline (``--accept-baseline``); a change beyond the site's
  threshold is a WARNING with a readable diff.
- ``web.integrity.spam`` (``spam_scan``) and ``web.integrity.cloaking``
  (``cloaking``) on the same copies.
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
from opskit.web import cloaking, content, spam_scan
from opskit.web.content import Sitemap
from opskit.web.fetch import Page
from opskit.web.pages import Copies, StateChange, page_key

BASELINE_ID = "web.integrity"
SITEMAP_ID = "web.integrity.sitemap"
BASELINES = "web.baseline"
SITEMAPS = "web.sitemap"
DIFF_LINES = 60
MAX_KNOWN_URLS = 20_000


@dataclass
class IntegrityOutcome:
    results: list[Result] = field(default_factory=list)
    changes: list[StateChange] = field(default_factory=list)


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
        spam_scan.evaluate(
            site,
            copies,
            sitemap,
            new_urls=new_urls,
            get=lambda url: get(url, user_agent=settings.crawler_user_agent),
            listed=listed,
        )
    )
    outcome.results.append(cloaking.evaluate(site, copies, listed))
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


def _sitemap_result(
    site: Site,
    sitemap: Sitemap | None,
    note: str,
    *,
    known: list[str] | None,
    new_urls: list[str],
    outcome: IntegrityOutcome,
) -> Result:
    if note.startswith("INVALID: "):
        # An HTML page (or a broken file) where the sitemap should be hides what it would show.
        return Result(
            check_id=SITEMAP_ID, target=site.name, status=Status.WARNING,
            summary=note.removeprefix("INVALID: ")
            + "; fix the sitemap, or set sitemap: to where the real one is",
            evidence={"note": note}, sop_row=sop_row(SITEMAP_ID),
        )  # fmt: skip
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
