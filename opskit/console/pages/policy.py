"""The register of IT policy (SOP A) in the console: documents with their status and decree,
the regulations with their yearly review, and the machine-checked baseline."""

from __future__ import annotations

from starlette.responses import Response

from opskit.actions import policy as actions
from opskit.console.web import View, page


@page("policy.view")
def register(view: View) -> Response:
    outcome = actions.register(view.context(), view.now)
    chosen = actions.procedure_for(view.config)
    return view.render(
        "policy.html.j2",
        procedure=chosen,
        kinds=chosen.definition.settings.get("kinds", {}),
        register=outcome.data,
    )
