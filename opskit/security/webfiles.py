"""Web root integrity (SOP D4): executables where visitors upload, changes, world-writable files.

A web shell is usually a PHP file dropped in an upload directory, or a
changed file among the site's own code. The listing (type, mode, size,
time, SHA-256 of every file) is compared with the manifest the admin last
accepted, kept in the history store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.result import Metric, Result, Status
from opskit.security.facts import HostFacts, excerpt
from opskit.security.policy import WebFilesPolicy
from opskit.text import Message

CHECKS = ("web.files.uploads", "web.files.changed", "web.files.writable")
HASH_RECORD = re.compile(r"^([0-9a-f]{64})  (?:\./)?(.*)$", re.DOTALL)
SHOWN = 20


@dataclass(frozen=True)
class Entry:
    path: str
    kind: str  # f file, d directory, l symlink ...
    mode: int
    size: int
    mtime: float
    sha256: str | None = None

    @property
    def fingerprint(self) -> str:
        """What the manifest keeps: the hash, or size and time for files too big to hash."""
        return self.sha256 or f"size={self.size},mtime={int(self.mtime)}"


def parse_listing(text: str) -> dict[str, Entry]:
    """Entries by relative path from the playbook's NUL-separated find and sha256sum records."""
    entries: dict[str, Entry] = {}
    hashes: dict[str, str] = {}
    for raw_record in text.split("\0"):
        record = raw_record.lstrip("\n")
        if record.startswith("M\t"):
            fields = record.split("\t", 5)
            if len(fields) == 6 and fields[2].isdigit():
                _, kind, mode, size, mtime, path = fields
                entries[path] = Entry(path, kind, int(mode, 8), int(size), float(mtime))
            continue
        match = HASH_RECORD.match(record)
        if match:
            hashes[match.group(2)] = match.group(1)
    for path, digest in hashes.items():
        if path in entries:
            entry = entries[path]
            entries[path] = Entry(path, entry.kind, entry.mode, entry.size, entry.mtime, digest)
    return entries


def manifest(entries: dict[str, Entry]) -> dict[str, str]:
    """The baseline to keep: fingerprint of every file."""
    return {path: entry.fingerprint for path, entry in sorted(entries.items()) if entry.kind == "f"}


def evaluate_web_root(
    host: str,
    root: str,
    facts: HostFacts,
    *,
    index: int,
    policy: WebFilesPolicy,
    baseline: dict[str, str] | None,
) -> tuple[list[Result], dict[str, Entry] | None]:
    """The three web.files results for one root, and its entries (None when unreadable)."""
    target = f"{host}:{root}"
    section = facts.raw(f"web:{index}")
    errors = (facts.output(f"web-errors:{index}") or "").strip()
    if section is None or section.get("exit_code") == 2:
        reason = errors or facts.why_missing(f"web:{index}")
        return [
            unknown(
                check_id,
                target,
                Message("security.files.cannot_list", root=root, detail=excerpt(reason, 200)),
            )
            for check_id in CHECKS
        ], None
    entries = parse_listing(str(section.get("output", "")))
    incomplete = bool(errors) or section.get("exit_code") not in (0, None)
    context = {
        "command": f"find {root} -xdev -printf ...; sha256sum -z",
        "files": sum(1 for entry in entries.values() if entry.kind == "f"),
    }
    if incomplete:
        context["errors"] = excerpt(errors, 1000)
    results = [
        uploads_result(target, entries, policy, context, incomplete),
        changed_result(target, entries, policy, context, incomplete=incomplete, baseline=baseline),
        writable_result(target, entries, policy, context, incomplete),
    ]
    return results, entries


def uploads_result(
    target: str,
    entries: dict[str, Entry],
    policy: WebFilesPolicy,
    context: dict[str, Any],
    incomplete: bool,
) -> Result:
    found = sorted(
        entry.path
        for entry in entries.values()
        if entry.kind == "f"
        and policy.in_upload_dir(entry.path)
        and (policy.is_executable(entry.path) or policy.is_suspicious_name(entry.path))
    )
    evidence = {
        **context,
        "observed": found[:SHOWN],
        "expected": "no executable files in: " + ", ".join(policy.upload_dirs),
    }
    if found:
        summary = Message("security.files.uploads", count=len(found), files=found)
        return _result(
            "web.files.uploads",
            target,
            Status.CRITICAL,
            summary,
            evidence=evidence,
            count=len(found),
        )
    if incomplete:
        reason = Message("security.files.unreadable")
        return unknown("web.files.uploads", target, reason, **evidence)
    return _result(
        "web.files.uploads",
        target,
        Status.OK,
        Message("security.files.uploads_ok"),
        evidence=evidence,
        count=0,
    )


