"""The demo's own court website: HTTPS on loopback, with gambling spam planted for crawlers.

``opskit demo`` starts it in-process, points a site at it and stops it at
the end. It has what a real court site has (news with dates, a sitemap,
an RSS feed, a PDF document, security headers) and what an attacked one
has: spam links and a doorway page shown only to a search-engine
crawler's user agent, so ``check web`` in the demo shows the detection.
It also answers RDAP for its own domain, so the domain check runs without
leaving the machine, and takes complaints through a form, for the demo's
user acceptance test. Its certificate comes from a CA made on the spot.
"""

from __future__ import annotations

import html
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

DOMAIN = "pa-demo.test"
CRAWLER_MARKERS = ("googlebot", "bingbot")
SPAM_LINKS = (
    '<div style="display:none"><a href="https://slot-gacor.invalid/">slot gacor maxwin</a> '
    '<a href="https://togel.invalid/">bandar togel online</a></div>'
)
DOORWAY = "/halaman/info-terbaru"
COMPLAINT_PATH = "/pengaduan"
MAX_FORM_BYTES = 65_536
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
HEADERS = {
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Server": "nginx",
}


@dataclass(frozen=True)
class DemoSite:
    url: str
    ca_file: Path
    rdap_url: str


def _home(today: datetime, crawler: bool) -> str:
    news = (today - timedelta(days=1)).strftime("%Y-%m-%d")
    planted = SPAM_LINKS if crawler else ""
    return f"""<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>Pengadilan Agama Demo</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>
<h1>Pengadilan Agama Demo</h1>
<nav><a href="/berita">Berita</a> <a href="/dokumen/laporan-tahunan.pdf">Laporan Tahunan</a></nav>
<p>Selamat datang di website resmi Pengadilan Agama Demo. Layanan PTSP buka Senin - Jumat.</p>
<section class="berita-terbaru"><h2>Berita Terbaru</h2>
<p><a href="/berita">Rapat evaluasi kinerja</a> <time datetime="{news}">{news}</time></p>
</section>{planted}</body></html>"""


def _routes(base: str, crawler: bool) -> dict[str, tuple[int, str, bytes]]:
    today = datetime.now(UTC)
    stamp = (today - timedelta(days=1)).strftime("%a, %d %b %Y 09:00:00 +0000")
    sitemap = "".join(
        f"<url><loc>{base}{path}</loc><lastmod>{today:%Y-%m-%d}</lastmod></url>"
        for path in ("", "berita", DOORWAY.lstrip("/"))
    )
    expires = (today + timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rdap = {
        "objectClassName": "domain",
        "ldhName": DOMAIN,
        "events": [
            {"eventAction": "registration", "eventDate": "2015-03-01T00:00:00Z"},
            {"eventAction": "expiration", "eventDate": expires},
        ],
    }
    doorway = (
        (200, "text/html", b"<html><body><h1>Situs Slot Gacor Hari Ini</h1>"
         b"<p>Daftar akun pro, deposit pulsa tanpa potongan, RTP live maxwin.</p></body></html>")
        if crawler
        else (404, "text/html", b"<html><body>Halaman tidak ditemukan</body></html>")
    )  # fmt: skip
    return {
        "/": (200, "text/html; charset=utf-8", _home(today, crawler).encode()),
        "/berita": (
            200,
            "text/html",
            b"<html><body><h1>Berita</h1><p>Rapat evaluasi.</p></body></html>",
        ),
        "/dokumen/laporan-tahunan.pdf": (200, "application/pdf", PDF),
        "/sitemap.xml": (
            200,
            "application/xml",
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{sitemap}</urlset>".encode(),
        ),
        "/feed.xml": (
            200,
            "application/rss+xml",
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Berita</title><item>'
            f"<title>Rapat evaluasi</title><pubDate>{stamp}</pubDate></item>"
            "</channel></rss>".encode(),
        ),
        f"/rdap/domain/{DOMAIN}": (200, "application/rdap+json", json.dumps(rdap).encode()),
        DOORWAY: doorway,
    }


def complaint(path: str, fields: dict[str, list[str]]) -> tuple[int, bytes]:
    """The complaint form (for the demo's UAT): a complete one is accepted, else refused."""
    if path != COMPLAINT_PATH:
        return 404, b"<html><body>Tidak ditemukan</body></html>"
    missing = [name for name in ("nama", "pesan") if not "".join(fields.get(name, [])).strip()]
    if missing:
        text = f"<html><body>Formulir belum lengkap: {', '.join(missing)} wajib diisi</body></html>"
        return 422, text.encode()
    name = html.escape(fields["nama"][0].strip())
    text = f"<html><body>Terima kasih, {name}. Nomor pengaduan PGD-0001.</body></html>"
    return 200, text.encode()


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 signed by it, valid 90 days."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "opskit demo CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=90))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = (
        directory / "ca.pem",
        directory / "site.pem",
        directory / "site.key",
    )
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return ca_file, cert_file, key_file


@contextmanager
def serve(directory: Path) -> Iterator[DemoSite]:
    """Run the demo site on 127.0.0.1 (a free port) for the ``with`` block."""
    ca_file, cert_file, key_file = _certificates(directory)

    class Handler(BaseHTTPRequestHandler):
        server_version = "nginx"
        sys_version = ""

        def do_GET(self) -> None:  # noqa: N802 - the http.server naming
            agent = self.headers.get("User-Agent", "").lower()
            crawler = any(marker in agent for marker in CRAWLER_MARKERS)
            routes = _routes(base, crawler)
            missing = (404, "text/html", b"<html><body>Tidak ditemukan</body></html>")
            status, kind, body = routes.get(self.path.split("?")[0], missing)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            length = min(int(self.headers.get("Content-Length") or 0), MAX_FORM_BYTES)
            fields = parse_qs(self.rfile.read(length).decode("utf-8", errors="replace"))
            status, body = complaint(self.path.split("?")[0], fields)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            """Quiet: the demo's own output is the point."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    base = f"https://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield DemoSite(url=base, ca_file=ca_file, rdap_url=f"{base}rdap/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
