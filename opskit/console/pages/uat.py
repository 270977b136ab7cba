"""UAT runs: the list, one run, the kasubbag's consideration, the ketua's decision,
and the operator starting a run with the manual answers in one form."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from opskit.actions import uat as uat_actions
from opskit.actions.report import Request, produce
from opskit.console.web import View, page
from opskit.errors import UsageError
from opskit.reports import written
from opskit.uat import answers, records
from opskit.uat import checklist as checklists


@page("uat.view")
def listing(view: View) -> Response:
    runs = records.listing(view.console.store(), limit=200)
    return view.render("uat_list.html.j2", runs=runs)


@page("uat.view")
def show(view: View) -> Response:
    store = view.console.store()
    run = records.get(store, view.request.path_params["run_id"])
    documents = [item for item in written.listing(store, {"uat"}) if item.reference == str(run.id)]
    return view.render("uat_run.html.j2", run=run, documents=documents)


@page("uat.review")
def review(view: View) -> Response:
    run_id = view.request.path_params["run_id"]
    recommendation = view.form.get("recommendation") or None
    if recommendation not in (None, "approve", "reject"):
        raise UsageError("unknown recommendation")
    uat_actions.review(
        view.context(),
        run_id,
        view.signed,
        view.form.get("note", "")[:4000],
        recommendation,  # type: ignore[arg-type]
    )
    return view.redirect(f"/uat/{run_id}", "console.uat.done_review")


@page("uat.decide")
def decide(view: View) -> Response:
    run_id = view.request.path_params["run_id"]
    decision = view.form.get("decision")
    if decision not in ("approve", "reject"):
        raise UsageError("choose approve or reject")
    context = view.context()
    uat_actions.approve(
        context,
        run_id,
        view.signed,
        reject=decision == "reject",
        reason=view.form.get("reason", "")[:4000],
    )
    # The Berita Acara is written now, so its signers find it among the documents.
    produce(context, "uat", Request(uat_run_id=run_id))
    return view.redirect(f"/uat/{run_id}", "console.uat.done_decision")


@page("uat.start")
def new(view: View) -> Response:
    config = view.config
    names = sorted(checklists.available(config))
    chosen_name = view.form.get("checklist") or view.request.query_params.get("checklist")
    chosen = None
    if chosen_name in names:
        chosen = checklists.load(checklists.find(config, chosen_name)[1], chosen_name).checklist
    if view.request.method == "GET" or chosen is None or "start" not in view.form:
        return view.render("uat_new.html.j2", names=names, chosen=chosen, name=chosen_name)
    given = _answers(view, chosen)
    outcome = uat_actions.run_uat(
        view.context(),
        chosen_name or "",
        target=view.form.get("target") or None,
        tester=view.signed.name,
        answered=given,
        version=view.form.get("version") or None,
    )
    return view.redirect(f"/uat/{outcome.data['id']}")


def _answers(view: View, chosen: checklists.Checklist) -> dict[int, Any]:
    """The manual answers from the form, by step position; refused when one lacks a note."""
    given: dict[int, Any] = {}
    for position, step in enumerate(chosen.steps, start=1):
        if step.kind != "manual":
            continue
        word = answers.word(view.form.get(f"answer-{position}", ""))
        if word is None:
            continue
        note = view.form.get(f"note-{position}", "").strip() or None
        problem = answers.note_problem(word, note)
        if problem:
            raise UsageError(f"step {position} ({step.title}): {problem}")
        given[position] = answers.Answer(word, view.signed.name, note)
    return given
