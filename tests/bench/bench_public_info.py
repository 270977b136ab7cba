"""Public-information audit of a generated 2,000-page court website (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_public_info.py [--news 1950] [--workers 2]

The site is tests/support/public_site.py with ``--news`` news articles
(paginated listings, every page in the sitemap), served from a child
process so the server's work does not share this process's interpreter
lock. The audit runs with the rate limit off (``requests_per_second=0``)
and a page limit above the site's size, so every page is read; the goal
is the whole audit in under 60 s.

Comparison anchor, measured in the same run: fetching the same pages
with the same fetch code and as many workers, without reading them (the
cost of the server and HTTP alone).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opskit.web.fetch import fetch  # noqa: E402
from opskit.web.publicinfo.audit import run_audit  # noqa: E402
from opskit.web.publicinfo.crawl import USER_AGENT, CrawlLimits  # noqa: E402
from support.public_site import AUDIT_DAY, CourtWebsite  # noqa: E402
from support.web import WebServer  # noqa: E402


def _serve(connection: object, news: int) -> None:
    server = WebServer().start()
    site = CourtWebsite(news=news)
    site.serve(server)
    addresses = [server.url.rstrip("/") + path for path, page in site.pages.items()
                 if page.status == 200]  # fmt: skip
    connection.send((server.url, addresses))  # type: ignore[attr-defined]
    connection.recv()  # type: ignore[attr-defined]
    server.stop()


def fetch_only(addresses: list[str], workers: int) -> float:
    started = time.perf_counter()

    def one(address: str) -> int | None:
        return fetch(address, timeout_seconds=10, user_agent=USER_AGENT).status

    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(one, addresses))
    assert all(status == 200 for status in statuses)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=int, default=1950)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_serve, args=(child, options.news), daemon=True)
    process.start()
    url, addresses = parent.recv()
    try:
        limits = CrawlLimits(
            max_pages=len(addresses) + 100,
            max_depth=10,
            requests_per_second=0,
            workers=options.workers,
        )
        started = time.perf_counter()
        audit = run_audit(url, None, limits, AUDIT_DAY)
        elapsed = time.perf_counter() - started
        crawl = audit.crawl
        anchor = fetch_only(addresses, options.workers)
    finally:
        parent.send("stop")
        process.join(30)
    print(f"site: {len(addresses)} pages on loopback, {options.workers} workers, rate limit off")
    print(
        f"audit     : {crawl.pages} pages + {crawl.requests - crawl.pages} other requests in "
        f"{elapsed:6.2f} s = {crawl.pages / elapsed:6.1f} pages/s  ({audit.summary()})"
    )
    print(
        f"fetch only: {len(addresses)} pages in {anchor:6.2f} s = {len(addresses) / anchor:6.1f} "
        f"pages/s (same fetch code and workers, pages not read)"
    )
    print(f"goal: the whole audit under 60 s -> {'met' if elapsed < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
