"""The dashboard, each site's/host's/set's checks, and one check's history."""

from __future__ import annotations

from markupsafe import Markup
from starlette.responses import HTMLResponse, RedirectResponse, Response

from opskit.actions.dashboard import dashboard, entities, stale, worst_first
from opskit.console.web import View, page
from opskit.errors import NotFoundError
from opskit.store import ResultFilter

KINDS = ("site", "host", "backup", "logs")
# How long one rendering of the dashboard serves everyone; any change made in the
# console drops it at once, and the page polls every 30 seconds anyway.
LIVE_SECONDS = 5
HISTORY_LIMIT = 200


@page(None)
def home(view: View) -> Response:
    return RedirectResponse("/dashboard" if view.actor else "/signin", status_code=303)


@page("dashboard.view")
def overview(view: View) -> Response:
    live = view.console.cached(("dashboard", view.language), LIVE_SECONDS, lambda: _live(view))
    if view.request.query_params.get("part"):
        return view.finish(HTMLResponse(live))
    # Our own autoescaped template rendered it; it holds no raw input.
    return view.render("dashboard.html.j2", live=Markup(live))  # noqa: S704  # nosec B704


def _live(view: View) -> str:
    """The dashboard's changing part; the same for every reader of one language."""
    data = dashboard(view.config, view.console.store(), view.now)
    for entity in data["entities"]:
        entity["stale"] = stale(entity, view.now)
    template = view.console.templates.get_template("dashboard_live.html.j2")
    return str(template.render(w=view.words, view=view, data=data, kinds=KINDS))


@page("history.view")
def entity(view: View) -> Response:
    kind = view.request.path_params["kind"]
    name = view.request.path_params["name"]
    found = next(
        (
            thing
            for thing in entities(view.config, view.console.store().current())
            if thing.kind == kind and thing.name == name
        ),
        None,
    )
    if found is None:
        raise NotFoundError(f"no {kind} named {name}")
    return view.render("entity.html.j2", entity=found, checks=worst_first(found.checks))


@page("history.view")
def history(view: View) -> Response:
    check_id = view.request.query_params.get("check", "")
    target = view.request.query_params.get("target", "")
    if not check_id or not target:
        raise NotFoundError("a history needs a check and a target")
    results = view.console.store().results(
        ResultFilter(check_id=check_id, target=target, limit=HISTORY_LIMIT)
    )
    results = [result for result in results if result.check_id == check_id]
    return view.render("history.html.j2", check_id=check_id, target=target, results=results)
