"""A realistic combined access log for benchmarks and the demo-sized tests.

Visitors browse pages and fetch their assets, search with query strings,
come from search engines; crawlers fetch politely; now and then an attack
happens (a scanner probing, SQL injection, secret-file hunting, a login
brute force, an aggressive crawler, gambling spam). Deterministic per seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from itertools import accumulate, islice

ZONE = timezone(timedelta(hours=8))
PAGES = (
    "/", "/berita", "/berita/{n}/sidang-keliling-di-kecamatan-babulu", "/layanan/e-court",
    "/profil/visi-misi", "/profil/struktur-organisasi", "/jadwal-sidang", "/pengumuman/{n}",
    "/index.php/layanan-hukum/pos-bantuan-hukum", "/transparansi/laporan-keuangan",
    "/kontak", "/layanan/biaya-perkara", "/gugatan-mandiri", "/sipp",
)  # fmt: skip
QUERIES = ("?page={n}", "?s={word}", "?tanggal=2024-05-{day:02d}", "?id={n}&lang=id")
WORDS = ("cerai", "waris", "itsbat", "dispensasi", "jadwal", "biaya", "e-court", "mediasi")
ASSETS = (
    "/assets/css/style.css", "/assets/css/bootstrap.min.css", "/assets/js/app.js",
    "/assets/js/jquery.min.js", "/images/logo.png", "/favicon.ico", "/images/banner-{n}.jpg",
    "/uploads/2024/05/foto-kegiatan-{n}.jpg", "/assets/fonts/roboto.woff2",
)  # fmt: skip
BROWSERS = tuple(
    f"Mozilla/5.0 ({system}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{version}.0.0.0 "
    f"{mobile}Safari/537.36"
    for system in (
        "Windows NT 10.0; Win64; x64",
        "Linux; Android 13; SM-A145F",
        "Linux; Android 12; Redmi Note 11",
        "Macintosh; Intel Mac OS X 10_15_7",
        "X11; Linux x86_64",
    )
    for version in range(118, 125)
    for mobile in ("", "Mobile ")
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
REFERERS = ("-", "https://www.google.com/", "https://www.pa-penajam.go.id/", "-", "-")


def lines(count: int, seed: int = 5, clients: int = 3000) -> Iterator[str]:
    """Exactly ``count`` combined-format lines in time order."""
    return islice(_visits(seed, clients), count)


def _visits(seed: int, clients: int) -> Iterator[str]:
    chooser = random.Random(seed)  # noqa: S311 - repeatable test data, not a secret
    addresses = [
        f"{chooser.choice((36, 103, 110, 114, 180, 182))}.{chooser.randrange(256)}."
        f"{chooser.randrange(256)}.{chooser.randrange(1, 255)}"
        for _ in range(clients)
    ]
    # A few addresses make most visits, as on a real site.
    popularity = list(accumulate(1 / (rank + 1) ** 0.6 for rank in range(clients)))
    agent_of = {address: chooser.choice(BROWSERS) for address in addresses}
    moment = datetime(2024, 5, 6, 0, 0, 0, tzinfo=ZONE)
    while True:
        moment += timedelta(seconds=chooser.expovariate(1 / 0.08))
        stamp = moment.strftime("%d/%b/%Y:%H:%M:%S %z")
        draw = chooser.random()
        if draw < 0.0004:
            yield from attack(chooser, moment)
            continue
        if draw < 0.02:
            # Googlebot from Google's own network: a crawler reverse DNS would verify.
            crawler = f"66.249.66.{chooser.randrange(1, 40)}"
            page = fill(chooser, chooser.choice(PAGES))
            yield line_for(crawler, stamp, f"GET {page}", status=200, referer="-", agent=GOOGLEBOT)
            continue
        address = chooser.choices(addresses, cum_weights=popularity)[0]
        page = fill(chooser, chooser.choice(PAGES))
        if chooser.random() < 0.15:
            page += fill(chooser, chooser.choice(QUERIES))
        referer = chooser.choice(REFERERS)
        # Now and then a browser claims to be Googlebot: an impostor, from any address.
        agent = agent_of[address] if chooser.random() < 0.99 else GOOGLEBOT
        status = 200 if chooser.random() < 0.97 else chooser.choice((301, 404, 500))
        yield line_for(address, stamp, f"GET {page}", status=status, referer=referer, agent=agent)
        for _ in range(chooser.randrange(0, 4)):
            asset = fill(chooser, chooser.choice(ASSETS))
            asset_status = chooser.choice((200, 200, 200, 304)) if chooser.random() < 0.99 else 404
            yield line_for(
                address, stamp, f"GET {asset}", status=asset_status, referer="-", agent=agent
            )


def fill(chooser: random.Random, template: str) -> str:
    return template.format(
        n=chooser.randrange(1, 400), word=chooser.choice(WORDS), day=chooser.randrange(1, 29)
    )


def line_for(
    address: str, stamp: str, request: str, *, status: int, referer: str, agent: str
) -> str:
    """One combined-format line; ``request`` is the method and the path."""
    size = 0 if status == 304 else 512 + len(request) * 37
    return f'{address} - - [{stamp}] "{request} HTTP/1.1" {status} {size} "{referer}" "{agent}"\n'


def attack(chooser: random.Random, moment: datetime) -> list[str]:
    """A short burst of one kind of attack from one address."""
    address = f"45.{chooser.randrange(256)}.{chooser.randrange(256)}.{chooser.randrange(1, 255)}"
    kind = chooser.choice(("scanner", "sqli", "secrets", "login", "crawler", "spam"))
    result = []
    for step in range(30 if kind != "crawler" else 400):
        stamp = (moment + timedelta(seconds=step * (0.1 if kind == "crawler" else 0.3))).strftime(
            "%d/%b/%Y:%H:%M:%S %z"
        )
        if kind == "scanner":
            entry = ("GET", f"/admin{step}/config.php", 404, "-", "Mozilla/5.0 (Nikto/2.5.0)")
        elif kind == "sqli":
            entry = ("GET", f"/berita?id={step}%27%20UNION%20SELECT%20password--", 200, "-", "x")
        elif kind == "secrets":
            path = ("/.env", "/.git/config", "/backup.sql.gz", "/wp-config.php.bak")[step % 4]
            entry = ("GET", path, 404, "-", "python-requests/2.31")
        elif kind == "login":
            entry = ("POST", "/wp-login.php", 200, "-", "Mozilla/5.0")
        elif kind == "crawler":
            entry = ("GET", f"/berita/{step}", 200, "-", "Mozilla/5.0 (compatible; AhrefsBot/7.0)")
        else:
            entry = ("GET", "/", 200, "https://slot-gacor-maxwin.example/", "Mozilla/5.0")
        method, path, status, referer, agent = entry
        result.append(
            line_for(
                address, stamp, f"{method} {path}", status=status, referer=referer, agent=agent
            )
        )
    return result


def write(path: str, count: int, seed: int = 5) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        stream.writelines(lines(count, seed))
