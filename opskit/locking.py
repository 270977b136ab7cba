"""Locks that keep two opskit processes from doing the same job at once.

A lock is an ``flock`` on a file in the state directory. The kernel drops
it when the holding process dies, so a killed run never blocks the next
one; the file still names the last holder (pid, machine, start time,
purpose), which is how a waiting process says what it is waiting for and
how a new holder notices it took over from a process that died.

A holder may hand the lock down to the processes it starts
(``opskit.execute.handing_down``): the lock is then released only when
the last process holding it ends, so a job outlives a killed runner with
its lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opskit.errors import OpskitError
from opskit.process_identity import machine_name
from opskit.result import utc_now

POLL_SECONDS = 0.2


class LockBusy(OpskitError):
    """Another process holds the lock and did not let go in time."""

    kind = "busy"


@dataclass(frozen=True)
class Held:
    """A lock this process holds; ``previous`` is what the last holder left, if anything."""

    path: Path
    previous: dict[str, Any] | None
    descriptor: int

    def note(self, **fields: Any) -> None:
        """Add ``fields`` to what this holder says about itself (a job's pid, say)."""
        _write(self.descriptor, {**(_read(self.descriptor) or {}), **fields})

    @property
    def took_over(self) -> bool:
        """Whether the last holder died while holding it (it never wrote that it finished)."""
        return bool(self.previous) and not (self.previous or {}).get("released_at")


@contextmanager
def hold(path: Path, purpose: str, wait_seconds: float = 0.0) -> Iterator[Held]:
    """Hold the lock at ``path`` for the ``with`` block.

    Waits up to ``wait_seconds`` for another holder; then raises LockBusy
    naming it. The lock file is never deleted (deleting flock files races),
    and never unlocked explicitly: closing lets it go unless a process it
    was handed down to still holds it.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy(
                        _busy_message(purpose, _read(descriptor), wait_seconds)
                    ) from None
                time.sleep(POLL_SECONDS)
        previous = _read(descriptor)
        _write(
            descriptor,
            {
                "pid": os.getpid(),
                "machine": machine_name(),
                "purpose": purpose,
                "started_at": utc_now().isoformat(),
            },
        )
        try:
            yield Held(path, previous, descriptor)
        finally:
            record = _read(descriptor) or {}
            record["released_at"] = utc_now().isoformat()
            _write(descriptor, record)
    finally:
        os.close(descriptor)


def holder(path: Path) -> dict[str, Any] | None:
    """Who holds the lock at ``path`` now, or None if nobody does."""
    if not path.exists():
        return None
    descriptor = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(descriptor) or {}
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return None
    finally:
        os.close(descriptor)


def _busy_message(purpose: str, record: dict[str, Any] | None, waited: float) -> str:
    who = ""
    if record:
        pid, machine, since = record.get("pid"), record.get("machine"), record.get("started_at")
        who = f" by pid {pid} on {machine} since {since}"
        if record.get("child_pid"):
            who += f" (its process pid {record['child_pid']})"
    after = f" (waited {waited:g} s)" if waited else ""
    return f"{purpose} is already running{who}{after}"


def _read(descriptor: int) -> dict[str, Any] | None:
    os.lseek(descriptor, 0, os.SEEK_SET)
    data = os.read(descriptor, 65536)
    try:
        record = json.loads(data) if data.strip() else None
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _write(descriptor: int, record: dict[str, Any]) -> None:
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, json.dumps(record).encode())
