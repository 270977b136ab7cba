"""Documents opskit has written, as far as the reader's roles may read them."""

from __future__ import annotations

from starlette.responses import FileResponse, Response

from opskit.actions.signing import sign_document, signing_state
from opskit.console.web import View, page
from opskit.errors import NotFoundError
from opskit.permissions import may_read_document
from opskit.reports import written
from opskit.signing import records

MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown"}


@page("dashboard.view")
def listing(view: View) -> Response:
    store = view.console.store()
    readable = [
        item
        for item in written.listing(store, limit=500)
        if may_read_document(view.config, view.signed, item.kind)
    ]
    states = {item.id: signing_state(view.config, store, item) for item in readable}
    return view.render("documents.html.j2", documents=readable, states=states)


@page("documents.sign")
def sign(view: View) -> Response:
    document_id = view.request.path_params["document_id"]
    found = written.get(view.console.store(), document_id)
    if found is None or not may_read_document(view.config, view.signed, found.kind):
        raise NotFoundError("no such document")
    sign_document(view.context(), document_id, view.signed)
    return view.redirect("/documents", "console.documents.signed")


@page("dashboard.view")
def signed_copy(view: View) -> Response:
    store = view.console.store()
    found = written.get(store, view.request.path_params["document_id"])
    signed = records.get(store, found.id) if found else None
    if (
        found is None
        or signed is None
        or not may_read_document(view.config, view.signed, found.kind)
    ):
        raise NotFoundError("no such document")
    return view.finish(
        FileResponse(
            signed.path,
            media_type="application/pdf",
            filename=signed.path.name,
            content_disposition_type="inline",
        )
    )


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
