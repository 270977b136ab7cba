"""The audit trail, read-only: the console has no way to change an entry."""

from __future__ import annotations

from starlette.responses import Response

from opskit import audit
from opskit.console.web import View, page


@page("audit.view")
def listing(view: View) -> Response:
    entries = audit.listing(view.console.store(), limit=500)
    return view.render("audit.html.j2", entries=entries)
