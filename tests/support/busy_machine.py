"""Running a command on what looks like a busy machine, to prove a test does not depend on it.

In a private mount namespace (nothing outside sees it): ``/proc/loadavg``
says a load of 80, ``/proc/meminfo`` says 97% of memory in use, and a
95%-full ext4 file system is mounted. A test whose outcome depends on the
state of the machine it runs on fails there; one that takes its thresholds
from its own config passes. Needs root or passwordless sudo (a loop mount);
the command itself runs as the test's own user.

Run as a program, this module is the namespace's first process: it makes
the mounts, then becomes the command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LOADAVG = "80.00 80.00 80.00 3/400 4242\n"
MEMINFO = (
    "MemTotal:        8000000 kB\nMemFree:           80000 kB\nMemAvailable:     240000 kB\n"
    "Buffers:            1000 kB\nCached:            100000 kB\nSwapTotal:             0 kB\n"
    "SwapFree:              0 kB\n"
)
DISK_MEGABYTES = 32
FULL_PERCENT = 95


def argv(workdir: Path, command: list[str]) -> list[str]:
    """``command`` wrapped to run on the busy machine (``workdir`` holds its fake files)."""
    from support.system import require  # here: this file also runs alone, as a program

    require("unshare", "util-linux")
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "loadavg").write_text(LOADAVG)
    (workdir / "meminfo").write_text(MEMINFO)
    image = workdir / "disk.img"
    with image.open("wb") as stream:
        stream.truncate(DISK_MEGABYTES << 20)
    subprocess.run(
        [require("mkfs.ext4", "e2fsprogs"), "-q", "-F", "-m", "0", str(image)],
        check=True,
        timeout=60,
    )
    (workdir / "mnt").mkdir(exist_ok=True)
    wrapped = [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        sys.executable,
        "-P",
        __file__,
        str(workdir),
        str(os.getuid()),
        str(os.getgid()),
        *command,
    ]
    return wrapped if os.geteuid() == 0 else ["sudo", "-n", "--preserve-env", *wrapped]


def _become_busy(workdir: Path) -> None:
    mount = ["mount", "--bind"]
    subprocess.run([*mount, str(workdir / "loadavg"), "/proc/loadavg"], check=True)
    subprocess.run([*mount, str(workdir / "meminfo"), "/proc/meminfo"], check=True)
    target = workdir / "mnt"
    subprocess.run(["mount", "-o", "loop", str(workdir / "disk.img"), str(target)], check=True)
    usage = os.statvfs(target)
    total = usage.f_blocks * usage.f_frsize
    fill = usage.f_bavail * usage.f_frsize - total * (100 - FULL_PERCENT) // 100
    with (target / "filler").open("wb") as stream:
        stream.write(b"\0" * max(0, fill))


def main(arguments: list[str]) -> None:
    workdir, uid, gid, *command = arguments
    _become_busy(Path(workdir))
    if os.geteuid() != int(uid):
        os.setgroups([])
        os.setgid(int(gid))
        os.setuid(int(uid))
    os.execvp(command[0], command)  # noqa: S606 (argv from the test, no shell)


if __name__ == "__main__":
    main(sys.argv[1:])
