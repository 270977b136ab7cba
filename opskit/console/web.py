"""The console's request plumbing: who is asking, in which language, may they, render.

Every page is a plain function taking a ``View`` and returning a response;
``page(action)`` wraps it: it reads the form, finds the signed-in person,
asks ``opskit.permissions`` (the one role table) and only then runs it, in a
worker thread so the store's blocking calls never stall the event loop.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from opskit import accounts
from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import NotFoundError, OpskitError, RefusedError
from opskit.identity import Actor, console_actor
from opskit.permissions import may, refusal
from opskit.reports.i18n import LANGUAGES, Words
from opskit.result import utc_now
from opskit.store import Store
from opskit.text import Message, message_from

SESSION_COOKIE = "opskit_session"
TEMPLATE_DIR = Path(__file__).parent / "templates"
# Notices a redirect may name (?notice=...), so no text is taken from the address bar.
NOTICE_PREFIX = "console."


class ConsoleContext(AppContext):
    """An AppContext sharing the console's validated config and its thread's store."""

    def __init__(self, console: Console) -> None:
        super().__init__(None, interactive=False, config=console.config)
        self._console = console

    def store(self) -> Store:
        return self._console.store()

    def close(self) -> None:
        """The store belongs to the thread, not to one request."""


class Console:
    """What every request shares: config, keys, templates, one store per worker thread."""

    def __init__(self, config: Config, https: bool) -> None:
        from itsdangerous import TimestampSigner

        self.config = config
        self.https = https
        self.secret = load_secret(config.state_dir)
        self.signer = TimestampSigner(self.secret, salt="opskit-session")
        self.zone = zoneinfo.ZoneInfo(config.organisation.timezone)
        self._local = threading.local()
        self.templates = _environment()
        self._cache: dict[Any, tuple[float, Any]] = {}
        self._cache_lock = threading.Lock()

    def cached(self, key: Any, seconds: float, make: Callable[[], Any]) -> Any:
        """``make()``'s value, reused for ``seconds``: pages every reader sees alike (the
        dashboard) are built once for a crowd, not once per person."""
        import time

        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < seconds:
            return hit[1]
        value = make()
        with self._cache_lock:
            self._cache[key] = (time.monotonic(), value)
        return value

    def forget(self) -> None:
        """Drop every cached page: a change was just made through the console."""
        with self._cache_lock:
            self._cache.clear()

    def store(self) -> Store:
        """This thread's store, opened again when a shared store's server dropped it."""
        store: Store | None = getattr(self._local, "store", None)
        if store is not None and not store.usable():
            with contextlib.suppress(Exception):
                store.close()
            store = None
        if store is None:
            store = Store.open(self.config.store_location)
            self._local.store = store
        return store

    def context(self) -> ConsoleContext:
        return ConsoleContext(self)

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.config.console.session_idle_minutes)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.config.console.session_max_hours)


def load_secret(state_dir: Path) -> str:
    """The console's signing key: made once, kept 0600 in the state directory."""
    import os
    import secrets

    path = state_dir / "console" / "secret.key"
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".secret.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(temporary, path)  # never replaces a key another process just made
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text().strip()


