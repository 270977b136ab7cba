"""``web.links``: broken links and linked documents that are not valid PDFs (SOP E2).

A bounded crawl: the links on the watched pages (same site only, at most
``links_max``), each fetched once. A document counts as a PDF when its
address ends in ``.pdf`` or the server calls it ``application/pdf``; it is
valid when it starts with ``%PDF-`` and ends with ``%%EOF``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from opskit.catalog import sop_row
from opskit.config.schema import Site
from opskit.result import Result, Status
from opskit.text import Message
from opskit.web import content
from opskit.web.fetch import Page, same_site

CHECK_ID = "web.links"
PDF_MAX_BYTES = 30_000_000
PAGE_MAX_BYTES = 200_000
LINK_WORKERS = 4


def is_pdf_link(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".pdf")


def pdf_problem(page: Page) -> str | None:
    """Why a fetched document is not a valid PDF, or None."""
    if page.truncated:
        return Message("web.links.pdf_large")
    if not page.body.startswith(b"%PDF-"):
        kind = page.header("content-type") or "?"
        return Message("web.links.pdf_not_pdf", start=repr(page.body[:16]), kind=kind)
    if b"%%EOF" not in page.body[-2048:]:
        return Message("web.links.pdf_cut")
    return None


def collect(site: Site, pages: list[Page]) -> list[content.Link]:
    """Same-site links on the fetched watched pages, PDFs first, at most ``links_max``."""
    found: dict[str, content.Link] = {}
    for page in pages:
        if page.ok and page.status == 200:
            for link in content.links(page.text, page.final_url or page.url):
                if same_site(link.url, site.url) and link.url not in found:
                    found[link.url] = link
    ordered = sorted(found.values(), key=lambda link: not is_pdf_link(link.url))
    return ordered[: site.links_max]


def check(site: Site, pages: list[Page], get: Callable[..., Page]) -> Result:
    """Fetch every collected link (a few at a time) and list the broken ones and bad PDFs."""
    if not any(page.ok and page.status == 200 for page in pages):
        reason = next((page.error for page in pages if page.error), None) or Message(
            "web.links.no_200"
        )
        return Result(
            check_id=CHECK_ID,
            target=site.name,
            status=Status.UNKNOWN,
            summary=Message("web.links.unread", reason=reason),
            sop_row=sop_row(CHECK_ID),
        )
    targets = collect(site, pages)

    def one(link: content.Link) -> dict[str, Any]:
        pdf = is_pdf_link(link.url)
        page = get(link.url, max_bytes=PDF_MAX_BYTES if pdf else PAGE_MAX_BYTES)
        entry: dict[str, Any] = {"url": link.url, "text": link.text[:80], "status": page.status}
        if not page.ok and page.status is None:
            entry["problem"] = page.error or Message("web.error.no_answer")
        elif page.status is not None and page.status >= 400:
            entry["problem"] = f"HTTP {page.status}"
        elif pdf or "application/pdf" in page.header("content-type"):
            problem = pdf_problem(page)
            entry["pdf"] = True
            if problem:
                entry["problem"] = problem
        return entry

    with ThreadPoolExecutor(max_workers=LINK_WORKERS, thread_name_prefix="links") as pool:
        checked = list(pool.map(one, targets))
    broken = [entry for entry in checked if "problem" in entry]
    for entry in broken:
        if isinstance(entry["problem"], Message):
            entry["problem_message"] = entry["problem"].to_dict()
    documents = sum(1 for entry in checked if entry.get("pdf"))
    if broken:
        listed = [
            Message("web.links.broken_item", url=entry["url"], problem=entry["problem"])
            for entry in broken[:5]
        ]
        summary = Message(
            "web.links.broken", count=len(broken), checked=len(checked), listed=listed
        )
        status = Status.WARNING
    else:
        summary = Message("web.links.ok", count=len(checked), documents=documents)
        status = Status.OK
    return Result(
        check_id=CHECK_ID,
        target=site.name,
        status=status,
        summary=summary,
        evidence={"broken": broken, "checked": len(checked), "pdf_documents": documents,
                  "limit": site.links_max},
        sop_row=sop_row(CHECK_ID),
    )  # fmt: skip
