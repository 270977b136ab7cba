"""Running the opskit command as a separate process, as cron or an admin would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class CliRun:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.stdout))


def run_opskit(
    *arguments: str | Path,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    cwd: Path | None = None,
) -> CliRun:
    """Run ``opskit ARGS`` in a new process and capture its output."""
    completed = subprocess.run(
        [sys.executable, "-m", "opskit", *(str(argument) for argument in arguments)],
        capture_output=True,
        check=False,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    return CliRun(completed.returncode, completed.stdout, completed.stderr)


def run_bounded(
    *arguments: str | Path,
    memory_megabytes: int = 1024,
    timeout: float = 60,
    cwd: Path | None = None,
) -> CliRun:
    """``opskit ARGS`` with its address space capped: a file that explodes in memory fails here."""
    import resource

    limit = memory_megabytes << 20

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    completed = subprocess.run(
        [sys.executable, "-m", "opskit", *(str(argument) for argument in arguments)],
        capture_output=True,
        check=False,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
        cwd=cwd,
        preexec_fn=cap,  # noqa: PLW1509 - sets a limit only, before exec
    )
    return CliRun(completed.returncode, completed.stdout, completed.stderr)
