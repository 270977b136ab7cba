"""Running every (site, check) pair at once: on one event loop, and a bounded pool.

Each pair is one task, so a dead or slow site holds one worker for at most
its own timeouts while the others finish. Availability (``web.http``), the
check run most often and on the most sites, waits on the event loop, so a
thousand sites cost a thousand sockets and no threads; the checks built on
blocking libraries (TLS with pyOpenSSL, DNS, WHOIS, the page crawls) run in
a pool of ``jobs`` threads beside it. Tasks never touch the store:
what they need from history (recent results, baselines, known sitemap
URLs, cached domain lookups) is read before, and what they want saved comes
back as ``StateChange``s that the action writes after. A task that fails
unexpectedly becomes UNKNOWN for its site and check only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from opskit.catalog import unknown
from opskit.config.schema import WEB_CHECKS, Site, WebSettings
from opskit.errors import OpskitError
from opskit.result import Result, Status, utc_now
from opskit.text import Message
from opskit.web import dns, domain, exposure, freshness, http, links, tls
from opskit.web.afetch import Client
from opskit.web.fetch import MAX_BODY_BYTES, Page, fetch
from opskit.web.pages import StateChange, fetch_copies, watched_pages
from opskit.web.sitemap import fetch_sitemap

logger = logging.getLogger(__name__)

DOMAIN_CACHE = "web.domain"
# The content checks and the public-information audit import what they need when they
# run, so a run of availability alone does not load their parsers; their ids are
# written out here (tests/unit/web/test_runner_ids.py holds them to their modules).
CHECK_IDS = {
    "http": http.CHECK_ID,
    "tls": tls.CHECK_ID,
    "domain": domain.CHECK_ID,
    "dns": dns.CHECK_ID,
    "freshness": freshness.CHECK_ID,
    "integrity": "web.integrity",
    "links": links.CHECK_ID,
    "exposure": exposure.CHECK_ID,
    "public-info": "web.public-info",
}


@dataclass
class RunInput:
    """What the checks need from outside the network: settings, history and saved state."""

    settings: WebSettings
    zone: tzinfo
    cache_dir: Path
    # Each site's newest web.http evidence, for flap control.
    last_http: dict[str, dict[str, Any]] = field(default_factory=dict)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    accept_baseline: bool = False
    keywords: dict[str, str] = field(default_factory=dict)
    today: date | None = None
    # web.public-info: the sites whose audit is due, and each site's last audit.
    public_info_due: set[str] = field(default_factory=set)
    public_info_last: dict[str, Result | None] = field(default_factory=dict)


@dataclass
class TaskOutput:
    results: list[Result] = field(default_factory=list)
    changes: list[StateChange] = field(default_factory=list)


@dataclass(frozen=True)
class Task:
    """One check on one site: ``run`` in a thread, or ``run_async`` on the loop when set."""

    site: Site
    check: str
    run: Callable[[], TaskOutput]
    run_async: Callable[[Client], Awaitable[TaskOutput]] | None = None
    ca_bundle: str | None = None


def getter(site: Site, settings: WebSettings) -> Callable[..., Page]:
    """``get(url, ...)`` for one site: its timeout, the browser user agent, the CA bundle."""
    verify: bool | str = str(settings.ca_bundle) if settings.ca_bundle else True

    def get(
        url: str,
        *,
        user_agent: str | None = None,
        headers: dict[str, str] | None = None,
        follow_redirects: bool = True,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> Page:
        return fetch(
            url,
            timeout_seconds=site.timeout_seconds,
            user_agent=user_agent or settings.browser_user_agent,
            verify=verify,
            follow_redirects=follow_redirects,
            headers=headers,
            max_bytes=max_bytes,
        )

    return get


def applicable(site: Site, only: Sequence[str]) -> list[str]:
    """The checks to run: ``only`` (or all), less the site's ``skip`` and what cannot apply."""
    wanted = [
        check for check in WEB_CHECKS if (not only or check in only) and check not in site.skip
    ]
    if ("domain" in wanted or "dns" in wanted) and domain.registrable_domain(site) is None:
        return [check for check in wanted if check not in ("domain", "dns")]
    return wanted


