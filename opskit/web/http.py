"""``web.http``: is the site up, fast enough, redirected to HTTPS, and saying what it should.

The probe tries again (``retries``) before calling a request failed, and
every attempt is kept in the evidence. Flap control then uses the history:
a failing site is only CRITICAL after ``failures_before_critical``
consecutive failed runs; before that it is a WARNING that says how many
failures have been seen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from opskit.catalog import sop_row
from opskit.config.schema import Site
from opskit.result import Metric, Result, Status, grade, worst
from opskit.text import Message
from opskit.web.fetch import Page

CHECK_ID = "web.http"
RETRY_PAUSE_SECONDS = 0.5


@dataclass(frozen=True)
class Availability:
    """What the availability probe saw: every attempt on the URL, and the plain-HTTP redirect."""

    attempts: tuple[Page, ...]
    redirect: Page | None

    @property
    def page(self) -> Page:
        return self.attempts[-1]


def plain_http_url(site: Site) -> str | None:
    """Where plain HTTP is expected to redirect from, or None when it cannot be known."""
    if site.http_url:
        return site.http_url
    parts = urlsplit(site.url)
    if parts.scheme != "https" or parts.port is not None:
        return None
    return urlunsplit(("http", parts.netloc, parts.path or "/", parts.query, ""))


def probe(site: Site, get: Callable[..., Page]) -> Availability:
    """Fetch the home page (tries again after a failure) and the plain-HTTP address."""
    attempts: list[Page] = []
    for attempt in range(site.retries + 1):
        page = get(site.url)
        attempts.append(page)
        if not problems(site, page):
            break
        if attempt < site.retries:
            time.sleep(RETRY_PAUSE_SECONDS)
    redirect = None
    source = plain_http_url(site) if site.require_https_redirect else None
    if source and site.url.startswith("https://"):
        redirect = get(source, follow_redirects=False)
    return Availability(tuple(attempts), redirect)


async def probe_async(site: Site, get: Callable[..., Awaitable[Page]]) -> Availability:
    """``probe`` on an event loop: the same attempts, pause and redirect check, awaited."""
    attempts: list[Page] = []
    for attempt in range(site.retries + 1):
        page = await get(site.url)
        attempts.append(page)
        if not problems(site, page):
            break
        if attempt < site.retries:
            await asyncio.sleep(RETRY_PAUSE_SECONDS)
    redirect = None
    source = plain_http_url(site) if site.require_https_redirect else None
    if source and site.url.startswith("https://"):
        redirect = await get(source, follow_redirects=False)
    return Availability(tuple(attempts), redirect)


def problems(site: Site, page: Page) -> list[str]:
    """Why ``page`` means the site is not available as expected (empty when it is)."""
    if page.status is None:
        return [page.error or Message("web.error.no_answer")]
    found: list[str] = []
    if page.status not in site.expected_status:
        found.append(
            Message("web.http.status", status=page.status, expected=list(site.expected_status))
        )
    text = page.text
    found += [
        Message("web.http.missing_text", text=phrase)
        for phrase in site.must_contain
        if phrase not in text
    ]
    found += [
        Message("web.http.unwanted_text", text=phrase)
        for phrase in site.must_not_contain
        if phrase in text
    ]
    if page.error:
        found.append(page.error)
    return found


def evaluate(
    site: Site,
    seen: Availability,
    last: Mapping[str, Any] | None = None,
    target: str | None = None,
) -> Result:
    """The availability result, with flap control from ``last``: the evidence of the
    site's newest earlier result (None when there is none)."""
    target = target or site.name
    page = seen.page
    reasons = problems(site, page)
    statuses = []
    notes: list[Message] = []
    metrics: list[Metric] = []
    if page.status is not None:
        metrics.append(
            Metric(
                "response_ms",
                page.elapsed_ms,
                "ms",
                site.response_warning_ms,
                site.response_critical_ms,
            )
        )
    if reasons:
        statuses.append(Status.CRITICAL)
    else:
        speed = grade(page.elapsed_ms, site.response_warning_ms, site.response_critical_ms)
        statuses.append(speed)
        if speed is not Status.OK:
            notes.append(
                Message(
                    "web.http.slow",
                    ms=page.elapsed_ms,
                    warning=site.response_warning_ms,
                    critical=site.response_critical_ms,
                )
            )
    # When the site does not answer at all, plain HTTP failing too is the same news.
    unanswered = page.status is None and (seen.redirect is None or seen.redirect.status is None)
    redirect_note = None if unanswered else _redirect_problem(seen.redirect)
    if redirect_note:
        statuses.append(Status.WARNING)
        notes.append(redirect_note)
    status = worst(statuses)
    failed = bool(reasons)
    consecutive = _consecutive_failures(last) + 1 if failed else 0
    if failed and consecutive < site.failures_before_critical:
        status = worst([Status.WARNING, *statuses[1:]])
        notes.append(
            Message("web.http.failure_of", count=consecutive, limit=site.failures_before_critical)
        )
    noted = Message("web.http.notes", notes=notes) if notes else ""
    if failed:
        summary = Message("web.http.down", reasons=reasons, notes=noted)
    else:
        summary = Message("web.http.up", status=page.status, ms=page.elapsed_ms, notes=noted)
    return Result(
        check_id=CHECK_ID,
        target=target,
        status=status,
        summary=summary,
        evidence={
            "url": site.url,
            "failed": failed,
            "answered": page.status is not None,
            "consecutive_failures": consecutive,
            "failures_before_critical": site.failures_before_critical,
            "attempts": [_attempt(item) for item in seen.attempts],
            "retries_used": len(seen.attempts) - 1,
            "redirect_check": _attempt(seen.redirect) if seen.redirect else None,
            "expected_status": list(site.expected_status),
        },
        metrics=tuple(metrics),
        sop_row=sop_row(CHECK_ID),
    )


def _redirect_problem(redirect: Page | None) -> Message | None:
    if redirect is None:
        return None
    if redirect.status is None:
        return Message("web.http.plain_no_answer", error=redirect.error)
    location = redirect.header("location")
    if redirect.status in (301, 302, 303, 307, 308) and location.startswith("https://"):
        return None
    if redirect.status in (301, 302, 303, 307, 308):
        return Message(
            "web.http.plain_elsewhere", location=location or Message("web.http.no_location")
        )
    return Message("web.http.plain_not_redirected", status=redirect.status)


def _consecutive_failures(last: Mapping[str, Any] | None) -> int:
    if not last or not last.get("failed"):
        return 0
    return int(last.get("consecutive_failures") or 1)


def _attempt(page: Page) -> dict[str, object]:
    return {
        "url": page.url,
        "status": page.status,
        "elapsed_ms": page.elapsed_ms,
        "final_url": page.final_url,
        "redirects": list(page.redirects),
        "error": page.error,
        "location": page.header("location") or None,
    }
