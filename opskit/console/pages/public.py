"""The public status page (no sign-in), its JSON, and a health answer for monitors.

The page is rebuilt at most once a minute per language (and its compressed
form with it): it is public, so a crowd of visitors must not turn into a
crowd of database queries.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

from starlette.responses import PlainTextResponse, Response

from opskit.actions.signing import verification
from opskit.actions.status_page import status_page
from opskit.console.web import View, page
from opskit.errors import NotFoundError

CACHE_SECONDS = 60


def _data(view: View) -> dict[str, Any]:
    return dict(
        view.console.cached(
            "status-data",
            CACHE_SECONDS,
            lambda: status_page(view.config, view.console.store(), view.now),
        )
    )


def _bodies(body: bytes) -> tuple[bytes, bytes]:
    return body, gzip.compress(body, compresslevel=6)


@page(None)
def status(view: View) -> Response:
    if not view.config.console.status_page.enabled:
        raise NotFoundError("the status page is off")

    def build() -> tuple[bytes, bytes]:
        html = view.console.templates.get_template("status.html.j2").render(
            w=view.words, data=_data(view), language=view.language, static="/static/"
        )
        return _bodies(html.encode())

    bodies = view.console.cached(("status-html", view.language), CACHE_SECONDS, build)
    return _public(view, bodies, "text/html; charset=utf-8")


@page(None)
def status_json(view: View) -> Response:
    if not view.config.console.status_page.enabled:
        raise NotFoundError("the status page is off")

    def build() -> tuple[bytes, bytes]:
        return _bodies(json.dumps(_data(view), ensure_ascii=False, separators=(",", ":")).encode())

    bodies = view.console.cached("status-json", CACHE_SECONDS, build)
    return _public(view, bodies, "application/json")


@page(None)
def health(view: View) -> Response:
    """For a monitor of the console itself: it answers and its store opens."""
    view.console.store().schema_version  # noqa: B018 - opening and reading is the check
    return PlainTextResponse("ok")


def _public(view: View, bodies: tuple[bytes, bytes], media_type: str) -> Response:
    """A cacheable public answer, gzip-compressed for clients that accept it.

    Only these pages are compressed: they hold no secret, so compression
    cannot leak one (as it could leak a CSRF token from a signed-in page).
    """
    headers = {"Cache-Control": f"public, max-age={CACHE_SECONDS}", "Vary": "Accept-Encoding"}
    if "gzip" in view.request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(bodies[1], media_type=media_type, headers=headers)
    return Response(bodies[0], media_type=media_type, headers=headers)


@page(None)
def verify(view: View) -> Response:
    """A signed document's public record: number, title, signers, times, hash."""
    data = verification(view.console.store(), view.request.path_params["code"])
    html = view.console.templates.get_template("verify.html.j2").render(
        w=view.words, data=data, language=view.language
    )
    return Response(html, media_type="text/html; charset=utf-8")
