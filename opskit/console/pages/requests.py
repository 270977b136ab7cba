"""IT service requests in the console: the form every employee may fill in, the inbox of
what waits for the signed-in person (with the SOP's clock running), and a request's page
with its timeline and the forms of the steps they may take now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from opskit.actions import request_documents
from opskit.actions import requests as actions
from opskit.console.web import View, page
from opskit.errors import NotFoundError, OpskitError
from opskit.helpdesk import attachments, records
from opskit.helpdesk.model import ServiceRequest
from opskit.helpdesk.records import NewRequest
from opskit.helpdesk.settings import request_settings
from opskit.permissions import may_read_document
from opskit.reports import written

# What each step's form asks for besides its note (the procedure says whether a note is needed).
STEP_FIELDS = {
    "dispose": ("assignee",),
    "classify": ("category",),
    "prioritise": ("urgency", "impact"),
}
DOCUMENTS = ("request-form", "disposition")


@page("requests.view")
def listing(view: View) -> Response:
    config, store = view.config, view.console.store()
    chosen = actions.procedure_for(config)
    inbox = actions.inbox(config, store, view.signed, view.now)
    everything = [
        actions.view_of(config, chosen, request, view.now)
        for request in records.listing(store, limit=300)
        if actions.visible(config, view.signed, request)
    ]
    return view.render(
        "requests.html.j2",
        procedure=chosen,
        inbox=inbox,
        requests=everything,
        settings=request_settings(chosen),
    )


@page("requests.receive", files=True)
def new(view: View) -> Response:
    config = view.config
    person = next((item for item in config.people if item.login == view.signed.login), None)
    defaults = {
        "requester": view.signed.name,
        "unit": "",
        "contact": (person.email or person.phone or "") if person else "",
        "subject": "",
        "description": "",
    }
    if view.request.method == "GET":
        return view.render("request_new.html.j2", values=defaults, error=None)
    values = {name: view.form.get(name, default) for name, default in defaults.items()}
    on_behalf = view.may("requests.on_behalf") and values["requester"].strip()
    requester = values["requester"] if on_behalf else view.signed.name
    form = NewRequest(
        requester=requester,
        requester_login=None if on_behalf and requester != view.signed.name else view.signed.login,
        unit=values["unit"][:200],
        contact=values["contact"][:200],
        subject=values["subject"][:200],
        description=values["description"][:8000],
    )
    uploads = [attachments.Upload(name, content) for name, content in view.uploads]
    try:
        outcome = actions.new(view.context(), view.signed, form, uploads=uploads, now=view.now)
    except OpskitError as error:
        return view.render(
            "request_new.html.j2", status_code=400, values=values, error=view.explain(error)
        )
    request_id = outcome.data["id"]
    return view.redirect(
        f"/requests/{request_id}", "console.requests.done_new", number=outcome.data["number"]
    )


@page("requests.view")
def show(view: View) -> Response:
    config, store = view.config, view.console.store()
    request = _visible(view)
    chosen = actions.procedure_for(config)
    documents = [
        item
        for item in written.listing(store, set(DOCUMENTS))
        if item.reference == str(request.id) and may_read_document(config, view.signed, item.kind)
    ]
    return view.render(
        "request.html.j2",
        procedure=chosen,
        settings=request_settings(chosen),
        current=actions.view_of(config, chosen, request, view.now, view.signed),
        fields=STEP_FIELDS,
        people=[person.name for person in config.people],
        documents=documents,
        printable=[kind for kind in DOCUMENTS if may_read_document(config, view.signed, kind)],
    )


def _step(name: str) -> Callable[[Request], Any]:
    @page(f"requests.{name}", files=True)
    def step(view: View) -> Response:
        request_id = view.request.path_params["request_id"]
        values = {field: view.form.get(field, "") for field in STEP_FIELDS.get(name, ())}
        uploads = [attachments.Upload(file, content) for file, content in view.uploads]
        actions.take(
            view.context(),
            request_id,
            name,
            view.signed,
            note=view.form.get("note", "")[:4000],
            values=values,
            uploads=uploads,
            now=view.now,
        )
        if name == "approve":
            # The form with the ketua's approval is written now, so he finds it among the
            # documents to sign (with a signing key), as a UAT record or a decree.
            request_documents.write(
                view.context(),
                "request-form",
                request_id=request_id,
                language=view.language,
                formats=["html", "pdf"],
            )
        return view.redirect(f"/requests/{request_id}", "console.requests.done_step")

    step.__name__ = name
    return step


STEPS = (
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
# One endpoint per step, each carrying its own action of the role table.
STEP_PAGES = {name: _step(name) for name in STEPS}


@page("requests.view")
def attachment(view: View) -> Response:
    request = _visible(view)
    wanted = view.request.path_params["attachment_id"]
    found = next(
        (item for record in request.records for item in record.attachments if item.id == wanted),
        None,
    )
    return view.attachment(found)


@page("requests.view")
def document(view: View) -> Response:
    request = _visible(view)
    kind = view.form.get("kind", "")
    # Unreadable and unknown look the same, as on the documents page.
    if kind not in DOCUMENTS or not may_read_document(view.config, view.signed, kind):
        raise NotFoundError("no such document")
    request_documents.write(
        view.context(), kind, request_id=request.id, language=view.language, formats=["html", "pdf"]
    )
    made = next(
        item
        for item in written.listing(view.console.store(), {kind})
        if item.reference == str(request.id) and item.language == view.language
    )
    return view.redirect(f"/documents/{made.id}/pdf")


@page("requests.export")
def registers(view: View) -> Response:
    """The month's registers as documents and spreadsheets, written on request."""
    from opskit.helpdesk.registers import REGISTERS

    month = view.form.get("month") or view.request.query_params.get("month") or ""
    if view.request.method == "GET":
        return view.render("request_registers.html.j2", registers=REGISTERS, month=month)
    chosen = view.form.get("register", "")
    if chosen not in REGISTERS:
        raise NotFoundError("no such register")
    request_documents.write(
        view.context(),
        "requests",
        register=chosen,
        month=month or None,
        language=view.language,
        formats=["html", "pdf", "csv", "xlsx"],
    )
    return view.redirect("/documents", "console.requests.done_register")


@page("requests.from_incident")
def from_incident(view: View) -> Response:
    incident_id = view.request.path_params["incident_id"]
    outcome = actions.from_incident(
        view.context(),
        incident_id,
        view.signed,
        description=view.form.get("description") or None,
        now=view.now,
    )
    return view.redirect(
        f"/requests/{outcome.data['id']}",
        "console.requests.done_new",
        number=outcome.data["number"],
    )


def _visible(view: View) -> ServiceRequest:
    """The request of the address, if the signed-in person may see it (else: not found)."""
    request = records.get(view.console.store(), view.request.path_params["request_id"])
    if not actions.visible(view.config, view.signed, request):
        raise NotFoundError("no such request")
    return request
