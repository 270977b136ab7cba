"""A small court website for the web tests: home page, news, sitemap, feed, a PDF document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from support.web import CertificateFactory, Reply, Request, WebServer

GOOGLEBOT = "Googlebot"

HOME = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<title>Pengadilan Agama Uji</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
</head><body>
<header><h1>Pengadilan Agama Uji</h1><nav><a href="/berita">Berita</a>
<a href="/pengumuman">Pengumuman</a><a href="/dokumen/sop.pdf">SOP Pelayanan (PDF)</a>
<a href="https://www.mahkamahagung.go.id/">Mahkamah Agung RI</a></nav></header>
<main>
<p>Selamat datang di website resmi Pengadilan Agama Uji. Kami melayani perkara
perkawinan, waris, wasiat, hibah, wakaf, zakat, infaq, shadaqah dan ekonomi syariah.</p>
<section class="berita-terbaru"><h2>Berita Terbaru</h2><ul>
<li><a href="/berita/rapat-evaluasi">Rapat Evaluasi Kinerja</a> <span>{news_date}</span></li>
<li><a href="/berita/sidang-keliling">Sidang Keliling di Kecamatan Waru</a>
<span>3 Januari 2026</span></li>
</ul></section>
<p>Jam pelayanan: Senin - Jumat, 08.00 - 16.30 WITA.
Layanan PTSP, e-Court dan pos bantuan hukum.</p>
</main><footer>Jl. Contoh No. 1, Kabupaten Uji</footer></body></html>
"""

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def indonesian_date(moment: dt.date) -> str:
    months = [
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ]  # fmt: skip
    return f"{moment.day} {months[moment.month - 1]} {moment.year}"


def serve_court_site(
    server: WebServer, *, news_age_days: int = 2, headers: dict[str, str] | None = None
) -> WebServer:
    """Fill ``server``'s routes with a healthy court website updated ``news_age_days`` ago."""
    today = dt.datetime.now(dt.UTC).date()
    news = today - dt.timedelta(days=news_age_days)
    base = server.url
    safe_headers = (
        headers
        if headers is not None
        else {
            "Strict-Transport-Security": "max-age=31536000",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "SAMEORIGIN",
            "Server": "nginx",
        }
    )
    server.routes.update(
        {
            "/": Reply(body=HOME.format(news_date=indonesian_date(news)), headers=safe_headers),
            "/berita": Reply(body="<html><body><h1>Berita</h1><p>Daftar berita.</p></body></html>"),
            "/pengumuman": Reply(body="<html><body><h1>Pengumuman</h1></body></html>"),
            "/berita/rapat-evaluasi": Reply(body="<html><body>Rapat evaluasi.</body></html>"),
            "/berita/sidang-keliling": Reply(body="<html><body>Sidang keliling.</body></html>"),
            "/dokumen/sop.pdf": Reply(body=PDF, content_type="application/pdf"),
            "/sitemap.xml": Reply(
                body=sitemap([f"{base}", f"{base}berita/rapat-evaluasi"], news),
                content_type="application/xml",
            ),
            "/feed.xml": Reply(body=feed(news), content_type="application/rss+xml"),
        }
    )
    return server


def sitemap(urls: list[str], modified: dt.date) -> str:
    entries = "".join(
        f"<url><loc>{url}</loc><lastmod>{modified.isoformat()}</lastmod></url>" for url in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def feed(published: dt.date) -> str:
    stamp = dt.datetime.combine(published, dt.time(9, 0), dt.UTC).strftime(
        "%a, %d %b %Y %H:%M:%S +0000"
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Berita</title>'
        f"<item><title>Rapat Evaluasi</title><pubDate>{stamp}</pubDate></item>"
        "</channel></rss>"
    )


def crawler_only(normal: Reply, spam: Reply) -> object:
    """A route that shows ``spam`` only to a search-engine crawler (cloaking)."""

    def route(request: Request) -> Reply:
        return spam if GOOGLEBOT.lower() in request.user_agent.lower() else normal

    return route


def web_config(
    certificates: CertificateFactory, *sites: dict[str, Any], **web: Any
) -> dict[str, Any]:
    """An opskit.yaml body with these sites, trusting the test CA, with no domain or DNS lookups."""
    return {
        "sites": [
            {"skip": ["domain", "dns"], "retries": 0, "timeout_seconds": 5, **site}
            for site in sites
        ],
        "web": {"ca_bundle": str(certificates.ca_file), **web},
    }
