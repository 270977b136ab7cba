"""Documents opskit has written, as far as the reader's roles may read them."""

from __future__ import annotations

from starlette.responses import FileResponse, Response

from opskit.console.web import View, page
from opskit.errors import NotFoundError
from opskit.permissions import may_read_document
from opskit.reports import written

MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown"}


@page("dashboard.view")
def listing(view: View) -> Response:
    readable = [
        item
        for item in written.listing(view.console.store(), limit=500)
        if may_read_document(view.config, view.signed, item.kind)
    ]
    return view.render("documents.html.j2", documents=readable)


@page("dashboard.view")
def download(view: View) -> Response:
    found = written.get(view.console.store(), view.request.path_params["document_id"])
    kind = view.request.path_params["kind"]
    # Unreadable and missing look the same, so ids do not tell what exists.
    if found is None or not may_read_document(view.config, view.signed, found.kind):
        raise NotFoundError("no such document")
    path = found.paths.get(kind)
    if path is None or kind not in MEDIA_TYPES or not path.is_file():
        raise NotFoundError("no such document")
    response = FileResponse(
        path,
        media_type=MEDIA_TYPES[kind],
        filename=path.name,
        content_disposition_type="inline" if kind == "pdf" else "attachment",
    )
    return view.finish(response)
