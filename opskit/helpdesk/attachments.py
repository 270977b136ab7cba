"""Files attached to a request or a step, kept in the state directory.

Each file is checked before anything is written: its size, its type by name,
and that its content is what the name says (a PDF starts as a PDF, an office
file is a real one without macros). Files are stored by their SHA-256 under
``<state_dir>/attachments/<procedure>/``, each through a temporary file and
an atomic rename, so a crash leaves no half file; the caller records them in
the same transaction as the step and, should that fail, ``discard`` removes
what this call added.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from opskit.config.schema import Config
from opskit.errors import UsageError

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
SIGNATURES = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
}
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name as given and its content."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Stored:
    name: str
    media_type: str
    size: int
    sha256: str
    stored: str  # relative to the state directory

    def row(self) -> tuple[str, str, int, str, str]:
        return (self.name, self.media_type, self.size, self.sha256, self.stored)


def read_file(path: Path, config: Config) -> Upload:
    """A file given at the terminal; refused when missing or over the size limit."""
    limit = _limit(config)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UsageError(f"--attach {path}: not a regular file")
        if size > limit:
            raise UsageError(_too_big(path.name, size, limit))
        with open(path, "rb") as handle:
            content = handle.read(limit + 1)
    except OSError as error:
        raise UsageError(f"--attach {path}: {error.strerror or error}") from None
    return Upload(path.name, content)


def check(uploads: list[Upload], config: Config) -> list[tuple[Upload, str, str]]:
    """Each upload with its clean name and file type; UsageError for the first refused one."""
    settings = config.requests.attachments
    if len(uploads) > settings.max_files:
        raise UsageError(f"at most {settings.max_files} files at once (requests.attachments)")
    limit = _limit(config)
    checked: list[tuple[Upload, str, str]] = []
    for upload in uploads:
        name = clean_name(upload.name)
        kind = name.rpartition(".")[2].lower() if "." in name else ""
        if kind not in settings.types:
            raise UsageError(
                f"{name}: files of this type are not accepted",
                details=[f"accepted: {', '.join(settings.types)} (requests.attachments.types)"],
                code="attachment-type",
            )
        if len(upload.content) > limit:
            raise UsageError(_too_big(name, len(upload.content), limit), code="attachment-size")
        if not upload.content:
            raise UsageError(f"{name}: the file is empty", code="attachment-type")
        problem = content_problem(kind, upload.content)
        if problem:
            raise UsageError(f"{name}: {problem}", code="attachment-type")
        checked.append((upload, name, kind))
    return checked


def store_files(
    uploads: list[Upload], config: Config, procedure: str
) -> tuple[list[Stored], list[Path]]:
    """Check then write every upload; returns what was stored and the files this call added."""
    return write_files(check(uploads, config), config, procedure)


def write_files(
    checked: list[tuple[Upload, str, str]], config: Config, procedure: str
) -> tuple[list[Stored], list[Path]]:
    """Write uploads already checked (each with its clean name and type) by their SHA-256;
    returns what was stored and the files this call added."""
    directory = config.state_dir / "attachments" / procedure
    stored: list[Stored] = []
    added: list[Path] = []
    try:
        for upload, name, kind in checked:
            digest = hashlib.sha256(upload.content).hexdigest()
            path = directory / digest[:2] / digest
            if not path.exists():
                _write_atomically(path, upload.content)
                added.append(path)
            stored.append(
                Stored(
                    name,
                    MEDIA_TYPES.get(kind, "application/octet-stream"),
                    len(upload.content),
                    digest,
                    str(path.relative_to(config.state_dir)),
                )
            )
    except OSError as error:
        discard(added)
        raise UsageError(f"cannot store the attachment in {directory}: {error.strerror}") from None
    return stored, added


def discard(added: list[Path]) -> None:
    """Remove files a failed step had stored (they are referenced by nothing)."""
    for path in added:
        path.unlink(missing_ok=True)


def path_of(config: Config, stored: str) -> Path:
    """Where a recorded attachment lies; refuses anything outside the attachments directory."""
    base = (config.state_dir / "attachments").resolve()
    path = (config.state_dir / stored).resolve()
    if base not in path.parents:
        raise UsageError("not an attachment")
    return path


def clean_name(name: str) -> str:
    """The file's own name, without directories or control characters, not too long."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(character for character in base if character.isprintable()).strip(" .")
    if len(base) > MAX_NAME_LENGTH:
        stem, dot, suffix = base.rpartition(".")
        base = stem[: MAX_NAME_LENGTH - len(suffix) - 1] + dot + suffix if dot else base[:120]
    return base or "lampiran"


def content_problem(kind: str, content: bytes) -> str | None:
    """Why ``content`` is not a file of ``kind``, or None."""
    if kind in SIGNATURES:
        return (
            None if content.startswith(SIGNATURES[kind]) else f"the content is not {kind.upper()}"
        )
    if kind in ("txt", "csv"):
        return _text_problem(content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        return _office_problem(kind, archive)
    except (zipfile.BadZipFile, OSError, KeyError):
        return f"not a {kind} document (it does not open)"


def _text_problem(content: bytes) -> str | None:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return "not text (it holds NUL bytes)" if "\x00" in text else None


def _office_problem(kind: str, archive: zipfile.ZipFile) -> str | None:
    """An office file is the kind it says, without macros (VBA or OpenDocument Basic)."""
    names = {name.lower() for name in archive.namelist()}
    if kind in OOXML_PARTS:
        real = OOXML_PARTS[kind] in names
    else:
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
        real = mimetype == MEDIA_TYPES[kind].encode()
    if not real:
        return f"not a {kind} document"
    if any(name.endswith("vbaproject.bin") or name.startswith("basic/") for name in names):
        return "the document holds macros, which are refused"
    return None


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _limit(config: Config) -> int:
    return int(config.requests.attachments.max_megabytes * 1024 * 1024)


def _too_big(name: str, size: int, limit: int) -> str:
    return (
        f"{name} is {_size(size)}; the limit is {_size(limit)} (requests.attachments.max_megabytes)"
    )


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
