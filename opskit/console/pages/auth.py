"""Signing in (password, then a one-time code where required) and out."""

from __future__ import annotations

from datetime import timedelta

from starlette.responses import Response

from opskit import accounts, audit
from opskit.console.web import View, page
from opskit.identity import Actor

PENDING_SECONDS = 300


@page(None)
def signin(view: View) -> Response:
    if view.request.method == "POST":
        return _password(view)
    if view.actor is not None:
        return view.redirect("/dashboard")
    return view.render("signin.html.j2", error=None, login="", next=_next(view))


def _password(view: View) -> Response:
    """The first step: login and password, throttled; then a code, or the session."""
    login = view.form.get("login", "").strip().lower()[:64]
    password = view.form.get("password", "")
    console, store, now = view.console, view.console.store(), view.now
    settings = console.config.console
    wait = accounts.wait_seconds(
        store,
        login,
        view.address,
        now,
        per_account=settings.signin_failures_per_account,
        per_address=settings.signin_failures_per_address,
        window=timedelta(minutes=settings.signin_window_minutes),
    )
    if wait:
        minutes = max(1, round(wait / 60))
        message = view.words("console.signin.throttled", minutes=minutes)
        return view.render("signin.html.j2", 429, error=message, login=login, next=_next(view))
    person = console.config.person_with_login(login)
    if person is None or not accounts.check_password(store, login, password):
        accounts.record_failure(store, login, view.address, now)
        message = view.words("console.signin.wrong")
        return view.render("signin.html.j2", 401, error=message, login=login, next=_next(view))
    needs_code = bool(set(settings.totp_roles) & set(person.roles))
    has_code = accounts.has_totp(console.config.state_dir, login)
    if needs_code and not has_code:
        message = view.words("console.signin.needs_totp", login=login)
        return view.render("signin.html.j2", 403, error=message, login=login, next=_next(view))
    if has_code:
        pending = console.signer.sign(f"pending:{login}").decode()
        return view.render("signin_code.html.j2", pending=pending, error=None, next=_next(view))
    return _open(view, login)


@page(None)
def signin_code(view: View) -> Response:
    from itsdangerous import BadSignature, SignatureExpired

    console, store, now = view.console, view.console.store(), view.now
    try:
        value = console.signer.unsign(view.form.get("pending", ""), max_age=PENDING_SECONDS)
    except (BadSignature, SignatureExpired):
        return view.render(
            "signin.html.j2",
            401,
            error=view.words("console.signin.wrong_code"),
            login="",
            next=_next(view),
        )
    login = value.decode().removeprefix("pending:")
    code = view.form.get("code", "")
    settings = console.config.console
    wait = accounts.wait_seconds(
        store,
        login,
        view.address,
        now,
        per_account=settings.signin_failures_per_account,
        per_address=settings.signin_failures_per_address,
        window=timedelta(minutes=settings.signin_window_minutes),
    )
    if wait or not accounts.check_totp(console.config.state_dir, login, code, now):
        accounts.record_failure(store, login, view.address, now)
        message = (
            view.words("console.signin.throttled", minutes=max(1, round(wait / 60)))
            if wait
            else view.words("console.signin.wrong_code")
        )
        return view.render("signin.html.j2", 401, error=message, login=login, next=_next(view))
    return _open(view, login)


def _open(view: View, login: str) -> Response:
    store, now = view.console.store(), view.now
    accounts.clear_failures(store, login)
    token = accounts.open_session(
        store, login, now, view.address, view.request.headers.get("user-agent")
    )
    view.set_session(token)
    person = view.config.person_with_login(login)
    if person is not None:
        audit.append(store, Actor.of(person, "console", view.address), "session.signin", now)
    return view.redirect(_next(view))


@page("dashboard.view")
def signout(view: View) -> Response:
    token = view.session_token()
    if token:
        accounts.close_session(view.console.store(), token)
    view.set_session(None)
    return view.redirect("/signin", "console.signin.signed_out")


@page("dashboard.view")
def signout_everywhere(view: View) -> Response:
    store = view.console.store()
    count = accounts.close_all_sessions(store, view.login)
    audit.append(store, view.signed, "session.signout-everywhere", view.now)
    view.set_session(None)
    return view.redirect("/signin", "console.signin.signed_out_everywhere", count=count)


def _next(view: View) -> str:
    """Where to go after signing in: a local path only, never another site."""
    wanted = view.form.get("next") or view.request.query_params.get("next") or "/dashboard"
    if not wanted.startswith("/") or wanted.startswith("//") or "\\" in wanted:
        return "/dashboard"
    return wanted
