"""E7, the archive: what was approved and published, kept with a hash manifest.

Each archived item is a directory ``<state_dir>/archive/content/<id>/``: the
approved text (``text.md``), its documents (``files/``), the page as it was
published (``page.html``) and ``manifest.json`` naming every file with its
SHA-256. The manifest's own hash is recorded in the store with the E7 step,
so a changed manifest is found as well as a changed file. The archive lives
in the state directory's ``archive/``, which backup sets include by default
(``include_archive``). It is written in a temporary directory and renamed
into place, so an interrupted archive leaves nothing half there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit.content.records import Item, Version
from opskit.procedures.engine import Attachment

MANIFEST = "manifest.json"
FORMAT = 1


def root(state_dir: Path) -> Path:
    return state_dir / "archive" / "content"


def write(
    directory: Path,
    item: Item,
    version: Version,
    *,
    files: list[tuple[Attachment, bytes]],
    page: bytes,
    now: datetime,
) -> str:
    """Write the item's archive into ``directory``; returns the manifest's SHA-256."""
    temporary = directory.with_name(f".{directory.name}.{os.getpid()}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    (temporary / "files").mkdir(parents=True, mode=0o700)
    entries: dict[str, str] = {}
    try:
        text = f"# {version.title}\n\n{version.body.strip()}\n"
        entries["text.md"] = _write(temporary / "text.md", text.encode("utf-8"))
        entries["page.html"] = _write(temporary / "page.html", page)
        used: set[str] = set()
        for attached, content in files:
            name = _unique(attached.name, used)
            entries[f"files/{name}"] = _write(temporary / "files" / name, content)
        manifest = {
            "format": FORMAT,
            "item": item.id,
            "kind": item.kind,
            "title": version.title,
            "version": version.number,
            "url": item.url,
            "archived_at": now.isoformat(),
            "files": dict(sorted(entries.items())),
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        digest = _write(temporary / MANIFEST, data)
        if directory.exists():  # a step that failed after writing left it; it was never recorded
            shutil.rmtree(directory)
        directory.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary.rename(directory)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return digest


@dataclass
class Checked:
    """One archived item as re-hashed now."""

    directory: Path
    item: int | None
    files: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, path)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "item": self.item,
            "files": self.files,
            "ok": self.ok,
            "problems": [{"kind": kind, "path": path} for kind, path in self.problems],
        }


def check(directory: Path, expected_manifest: str | None) -> Checked:
    """Re-hash one archived item against its manifest (and the manifest against the store)."""
    path = directory / MANIFEST
    checked = Checked(directory, None)
    try:
        data = path.read_bytes()
        manifest = json.loads(data)
        listed = manifest["files"]
        checked.item = int(manifest["item"])
    except FileNotFoundError:
        checked.problems.append(("missing", MANIFEST))
        return checked
    except (OSError, ValueError, KeyError, TypeError):
        checked.problems.append(("unreadable", MANIFEST))
        return checked
    if expected_manifest is not None and hashlib.sha256(data).hexdigest() != expected_manifest:
        checked.problems.append(("changed", MANIFEST))
    for name, digest in sorted(listed.items()):
        target = directory / name
        if not target.is_file():
            checked.problems.append(("missing", name))
        elif _digest(target) != digest:
            checked.problems.append(("changed", name))
        checked.files += 1
    present = {str(file.relative_to(directory)) for file in directory.rglob("*") if file.is_file()}
    for extra in sorted(present - set(listed) - {MANIFEST}):
        checked.problems.append(("unlisted", extra))
    return checked


def _write(path: Path, content: bytes) -> str:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return hashlib.sha256(content).hexdigest()


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unique(name: str, used: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    candidate, number = name, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{stem}-{number}{dot}{suffix}" if dot else f"{name}-{number}"
    used.add(candidate.casefold())
    return candidate