def changed_result(
    target: str,
    entries: dict[str, Entry],
    policy: WebFilesPolicy,
    context: dict[str, Any],
    *,
    incomplete: bool,
    baseline: dict[str, str] | None,
) -> Result:
    if incomplete:
        reason = Message("security.files.unreadable_not_compared")
        return unknown("web.files.changed", target, reason, **context)
    current = {
        path: value for path, value in manifest(entries).items() if not policy.is_ignored(path)
    }
    if baseline is None:
        summary = Message("security.files.baseline_recorded", count=len(current))
        return _result(
            "web.files.changed",
            target,
            Status.OK,
            summary,
            evidence={**context, "baseline": "new"},
            count=0,
        )
    accepted = {path: value for path, value in baseline.items() if not policy.is_ignored(path)}
    added = sorted(set(current) - set(accepted))
    removed = sorted(set(accepted) - set(current))
    modified = sorted(
        path for path in set(current) & set(accepted) if current[path] != accepted[path]
    )
    risky = [
        path
        for path in added + modified
        if policy.is_executable(path) or policy.is_suspicious_name(path)
    ]
    evidence = {
        **context,
        "added": added[:SHOWN],
        "modified": modified[:SHOWN],
        "removed": removed[:SHOWN],
        "expected": "the accepted baseline (accept changes with --accept)",
    }
    changes = len(added) + len(modified) + len(removed)
    if not changes:
        return _result(
            "web.files.changed",
            target,
            Status.OK,
            Message("security.files.unchanged", count=len(current)),
            evidence=evidence,
            count=0,
        )
    summary = Message(
        "security.files.changed",
        added=len(added),
        modified=len(modified),
        removed=len(removed),
        risky=Message("security.files.risky", files=risky) if risky else "",
    )
    if risky:
        return _result(
            "web.files.changed", target, Status.CRITICAL, summary, evidence=evidence, count=changes
        )
    return _result(
        "web.files.changed", target, Status.WARNING, summary, evidence=evidence, count=changes
    )


def writable_result(
    target: str,
    entries: dict[str, Entry],
    policy: WebFilesPolicy,
    context: dict[str, Any],
    incomplete: bool,
) -> Result:
    writable = sorted(
        (
            entry
            for entry in entries.values()
            if entry.kind in ("f", "d")
            and entry.mode & 0o002
            and not (entry.kind == "d" and entry.mode & 0o1000)  # sticky, like /tmp
        ),
        key=lambda entry: entry.path,
    )
    shown = [f"{entry.path} ({entry.mode:04o})" for entry in writable]
    evidence = {**context, "observed": shown[:SHOWN], "expected": "nothing writable by every user"}
    if any(entry.kind == "f" and policy.is_executable(entry.path) for entry in writable):
        summary = Message("security.files.writable_executable", count=len(writable), files=shown)
        return _result(
            "web.files.writable",
            target,
            Status.CRITICAL,
            summary,
            evidence=evidence,
            count=len(writable),
        )
    if writable:
        summary = Message("security.files.writable", count=len(writable), files=shown)
        return _result(
            "web.files.writable",
            target,
            Status.WARNING,
            summary,
            evidence=evidence,
            count=len(writable),
        )
    if incomplete:
        reason = Message("security.files.unreadable")
        return unknown("web.files.writable", target, reason, **evidence)
    return _result(
        "web.files.writable",
        target,
        Status.OK,
        Message("security.files.writable_ok"),
        evidence=evidence,
        count=0,
    )


def _result(
    check_id: str,
    target: str,
    status: Status,
    summary: str,
    *,
    evidence: dict[str, Any],
    count: int,
) -> Result:
    return Result(
        check_id=check_id,
        target=target,
        status=status,
        summary=summary,
        evidence=evidence,
        metrics=(Metric("files", count),),
        sop_row=sop_row(check_id),
    )
