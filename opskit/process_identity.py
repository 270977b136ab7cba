"""Naming a process so that another process can later tell whether it still runs.

A pid alone is reused; with the boot id and the process's start time it
names one process for the lifetime of the machine. Used to mark files a
run leaves on a host while it works, so that the next run can remove
what a crashed one left behind, and never what a live one still uses.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    # fields[0] is the state (field 3 of stat); the start time is field 22.
    return None if fields[0] == "Z" else fields[19]


def machine_name() -> str:
    """This machine's name, as ``socket.gethostname`` gives it (the kernel's node name),
    without importing ``socket`` on every command's start."""
    return os.uname().nodename


def this_process() -> dict[str, Any]:
    """This process, named so that ``still_running`` can judge it later."""
    return {
        "machine": machine_name(),
        "boot_id": _boot_id(),
        "pid": os.getpid(),
        "started": _start_ticks(os.getpid()),
    }


def still_running(identity: dict[str, Any]) -> bool | None:
    """Whether the named process runs; None when it is on another machine (cannot tell)."""
    if identity.get("machine") != machine_name():
        return None
    if identity.get("boot_id") != _boot_id():
        return False
    pid = identity.get("pid")
    if not isinstance(pid, int):
        return None
    return _start_ticks(pid) == identity.get("started")
