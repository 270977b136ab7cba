"""Real HTTP(S), WHOIS and many-port servers on loopback, started and stopped by the tests.

``WebServer`` is a threaded HTTP/1.1 server (TLS when given a certificate)
whose answers come from a route table the test fills in: a fixed
``Reply`` or a function of the request (to answer differently to a
crawler's user agent, or to fail once). ``WhoisServer`` answers port-43
style queries from a dict. ``CertificateFactory`` makes the certificates:
valid, expiring, expired, wrong name, self-signed, incomplete chain.
"""

from __future__ import annotations

import datetime as dt
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


Route = Reply | Callable[[Request], Reply]


class WebServer:
    """An HTTP or HTTPS server on 127.0.0.1 at a random port, answering from ``routes``."""

    def __init__(self, cert_file: Path | None = None, key_file: Path | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.fallback: Route = Reply(404, "<html><body>Not found</body></html>")
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; without this, Nagle and delayed
            # ACKs add ~40 ms to every request on a kept-alive connection.
            disable_nagle_algorithm = True
            server_version = "nginx"
            sys_version = ""

            def do_GET(self) -> None:  # noqa: N802 - the http.server naming
                server._answer(self)

            do_HEAD = do_GET  # noqa: N815

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

    def url_for(self, host: str = "localhost") -> str:
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/"

    def start(self) -> WebServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        request = Request(
            handler.command,
            handler.path,
            {name.lower(): value for name, value in handler.headers.items()},
        )
        self.requests.append(request)
        route = self.routes.get(request.path.split("?")[0], self.fallback)
        reply = route(request) if callable(route) else route
        if reply.delay_seconds:
            time.sleep(reply.delay_seconds)
        body = reply.body.encode() if isinstance(reply.body, str) else reply.body
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            if request.method != "HEAD":
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class WhoisServer:
    """A port-43 style WHOIS server on 127.0.0.1: one query line in, ``answers[query]`` out."""

    def __init__(self, answers: dict[str, str], delay_seconds: float = 0.0) -> None:
        self.answers = answers
        self.queries: list[str] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                query = self.rfile.readline().decode().strip().lower()
                server.queries.append(query)
                if delay_seconds:
                    time.sleep(delay_seconds)
                answer = server.answers.get(query, "No match for domain.\n")
                self.wfile.write(answer.replace("\n", "\r\n").encode())

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> WhoisServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class CertificateFactory:
    """Certificates for loopback servers, from a test CA (trustme) or made by hand."""

    def __init__(self, directory: Path) -> None:
        import trustme

        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.ca = trustme.CA()
        self.ca_file = directory / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def issue(
        self,
        name: str,
        *identities: str,
        days: float = 90,
        not_before_days: float = -1,
        chain: bool = True,
        intermediate: bool = False,
    ) -> tuple[Path, Path]:
        """A leaf certificate for ``identities`` valid ``days`` from now (negative: expired)."""
        now = dt.datetime.now(dt.UTC)
        issuer = self.ca.create_child_ca() if intermediate else self.ca
        leaf = issuer.issue_cert(
            *(identities or ("localhost", "127.0.0.1")),
            not_before=now + dt.timedelta(days=not_before_days)
            if days > 0
            else now + dt.timedelta(days=days - 30),
            not_after=now + dt.timedelta(days=days),
        )
        cert_file = self.directory / f"{name}.pem"
        key_file = self.directory / f"{name}.key"
        blobs = leaf.cert_chain_pems if chain else leaf.cert_chain_pems[:1]
        cert_file.write_bytes(b"".join(blob.bytes() for blob in blobs))
        leaf.private_key_pem.write_to_path(str(key_file))
        return cert_file, key_file

    def self_signed(
        self, name: str, host: str = "localhost", days: float = 90
    ) -> tuple[Path, Path]:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256())
        )
        cert_file = self.directory / f"{name}.pem"
        key_file = self.directory / f"{name}.key"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_file, key_file


def loopback_only(monkeypatch: Any) -> list[str]:
    """Refuse any connection or datagram to an address off this machine.

    Returns the list of refused addresses, for the fixture to assert empty
    after the test (the refusal itself may be caught and turned into an
    UNKNOWN result by the code under test).
    """
    import ipaddress
    import socket

    refused: list[str] = []

    def guard(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, bytes):
            host = host.decode()
        if isinstance(host, str) and host.startswith("/"):
            return  # a unix socket
        try:
            loopback = ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            loopback = str(host) == "localhost"
        if not loopback:
            refused.append(str(host))
            raise ConnectionRefusedError(f"test tried to reach {host}: only loopback is allowed")

    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_sendto = socket.socket.sendto

    def connect(self: socket.socket, address: Any) -> Any:
        guard(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        guard(address)
        return original_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> Any:
        guard(args[-1])
        return original_sendto(self, data, *args)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    return refused
