"""The register of IT policy (SOP A) in the console: documents with their status and decree,
the regulations with their yearly review, the machine-checked baseline, and the forms of
what the signed-in person may do: start a document, take its steps (the ketua sets it with
the decree's number and date, or sends it back), keep the list of regulations.

Every form calls the same action as ``opskit policy ...``; the role table decides who sees a
form and who may send it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from opskit.actions import policy as actions
from opskit.actions.report import Request as ReportRequest
from opskit.actions.report import produce
from opskit.console.web import View, page
from opskit.errors import UsageError
from opskit.permissions import may_read_document
from opskit.policy import records
from opskit.reports import written

# One endpoint per step a person takes on a document (``supersede`` comes with ``set``).
STEPS = ("revise", "plan", "propose", "set", "send_back", "withdraw")


@page("policy.view")
def register(view: View) -> Response:
    outcome = actions.register(view.context(), view.now)
    chosen = actions.procedure_for(view.config)
    return view.render(
        "policy.html.j2",
        procedure=chosen,
        kinds=chosen.definition.settings.get("kinds", {}),
        register=outcome.data,
        may_start=view.may(chosen.action(chosen.start)),
        may_keep=view.may("policy.regulations"),
    )


@page("policy.view")
def show(view: View) -> Response:
    store = view.console.store()
    document = records.get(store, view.request.path_params["document_id"])
    chosen = actions.procedure_for(view.config)
    printed = [
        item
        for item in written.listing(store, {"policy"})
        if item.reference == str(document.id)
        and may_read_document(view.config, view.signed, item.kind)
    ]
    return view.render(
        "policy_document.html.j2",
        procedure=chosen,
        printed=printed,
        kinds=chosen.definition.settings.get("kinds", {}),
        document=document,
        possible=actions.possible_for(view.config, chosen, document, view.signed),
        in_force=[item for item in actions.in_force(view.context()) if item.id != document.id],
    )


@page("policy.gather")
def new(view: View) -> Response:
    form = view.form
    outcome = actions.new(
        view.context(),
        view.signed,
        kind=form.get("kind", ""),
        title=form.get("title", "")[:300],
        body=form.get("body", ""),
        now=view.now,
    )
    return view.redirect(f"/policy/{outcome.data['id']}", "console.policy.done_new")


def _step(name: str) -> Callable[[Request], Any]:
    @page(f"policy.{name}")
    def step(view: View) -> Response:
        document_id = view.request.path_params["document_id"]
        form = view.form
        actions.take(
            view.context(),
            document_id,
            name,
            view.signed,
            note=form.get("note", "")[:4000] or None,
            title=(form.get("title") or None) if name == "revise" else None,
            body=(form.get("body") or None) if name == "revise" else None,
            number=form.get("number", "") if name == "set" else None,
            dated=form.get("date", "") if name == "set" else None,
            supersedes=_number(form.get("supersedes", "")) if name == "set" else None,
            now=view.now,
        )
        if name == "set":
            # The document as set is written now, so the ketua finds it among the documents
            # to sign (with signing keys), or prints it.
            produce(view.context(), "policy", ReportRequest(policy_id=document_id))
        return view.redirect(f"/policy/{document_id}", "console.policy.done_step")

    step.__name__ = name
    return step


STEP_PAGES = {name: _step(name) for name in STEPS}


@page("policy.regulations")
def add_regulation(view: View) -> Response:
    form = view.form
    actions.add_regulation(
        view.context(),
        view.signed,
        title=form.get("title", ""),
        number=form.get("number", ""),
        year=_number(form.get("year", "")) or 0,
        link=form.get("link") or None,
        summary=form.get("summary", ""),
        now=view.now,
    )
    return view.redirect("/policy", "console.policy.done_regulation")


@page("policy.regulations")
def review_regulations(view: View) -> Response:
    chosen = view.form.get("regulation", "")
    actions.review_regulations(
        view.context(),
        view.signed,
        ids=None if chosen in ("", "all") else [_number(chosen) or 0],
        note=view.form.get("note", "")[:4000] or None,
        now=view.now,
    )
    return view.redirect("/policy", "console.policy.done_review")


def _number(text: str) -> int | None:
    """A number typed or chosen in a form; empty is none."""
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a number", code="not-a-number") from None
