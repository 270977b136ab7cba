"""HTTP requests for the website checks: one Session per worker thread, always a timeout.

A ``Page`` is what one request saw, failure included, so evaluators never
deal with exceptions: an error is data (``error`` set, ``status`` None).
Bodies are read up to a limit so a huge or endless response cannot stall
a worker or fill memory.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from opskit.text import Message

MAX_BODY_BYTES = 5_000_000
CHUNK_BYTES = 65_536

_local = threading.local()


@dataclass(frozen=True)
class Page:
    """One HTTP exchange: status, headers, text, timing, the redirects followed, or the error."""

    url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    final_url: str = ""
    redirects: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    error: str | None = None
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None

    @property
    def answered(self) -> bool:
        """A 2xx answer: the page itself, not an error page standing in for it."""
        return self.ok and self.status is not None and 200 <= self.status < 300

    @property
    def text(self) -> str:
        charset = "utf-8"
        content_type = self.header("content-type")
        if "charset=" in content_type:
            charset = content_type.split("charset=")[-1].split(";")[0].strip() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def session() -> Any:
    """This thread's requests Session (connection reuse within a worker, none shared across)."""
    found = getattr(_local, "session", None)
    if found is None:
        import requests

        found = requests.Session()
        found.trust_env = (
            False  # no proxy or netrc from the environment: results must be reproducible
        )
        _local.session = found
    return found


def fetch(
    url: str,
    *,
    timeout_seconds: float,
    user_agent: str,
    verify: bool | str = True,
    follow_redirects: bool = True,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    data: dict[str, str] | None = None,
) -> Page:
    """Request ``url`` and read at most ``max_bytes`` of the body; failures come back as data.

    ``data`` is sent as form fields (in the body for POST, the query for GET).

    ``timeout_seconds`` bounds connecting and each read, and the whole body
    read is abandoned past it as well, so a trickling server cannot hold a
    worker longer than about twice the timeout.
    """
    import requests

    request_headers = {"User-Agent": user_agent, "Accept": "*/*", **(headers or {})}
    started = time.monotonic()
    try:
        response = session().request(
            method,
            url,
            headers=request_headers,
            timeout=(timeout_seconds, timeout_seconds),
            allow_redirects=follow_redirects,
            verify=verify,
            stream=True,
            params=data if method == "GET" else None,
            data=data if method != "GET" else None,
        )
    except requests.exceptions.RequestException as error:
        return Page(
            url=url,
            status=None,
            final_url=url,
            elapsed_ms=_elapsed(started),
            error=describe_error(error),
        )
    try:
        body, truncated, read_error = _read(response, max_bytes, started + 2 * timeout_seconds)
    finally:
        response.close()
    return Page(
        url=url,
        status=response.status_code,
        headers={name.lower(): value for name, value in response.headers.items()},
        body=body,
        final_url=response.url,
        redirects=tuple(item.url for item in response.history),
        elapsed_ms=_elapsed(started),
        error=read_error,
        truncated=truncated,
    )


def _read(response: Any, max_bytes: int, deadline: float) -> tuple[bytes, bool, str | None]:
    """The body (at most ``max_bytes``), whether it was cut, and why reading stopped early."""
    import requests

    parts: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            parts.append(chunk)
            size += len(chunk)
            if size >= max_bytes:
                return b"".join(parts)[:max_bytes], True, None
            if time.monotonic() > deadline:
                return b"".join(parts), True, Message("web.error.body_late")
    except requests.exceptions.RequestException as error:
        return b"".join(parts), True, describe_error(error)
    return b"".join(parts), False, None


def describe_error(error: Exception) -> str:
    """A short readable reason for a failed request (timeout, refused, TLS, DNS), a Message.

    The operating system's own words (``detail``) are English; the Indonesian
    text leaves them out, the English one keeps them in brackets.
    """
    import requests

    text = str(error)
    if isinstance(error, requests.exceptions.SSLError):
        reason = Message("web.error.tls")
    elif isinstance(error, requests.exceptions.ConnectTimeout):
        reason = Message("web.error.connect_timeout")
    elif isinstance(error, requests.exceptions.ReadTimeout):
        reason = Message("web.error.read_timeout")
    elif isinstance(error, requests.exceptions.ConnectionError):
        if "Name or service not known" in text or "getaddrinfo" in text:
            reason = Message("web.error.unresolved")
        elif "refused" in text.lower():
            reason = Message("web.error.refused")
        else:
            reason = Message("web.error.connection")
    elif isinstance(error, requests.exceptions.TooManyRedirects):
        reason = Message("web.error.redirects")
    else:
        reason = Message("web.error.other", kind=error.__class__.__name__)
    return with_detail(reason, text)


def with_detail(reason: Message, text: str) -> Message:
    """``reason`` with the useful end of the library's own words, when they add something."""
    detail = _innermost(text) if text else ""
    if detail and detail.lower() not in reason.lower():
        return Message("web.error.with_detail", reason=reason, detail=detail)
    return reason


def _innermost(text: str) -> str:
    """The useful end of urllib3's nested message: the OS or TLS reason, without the wrapping."""
    import re

    for pattern in (
        r"certificate verify failed: ([^(')\]]+)",
        r"\[Errno -?\d+\] ([^'\")]+)",
        r"\[SSL: [A-Z_]+\] ([^('\")]+)",
        r"timed out",
    ):
        match = re.search(pattern, text)
        if match:
            return (match.group(1) if match.groups() else match.group(0)).strip(" .")
    return text[:200]


def resolve(base_url: str, reference: str) -> str:
    """A page path (``/berita``) or full URL, as a full URL of the site."""
    return urljoin(base_url, reference)


def same_site(url: str, base_url: str) -> bool:
    """Whether ``url`` is on the same host and port as ``base_url``."""
    first, second = urlsplit(url), urlsplit(base_url)
    return (first.hostname, first.port or _default_port(first.scheme)) == (
        second.hostname,
        second.port or _default_port(second.scheme),
    )


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _elapsed(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
