"""``web.integrity.cloaking``: does a search engine get a different page than a visitor?

Each watched page as a browser, as a crawler (Googlebot's user agent) and
as a visitor arriving from a search engine (its referer). Spam only in the
crawler's or the search visitor's copy, or a copy differing more than the
site's limit, is CRITICAL with a diff.
"""

from __future__ import annotations

import difflib
from typing import Any

from opskit.catalog import sop_row
from opskit.config.schema import Site
from opskit.result import Result, Status
from opskit.text import Message
from opskit.web import content, spam
from opskit.web.pages import Copies

CLOAKING_ID = "web.integrity.cloaking"
DIFF_LINES = 60


def evaluate(site: Site, copies: list[Copies], listed: dict[str, str]) -> Result:
    compared = []
    problems = []
    unknown = []
    allowed = frozenset(phrase.lower() for phrase in site.spam_allow)
    for copy in copies:
        # An error page for the browser is nothing to compare the crawler's copy with.
        if not (copy.browser.answered and copy.crawler.ok and copy.referred.ok):
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
                    Message(
                        "web.cloaking.spam_only",
                        url=copy.url,
                        copy=Message(f"web.copy.{label}"),
                        phrases=", ".join(only_there[:5]),
                    )
                )
            elif difference > site.cloaking_difference_percent:
                problems.append(
                    Message(
                        "web.cloaking.differs",
                        url=copy.url,
                        copy=Message(f"web.copy.{label}"),
                        percent=difference,
                    )
                )
            if difference > site.cloaking_difference_percent or only_there:
                entry["diff"] = list(
                    difflib.unified_diff(browser_lines, lines, "browser", label, n=0, lineterm="")
                )[:DIFF_LINES]
            compared.append(entry)
    if problems:
        status, summary = Status.CRITICAL, Message("web.cloaking.found", problems=problems[:3])
    elif unknown and not compared:
        status = Status.UNKNOWN
        summary = Message("web.cloaking.not_fetched", urls=", ".join(unknown))
    else:
        status = Status.OK if not unknown else Status.UNKNOWN
        summary = Message("web.cloaking.match", count=len(copies) - len(unknown))
    return Result(
        check_id=CLOAKING_ID, target=site.name, status=status, summary=summary,
        evidence={"compared": compared, "not_fetched": unknown,
                  "difference_limit_percent": site.cloaking_difference_percent},
        sop_row=sop_row(CLOAKING_ID),
    )  # fmt: skip
