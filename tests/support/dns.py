"""A tiny authoritative DNS server on loopback (dnslib) for crawler verification tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from support.system import free_port


@contextmanager
def dns_server(records: dict[str, list[str]]) -> Iterator[int]:
    """Serve ``records`` ("1.2.3.4.in-addr.arpa. 60 PTR name." style zone lines) on a free port."""
    from dnslib import RR
    from dnslib.server import BaseResolver, DNSServer

    zone = [rr for lines in records.values() for text in lines for rr in RR.fromZone(text)]

    class Resolver(BaseResolver):  # type: ignore[misc]
        def resolve(self, request, handler):  # type: ignore[no-untyped-def]
            reply = request.reply()
            question = request.q
            for record in zone:
                if record.rname == question.qname and record.rtype == question.qtype:
                    reply.add_answer(record)
            return reply

    port = free_port()
    server = DNSServer(Resolver(), port=port, address="127.0.0.1")
    server.start_thread()
    try:
        yield port
    finally:
        server.stop()
