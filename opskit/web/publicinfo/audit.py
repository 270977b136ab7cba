"""``web.public-info``: one site's public-information audit, from crawl to results.

Crawl the site (bounded, polite), find each catalogue item, peek at the
documents whose period decides a verdict, judge every item, score the
categories, compare with the previous audit. The same audit serves
``opskit check web`` (recorded in history) and ``opskit audit public-info``
(no config, nothing recorded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from opskit.catalog import sop_row
from opskit.result import Metric, Result, Status
from opskit.text import Message
from opskit.web.publicinfo import catalogue as catalogues
from opskit.web.publicinfo.catalogue import Catalogue
from opskit.web.publicinfo.crawl import Crawler, CrawlLimits
from opskit.web.publicinfo.hits import collect, documents_to_inspect
from opskit.web.publicinfo.judge import FOUND, MISSING, STALE, UNKNOWN, Verdict, judge
from opskit.web.publicinfo.match import Matchers
from opskit.web.publicinfo.score import Scores, changes, score, status
from opskit.web.publicinfo.visits import Crawl

CHECK_ID = "web.public-info"
CHANGES_ID = "web.public-info.changes"
SCORE_METRIC = "public_info_score_percent"


@dataclass
class Audit:
    """Everything one audit found; ``evidence()`` is what history keeps."""

    url: str
    catalogue_path: Path
    catalogue: Catalogue
    crawl: Crawl
    verdicts: list[Verdict]
    scores: Scores
    status: Status
    changes: list[dict[str, Any]] | None
    today: date

    def summary(self) -> Message:
        counts = self.scores.counts
        judged = Message(
            "web.public_info.judged",
            found=counts[FOUND],
            stale=counts[STALE],
            missing=counts[MISSING],
            unknown=Message("web.public_info.judged_unknown", count=counts[UNKNOWN])
            if counts[UNKNOWN]
            else "",
            total=len(self.verdicts),
        )
        if self.scores.overall is None:
            reason = next(
                (
                    Message(f"public_info.reasons.{verdict.code}", detail=verdict.detail)
                    if verdict.code in ("site_unreadable", "crawl_incomplete", "blocked")
                    else verdict.reason
                    for verdict in self.verdicts
                ),
                Message("web.public_info.nothing_judged"),
            )
            return Message("web.public_info.not_judged", reason=reason)
        return Message("web.public_info.score", score=self.scores.overall, judged=judged)

    def crawl_facts(self) -> dict[str, Any]:
        crawl = self.crawl
        return {
            "pages": crawl.pages,
            "requests": crawl.requests,
            "seconds": crawl.seconds,
            "documents_checked": len(crawl.documents),
            "robots": crawl.robots.note,
            "sitemap": crawl.sitemap_note,
            "limit_reached": crawl.limit_reached,
            "incomplete": crawl.incomplete(),
            "blocked_by_robots": crawl.blocked[:20],
            "left_site": crawl.left_site[:20],
        }

    def evidence(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "catalogue": str(self.catalogue_path),
            "catalogue_title": self.catalogue.title.id,
            "date": self.today.isoformat(),
            "scores": self.scores.to_dict(),
            "crawl": self.crawl_facts(),
            "items": [self._item(verdict) for verdict in self.verdicts],
            "changes": self.changes,
        }

    def _item(self, verdict: Verdict) -> dict[str, Any]:
        titles = {item.id: item.title for item in self.catalogue.items}
        entry = verdict.to_dict()
        title = titles.get(verdict.item)
        entry["title"] = {"id": title.id, "en": title.en} if title else None
        return entry


def run_audit(
    url: str,
    catalogue_path: Path | None,
    limits: CrawlLimits,
    today: date,
    previous_items: list[dict[str, Any]] | None = None,
) -> Audit:
    """Audit the site at ``url``; raises ConfigError for a broken catalogue, never for the site."""
    path = catalogue_path or catalogues.builtin_path()
    catalogue = catalogues.load(path)
    matchers = Matchers(catalogue)
    crawler = Crawler(url, matchers, limits)
    crawl = crawler.run()
    hits = collect(matchers, crawl)
    crawler.inspect(documents_to_inspect(matchers, crawl, hits))
    verdicts = judge(matchers, crawl, hits, today)
    scores = score(catalogue, verdicts)
    moved = changes(previous_items, verdicts) if previous_items is not None else None
    return Audit(
        url, path, catalogue, crawl, verdicts, scores, status(catalogue, scores), moved, today
    )


def results(target: str, audit: Audit) -> list[Result]:
    """The audit's result, and the change result when there was an audit before it."""
    counts = audit.scores.counts
    metrics = [
        Metric(f"items_{state}", counts[state]) for state in (FOUND, STALE, MISSING, UNKNOWN)
    ]
    if audit.scores.overall is not None:
        scoring = audit.catalogue.scoring
        metrics.insert(
            0,
            Metric(
                SCORE_METRIC,
                round(audit.scores.overall, 2),
                "%",
                scoring.warning_below,
                scoring.critical_below,
            ),
        )
    found = [
        Result(
            check_id=CHECK_ID,
            target=target,
            status=audit.status,
            summary=audit.summary(),
            evidence=audit.evidence(),
            metrics=tuple(metrics),
            sop_row=sop_row(CHECK_ID),
        )
    ]
    if audit.changes is not None and audit.scores.overall is not None:
        gone = [change for change in audit.changes if change["now"] == MISSING]
        listed = ", ".join(change["item"] for change in gone[:8])
        summary = (
            Message("web.public_info.gone", count=len(gone), items=listed)
            if gone
            else Message("web.public_info.none_gone", count=len(audit.changes))
        )
        found.append(
            Result(
                check_id=CHANGES_ID,
                target=target,
                status=Status.WARNING if gone else Status.OK,
                summary=summary,
                evidence={"changes": audit.changes},
                sop_row=sop_row(CHANGES_ID),
            )
        )
    return found


def previous_items(result: Result | None) -> list[dict[str, Any]] | None:
    """The item verdicts of an earlier audit's result, if it judged the site."""
    if result is None or not isinstance(result.evidence.get("items"), list):
        return None
    if result.evidence.get("scores", {}).get("overall") is None:
        return None
    return list(result.evidence["items"])
