"""``web.freshness``: when the site last published something (SOP F1 expects regular updates).

Whichever sources the site offers count: sitemap ``lastmod``, RSS/Atom
dates, dates written in a configured page region, and the home page's
``Last-Modified``. The newest date wins; past the configured ages it is
WARNING or CRITICAL. No date from any source is UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

from opskit.catalog import sop_row
from opskit.config.schema import Site
from opskit.result import Metric, Result, Status, grade, utc_now
from opskit.text import Message
from opskit.web import content
from opskit.web.fetch import Page, resolve

CHECK_ID = "web.freshness"
# A date this far ahead is a typo or a scheduled post, not a sign of life.
FUTURE_TOLERANCE = timedelta(days=2)


@dataclass
class FreshnessFacts:
    """The newest date each source gave, and why a source gave none."""

    dates: dict[str, datetime] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def gather(
    site: Site,
    get: Callable[..., Page],
    zone: tzinfo,
    *,
    home: Page | None = None,
    sitemap: content.Sitemap | None = None,
    now: datetime | None = None,
) -> FreshnessFacts:
    """Collect the newest date of every source the site offers."""
    now = now or utc_now()
    facts = FreshnessFacts()
    home = home or get(site.url)

    def keep(source: str, dates: list[datetime]) -> None:
        usable = [moment for moment in dates if moment <= now + FUTURE_TOLERANCE]
        if usable:
            facts.dates[source] = max(usable)
        else:
            facts.notes[source] = "no usable date"

    if sitemap is not None:
        keep("sitemap lastmod", [moment for moment in sitemap.urls.values() if moment])
    feeds = [resolve(site.url, feed) for feed in site.feeds]
    if not feeds and home.ok:
        feeds = content.feed_links(home.text, home.final_url or site.url)
    for feed in feeds[:3]:
        page = get(feed)
        if not (page.ok and page.status == 200):
            facts.notes[f"feed {feed}"] = page.error or f"HTTP {page.status}"
            continue
        try:
            keep(f"feed {feed}", content.feed_dates(page.body))
        except ValueError as error:
            facts.notes[f"feed {feed}"] = str(error)
    if site.updates_selector and home.ok:
        keep(
            f"page region {site.updates_selector}",
            content.region_dates(home.text, site.updates_selector, zone),
        )
    modified = home.header("last-modified") if home.ok else ""
    if modified:
        try:
            keep("Last-Modified", [parsedate_to_datetime(modified)])
        except (TypeError, ValueError):
            facts.notes["Last-Modified"] = f"unreadable: {modified!r}"
    if not home.ok:
        facts.notes["home page"] = home.error or "no answer"
    return facts


def evaluate(site: Site, facts: FreshnessFacts, now: datetime | None = None) -> Result:
    now = now or utc_now()
    evidence: dict[str, Any] = {
        "sources": {source: moment.isoformat() for source, moment in facts.dates.items()},
        "notes": facts.notes,
    }
    if not facts.dates:
        return Result(
            check_id=CHECK_ID,
            target=site.name,
            status=Status.UNKNOWN,
            summary=Message("web.freshness.none"),
            evidence=evidence,
            sop_row=sop_row(CHECK_ID),
        )
    source, newest = max(facts.dates.items(), key=lambda item: item[1])
    age_days = max(0.0, (now - newest).total_seconds() / 86400)
    status = grade(age_days, site.freshness_warning_days, site.freshness_critical_days)
    evidence.update({"newest": newest.isoformat(), "newest_source": source})
    return Result(
        check_id=CHECK_ID,
        target=site.name,
        status=status,
        summary=Message(
            "web.freshness.age", days=round(age_days), date=newest.date(), source=source
        ),
        evidence=evidence,
        metrics=(
            Metric(
                "days_since_update",
                round(age_days, 1),
                "d",
                site.freshness_warning_days,
                site.freshness_critical_days,
            ),
        ),
        sop_row=sop_row(CHECK_ID),
    )
