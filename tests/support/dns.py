"""A real DNS server on loopback (dnslib), serving zones the test writes.

``DnsServer(zone_text)`` answers from a zone in master-file syntax, with
the AA flag set like an authoritative server; ``lame=True`` answers
without authority (REFUSED), and ``SilentDnsServer`` reads queries and
never answers, to prove a timeout is UNKNOWN rather than "missing".
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class DnsServer:
    """Authoritative answers from ``zone`` on 127.0.0.1 at a random UDP port."""

    def __init__(self, zone: str, lame: bool = False) -> None:
        from dnslib import QTYPE, RCODE, RR
        from dnslib.server import BaseResolver, DNSServer

        records = RR.fromZone(zone)
        names = {str(record.rname).lower() for record in records}

        class Resolver(BaseResolver):  # type: ignore[misc]
            def resolve(self, request: Any, handler: Any) -> Any:
                reply = request.reply()
                question = request.q
                name = str(question.qname).lower()
                if lame:
                    reply.header.rcode = RCODE.REFUSED
                    reply.header.aa = 0
                    return reply
                reply.header.aa = 1
                for record in records:
                    if str(record.rname).lower() == name and (
                        question.qtype in (record.rtype, QTYPE.ANY)
                    ):
                        reply.add_answer(record)
                if name not in names:
                    reply.header.rcode = RCODE.NXDOMAIN
                return reply

        class QuietLogger:
            def __getattr__(self, name: str) -> Any:
                return lambda *args, **kwargs: None

        self.server = DNSServer(Resolver(), port=0, address="127.0.0.1", logger=QuietLogger())
        self.port = self.server.server.server_address[1]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> DnsServer:
        self.server.start_thread()
        return self

    def stop(self) -> None:
        self.server.stop()
        self.server.server.server_close()


class SilentDnsServer:
    """A UDP socket on loopback that swallows every query (a name server that never answers)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._swallow, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _swallow(self) -> None:
        while self.running:
            try:
                self.socket.recv(4096)
            except OSError:
                continue

    def start(self) -> SilentDnsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.running = False
        self.thread.join(2)
        self.socket.close()


@contextmanager
def dns_server(records: dict[str, list[str]]) -> Iterator[int]:
    """Serve zone lines ("1.2.3.4.in-addr.arpa. 60 PTR name.") and give the port."""
    server = DnsServer("\n".join(line for lines in records.values() for line in lines)).start()
    try:
        yield server.port
    finally:
        server.stop()
