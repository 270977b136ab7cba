"""Every route of the console for every role: served, refused (403), or sent to sign in.

The routes are enumerated from the application itself, so a new route without
a case here fails the first test instead of going untested.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.routing import Mount, Route

from opskit.config.schema import ROLES
from opskit.console.app import routes
from opskit.identity import console_actor
from opskit.permissions import may
from support.console import ROLE_LOGINS, Browserless, console_for

# path template -> (method, concrete path, form) ; {incident}, {uat}, {document}, {request},
# {attachment}, {content}, {policy} ... from the seed
CASES: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("/", "GET"): ("/", {}),
    ("/signin", "GET"): ("/signin", {}),
    ("/signin", "POST"): ("/signin", {"login": "nobody", "password": "x"}),
    ("/signin/code", "POST"): ("/signin/code", {"pending": "x", "code": "000000"}),
    ("/signout", "POST"): ("/signout", {}),
    ("/signout/everywhere", "POST"): ("/signout/everywhere", {}),
    ("/dashboard", "GET"): ("/dashboard", {}),
    ("/entity/{kind}/{name}", "GET"): ("/entity/site/website", {}),
    ("/history", "GET"): ("/history?check=web.http&target=website", {}),
    ("/incidents", "GET"): ("/incidents", {}),
    ("/incidents/{incident_id:int}", "GET"): ("/incidents/{incident}", {}),
    ("/incidents/{incident_id:int}/ack", "POST"): ("/incidents/{incident}/ack", {"note": "ok"}),
    ("/incidents/{incident_id:int}/note", "POST"): ("/incidents/{incident}/note", {"note": "x"}),
    ("/uat", "GET"): ("/uat", {}),
    ("/uat/new", "GET"): ("/uat/new", {}),
    ("/uat/new", "POST"): ("/uat/new", {"checklist": "no-such-checklist"}),
    ("/uat/{run_id:int}", "GET"): ("/uat/{uat}", {}),
    ("/uat/{run_id:int}/review", "POST"): ("/uat/{uat}/review", {"note": "Sesuai"}),
    ("/uat/{run_id:int}/decide", "POST"): ("/uat/{uat}/decide", {"decision": "reject"}),
    ("/requests", "GET"): ("/requests", {}),
    ("/requests/new", "GET"): ("/requests/new", {}),
    ("/requests/new", "POST"): ("/requests/new", {"subject": "Tanpa uraian"}),
    ("/requests/registers", "GET"): ("/requests/registers", {}),
    ("/requests/registers", "POST"): ("/requests/registers", {"register": "no-such-register"}),
    ("/requests/{request_id:int}", "GET"): ("/requests/{request}", {}),
    **{
        (f"/requests/{{request_id:int}}/{step}", "POST"): (
            f"/requests/{{request}}/{step}",
            {"note": "Catatan", "assignee": "Siti Aminah", "category": "hardware"},
        )
        for step in (
            "dispose",
            "study",
            "classify",
            "verify",
            "prioritise",
            "consider",
            "approve",
            "work",
            "handle",
            "close",
            "reopen",
            "reject",
        )
    },
    ("/requests/{request_id:int}/attachments/{attachment_id:int}", "GET"): (
        "/requests/{request}/attachments/{attachment}",
        {},
    ),
    ("/requests/{request_id:int}/document", "POST"): (
        "/requests/{request}/document",
        {"kind": "disposition"},
    ),
    ("/incidents/{incident_id:int}/request", "POST"): (
        "/incidents/{incident}/request",
        {"description": "Website tidak dapat diakses"},
    ),
    ("/content", "GET"): ("/content", {}),
    ("/content/new", "GET"): ("/content/new", {}),
    ("/content/new", "POST"): (
        "/content/new",
        {"kind": "news", "title": "Sidang keliling", "material": "Laporan kegiatan"},
    ),
    ("/content/{item_id:int}", "GET"): ("/content/{content}", {}),
    ("/content/{item_id:int}/diff", "GET"): ("/content/{content}/diff", {}),
    ("/content/{item_id:int}/attachments/{attachment_id:int}", "GET"): (
        "/content/{content_photo}/attachments/{content_attachment}",
        {},
    ),
    **{
        (f"/content/{{item_id:int}}/{step}", "POST"): (
            f"/content/{{content}}/{step}",
            {"note": "Catatan", "body": "Naskah", "url": "https://www.pa-uji.example/berita"},
        )
        for step in (
            "attach",
            "validate",
            "draft",
            "review",
            "submit",
            "submit_special",
            "approve",
            "approve_special",
            "send_back",
            "publish",
            "archive",
            "withdraw",
        )
    },  # fmt: skip
    ("/policy", "GET"): ("/policy", {}),
    ("/policy/new", "POST"): (
        "/policy/new",
        {"kind": "programme", "title": "Rencana Program TI 2027", "body": "Sasaran program."},
    ),
    ("/policy/regulations", "POST"): (
        "/policy/regulations",
        {
            "title": "Keterbukaan Informasi Publik",
            "number": "UU 14",
            "year": "2008",
            "summary": "Informasi publik di situs",
        },
    ),  # fmt: skip
    ("/policy/regulations/review", "POST"): (
        "/policy/regulations/review",
        {"regulation": "all", "note": "Masih berlaku"},
    ),
    ("/policy/{document_id:int}", "GET"): ("/policy/{policy}", {}),
    **{
        (f"/policy/{{document_id:int}}/{step}", "POST"): (
            f"/policy/{{policy}}/{step}",
            {
                "note": "Catatan",
                "reason": "Perbaiki",
                "title": "SK Tim IT 2027",
                "body": "Menetapkan susunan Tim IT.",
                "number": "W20-A/1/OT.01/XII/2026",
                "date": "2026-12-01",
            },
        )
        for step in ("revise", "plan", "propose", "set", "send_back", "withdraw")
    },  # fmt: skip
    ("/run", "GET"): ("/run", {}),
    ("/run", "POST"): ("/run", {"job": "no-such-job"}),
    ("/documents", "GET"): ("/documents", {}),
    ("/documents/{document_id:int}/{kind}", "GET"): ("/documents/{document}/html", {}),
    ("/documents/{document_id:int}/sign", "POST"): ("/documents/{document}/sign", {}),
    ("/documents/{document_id:int}/signed.pdf", "GET"): ("/documents/{document}/signed.pdf", {}),
    ("/verify/{code}", "GET"): ("/verify/no-such-code", {}),
    ("/audit", "GET"): ("/audit", {}),
    ("/supervision", "GET"): ("/supervision", {}),
    ("/supervision/{code}", "GET"): ("/supervision/pa_lain", {}),
    ("/account", "GET"): ("/account", {}),
    ("/account/language", "POST"): ("/account/language", {"language": "en"}),
    ("/status", "GET"): ("/status", {}),
    ("/status.json", "GET"): ("/status.json", {}),
    ("/healthz", "GET"): ("/healthz", {}),
}


def app_routes() -> list[tuple[str, str, Any]]:
    found = []
    for route in routes():
        if isinstance(route, Mount):
            continue
        assert isinstance(route, Route)
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                found.append((route.path, method, route.endpoint))
    return found


def test_every_route_has_a_case_and_names_its_action() -> None:
    enumerated = {(path, method) for path, method, _ in app_routes()}

    assert enumerated == set(CASES)
    for _path, _method, endpoint in app_routes():
        assert hasattr(endpoint, "action")


ENDS_SESSION = ("/signout", "/signout/everywhere")


@pytest.fixture(scope="module")
def clients(seeded_once: Any) -> Iterator[dict[Any, Browserless]]:
    """One signed-in client per role (and one stranger), kept across the module's cells."""
    config, _ = seeded_once
    made: dict[Any, Browserless] = {}
    yield made
    for client in made.values():
        client.close()


