"""Incidents: the list, one incident with its notes, taking it on, adding a note."""

from __future__ import annotations

from starlette.responses import Response

from opskit import incidents as incident_store
from opskit.actions.incidents import acknowledge as acknowledge_action
from opskit.console.web import View, page
from opskit.errors import UsageError
from opskit.reports import written


@page("incidents.view")
def listing(view: View) -> Response:
    only_open = view.request.query_params.get("all") is None
    found = incident_store.listing(view.console.store(), open_only=only_open, limit=200)
    return view.render("incidents.html.j2", incidents=found, only_open=only_open)


@page("incidents.view")
def show(view: View) -> Response:
    store = view.console.store()
    incident = incident_store.get(store, view.request.path_params["incident_id"])
    notes = incident_store.notes(store, incident.id)
    reports = [
        item for item in written.listing(store, {"incident"}) if item.reference == str(incident.id)
    ]
    return view.render("incident.html.j2", incident=incident, notes=notes, reports=reports)


@page("incidents.acknowledge")
def acknowledge(view: View) -> Response:
    return _note(view, "ack")


@page("incidents.annotate")
def annotate(view: View) -> Response:
    return _note(view, "note")


def _note(view: View, kind: str) -> Response:
    incident_id = view.request.path_params["incident_id"]
    note = view.form.get("note", "").strip()
    if not note:
        raise UsageError("write what was done or decided")
    acknowledge_action(view.context(), incident_id, view.signed, note[:2000], kind=kind)
    notice = "console.incidents.done_ack" if kind == "ack" else "console.incidents.done_note"
    return view.redirect(f"/incidents/{incident_id}", notice, id=incident_id)
