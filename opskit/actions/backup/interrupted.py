"""Backups that a killed ``backup run`` left: what they wrote is not a completed backup.

A run recorded when it started and never finished was interrupted (its
process died). Snapshots made while it ran that no recorded result
accounts for are its unfinished work: restic may have saved the files of
a set whose databases were never dumped, or a snapshot opskit never got
to judge. ``check backup`` leaves them out of freshness and names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from opskit.backup.listings import Snapshot
from opskit.store import Store
from opskit.store.runs import ResultFilter

RUN_COMMAND = "backup run"
RECORDED_CHECKS = ("backup.run", "backup.database")


@dataclass(frozen=True)
class Interrupted:
    """The interrupted runs, and the snapshots each left that no result accounts for."""

    runs: dict[int, datetime]  # run id -> when it started
    snapshots: dict[str, int]  # snapshot id -> the interrupted run that wrote it


def interrupted(store: Store, snapshots: list[Snapshot]) -> Interrupted:
    """Which of ``snapshots`` were written by a backup run that was interrupted."""
    runs = store.interrupted_runs(RUN_COMMAND)
    if not runs:
        return Interrupted({}, {})
    earliest = min(run.started_at for run in runs)
    accounted = {
        str(result.evidence.get("snapshot_id") or "")[:8]
        for check_id in RECORDED_CHECKS
        for result in store.results(
            ResultFilter(check_id=check_id, since=earliest, limit=1_000_000)
        )
    }
    starts = sorted(run.started_at for run in store.runs(command=RUN_COMMAND, limit=10_000))
    left: dict[str, int] = {}
    for run in runs:
        end = next((start for start in starts if start > run.started_at), None)
        for snapshot in snapshots:
            during = snapshot.time >= run.started_at and (end is None or snapshot.time < end)
            if during and snapshot.short_id not in accounted:
                left[snapshot.id] = run.id
    return Interrupted({run.id: run.started_at for run in runs}, left)
