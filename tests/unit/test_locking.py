"""Locks between real processes: one holder, a clear message for the next, takeover after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from opskit.locking import LockBusy, hold, holder

HOLDER = """
import sys, time
from pathlib import Path
from opskit.locking import hold
with hold(Path(sys.argv[1]), "backup of set www"):
    print("held", flush=True)
    time.sleep(60)
"""


def start_holder(path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_second_process_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "backup-www.lock"
    process = start_holder(path)
    try:
        with pytest.raises(LockBusy) as raised, hold(path, "backup of set www", wait_seconds=0.5):
            pass
        assert f"backup of set www is already running by pid {process.pid}" in raised.value.message
        assert "(waited 0.5 s)" in raised.value.message
        assert holder(path)["pid"] == process.pid
    finally:
        process.kill()
        process.wait()


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "backup-www.lock"
    process = start_holder(path)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    with hold(path, "backup of set www") as held:
        assert held.took_over
        assert held.previous["pid"] == process.pid
        assert holder(path)["pid"] == os.getpid()
    assert holder(path) is None


def test_released_lock_is_not_a_takeover(tmp_path: Path) -> None:
    path = tmp_path / "job.lock"
    with hold(path, "job"):
        pass
    with hold(path, "job") as held:
        assert not held.took_over


def test_waiting_process_gets_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    path = tmp_path / "job.lock"
    process = start_holder(path)
    subprocess.Popen(["sh", "-c", f"sleep 1; kill {process.pid}"])
    with hold(path, "job", wait_seconds=30) as held:  # raises LockBusy if it never came
        assert held.previous["pid"] == process.pid
    process.wait()
