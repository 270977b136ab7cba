"""The signed-in person's own account: roles, language, sessions."""

from __future__ import annotations

from starlette.responses import Response

from opskit import accounts
from opskit.console.web import View, page
from opskit.errors import UsageError
from opskit.reports.i18n import LANGUAGES


@page("dashboard.view")
def show(view: View) -> Response:
    sessions = accounts.session_count(view.console.store(), view.login)
    return view.render("account.html.j2", sessions=sessions, languages=LANGUAGES)


@page("dashboard.view")
def language(view: View) -> Response:
    chosen = view.form.get("language", "")
    if chosen not in LANGUAGES:
        raise UsageError(f"unknown language {chosen!r}")
    accounts.set_language(view.console.store(), view.login, chosen, view.now)
    return view.redirect("/account", "console.account.saved")