def plan(sites: Sequence[Site], only: Sequence[str], data: RunInput) -> list[Task]:
    """One task per site and check; domain lookups once per registrable domain.

    A public-information audit runs when asked for by name, else only when due.
    """
    tasks = []
    domains_seen: set[str] = set()
    for site in sites:
        for check in applicable(site, only):
            wanted = "public-info" in only or site.name in data.public_info_due
            if check == "public-info" and not wanted:
                continue
            if check == "domain":
                name = domain.registrable_domain(site) or ""
                if name in domains_seen:
                    continue
                domains_seen.add(name)
            if check == "http":
                tasks.append(_http_task(site, data))
            else:
                tasks.append(Task(site, check, _bind(check, site, data)))
    return tasks


def run(tasks: Sequence[Task], jobs: int) -> list[TaskOutput]:
    """Every task: blocking ones at most ``jobs`` at once, the others on the loop; in order."""
    if not tasks:
        return []
    return asyncio.run(_run_all(tasks, jobs))


async def _run_all(tasks: Sequence[Task], jobs: int) -> list[TaskOutput]:
    loop = asyncio.get_running_loop()
    blocking = sum(task.run_async is None for task in tasks)
    clients: dict[str | None, Client] = {}
    for task in tasks:
        if task.run_async is not None and task.ca_bundle not in clients:
            clients[task.ca_bundle] = Client.open(task.ca_bundle)

    async def one(task: Task) -> TaskOutput:
        try:
            if task.run_async is not None:
                return await task.run_async(clients[task.ca_bundle])
            return await loop.run_in_executor(pool, task.run)
        except OpskitError as error:
            return TaskOutput([unknown(CHECK_IDS[task.check], task.site.name, error.message)])
        except Exception as error:  # noqa: BLE001 - one check's bug must not hide the other sites' results
            logger.debug("web check %s on %s failed", task.check, task.site.name, exc_info=True)
            return TaskOutput(
                [
                    unknown(
                        CHECK_IDS[task.check],
                        task.site.name,
                        Message("web.failed", kind=error.__class__.__name__, detail=str(error)),
                    )
                ]
            )

    # The loop's requests first, then the pool: a hundred threads busy with TLS handshakes
    # would hold the interpreter lock while the loop's answers wait, timed as slow sites.
    outputs: dict[int, TaskOutput] = {}
    try:
        found = await asyncio.gather(*(one(task) for task in tasks if task.run_async))
        outputs.update(zip(_positions(tasks, True), found, strict=True))
    finally:
        for client in clients.values():
            await client.close()
    with ThreadPoolExecutor(
        max_workers=max(1, min(jobs, blocking)), thread_name_prefix="web"
    ) as pool:
        found = await asyncio.gather(*(one(task) for task in tasks if not task.run_async))
        outputs.update(zip(_positions(tasks, False), found, strict=True))
    return [outputs[index] for index in range(len(tasks))]


def _positions(tasks: Sequence[Task], on_loop: bool) -> list[int]:
    return [index for index, task in enumerate(tasks) if (task.run_async is not None) is on_loop]


# Checks that learn nothing when the site does not answer: they say so, in one short line.
NEEDS_AN_ANSWER = ("web.tls", "web.freshness", "web.integrity", "web.links", "web.exposure")


def point_to_the_outage(results: list[Result]) -> list[Result]:
    """Results where a site that did not answer is one cause (web.http), not nine retellings.

    Every check that needs the site to answer and could not tell (UNKNOWN)
    says "not checked" and points to web.http, which gives the reason once.
    """
    down = {
        result.target
        for result in results
        if result.check_id == http.CHECK_ID and result.evidence.get("answered") is False
    }
    if not down:
        return results
    return [
        unknown(
            result.check_id,
            result.target,
            Message("web.not_checked"),
        )
        if result.target in down
        and result.status is Status.UNKNOWN
        and result.check_id.startswith(NEEDS_AN_ANSWER)
        else result
        for result in results
    ]


def _bind(check: str, site: Site, data: RunInput) -> Callable[[], TaskOutput]:
    runners = {
        "http": _http,
        "tls": _tls,
        "domain": _domain,
        "dns": _dns,
        "freshness": _freshness,
        "integrity": _integrity,
        "links": _links,
        "exposure": _exposure,
        "public-info": _public_info,
    }
    return lambda: runners[check](site, data)


