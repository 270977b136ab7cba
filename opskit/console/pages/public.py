"""The public status page (no sign-in), its JSON, and a health answer for monitors.

The page is rebuilt at most once a minute per language: it is public, so a
crowd of visitors must not turn into a crowd of database queries.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

from opskit.actions.status_page import status_page
from opskit.console.web import View, page
from opskit.errors import NotFoundError

CACHE_SECONDS = 60
_cache: dict[tuple[int, str], tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def cached_data(view: View) -> dict[str, Any]:
    key = (id(view.console), "data")
    with _cache_lock:
        hit = _cache.get(key)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return dict(hit[1])
    data = status_page(view.config, view.console.store(), view.now)
    with _cache_lock:
        _cache[key] = (time.monotonic(), data)
    return data


@page(None)
def status(view: View) -> Response:
    if not view.config.console.status_page.enabled:
        raise NotFoundError("the status page is off")
    key = (id(view.console), view.language)
    with _cache_lock:
        hit = _cache.get(key)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        html = hit[1]
    else:
        html = view.console.templates.get_template("status.html.j2").render(
            w=view.words, data=cached_data(view), language=view.language, static="/static/"
        )
        with _cache_lock:
            _cache[key] = (time.monotonic(), html)
    response = Response(html, media_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@page(None)
def status_json(view: View) -> Response:
    if not view.config.console.status_page.enabled:
        raise NotFoundError("the status page is off")
    response = JSONResponse(cached_data(view))
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@page(None)
def health(view: View) -> Response:
    """For a monitor of the console itself: it answers and its store opens."""
    view.console.store().schema_version  # noqa: B018 - opening and reading is the check
    return PlainTextResponse("ok")
