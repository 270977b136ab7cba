"""Finding the system programs tests need; in CI a missing one is a failure, never a skip."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

EXTRA_DIRS = ("/usr/sbin", "/sbin", "/usr/local/sbin")


def require(program: str, package: str) -> str:
    """The path of ``program``; fails under CI=true, else skips saying how to install it."""
    found = shutil.which(program) or next(
        (
            str(Path(directory) / program)
            for directory in EXTRA_DIRS
            if (Path(directory) / program).exists()
        ),
        None,
    )
    if found:
        return found
    message = f"{program} is not installed (Debian package {package}; `make test` installs it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