@dataclass
class View:
    """One request as a page sees it."""

    request: Request
    console: Console
    actor: Actor | None
    language: str
    form: dict[str, str] = field(default_factory=dict)
    cookies_out: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    # Files sent with a form of a page that takes them: (name as given, content).
    uploads: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def signed(self) -> Actor:
        """The signed-in person; pages behind ``page(action)`` always have one."""
        if self.actor is None:
            raise RefusedError("sign in first", code="not-allowed")
        return self.actor

    @property
    def login(self) -> str:
        login = self.signed.login
        if login is None:
            raise RefusedError("sign in first", code="not-allowed")
        return login

    @property
    def config(self) -> Config:
        return self.console.config

    @property
    def words(self) -> Words:
        return Words(self.language, self.console.zone)

    @property
    def now(self) -> datetime:
        return utc_now()

    @property
    def address(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def signing_enabled(self) -> bool:
        """Whether anyone signs electronically here; without keys nothing about it shows."""
        return any(person.signing for person in self.config.people)

    @property
    def has_signing_key(self) -> bool:
        login = self.actor.login if self.actor else None
        person = self.config.person_with_login(login) if login else None
        return bool(person and person.signing)

    def title(self, check_id: str) -> str:
        """A check's name in the reader's language (its runbook title), else its id."""
        from opskit.catalog import runbook

        entry = runbook(check_id)
        return entry.text("title", self.language) if entry and "title" in entry.texts else check_id

    def not_allowed(self, action: str) -> str:
        """Why the signed-in person may not take ``action``, in their language."""
        from opskit.permissions import roles_for

        roles = ", ".join(self.words.role(role) for role in sorted(roles_for(self.config, action)))
        return self.words("console.errors.codes.not_allowed", roles=roles)

    def explain(self, error: OpskitError) -> str:
        """An action's refusal in the reader's language: its message where it carries one (a
        catalogue id), else the text its code names."""
        if isinstance(error.message, Message):
            return self.words.say(error.message)
        if error.code == "not-allowed":
            return self.words("console.errors.forbidden")
        if error.code:
            try:
                return self.words(f"console.errors.codes.{error.code.replace('-', '_')}")
            except KeyError:
                pass
        return error.message

    def action(self, action: str) -> str:
        """An audit action in the reader's words, else as recorded."""
        try:
            key = action.replace(".", "_").replace("-", "_")
            return self.words(f"console.audit.actions.{key}")
        except KeyError:
            return action

    def target(self, target: str) -> str:
        """A target as people say it: ``local`` is this machine."""
        local = self.words("console.local_host")
        return local if target == "local" else target.replace("local:", f"{local}:", 1)

    def may(self, action: str) -> bool:
        return self.actor is not None and may(self.config, self.actor, action)

    def context(self) -> ConsoleContext:
        return self.console.context()

    def render(self, template: str, status_code: int = 200, **data: Any) -> Response:
        notice = self.request.query_params.get("notice", "")
        html = self.console.templates.get_template(template).render(
            w=self.words,
            t=self.words,
            view=self,
            organisation=self.config.organisation,
            csrf_token=self.request.scope.get("csrftoken", lambda: "")(),
            notice=notice if notice.startswith(NOTICE_PREFIX) else "",
            notice_values=dict(self.request.query_params),
            **data,
        )
        return self.finish(HTMLResponse(html, status_code=status_code))

    def redirect(self, path: str, notice: str | None = None, **values: Any) -> Response:
        query = ""
        if notice:
            extra = "".join(f"&{key}={quote(str(value))}" for key, value in values.items())
            query = f"?notice={quote(notice)}{extra}"
        return self.finish(RedirectResponse(path + query, status_code=303))

    def refuse(self, reason: str, status_code: int = 403) -> Response:
        return self.render("error.html.j2", status_code=status_code, reason=reason)

    def attachment(self, found: Any) -> Response:
        """A stored attachment (``found``: its record, or None) as a download, never shown
        inline: a file from outside is not rendered in the console's own origin."""
        from starlette.responses import FileResponse

        from opskit.helpdesk.attachments import path_of

        path = path_of(self.config, found.stored) if found is not None else None
        if path is None or not path.is_file():
            raise NotFoundError("no such attachment")
        response = FileResponse(
            path,
            media_type=found.media_type,
            filename=found.name,
            content_disposition_type="attachment",
        )
        return self.finish(response)

    def finish(self, response: Response) -> Response:
        for name, value, options in self.cookies_out:
            if value:
                response.set_cookie(name, value, **options)
            else:
                response.delete_cookie(name, path="/")
        if self.actor is not None:
            response.headers["Cache-Control"] = "no-store"
        return response

    def set_session(self, token: str | None) -> None:
        if token is None:
            self.cookies_out.append((SESSION_COOKIE, "", {}))
            return
        signed = self.console.signer.sign(token).decode()
        self.cookies_out.append(
            (
                SESSION_COOKIE,
                signed,
                {
                    "httponly": True,
                    "samesite": "lax",
                    "secure": self.console.https,
                    "path": "/",
                    "max_age": int(self.console.lifetime.total_seconds()),
                },
            )
        )

    def session_token(self) -> str | None:
        from itsdangerous import BadSignature

        signed = self.request.cookies.get(SESSION_COOKIE)
        if not signed:
            return None
        try:
            return self.console.signer.unsign(signed).decode()
        except BadSignature:
            return None


Page = Callable[[View], Response]


def page(action: str | None, files: bool = False) -> Callable[[Page], Callable[[Request], Any]]:
    """A route endpoint for ``handler``; ``action`` None is a public page (no sign-in).

    With ``files`` the page takes attachments (multipart forms), each read up to one byte
    past ``requests.attachments.max_megabytes`` so that a larger one is refused whole.
    """

    def wrap(handler: Page) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            form: dict[str, str] = {}
            uploads: list[tuple[str, bytes]] = []
            console: Console = request.app.state.console
            if request.method == "POST":
                limits = console.config.requests.attachments
                try:
                    received = await request.form(
                        max_files=limits.max_files if files else 0, max_fields=200
                    )
                except HTTPException as error:
                    return HTMLResponse(str(error.detail), status_code=400)
                for key, value in received.multi_items():
                    if isinstance(value, UploadFile):
                        if value.filename:
                            size = int(limits.max_megabytes * 1024 * 1024) + 1
                            uploads.append((value.filename, await value.read(size)))
                    else:
                        form[key] = str(value)
            return await run_in_threadpool(
                functools.partial(_answer, uploads=uploads), console, handler, action, request, form
            )

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.action = action  # type: ignore[attr-defined]
        return endpoint

    return wrap


def _answer(
    console: Console,
    handler: Page,
    action: str | None,
    request: Request,
    form: dict[str, str],
    *,
    uploads: list[tuple[str, bytes]] | None = None,
) -> Response:
    view = View(request, console, None, console.config.organisation.language, form)
    view.uploads = uploads or []
    token = view.session_token()
    if token is not None:
        store = console.store()
        login = accounts.session_login(
            store, token, view.now, idle=console.idle, lifetime=console.lifetime
        )
        actor = console_actor(console.config, login, view.address) if login else None
        if actor is None:
            view.set_session(None)
        else:
            view.actor = actor
            account = accounts.get(store, login) if login else None
            if account and account.language in LANGUAGES:
                view.language = account.language
    wanted = request.query_params.get("lang")
    if view.actor is None and wanted in LANGUAGES:
        view.language = str(wanted)
    if action is not None:
        if view.actor is None:
            target = quote(request.url.path)
            return view.finish(RedirectResponse(f"/signin?next={target}", status_code=303))
        if refusal(console.config, view.actor, action) is not None:
            return view.refuse(view.not_allowed(action))
    try:
        response = handler(view)
    except NotFoundError:
        return view.refuse(view.words("console.errors.not_found"), status_code=404)
    except RefusedError as error:
        status_code = 403 if error.code == "not-allowed" else 409
        return view.refuse(view.explain(error), status_code=status_code)
    except OpskitError as error:
        return view.refuse(view.explain(error), status_code=400)
    if request.method == "POST":
        console.forget()
    return response


@functools.cache
def _environment() -> Any:
    """The templates, compiled once per process and shared by every console in it."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["moment"] = _moment
    environment.filters["isodate"] = date.fromisoformat
    environment.filters["message"] = message_from
    return environment


def _moment(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
