"""The two anchors of bench_web_blackbox.py, each run as its own process like opskit is.

  web_drivers.py aiohttp TARGETS            every URL at once with a plain aiohttp loop
  web_drivers.py blackbox TARGETS EXPORTER  every URL through blackbox_exporter's /probe,
                                            64 probes at once (as Prometheus would scrape)

TARGETS is a file of URLs, one a line. Each GET must answer 200 with the
keyword; the count of those that did goes to stderr, so a broken side shows.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from urllib.parse import quote

import aiohttp

KEYWORD = "Pengadilan Agama"
PROBES_AT_ONCE = 64
TIMEOUT_SECONDS = 10


async def plain(urls: list[str]) -> int:
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def one(url: str) -> bool:
            try:
                async with session.get(url) as response:
                    return response.status == 200 and KEYWORD in await response.text()
            except (aiohttp.ClientError, TimeoutError):
                return False

        return sum(await asyncio.gather(*(one(url) for url in urls)))


async def blackbox(urls: list[str], exporter: str) -> int:
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS + 5)
    turns = asyncio.Semaphore(PROBES_AT_ONCE)
    connector = aiohttp.TCPConnector(limit=PROBES_AT_ONCE)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def one(url: str) -> bool:
            async with turns:
                address = f"{exporter}/probe?module=http_keyword&target={quote(url, safe='')}"
                async with session.get(address) as response:
                    return "\nprobe_success 1" in await response.text()

        return sum(await asyncio.gather(*(one(url) for url in urls)))


def main() -> None:
    kind, targets = sys.argv[1], Path(sys.argv[2])
    urls = targets.read_text().split()
    if kind == "aiohttp":
        good = asyncio.run(plain(urls))
    else:
        good = asyncio.run(blackbox(urls, sys.argv[3]))
    sys.stderr.write(f"{good}/{len(urls)} answered with the keyword\n")
    sys.exit(0 if good == len(urls) else 1)


if __name__ == "__main__":
    main()
