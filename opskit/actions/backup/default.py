"""The local restic repository ``opskit init`` creates under the state directory.

A random password goes into a 0600 file next to it. An existing password
file is never replaced (that would lock the admin out of the backups in
an existing repository); an existing repository is left as it is.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opskit.errors import OpskitError
from opskit.paths import default_state_dir

INIT_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class DefaultRepository:
    path: Path
    password_file: Path

    @property
    def config(self) -> dict[str, Any]:
        return {
            "name": "local",
            "type": "local",
            "path": str(self.path),
            "password_file": str(self.password_file),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"name": "local", "path": str(self.path), "password_file": str(self.password_file)}


def default_repository(state_dir: Path | None = None) -> DefaultRepository:
    base = (state_dir or default_state_dir()) / "backup"
    return DefaultRepository(base / "repository", base / "repository.password")


def create_default_repository(repository: DefaultRepository, restic: str = "restic") -> list[str]:
    """Make the password file and the repository; returns what was done, for the admin."""
    from opskit.execute import run

    notes = []
    try:
        repository.password_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not repository.password_file.exists():
            descriptor = os.open(
                repository.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
            )
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(secrets.token_urlsafe(32) + "\n")
            notes.append(
                f"wrote a random backup password to {repository.password_file} (mode 0600); "
                "keep a copy somewhere safe: without it the backups cannot be restored"
            )
    except OSError as error:
        raise OpskitError(
            f"cannot write {repository.password_file}: {error.strerror or error}"
        ) from None
    if (repository.path / "config").exists():
        notes.append(f"backup repository {repository.path} already exists; left as it is")
        return notes
    if shutil.which(restic) is None:
        notes.append(
            "restic is not installed, so the backup repository was not created yet; install "
            "restic, then run `opskit backup init local`"
        )
        return notes
    completed = run(
        (restic, "init"),
        timeout_seconds=INIT_TIMEOUT_SECONDS,
        env={
            "RESTIC_REPOSITORY": str(repository.path),
            "RESTIC_PASSWORD_FILE": str(repository.password_file),
        },
    )
    if not completed.ok:
        notes.append(
            f"could not create the backup repository {repository.path}: "
            + (completed.stderr_tail.strip().splitlines() or ["restic init failed"])[-1]
            + "; run `opskit backup init local` after fixing it"
        )
        return notes
    notes.append(f"created the local backup repository {repository.path} (restic)")
    return notes
