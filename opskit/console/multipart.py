"""The CSRF token of a form that carries files, handed to asgi-csrf where it can check it.

asgi-csrf checks a token sent in the ``x-csrftoken`` header against its
signed cookie for every request, and one in the body for urlencoded forms;
its own reading of multipart bodies no longer works with the maintained
python-multipart (simonw/asgi-csrf#38). This middleware, placed before it,
reads a multipart body only as far as the ``csrftoken`` field (which the
console's forms send first), passes it on as that header, and replays the
body; asgi-csrf still makes the decision. A body without the field before
its first file, or with a token other than the one of its cookie, is passed
on as an empty form without the header, so asgi-csrf refuses it as it
refuses any form without its token (and never parses the body itself).
"""

from __future__ import annotations

from typing import Any

from python_multipart.multipart import MultipartParser, parse_options_header

TOKEN_FIELD = b"csrftoken"
HEADER = b"x-csrftoken"
# The token comes first in every console form; this much body is read looking for it.
MAX_BYTES_BEFORE_TOKEN = 64 * 1024


class _Stop(Exception):
    """The token was read, or a file came first: stop parsing."""


class MultipartToken:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or [])
        kind, options = parse_options_header(headers.get(b"content-type", b""))
        if scope["type"] != "http" or scope["method"] != "POST" or kind != b"multipart/form-data":
            await self.app(scope, receive, send)
            return
        token, messages = await _read_token(options.get(b"boundary", b""), receive)
        pending = list(messages)

        async def replay() -> Any:
            return pending.pop(0) if pending else await receive()

        kept = [(name, value) for name, value in scope["headers"] if name != HEADER]
        if token is None or token != _cookie_token(headers):
            # No token: asgi-csrf must refuse, without ever parsing this body itself.
            kept = [(name, value) for name, value in kept if name != b"content-type"]
            kept.append((b"content-type", b"application/x-www-form-urlencoded"))
            pending = [{"type": "http.request", "body": b"", "more_body": False}]
            await self.app({**scope, "headers": kept}, replay, send)
            return
        await self.app({**scope, "headers": [*kept, (HEADER, token)]}, replay, send)


def _cookie_token(headers: dict[bytes, bytes]) -> bytes | None:
    """The value of the CSRF cookie asgi-csrf compares a sent token with."""
    from http.cookies import SimpleCookie

    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
    except ValueError:
        return None
    found = cookies.get(TOKEN_FIELD.decode())
    return found.value.encode("latin-1") if found else None


async def _read_token(boundary: bytes, receive: Any) -> tuple[bytes | None, list[Any]]:
    """The csrftoken field's value (None when absent before a file), and what was read."""
    found: dict[str, Any] = {"name": b"", "file": False, "value": b""}
    seen: list[bytes] = []  # the token field's value, once read
    header: dict[str, bytes] = {"field": b"", "value": b""}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        if header["field"].lower() == b"content-disposition":
            _, params = parse_options_header(header["value"])
            found["name"] = params.get(b"name", b"")
            found["file"] = b"filename" in params
        header["field"] = header["value"] = b""

    def on_headers_finished() -> None:
        if found["file"]:
            raise _Stop  # a file before the token
        found["value"] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        found["value"] += data[start:end]

    def on_part_end() -> None:
        if found["name"] == TOKEN_FIELD:
            seen.append(found["value"])
            raise _Stop

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    messages: list[Any] = []
    read = 0
    more = True
    try:
        while more and read <= MAX_BYTES_BEFORE_TOKEN:
            message = await receive()
            messages.append(message)
            body = message.get("body", b"")
            read += len(body)
            more = message.get("more_body", False)
            parser.write(body)
    except _Stop:
        pass
    except ValueError:  # python-multipart's errors of a malformed body
        return None, messages
    return (seen[0] if seen and seen[0] else None), messages
