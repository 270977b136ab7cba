"""A small real web application for the UAT tests: a court's complaint service on loopback.

It has what a UAT must be able to judge: a complaint form that accepts a
complete submission and rejects an incomplete one, a login that needs the
right password and keeps a session cookie, a slow page, a page linking to
a missing one, and a valid PDF. HTTP or HTTPS (given a certificate), on
127.0.0.1 at a random port; every request is kept for the test to read.
"""

from __future__ import annotations

import itertools
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PASSWORD = "rahasia-uji"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HOME = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<title>Layanan Pengaduan</title></head><body>
<h1>Layanan Pengaduan Pengadilan Agama Uji</h1>
<nav><a href="/tentang">Tentang</a> <a href="/pengaduan">Pengaduan</a>
<a href="/dokumen/panduan.pdf">Panduan</a>{extra}</nav>
</body></html>"""


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    form: dict[str, str]
    cookie: str


class ComplaintApp:
    """The application; ``broken_link`` adds a link to a page that does not exist."""

    def __init__(
        self,
        password: str = PASSWORD,
        slow_seconds: float = 1.2,
        broken_link: bool = True,
        cert_file: Path | None = None,
        key_file: Path | None = None,
    ) -> None:
        self.password = password
        self.slow_seconds = slow_seconds
        self.broken_link = broken_link
        self.seen: list[Seen] = []
        self._numbers = itertools.count(1)
        app = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes; without this, Nagle and delayed ACKs
            # add 40 ms to every answer on a kept-alive connection.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 - the http.server naming
                app._answer(self, {})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                app._answer(self, {key: values[0] for key, values in parse_qs(body).items()})

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.tls = cert_file is not None
        if cert_file is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert_file, key_file)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    def start(self) -> ComplaintApp:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        parts = urlsplit(handler.path)
        if handler.command == "GET" and parts.query:
            form = {key: values[0] for key, values in parse_qs(parts.query).items()}
        cookie = handler.headers.get("Cookie", "")
        self.seen.append(Seen(handler.command, parts.path, form, cookie))
        status, body, headers = self._route(handler.command, parts.path, form, cookie)
        data = body.encode() if isinstance(body, str) else body
        handler.send_response(status)
        kind = "application/pdf" if parts.path.endswith(".pdf") else "text/html; charset=utf-8"
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _route(
        self, method: str, path: str, form: dict[str, str], cookie: str
    ) -> tuple[int, str | bytes, dict[str, str]]:
        extra = ' <a href="/hilang">Arsip lama</a>' if self.broken_link else ""
        pages: dict[tuple[str, str], Any] = {
            ("GET", "/"): lambda: (200, HOME.format(extra=extra), {}),
            ("GET", "/tentang"): lambda: (
                200,
                "<html><body><h1>Tentang kami</h1></body></html>",
                {},
            ),
            ("GET", "/dokumen/panduan.pdf"): lambda: (200, PDF, {}),
            ("GET", "/lambat"): self._slow,
            ("GET", "/pengaduan"): lambda: (200, '<form method="post"><input name="nama">', {}),
            ("POST", "/pengaduan"): lambda: self._complaint(form),
            ("POST", "/masuk"): lambda: self._login(form),
            ("GET", "/dasbor"): lambda: (
                (200, "Dasbor admin", {}) if "sesi=ok" in cookie else (403, "Silakan masuk", {})
            ),
        }
        page = pages.get((method, path))
        return page() if page else (404, "<html><body>Tidak ditemukan</body></html>", {})

    def _slow(self) -> tuple[int, str, dict[str, str]]:
        time.sleep(self.slow_seconds)
        return 200, "<html><body>Halaman lambat</body></html>", {}

    def _complaint(self, form: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        missing = [name for name in ("nama", "pesan") if not form.get(name, "").strip()]
        if missing:
            return 422, f"Formulir belum lengkap: {', '.join(missing)} wajib diisi", {}
        number = next(self._numbers)
        return 200, f"Terima kasih, {form['nama']}. Nomor pengaduan PGD-{number:03d}", {}

    def _login(self, form: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        if form.get("pengguna") == "admin" and form.get("sandi") == self.password:
            return 200, "Selamat datang, admin", {"Set-Cookie": "sesi=ok; Path=/"}
        return 401, "Kata sandi salah", {}
