"""Reading what restic's ``backup`` prints: JSON status lines and the summary.

What its other commands print (snapshots, locks, check reports ...) is read
in ``opskit.backup.listings``, which a backup run does not load. Pure
functions of text, tested on outputs captured from real restic runs
(``tests/data/backup/``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line of ``text`` that is a JSON object; other lines are skipped."""
    messages = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line.startswith("{"):
            continue
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            messages.append(message)
    return messages


def json_document(text: str) -> Any:
    """The JSON document restic printed (snapshots, forget, stats); ValueError if none."""
    stripped = text.strip()
    start = min(
        (index for index in (stripped.find("["), stripped.find("{")) if index >= 0), default=-1
    )
    if start < 0:
        raise ValueError("restic printed no JSON")
    return json.loads(stripped[start:])


@dataclass(frozen=True)
class Progress:
    """One ``backup --json`` status message."""

    percent_done: float
    bytes_done: int
    total_bytes: int
    files_done: int
    total_files: int
    seconds_elapsed: float
    current_files: tuple[str, ...] = ()


def progress(message: dict[str, Any]) -> Progress | None:
    if message.get("message_type") != "status":
        return None
    return Progress(
        percent_done=float(message.get("percent_done") or 0.0),
        bytes_done=int(message.get("bytes_done") or 0),
        total_bytes=int(message.get("total_bytes") or 0),
        files_done=int(message.get("files_done") or 0),
        total_files=int(message.get("total_files") or 0),
        seconds_elapsed=float(message.get("seconds_elapsed") or 0.0),
        current_files=tuple(message.get("current_files") or ()),
    )


@dataclass(frozen=True)
class BackupSummary:
    """The ``summary`` message that ends a successful or incomplete ``backup --json``."""

    snapshot_id: str | None
    data_added_bytes: int
    total_bytes_processed: int
    total_files_processed: int
    files_new: int
    files_changed: int
    files_unmodified: int
    duration_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot_id,
            "data_added_bytes": self.data_added_bytes,
            "total_bytes_processed": self.total_bytes_processed,
            "total_files_processed": self.total_files_processed,
            "files_new": self.files_new,
            "files_changed": self.files_changed,
            "files_unmodified": self.files_unmodified,
            "duration_seconds": round(self.duration_seconds, 3),
        }


def backup_summary(message: dict[str, Any]) -> BackupSummary | None:
    if message.get("message_type") != "summary":
        return None
    return BackupSummary(
        snapshot_id=message.get("snapshot_id") or None,
        data_added_bytes=int(message.get("data_added") or 0),
        total_bytes_processed=int(message.get("total_bytes_processed") or 0),
        total_files_processed=int(message.get("total_files_processed") or 0),
        files_new=int(message.get("files_new") or 0),
        files_changed=int(message.get("files_changed") or 0),
        files_unmodified=int(message.get("files_unmodified") or 0),
        duration_seconds=float(message.get("total_duration") or 0.0),
    )


def unreadable_items(stderr_text: str) -> list[str]:
    """The paths restic could not read, from its JSON ``error`` messages on stderr."""
    items = []
    for message in json_lines(stderr_text):
        if message.get("message_type") == "error":
            error = message.get("error") or {}
            item = message.get("item") or (error.get("Path") if isinstance(error, dict) else None)
            if item and item not in items:
                items.append(str(item))
    return items
