"""A month of a small court's access log: the realistic shape for the logs benchmark.

About 9,000 client addresses over 30 days (most seen a few times, a few
regulars), browsers with their assets, search-engine and SEO crawlers, feed
readers and an uptime monitor, and 50 attacking addresses: bursts (scanners,
secret-file hunting, SQL injection, login brute force) and slow ones spread
over hours (the wp-login/administrator/admin.php trio, editor discovery,
form spam). Timestamps are sparse, as on a real small site, so per-second
caches rarely hit. Deterministic per seed; written in blocks, so 5M lines
cost no more memory than 1M.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import accumulate

from logs_sample import ASSETS, BROWSERS, PAGES, QUERIES, REFERERS, fill, line_for

ZONE = timezone(timedelta(hours=8))
START = datetime(2024, 5, 1, 0, 0, 0, tzinfo=ZONE)
DAYS = 30
ADDRESSES = 9000
ATTACKERS = 50
CRAWLERS = (
    ("66.249.66.{n}", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    ("157.55.39.{n}", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
    ("5.255.231.{n}", "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"),
    ("54.36.148.{n}", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"),
)
MONITOR = ("203.0.113.250", "Uptime-Kuma/1.23.11")
FEED = ("198.51.100.77", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)")
SLOW_PATHS = (
    "/wp-login.php", "/administrator/", "/admin.php", "/fckeditor/editor/filemanager/",
    "/phpmyadmin/setup.php", "/user/register", "/.env", "/wp-json/wp/v2/users",
)  # fmt: skip
BURSTS = (
    ("GET", "/admin{n}/config.php", 404, "Mozilla/5.0 (Nikto/2.5.0)"),
    ("GET", "/berita?id={n}%27%20UNION%20SELECT%20password--", 200, "sqlmap/1.7.2#stable"),
    ("GET", "/.git/config", 404, "python-requests/2.31.0"),
    ("POST", "/wp-login.php", 200, "Mozilla/5.0"),
    ("GET", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", 404, "Go-http-client/1.1"),
    ("GET", "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", 400, "curl/7.88.1"),
)


def lines(count: int, seed: int = 7) -> Iterator[str]:
    """Exactly ``count`` combined-format lines over 30 days, in time order."""
    chooser = random.Random(seed)  # noqa: S311 - repeatable test data, not a secret
    addresses = [
        f"{chooser.choice((36, 103, 110, 114, 180, 182, 202))}.{chooser.randrange(256)}."
        f"{chooser.randrange(256)}.{chooser.randrange(1, 255)}"
        for _ in range(ADDRESSES)
    ]
    weights = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(ADDRESSES)))
    agent_of = {address: chooser.choice(BROWSERS) for address in addresses}
    attackers = [
        f"45.{chooser.randrange(256)}.{chooser.randrange(256)}.{chooser.randrange(1, 255)}"
        for _ in range(ATTACKERS)
    ]
    # The mean gap between visits that spreads ``count`` lines over the month.
    gap = DAYS * 86400 / (count / 2.95)
    moment = START
    written = 0
    while written < count:
        moment += timedelta(seconds=chooser.expovariate(1 / gap))
        stamp = moment.strftime("%d/%b/%Y:%H:%M:%S %z")
        for text in _visit(chooser, stamp, addresses, weights, agent_of, attackers):
            if written == count:
                return
            written += 1
            yield text


def _visit(
    chooser: random.Random,
    stamp: str,
    addresses: list[str],
    weights: list[float],
    agent_of: dict[str, str],
    attackers: list[str],
) -> list[str]:
    draw = chooser.random()
    if draw < 0.004:
        return _attack(chooser, stamp, attackers)
    if draw < 0.08:
        pattern, agent = chooser.choice(CRAWLERS)
        address = pattern.format(n=chooser.randrange(1, 60))
        page = fill(chooser, chooser.choice(PAGES))
        return [line_for(address, stamp, f"GET {page}", status=200, referer="-", agent=agent)]
    if draw < 0.09:
        address, agent = chooser.choice((MONITOR, FEED))
        page = "/" if address == MONITOR[0] else "/feed"
        return [line_for(address, stamp, f"GET {page}", status=200, referer="-", agent=agent)]
    address = chooser.choices(addresses, cum_weights=weights)[0]
    agent = agent_of[address]
    page = fill(chooser, chooser.choice(PAGES))
    if chooser.random() < 0.2:
        page += fill(chooser, chooser.choice(QUERIES))
    status = 200 if chooser.random() < 0.97 else chooser.choice((301, 404, 500))
    found = [
        line_for(address, stamp, f"GET {page}", status=status, referer=chooser.choice(REFERERS),
                 agent=agent)
    ]  # fmt: skip
    for _ in range(chooser.randrange(0, 5)):
        asset = fill(chooser, chooser.choice(ASSETS))
        asset_status = chooser.choice((200, 200, 200, 304))
        found.append(line_for(address, stamp, f"GET {asset}", status=asset_status, referer=page,
                              agent=agent))  # fmt: skip
    return found


def _attack(chooser: random.Random, stamp: str, attackers: list[str]) -> list[str]:
    """One request of a slow attacker, or now and then a short burst, all from 50 addresses."""
    index = chooser.randrange(len(attackers))
    address = attackers[index]
    if index % 5:
        path = SLOW_PATHS[(index + chooser.randrange(3)) % len(SLOW_PATHS)]
        method = "POST" if path in ("/wp-login.php", "/user/register") else "GET"
        return [line_for(address, stamp, f"{method} {path}", status=404 if method == "GET" else 200,
                         referer="-", agent="Mozilla/5.0 (Windows NT 6.1; rv:60.0)")]  # fmt: skip
    method, path, status, agent = BURSTS[index % len(BURSTS)]
    return [
        line_for(address, stamp, f"{method} {path.format(n=step)}", status=status, referer="-",
                 agent=agent)
        for step in range(12)
    ]  # fmt: skip


def write(path: str, count: int, seed: int = 7) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        batch: list[str] = []
        for text in lines(count, seed):
            batch.append(text)
            if len(batch) >= 50_000:
                stream.writelines(batch)
                batch.clear()
        stream.writelines(batch)
