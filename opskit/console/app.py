"""The console application: its routes, and the middleware every response passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from opskit.config.schema import Config
from opskit.console.multipart import MultipartToken
from opskit.console.pages import (
    account,
    audit_trail,
    auth,
    content,
    dashboard,
    documents,
    incidents,
    policy,
    public,
    requests,
    run,
    supervision,
    uat,
)
from opskit.console.web import Console

STATIC_DIR = Path(__file__).parent / "static"

# The content security policy allows no inline script or style: everything the
# pages need comes from /static, and nothing may frame them.
SECURITY_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def routes() -> list[Any]:
    """Every route; each endpoint carries the action it needs (None: public)."""
    return [
        Route("/", dashboard.home),
        Route("/signin", auth.signin, methods=["GET", "POST"]),
        Route("/signin/code", auth.signin_code, methods=["POST"]),
        Route("/signout", auth.signout, methods=["POST"]),
        Route("/signout/everywhere", auth.signout_everywhere, methods=["POST"]),
        Route("/dashboard", dashboard.overview),
        Route("/entity/{kind}/{name}", dashboard.entity),
        Route("/history", dashboard.history),
        Route("/incidents", incidents.listing),
        Route("/incidents/{incident_id:int}", incidents.show),
        Route("/incidents/{incident_id:int}/ack", incidents.acknowledge, methods=["POST"]),
        Route("/incidents/{incident_id:int}/note", incidents.annotate, methods=["POST"]),
        Route("/uat", uat.listing),
        Route("/uat/new", uat.new, methods=["GET", "POST"]),
        Route("/uat/{run_id:int}", uat.show),
        Route("/uat/{run_id:int}/review", uat.review, methods=["POST"]),
        Route("/uat/{run_id:int}/decide", uat.decide, methods=["POST"]),
        Route("/requests", requests.listing),
        Route("/requests/new", requests.new, methods=["GET", "POST"]),
        Route("/requests/registers", requests.registers, methods=["GET", "POST"]),
        Route("/requests/{request_id:int}", requests.show),
        *(
            Route(f"/requests/{{request_id:int}}/{name}", endpoint, methods=["POST"])
            for name, endpoint in requests.STEP_PAGES.items()
        ),
        Route("/requests/{request_id:int}/attachments/{attachment_id:int}", requests.attachment),
        Route("/requests/{request_id:int}/document", requests.document, methods=["POST"]),
        Route("/incidents/{incident_id:int}/request", requests.from_incident, methods=["POST"]),
        Route("/content", content.listing),
        Route("/content/new", content.new, methods=["GET", "POST"]),
        Route("/content/{item_id:int}", content.show),
        Route("/content/{item_id:int}/diff", content.difference),
        Route("/content/{item_id:int}/attachments/{attachment_id:int}", content.attachment),
        *(
            Route(f"/content/{{item_id:int}}/{name}", endpoint, methods=["POST"])
            for name, endpoint in content.STEP_PAGES.items()
        ),
        Route("/policy", policy.register),
        Route("/policy/new", policy.new, methods=["POST"]),
        Route("/policy/regulations", policy.add_regulation, methods=["POST"]),
        Route("/policy/regulations/review", policy.review_regulations, methods=["POST"]),
        Route("/policy/{document_id:int}", policy.show),
        *(
            Route(f"/policy/{{document_id:int}}/{name}", endpoint, methods=["POST"])
            for name, endpoint in policy.STEP_PAGES.items()
        ),
        Route("/run", run.page_run, methods=["GET", "POST"]),
        Route("/documents", documents.listing),
        Route("/documents/{document_id:int}/sign", documents.sign, methods=["POST"]),
        Route("/documents/{document_id:int}/signed.pdf", documents.signed_copy),
        Route("/documents/{document_id:int}/{kind}", documents.download),
        Route("/audit", audit_trail.listing),
        Route("/supervision", supervision.overview),
        Route("/supervision/{code}", supervision.one_court),
        Route("/account", account.show),
        Route("/account/language", account.language, methods=["POST"]),
        Route("/status", public.status),
        Route("/status.json", public.status_json),
        Route("/healthz", public.health),
        Route("/verify/{code}", public.verify),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def create_app(config: Config, *, https: bool) -> Any:
    """The ASGI application: routes, CSRF protection on every form, security headers."""
    from asgi_csrf import asgi_csrf

    console = Console(config, https)
    app = Starlette(routes=routes(), exception_handlers={404: _not_found})
    app.state.console = console
    protected = asgi_csrf(
        app,
        signing_secret=console.secret,
        cookie_secure=https,
        cookie_samesite="Strict",
        always_protect=_Everywhere(),
        send_csrf_failed=_csrf_refusal(console),
    )
    return _SecurityHeaders(MultipartToken(protected), https)


class _Everywhere:
    """Every path is protected, even a form posted without cookies (sign-in included)."""

    def __contains__(self, path: object) -> bool:
        return True


class _SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: Any, https: bool) -> None:
        self.app = app
        self.headers = SECURITY_HEADERS + ((HSTS,) if https else ())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    header for header in self.headers if header[0] not in present
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _not_found(request: Any, exc: Exception) -> Any:
    from starlette.responses import HTMLResponse

    console: Console = request.app.state.console
    template = console.templates.get_template("plain_error.html.j2")
    language = console.config.organisation.language
    from opskit.reports.i18n import Words

    words = Words(language, console.zone)
    return HTMLResponse(
        template.render(w=words, message=words("console.errors.not_found"), language=language),
        status_code=404,
    )


def _csrf_refusal(console: Console) -> Any:
    """The refusal of a form without its token, in the organisation's language."""
    from html import escape

    from opskit.reports.i18n import Words

    language = console.config.organisation.language
    text = escape(Words(language, console.zone)("console.errors.csrf"))
    body = (
        f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
        f"<title>403</title><p>{text}</p></html>"
    ).encode()

    async def refuse(scope: Any, send: Any, message_id: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/html; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return refuse
