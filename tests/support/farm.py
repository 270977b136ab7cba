"""Many HTTP(S) endpoints on loopback at once, from one asyncio loop in a background thread.

For the 200-sites test and the benchmark: each endpoint is its own port
(so each is its own site to opskit), answering after its own delay, or
never (``hang``), or not listening at all (``dead``). One event loop holds
every connection, so hundreds of slow answers cost no threads.
"""

from __future__ import annotations

import asyncio
import resource
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path

from support.system import free_port

BODY = b"<html><body><h1>Pengadilan Agama</h1><p>Selamat datang.</p></body></html>"


@dataclass(frozen=True)
class Endpoint:
    """What one port does: answer after ``delay_seconds``, never answer, or not listen."""

    delay_seconds: float = 0.0
    hang: bool = False
    dead: bool = False
    tls: bool = False


def raise_open_file_limit(wanted: int = 8192) -> None:
    """Many endpoints and clients need more descriptors than the usual soft limit of 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Farm:
    """Start with ``Farm(...).start()``; then ``urls[i]`` is where ``endpoints[i]`` answers."""

    def __init__(
        self, endpoints: list[Endpoint], cert_file: Path | None = None, key_file: Path | None = None
    ) -> None:
        raise_open_file_limit()
        self.endpoints = endpoints
        self.context: ssl.SSLContext | None = None
        if cert_file is not None:
            self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.context.load_cert_chain(cert_file, key_file)
        self.loop = asyncio.new_event_loop()
        self.servers: list[asyncio.base_events.Server] = []
        self.urls: list[str] = []
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        # Requests held by hanging endpoints now, and the most at once (proof of parallel work).
        self.hanging_now = 0
        self.hanging_peak = 0

    def start(self) -> Farm:
        self.thread.start()
        if not self.ready.wait(30):
            raise RuntimeError("the endpoint farm did not start")
        return self

    def stop(self) -> None:
        async def close() -> None:
            for server in self.servers:
                server.close()
            # Hanging answers would otherwise outlive the loop.
            pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for server in self.servers:
                await server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._listen())
        self.ready.set()
        self.loop.run_forever()
        self.loop.close()

    async def _listen(self) -> None:
        for endpoint in self.endpoints:
            scheme = "https" if endpoint.tls else "http"
            if endpoint.dead:
                self.urls.append(f"{scheme}://127.0.0.1:{free_port()}/")
                continue
            server = await asyncio.start_server(
                lambda reader, writer, endpoint=endpoint: self._answer(endpoint, reader, writer),
                "127.0.0.1",
                0,
                ssl=self.context if endpoint.tls else None,
                backlog=256,
            )
            self.servers.append(server)
            self.urls.append(f"{scheme}://127.0.0.1:{server.sockets[0].getsockname()[1]}/")

    async def _answer(
        self, endpoint: Endpoint, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            if endpoint.hang:
                self.hanging_now += 1
                self.hanging_peak = max(self.hanging_peak, self.hanging_now)
                try:
                    await asyncio.sleep(3600)
                finally:
                    self.hanging_now -= 1
            if endpoint.delay_seconds:
                await asyncio.sleep(endpoint.delay_seconds)
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                + f"Content-Length: {len(BODY)}\r\nConnection: close\r\n\r\n".encode()
                + BODY
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
