"""HTTP requests on an event loop: the same ``Page`` as ``fetch``, for many sites at once.

One ``aiohttp`` session per run holds every connection, at most
``MAX_CONNECTIONS`` in all and ``CONNECTIONS_PER_HOST`` to one host and
port, so a thousand sites cost a thousand sockets, not a thousand threads.
The limits of ``fetch`` hold here too: ``timeout_seconds`` bounds
connecting and each read, the body is abandoned past twice the timeout or
``max_bytes``, no proxy or netrc comes from the environment, and a failure
is data (``Page.error``) in the words ``fetch`` uses.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from dataclasses import dataclass
from typing import Any

from opskit.text import Message
from opskit.web.fetch import CHUNK_BYTES, MAX_BODY_BYTES, Page, with_detail

MAX_CONNECTIONS = 512
CONNECTIONS_PER_HOST = 4
# Requests under way at once. Past this many, the loop's own work (TLS handshakes,
# parsing) would queue inside the timings and show a fast site as slow; a request
# waiting for its turn is not timed.
MAX_IN_FLIGHT = 256
# requests follows up to 30 redirects; so does this.
MAX_REDIRECTS = 30


@dataclass
class Client:
    """The session of one run and the TLS context its requests verify with."""

    session: Any
    turns: asyncio.Semaphore

    @classmethod
    def open(cls, ca_bundle: str | None) -> Client:
        """A session verifying against ``ca_bundle`` (or the system's trust store)."""
        import aiohttp

        # aiohttp's own verifying context has the system's trust store loaded already.
        context: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True
        )
        connector = aiohttp.TCPConnector(
            limit=MAX_CONNECTIONS, limit_per_host=CONNECTIONS_PER_HOST, ssl=context
        )
        session = aiohttp.ClientSession(connector=connector, trust_env=False)
        return cls(session, asyncio.Semaphore(MAX_IN_FLIGHT))

    async def close(self) -> None:
        await self.session.close()

    async def fetch(
        self,
        url: str,
        *,
        timeout_seconds: float,
        user_agent: str,
        follow_redirects: bool = True,
        headers: dict[str, str] | None = None,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> Page:
        """Request ``url``, reading at most ``max_bytes`` of the body; failures are data."""
        async with self.turns:
            return await self._fetch(
                url,
                timeout_seconds=timeout_seconds,
                user_agent=user_agent,
                follow_redirects=follow_redirects,
                headers=headers,
                max_bytes=max_bytes,
            )

    async def _fetch(
        self,
        url: str,
        *,
        timeout_seconds: float,
        user_agent: str,
        follow_redirects: bool,
        headers: dict[str, str] | None,
        max_bytes: int,
    ) -> Page:
        import aiohttp

        request_headers = {"User-Agent": user_agent, "Accept": "*/*", **(headers or {})}
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeout_seconds, sock_read=timeout_seconds
        )
        started = time.monotonic()
        try:
            response = await self.session.get(
                url,
                headers=request_headers,
                timeout=timeout,
                allow_redirects=follow_redirects,
                max_redirects=MAX_REDIRECTS,
            )
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as error:
            return Page(
                url=url,
                status=None,
                final_url=url,
                elapsed_ms=_elapsed(started),
                error=describe_error(error),
            )
        try:
            body, truncated, read_error = await _read(
                response, max_bytes, started + 2 * timeout_seconds
            )
        finally:
            response.release()
        return Page(
            url=url,
            status=response.status,
            headers=_headers(response),
            body=body,
            final_url=str(response.url),
            redirects=tuple(str(item.url) for item in response.history),
            elapsed_ms=_elapsed(started),
            error=read_error,
            truncated=truncated,
        )


async def _read(response: Any, max_bytes: int, deadline: float) -> tuple[bytes, bool, str | None]:
    import aiohttp

    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in response.content.iter_chunked(CHUNK_BYTES):
            parts.append(chunk)
            size += len(chunk)
            if size >= max_bytes:
                return b"".join(parts)[:max_bytes], True, None
            if time.monotonic() > deadline:
                return b"".join(parts), True, Message("web.error.body_late")
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        return b"".join(parts), True, describe_error(error, reading=True)
    return b"".join(parts), False, None


def _headers(response: Any) -> dict[str, str]:
    """Lower-case names; a header sent twice is joined with ", " as requests joins it."""
    found: dict[str, str] = {}
    for name, value in response.headers.items():
        key = name.lower()
        found[key] = f"{found[key]}, {value}" if key in found else value
    return found


def describe_error(error: BaseException, reading: bool = False) -> str:
    """The reason ``fetch.describe_error`` gives for the same failure, the same Message."""
    import aiohttp

    text = str(error)
    if isinstance(error, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        reason = Message("web.error.tls")
        text = str(
            getattr(error, "certificate_error", "") or getattr(error, "os_error", "") or text
        )
    elif isinstance(error, aiohttp.ConnectionTimeoutError):
        reason, text = Message("web.error.connect_timeout"), ""
    elif isinstance(error, aiohttp.SocketTimeoutError | TimeoutError):
        reason, text = Message("web.error.read_timeout"), ""
    elif isinstance(error, aiohttp.TooManyRedirects):
        reason = Message("web.error.redirects")
    elif isinstance(error, aiohttp.ClientConnectorDNSError):
        reason = Message("web.error.unresolved")
    elif isinstance(error, aiohttp.ClientConnectorError):
        os_error = error.os_error
        refused = isinstance(os_error, ConnectionRefusedError) or "refused" in text.lower()
        reason = Message("web.error.refused" if refused else "web.error.connection")
        # asyncio words it "Connect call failed (address)"; the system's words are requests'.
        text = os.strerror(os_error.errno) if os_error.errno else str(os_error)
    elif isinstance(error, aiohttp.ClientError | OSError):
        reason = Message("web.error.connection")
    else:
        reason = Message("web.error.other", kind=error.__class__.__name__)
    return with_detail(reason, text)


def _elapsed(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
