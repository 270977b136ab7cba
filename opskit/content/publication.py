"""E6, "published, verified": the page at the item's URL shows what was approved.

The page is fetched with the website checks' own code; the approved title
and every paragraph of the approved text must be on it (a missing paragraph
is a WARNING: the CMS may have cut or changed it), and every attached
document must be linked from it and download as the very file that was
approved (a document missing or broken is CRITICAL: the public cannot get
it). A page that no longer answers is CRITICAL. Nothing answered at all is
never OK.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from opskit.config.schema import Config
from opskit.content.records import Item, Version
from opskit.procedures.engine import Attachment
from opskit.result import Result, Status, utc_now, worst
from opskit.text import Message
from opskit.web import content as page_content
from opskit.web.fetch import Page, fetch

CHECK_ID = "content.published"
SOP_ROW = "E6"
DOCUMENT_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".odt", ".ods")
MAX_DOWNLOADS = 40
Getter = Callable[[str], Page]


@dataclass(frozen=True)
class Verification:
    """What the published page showed, as one result, and the page itself for the archive."""

    result: Result
    page: Page | None


def getter(config: Config) -> Getter:
    """Fetch with the website checks' settings (user agent, CA bundle) and content's timeout."""
    settings = config.web
    verify: bool | str = str(settings.ca_bundle) if settings.ca_bundle else True

    def get(url: str) -> Page:
        return fetch(
            url,
            timeout_seconds=config.content.timeout_seconds,
            user_agent=settings.browser_user_agent,
            verify=verify,
        )

    return get


def verify(
    item: Item,
    version: Version,
    files: list[Attachment],
    get: Getter,
) -> Verification:
    """Fetch the item's page and its documents; one result with every problem found."""
    now = utc_now()
    target = f"content:{item.id}"
    url = item.url or ""
    evidence: dict[str, Any] = {"item": item.id, "url": url, "version": version.number}
    page = get(url)
    if not page.answered:
        message = (
            Message("content.page.unreachable", url=url, error=page.error)
            if page.status is None
            else Message("content.page.status", url=url, status=page.status)
        )
        evidence.update(status=page.status, error=page.error)
        return Verification(
            Result(
                CHECK_ID,
                target,
                Status.CRITICAL,
                message,
                evidence=evidence,
                sop_row=SOP_ROW,
                observed_at=now,
            ),
            None,
        )
    text = normal(page_content.all_text(page.text))
    problems: list[tuple[Status, Message]] = []
    if normal(version.title) not in text:
        problems.append(
            (Status.WARNING, Message("content.page.title_missing", title=version.title))
        )
    paragraphs = paragraphs_of(version.body)
    missing = [paragraph for paragraph in paragraphs if normal(paragraph) not in text]
    if missing:
        problems.append(
            (
                Status.WARNING,
                Message(
                    "content.page.paragraphs_missing",
                    count=len(missing),
                    total=len(paragraphs),
                    first=_excerpt(missing[0]),
                ),
            )
        )
    documents = _documents(files, page, get)
    problems += documents
    evidence.update(paragraphs=len(paragraphs), missing_paragraphs=len(missing), files=len(files))
    status = worst(status for status, _ in problems) if problems else Status.OK
    message = (
        Message("content.page.problems", url=url, problems=[message for _, message in problems])
        if problems
        else Message("content.page.ok", url=url, paragraphs=len(paragraphs), files=len(files))
    )
    return Verification(
        Result(
            CHECK_ID, target, status, message, evidence=evidence, sop_row=SOP_ROW, observed_at=now
        ),
        page,
    )


def normal(text: str) -> str:
    """Text as compared: spaces collapsed, case folded, typographic quotes made plain."""
    plain = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return " ".join(plain.replace("\u201d", '"').replace("\u00a0", " ").split()).casefold()


def paragraphs_of(body: str) -> list[str]:
    """The approved text's paragraphs (separated by blank lines)."""
    blocks = [" ".join(block.split()) for block in body.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def _documents(files: list[Attachment], page: Page, get: Getter) -> list[tuple[Status, Message]]:
    """Each attached file linked from the page and downloading as itself."""
    if not files:
        return []
    links = page_content.links(page.text, page.final_url or page.url)
    by_name: dict[str, str] = {}
    candidates = []
    for link in links:
        path = urlsplit(link.url).path
        by_name.setdefault(unquote(posixpath.basename(path)).casefold(), link.url)
        if path.lower().endswith(DOCUMENT_SUFFIXES):
            candidates.append(link.url)
    downloaded: dict[str, Page] = {}

    def download(url: str) -> Page:
        if url not in downloaded:
            downloaded[url] = get(url)
        return downloaded[url]

    problems: list[tuple[Status, Message]] = []
    for attached in files:
        named = by_name.get(attached.name.casefold())
        if named is not None:
            got = download(named)
            if not got.answered or got.truncated:
                error = got.error or f"HTTP {got.status}"
                problems.append(
                    (
                        Status.CRITICAL,
                        Message(
                            "content.page.file_broken", name=attached.name, url=named, error=error
                        ),
                    )
                )
            elif hashlib.sha256(got.body).hexdigest() != attached.sha256:
                problems.append(
                    (Status.WARNING, Message("content.page.file_changed", name=attached.name))
                )
            continue
        # The CMS may rename what it stores: a linked document with the same bytes counts.
        if any(
            hashlib.sha256(download(url).body).hexdigest() == attached.sha256
            for url in candidates[:MAX_DOWNLOADS]
            if download(url).answered
        ):
            continue
        problems.append(
            (Status.CRITICAL, Message("content.page.file_unlinked", name=attached.name))
        )
    return problems


def _excerpt(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
