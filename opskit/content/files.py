"""E2, "valid electronic documents": what a file must be before it goes forward.

A PDF opens and has a text layer (a scan without one can be neither searched
nor read aloud), a file is within the website's upload limit, an office file
carries no macros, an image has a sensible size. Each file gets one finding,
a message the operator reads in their language; any refused file stops the
step that brought it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from typing import Any

from opskit.config.schema import Config
from opskit.helpdesk.attachments import MEDIA_TYPES, OOXML_PARTS, Upload, clean_name
from opskit.result import Status
from opskit.text import Message

ACCEPTED = ("pdf", "png", "jpg", "jpeg", "docx", "xlsx", "odt", "ods")
MACRO_TYPES = ("docm", "dotm", "xlsm", "xltm", "pptm", "potm", "ppsm")
LEGACY_OFFICE = ("doc", "dot", "xls", "xlt", "ppt", "pps")
IMAGE_TYPES = ("png", "jpg", "jpeg")
PAGES_READ = 20  # enough to tell a text layer from a scan without reading a whole book


@dataclass(frozen=True)
class Finding:
    """One file as E2 judged it."""

    name: str
    kind: str
    size: int
    sha256: str
    status: Status
    message: Message

    @property
    def accepted(self) -> bool:
        return self.status is Status.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "size": self.size,
            "sha256": self.sha256,
            "status": self.status.name,
            "message": self.message.to_dict(),
            "summary": str(self.message),
        }


def judge(upload: Upload, config: Config) -> Finding:
    """The finding for one file: OK with what it is, or CRITICAL with why it is refused."""
    name = clean_name(upload.name)
    kind = name.rpartition(".")[2].lower() if "." in name else ""
    content = upload.content
    settings = config.content
    limit = int(settings.max_megabytes * 1024 * 1024)
    digest = hashlib.sha256(content).hexdigest()

    def found(key: str, status: Status = Status.CRITICAL, **params: Any) -> Finding:
        return Finding(name, kind, len(content), digest, status, Message(key, name=name, **params))

    refused = _refused_outright(content, kind, limit)
    if refused is not None:
        key, params = refused
        return found(key, **params)
    if kind == "pdf":
        return _pdf(content, settings.min_pdf_characters, found)
    if kind in IMAGE_TYPES:
        return _image(content, kind, settings.max_image_pixels, settings.min_image_pixels, found)
    return _office(content, kind, found)


def _refused_outright(content: bytes, kind: str, limit: int) -> tuple[str, dict[str, Any]] | None:
    """What refuses a file before its content is read: size, emptiness, its type."""
    if len(content) > limit:
        return "content.file.too_big", {"size": len(content), "limit": limit}
    if not content:
        return "content.file.empty", {}
    if kind in MACRO_TYPES:
        return "content.file.macro", {}
    if kind in LEGACY_OFFICE:
        return "content.file.legacy", {"kind": kind}
    if kind not in ACCEPTED:
        return "content.file.type", {"accepted": list(ACCEPTED)}
    return None


def judge_all(uploads: list[Upload], config: Config) -> list[Finding]:
    return [judge(upload, config) for upload in uploads]


def media_type(kind: str) -> str:
    return MEDIA_TYPES.get(kind, "application/octet-stream")


def _pdf(content: bytes, minimum: int, found: Any) -> Finding:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not content.startswith(b"%PDF-"):
        return found("content.file.pdf_broken", reason="no PDF header")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the operator's
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return found("content.file.pdf_locked")
        pages = len(reader.pages)
        text = "".join(page.extract_text() or "" for page in reader.pages[:PAGES_READ])
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        return found("content.file.pdf_broken", reason=str(error)[:200] or type(error).__name__)
    if pages == 0:
        return found("content.file.pdf_broken", reason="no pages")
    characters = len("".join(text.split()))
    if characters < minimum:
        return found("content.file.pdf_no_text", pages=pages)
    return found("content.file.pdf_ok", Status.OK, pages=pages, characters=characters)


def _image(content: bytes, kind: str, largest: int, smallest: int, found: Any) -> Finding:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            expected = "PNG" if kind == "png" else "JPEG"
            if image.format != expected:
                return found("content.file.image_broken")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return found("content.file.image_broken")
    if max(width, height) > largest:
        return found("content.file.image_large", width=width, height=height, limit=largest)
    if min(width, height) < smallest:
        return found("content.file.image_small", width=width, height=height, limit=smallest)
    return found("content.file.image_ok", Status.OK, width=width, height=height)


def _office(content: bytes, kind: str, found: Any) -> Finding:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = {name.lower() for name in archive.namelist()}
        if kind in OOXML_PARTS:
            real = OOXML_PARTS[kind] in names
        else:
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
            real = mimetype == MEDIA_TYPES[kind].encode()
    except (zipfile.BadZipFile, OSError, KeyError):
        return found("content.file.office_broken", kind=kind)
    if not real:
        return found("content.file.office_broken", kind=kind)
    if any(name.endswith("vbaproject.bin") or name.startswith("basic/") for name in names):
        return found("content.file.macro")
    return found("content.file.office_ok", Status.OK, kind=kind)