def _http(site: Site, data: RunInput) -> TaskOutput:
    seen = http.probe(site, getter(site, data.settings))
    return TaskOutput([http.evaluate(site, seen, data.last_http.get(site.name))])


def _http_task(site: Site, data: RunInput) -> Task:
    """Availability on the event loop; ``run`` does the same in a thread, for callers without."""
    settings = data.settings

    async def run_async(client: Client) -> TaskOutput:
        async def get(url: str, *, follow_redirects: bool = True) -> Page:
            return await client.fetch(
                url,
                timeout_seconds=site.timeout_seconds,
                user_agent=settings.browser_user_agent,
                follow_redirects=follow_redirects,
            )

        seen = await http.probe_async(site, get)
        return TaskOutput([http.evaluate(site, seen, data.last_http.get(site.name))])

    bundle = str(settings.ca_bundle) if settings.ca_bundle else None
    return Task(site, "http", lambda: _http(site, data), run_async, bundle)


def _tls(site: Site, data: RunInput) -> TaskOutput:
    parts = urlsplit(site.url)
    if parts.scheme != "https":
        return TaskOutput([tls.plain_http(site)])
    facts = tls.probe(
        parts.hostname or "",
        parts.port or 443,
        site.timeout_seconds,
        str(data.settings.ca_bundle) if data.settings.ca_bundle else None,
    )
    return TaskOutput([tls.evaluate(site, facts)])


def _domain(site: Site, data: RunInput) -> TaskOutput:
    name = domain.registrable_domain(site) or ""
    cached = data.state.get(DOMAIN_CACHE, {}).get(name)
    now = utc_now()
    if cached:
        facts = domain.DomainFacts.from_state(cached)
        if facts.fresh(now, data.settings.domain_cache_hours):
            return TaskOutput([domain.evaluate(site, facts, now)])
    lookup_site = site.model_copy(update={"timeout_seconds": 15.0})
    facts = domain.look_up(name, data.settings, data.cache_dir, getter(lookup_site, data.settings))
    return TaskOutput(
        [domain.evaluate(site, facts, now)],
        [StateChange(DOMAIN_CACHE, name, facts.to_state())],
    )


def _dns(site: Site, data: RunInput) -> TaskOutput:
    name = domain.registrable_domain(site) or ""
    return TaskOutput([dns.evaluate(site, dns.gather(name, site, data.settings))])


def _freshness(site: Site, data: RunInput) -> TaskOutput:
    get = getter(site, data.settings)
    found, _ = fetch_sitemap(site, get)
    facts = freshness.gather(site, get, data.zone, sitemap=found)
    return TaskOutput([freshness.evaluate(site, facts)])


def _integrity(site: Site, data: RunInput) -> TaskOutput:
    from opskit.web import integrity

    get = getter(site, data.settings)
    copies = fetch_copies(site, data.settings, get)
    found, note = fetch_sitemap(site, get)
    outcome = integrity.check(
        site,
        data.settings,
        copies=copies,
        sitemap=found,
        sitemap_note=note,
        get=get,
        state=data.state,
        listed=data.keywords,
        accept_baseline=data.accept_baseline,
    )
    return TaskOutput(outcome.results, outcome.changes)


def _links(site: Site, data: RunInput) -> TaskOutput:
    get = getter(site, data.settings)
    pages = [get(url) for url in watched_pages(site)]
    return TaskOutput([links.check(site, pages, get)])


def _exposure(site: Site, data: RunInput) -> TaskOutput:
    get = getter(site, data.settings)
    return TaskOutput([exposure.check(site, get(site.url), get)])


def _public_info(site: Site, data: RunInput) -> TaskOutput:
    from opskit.web.publicinfo import audit as public_info

    settings = site.public_info
    limits = public_info.CrawlLimits(
        max_pages=settings.max_pages,
        max_depth=settings.max_depth,
        requests_per_second=settings.requests_per_second,
        workers=settings.workers,
        timeout_seconds=site.timeout_seconds,
        max_documents=settings.max_documents,
        verify=str(data.settings.ca_bundle) if data.settings.ca_bundle else True,
    )
    today = data.today or utc_now().astimezone(data.zone).date()
    previous = public_info.previous_items(data.public_info_last.get(site.name))
    audit = public_info.run_audit(site.url, settings.catalogue, limits, today, previous)
    return TaskOutput(public_info.results(site.name, audit))
