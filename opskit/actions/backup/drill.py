"""The restore drill: restore a sample of files and compare them with the unchanged live ones.

Only files whose size and modification time are the same live and in the
snapshot are compared, so a file edited since the backup is never
mistaken for a broken restore.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from opskit.actions.backup.common import HostAccess, result, set_snapshots, target_name
from opskit.backup.call import call, require_ok
from opskit.backup.listings import ls_files, parse_time
from opskit.backup.repository import Target
from opskit.backup.restic import DATABASE_TAG, ls_argv, restore_argv
from opskit.config.schema import BackupSet
from opskit.result import Metric, Result, Status
from opskit.text import Message

# restic keeps nanoseconds, Python times here are read to the microsecond.
MTIME_TOLERANCE_SECONDS = 2e-6
HASH_CHUNK_BYTES = 1 << 20


def restore_drill(access: HostAccess, target: Target, backup_set: BackupSet) -> Result:
    name = target_name(backup_set.name, target.name)
    snapshots = [
        snapshot
        for snapshot in set_snapshots(access, target, backup_set.name)
        if snapshot.tag_value(DATABASE_TAG) is None
    ]
    if not snapshots:
        return result(
            "backup.verify.drill", name, Status.WARNING, Message("backup.verify.drill_none")
        )
    latest = snapshots[-1]
    listed = require_ok(call(access.runner, target, ls_argv(target.restic, latest.id)), target)
    in_snapshot = ls_files(listed.stdout)
    live = _live_stats(access, list(in_snapshot))
    unchanged = [
        path
        for path, node in in_snapshot.items()
        if path in live
        and live[path][0] == node["size"]
        and node["mtime"]
        and abs(live[path][1] - parse_time(node["mtime"]).timestamp()) < MTIME_TOLERANCE_SECONDS
    ]
    evidence: dict[str, object] = {
        "snapshot": latest.short_id,
        "files_in_snapshot": len(in_snapshot),
        "unchanged_live_files": len(unchanged),
    }
    if not unchanged:
        return result(
            "backup.verify.drill",
            name,
            Status.WARNING,
            Message("backup.verify.drill_nothing", snapshot=latest.short_id),
            evidence,
        )
    sample = sorted(
        secrets.SystemRandom().sample(
            unchanged, min(len(unchanged), backup_set.verification.drill_files)
        )
    )
    with _scratch(access) as scratch:
        argv = restore_argv(target.restic, latest.id, scratch, includes=sample)
        restored = call(access.runner, target, argv)
        if not restored.ok:
            return result(
                "backup.verify.drill",
                name,
                Status.CRITICAL,
                Message(
                    "backup.verify.drill_failed",
                    count=len(sample),
                    snapshot=latest.short_id,
                    detail=(restored.stderr.strip().splitlines() or ["no message"])[-1],
                ),
                evidence,
            )
        live_hashes = _hashes(access, sample)
        restored_hashes = _hashes(access, [f"{scratch}{path}" for path in sample])
    different = [
        path
        for path in sample
        if restored_hashes.get(f"{scratch}{path}") is None
        or restored_hashes.get(f"{scratch}{path}") != live_hashes.get(path)
    ]
    evidence.update({"sampled": sample, "different": different})
    metrics = (Metric("files_compared", len(sample)), Metric("files_different", len(different)))
    if different:
        return result(
            "backup.verify.drill",
            name,
            Status.CRITICAL,
            Message(
                "backup.verify.drill_differ",
                count=len(different),
                sample=len(sample),
                files=different,
            ),
            evidence,
            metrics=metrics,
        )
    return result(
        "backup.verify.drill",
        name,
        Status.OK,
        Message("backup.verify.drill_ok", count=len(sample), snapshot=latest.short_id),
        evidence,
        metrics=metrics,
    )


def _live_stats(access: HostAccess, paths: list[str]) -> dict[str, tuple[int, float]]:
    if not access.local:
        from opskit.playbooks.backup import file_stats

        return dict(file_stats(access.runner.connection, paths))  # type: ignore[attr-defined]
    stats = {}
    for path in paths:
        try:
            info = Path(path).stat()
        except OSError:
            continue
        stats[path] = (info.st_size, info.st_mtime_ns / 1e9)
    return stats


def _hashes(access: HostAccess, paths: list[str]) -> dict[str, str]:
    if not access.local:
        from opskit.playbooks.backup import sha256_files

        return dict(sha256_files(access.runner.connection, paths))  # type: ignore[attr-defined]
    hashes = {}
    for path in paths:
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as stream:
                while chunk := stream.read(HASH_CHUNK_BYTES):
                    digest.update(chunk)
        except OSError:
            continue
        hashes[path] = digest.hexdigest()
    return hashes


@contextmanager
def _scratch(access: HostAccess) -> Iterator[str]:
    if not access.local:
        yield access.runner.secret_path("drill")  # type: ignore[attr-defined]
        return
    directory = tempfile.mkdtemp(prefix="opskit-drill-")
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)
