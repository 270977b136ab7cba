"""Finding and holding the processes a test started (by pid, never by name)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def command_lines() -> dict[int, list[str]]:
    """argv of every process readable in /proc now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if raw:
            found[int(entry.name)] = [
                part.decode(errors="replace") for part in raw.split(b"\0") if part
            ]
    return found


def descendants(pid: int) -> list[int]:
    """Every process started (directly or not) by ``pid``, by parent pid in /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def wait_for(condition: Callable[[], bool], timeout_seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}")


def restic_lock_count(repository: Path, password_file: Path) -> int:
    completed = subprocess.run(
        ["restic", "list", "locks", "--no-lock"],
        env={
            **os.environ,
            "RESTIC_REPOSITORY": str(repository),
            "RESTIC_PASSWORD_FILE": str(password_file),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return len([line for line in completed.stdout.splitlines() if line.strip()])


def alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"