def client_for(clients: dict[Any, Browserless], config: Any, login: str | None) -> Browserless:
    client = clients.get(login)
    if client is None or (login and not client.signed_in):
        client = Browserless(config)
        if login:
            assert client.sign_in(login).status_code == 303
        clients[login] = client
    return client


@pytest.mark.parametrize(("template", "method", "endpoint"), app_routes())
@pytest.mark.parametrize("role", [None, *ROLES])
def test_route_for_role(
    seeded_once: Any, clients: Any, template: str, method: str, endpoint: Any, role: Any
) -> None:
    config, ids = seeded_once
    path, form = CASES[(template, method)]
    path = path.format(**ids)
    login = ROLE_LOGINS[role] if role else None
    action = endpoint.action
    if template in ENDS_SESSION:
        with console_for(config, login) as console:
            answer = console.post(path, form)
        stale = clients.pop(login, None)  # signing out everywhere ended its session too
        if stale is not None:
            stale.close()
    else:
        console = client_for(clients, config, login)
        answer = console.client.get(path) if method == "GET" else console.post(path, form)
    to_signin = answer.status_code == 303 and answer.headers["location"].startswith("/signin")
    if action is None:
        assert answer.status_code != 403, answer.text
        if template == "/" and login is None:
            assert to_signin
        elif template not in ("/signout",):
            assert not (to_signin and "next=" in answer.headers["location"])
    elif login is None:
        assert to_signin and "next=" in answer.headers["location"]
    elif may(config, console_actor(config, login, None), action):
        assert answer.status_code != 403, answer.text
        assert not to_signin or template in ("/signout", "/signout/everywhere")
    else:
        assert answer.status_code == 403
        assert "memerlukan peran" in answer.text
