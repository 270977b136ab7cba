"""The supervising court's pages: every court it oversees worst first, and one court read-only."""

from __future__ import annotations

from starlette.responses import Response

from opskit.actions.supervision import court, supervision
from opskit.console.web import View, page


@page("supervision.view")
def overview(view: View) -> Response:
    data = supervision(view.config, view.console.store(), view.now)
    return view.render("supervision.html.j2", data=data)


@page("supervision.view")
def one_court(view: View) -> Response:
    data = court(view.config, view.console.store(), view.request.path_params["code"], view.now)
    return view.render("supervision_court.html.j2", data=data)
