"""Reading what restic's repository commands print: snapshots, forget groups, check
reports, locks, stats and file listings.

Pure functions of text, tested on outputs captured from real restic runs
(``tests/data/backup/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opskit.backup.parse import json_document, json_lines

# restic prints nanoseconds; Python keeps microseconds.
_FRACTION = re.compile(r"\.(\d{6})\d*")


def parse_time(text: str) -> datetime:
    """An aware datetime from restic's RFC 3339 time with nanoseconds."""
    cleaned = _FRACTION.sub(r".\1", text.strip()).replace("Z", "+00:00")
    moment = datetime.fromisoformat(cleaned)
    if moment.tzinfo is None:
        raise ValueError(f"restic time without a zone: {text!r}")
    return moment


@dataclass(frozen=True)
class Snapshot:
    id: str
    short_id: str
    time: datetime
    hostname: str
    paths: tuple[str, ...]
    tags: tuple[str, ...] = ()

    def tag_value(self, prefix: str) -> str | None:
        """The value of the first tag starting with ``prefix`` (``opskit-set=``), if any."""
        for tag in self.tags:
            if tag.startswith(prefix):
                return tag[len(prefix) :]
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "short_id": self.short_id,
            "time": self.time.isoformat(),
            "hostname": self.hostname,
            "paths": list(self.paths),
            "tags": list(self.tags),
        }


def snapshots(text: str) -> list[Snapshot]:
    """Snapshots from ``snapshots --json``, oldest first."""
    document = json_document(text) if text.strip() else []
    if not isinstance(document, list):
        raise ValueError("restic snapshots --json did not print a list")
    found = [
        Snapshot(
            id=item["id"],
            short_id=item.get("short_id") or item["id"][:8],
            time=parse_time(item["time"]),
            hostname=item.get("hostname", ""),
            paths=tuple(item.get("paths") or ()),
            tags=tuple(item.get("tags") or ()),
        )
        for item in document
    ]
    return sorted(found, key=lambda snapshot: snapshot.time)


@dataclass(frozen=True)
class ForgetGroup:
    paths: tuple[str, ...]
    kept: tuple[str, ...]
    removed: tuple[str, ...]


def forget(text: str) -> list[ForgetGroup]:
    """What ``forget --json`` kept and removed in each group (short ids)."""
    document = json_document(text) if text.strip() else []
    groups = []
    for group in document or []:
        groups.append(
            ForgetGroup(
                paths=tuple(group.get("paths") or ()),
                kept=tuple(item["short_id"] for item in group.get("keep") or ()),
                removed=tuple(item["short_id"] for item in group.get("remove") or ()),
            )
        )
    return groups


@dataclass(frozen=True)
class CheckReport:
    """What ``restic check`` found; ``errors`` empty means the repository is sound."""

    errors: tuple[str, ...]
    read_packs: str | None = None
    suggestions: tuple[str, ...] = field(default=())


_READ_GROUP = re.compile(r"read group #(\d+) of (\d+) data packs \(out of total (\d+) packs")


def check_report(stdout: str, stderr: str, *, json_output: bool) -> CheckReport:
    """Errors and read-data details from ``check`` (text up to 0.17, ``--json`` from 0.18)."""
    errors: list[str] = []
    suggestions: list[str] = []
    read_packs = None
    if json_output:
        for message in json_lines(stdout) + json_lines(stderr):
            kind = message.get("message_type")
            if kind == "error":
                errors.append(str(message.get("message") or message.get("error") or message))
            elif kind == "summary":
                if message.get("num_errors") and not errors:
                    errors.append(f"{message['num_errors']} errors")
                errors += [f"broken pack {pack}" for pack in message.get("broken_packs") or ()]
                if message.get("suggest_repair_index"):
                    suggestions.append("run `restic repair index`")
                if message.get("suggest_prune"):
                    suggestions.append("run `restic prune`")
        return CheckReport(tuple(errors), None, tuple(suggestions))
    match = _READ_GROUP.search(stdout)
    if match:
        read_packs = f"group {match.group(1)}: {match.group(2)} of {match.group(3)} packs"
    elif "read all data" in stdout:
        read_packs = "all packs"
    for raw_line in stderr.splitlines():
        line = raw_line.strip()
        if line and not line.startswith(("using temporary cache", "create exclusive lock")):
            errors.append(line)
    if "no errors were found" in stdout and not any("Fatal" in error for error in errors):
        errors = [error for error in errors if error.startswith("error")]
    return CheckReport(tuple(errors), read_packs, tuple(suggestions))


@dataclass(frozen=True)
class Lock:
    id: str
    time: datetime
    exclusive: bool
    hostname: str
    username: str
    pid: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id[:8],
            "time": self.time.isoformat(),
            "exclusive": self.exclusive,
            "hostname": self.hostname,
            "username": self.username,
            "pid": self.pid,
        }


def lock_ids(text: str) -> list[str]:
    return [
        line.strip() for line in text.splitlines() if re.fullmatch(r"[0-9a-f]{64}", line.strip())
    ]


def lock(lock_id: str, text: str) -> Lock:
    document = json_document(text)
    return Lock(
        id=lock_id,
        time=parse_time(document["time"]),
        exclusive=bool(document.get("exclusive")),
        hostname=document.get("hostname", ""),
        username=document.get("username", ""),
        pid=int(document.get("pid") or 0),
    )


def stats(text: str) -> dict[str, int]:
    document = json_document(text)
    return {key: int(value) for key, value in document.items() if isinstance(value, int | float)}


def ls_files(text: str) -> dict[str, dict[str, Any]]:
    """Regular files in a snapshot from ``ls --json``: path -> {size, mtime}."""
    files = {}
    for message in json_lines(text):
        if message.get("struct_type") == "node" and message.get("type") == "file":
            files[message["path"]] = {"size": message.get("size", 0), "mtime": message.get("mtime")}
    return files
