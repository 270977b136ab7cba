"""Website content (SOP E) in the console: the inbox of what waits for the signed-in person
(with the SOP's clock running), an item's page with its text, files (each a download),
timeline and the forms of the steps they may take now, and what changed between two versions
of its text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from opskit.actions import content as actions
from opskit.console.web import View, page
from opskit.content import records
from opskit.errors import OpskitError, UsageError
from opskit.helpdesk.attachments import Upload

# What each step's form asks for besides its note or reason.
TEXT_STEPS = ("draft", "review")
FILE_STEPS = ("attach", "validate")


@page("content.view")
def listing(view: View) -> Response:
    config, store = view.config, view.console.store()
    chosen = actions.procedure_for(config)
    items = [
        actions.view_of(config, chosen, item, view.now)
        for item in records.listing(store, limit=300)
    ]
    return view.render(
        "content_list.html.j2",
        procedure=chosen,
        inbox=actions.inbox(config, store, view.signed, view.now),
        items=items,
    )


@page("content.gather", files=True)
def new(view: View) -> Response:
    """E1: the operator gathers the material (what it is, its title, a description, its files)."""
    kinds = actions.procedure_for(view.config).definition.settings.get("kinds", {})
    values = {"kind": next(iter(kinds), ""), "title": "", "material": ""}
    if view.request.method == "GET":
        return view.render("content_new.html.j2", kinds=kinds, values=values, error=None)
    values = {name: view.form.get(name, default) for name, default in values.items()}
    try:
        outcome = actions.new(
            view.context(),
            view.signed,
            kind=values["kind"],
            title=values["title"].strip()[:200],
            material=values["material"][:8000],
            uploads=[Upload(file, content) for file, content in view.uploads],
            now=view.now,
        )
    except OpskitError as error:
        return view.render(
            "content_new.html.j2",
            status_code=400,
            kinds=kinds,
            values=values,
            error=view.explain(error),
        )
    return view.redirect(f"/content/{outcome.data['id']}", "console.content.done_new")


@page("content.view")
def show(view: View) -> Response:
    config = view.config
    item = records.get(view.console.store(), view.request.path_params["item_id"])
    chosen = actions.procedure_for(config)
    return view.render(
        "content_item.html.j2",
        procedure=chosen,
        current=actions.view_of(config, chosen, item, view.now, view.signed),
        text_steps=TEXT_STEPS,
        file_steps=FILE_STEPS,
        kinds=chosen.definition.settings.get("kinds", {}),
    )


@page("content.view")
def difference(view: View) -> Response:
    item = records.get(view.console.store(), view.request.path_params["item_id"])
    query = view.request.query_params
    try:
        older, newer = (int(query[name]) if query.get(name) else None for name in ("from", "to"))
    except ValueError:
        raise UsageError("versions are numbers") from None
    return view.render("content_diff.html.j2", item=item, diff=actions.diff(item, older, newer))


@page("content.view")
def attachment(view: View) -> Response:
    """One of the item's files, as it was stored when E2 accepted it (a download, never shown
    inline: a document from outside is not rendered in the console's own origin)."""
    item = records.get(view.console.store(), view.request.path_params["item_id"])
    wanted = view.request.path_params["attachment_id"]
    return view.attachment(next((file for file in item.files() if file.id == wanted), None))


def _step(name: str, action: str) -> Callable[[Request], Any]:
    @page(action, files=name in FILE_STEPS)
    def step(view: View) -> Response:
        item_id = view.request.path_params["item_id"]
        command = next((key for key, value in actions.COMMAND_STEPS.items() if value == name), name)
        form = view.form
        actions.take(
            view.context(),
            item_id,
            command,
            view.signed,
            note=form.get("note", "")[:4000] or None,
            title=form.get("title") or None if name in TEXT_STEPS else None,
            body=form.get("body") or None if name in TEXT_STEPS else None,
            url=form.get("url") if name == "publish" else None,
            special=name == "submit_special",
            uploads=[Upload(file, content) for file, content in view.uploads],
            now=view.now,
        )
        return view.redirect(f"/content/{item_id}", "console.content.done_step")

    step.__name__ = name
    return step


STEPS = (
    "attach", "validate", "draft", "review", "submit", "submit_special", "approve",
    "approve_special", "send_back", "publish", "archive", "withdraw",
)  # fmt: skip
# One endpoint per step, each carrying its own action of the role table.
STEP_PAGES = {
    name: _step(name, f"content.{'submit' if name == 'submit_special' else name}") for name in STEPS
}
