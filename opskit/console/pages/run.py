"""Run a scheduled job or a check now (the operator)."""

from __future__ import annotations

from starlette.responses import Response

from opskit import audit
from opskit.actions import run_now
from opskit.console.web import View, page


@page("checks.run")
def page_run(view: View) -> Response:
    context = view.context()
    if view.request.method == "POST":
        what = run_now.start(
            context, view.signed, job=view.form.get("job"), check=view.form.get("check")
        )
        return view.redirect("/run", "console.run.started", what=what)
    recent = [
        entry
        for entry in audit.listing(view.console.store(), limit=100)
        if entry.action in ("jobs.run", "checks.run")
    ][:10]
    return view.render("run.html.j2", choices=run_now.choices(context), recent=recent)
