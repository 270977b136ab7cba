"""Helpers for backup tests: restic itself, to check what opskit did."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPOSITORY_PASSWORD = "Repo-Password-from-FILE-2718"


def restic_env(repository: Path, password_file: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RESTIC_REPOSITORY": str(repository),
        "RESTIC_PASSWORD_FILE": str(password_file),
    }


def restic_direct(
    repository: Path, password_file: Path, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """restic itself, to check what opskit did."""
    return subprocess.run(
        ["restic", *arguments],
        env=restic_env(repository, password_file),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
