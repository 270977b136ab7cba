"""Ctrl-C while a document is made: one line, exit 130, no traceback from the command or its
PDF worker, no half-written file and no worker left behind; a worker killed is one clear
error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def hears_ctrl_c(pid: int) -> bool:
    """Whether SIGINT is not ignored (the command ignores it for the instant of the fork)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return not int(line.split()[1], 16) & (1 << (signal.SIGINT - 1))
    return False


def gone(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text().split()[2] == "Z"


def start_recap(config: Path, out: Path) -> tuple[subprocess.Popen[str], list[int]]:
    """``opskit report recap`` caught, and left stopped, once its PDF worker runs and it
    hears Ctrl-C again: stopped, it cannot run ahead while the test acts."""
    command = subprocess.Popen(
        [sys.executable, "-m", "opskit", "--config", str(config), "report", "recap"]
        + ["--month", "2026-11", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # Ctrl-C reaches the whole group, as from a terminal
    )
    deadline = time.monotonic() + 60
    while command.poll() is None and time.monotonic() < deadline:
        os.kill(command.pid, signal.SIGSTOP)
        workers = children(command.pid)
        if workers and hears_ctrl_c(command.pid):
            return command, workers
        os.kill(command.pid, signal.SIGCONT)
        time.sleep(0.002)
    command.kill()
    raise AssertionError("the command did not make its PDF in a worker process")


def test_ctrl_c_while_the_recap_is_made(make_config, tmp_path: Path) -> None:
    config = make_config({"organisation": {"name": "PA Uji", "timezone": "Asia/Makassar"}})
    out = tmp_path / "out"
    command, workers = start_recap(config, out)
    os.killpg(command.pid, signal.SIGINT)
    os.kill(command.pid, signal.SIGCONT)
    _, stderr = command.communicate(timeout=60)

    assert command.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["opskit: interrupted"]
    assert not list(out.rglob("*.tmp")), "no temporary file left"
    for pdf in out.rglob("*.pdf"):  # a PDF there is whole (written, then renamed)
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    assert all(gone(worker) for worker in workers)


def test_a_pdf_worker_killed_is_one_clear_error(make_config, tmp_path: Path) -> None:
    config = make_config({"organisation": {"name": "PA Uji", "timezone": "Asia/Makassar"}})
    out = tmp_path / "out"
    command, workers = start_recap(config, out)
    for worker in workers:
        os.kill(worker, signal.SIGKILL)  # as the kernel's OOM killer would
    os.kill(command.pid, signal.SIGCONT)
    _, stderr = command.communicate(timeout=60)

    assert command.returncode == 3, stderr
    assert "Traceback" not in stderr
    assert "was not written: its printing process stopped" in stderr
    assert not list(out.rglob("*.pdf")) and not list(out.rglob("*.tmp"))
