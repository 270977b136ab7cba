"""Secret references: ``*_file`` and ``*_env`` fields, resolved only when used.

A secret is never a value in ``opskit.yaml``. The file names a 0600 file
or an environment variable; the value is read at the moment it is needed
and registered for masking before anyone can print it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from opskit.errors import ConfigError
from opskit.masking import register_secret


def check_secret_file(path: Path) -> str | None:
    """Why ``path`` cannot hold a secret (missing, not a file, too open), or None."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return f"secret file {path} does not exist"
    except PermissionError:
        return f"secret file {path} cannot be read (permission denied)"
    if not stat.S_ISREG(info.st_mode):
        return f"secret file {path} is not a regular file"
    if info.st_size == 0:
        return f"secret file {path} is empty"
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        return (
            f"secret file {path} has mode {mode:04o}; it must be 0600 or stricter "
            f"(run: chmod 600 {path})"
        )
    return None


def read_secret(*, file: Path | None, env: str | None, what: str) -> str | None:
    """The secret named by a ``*_file`` or ``*_env`` reference, or None if neither is set.

    Raises ConfigError (naming ``what`` and the reference, never the value)
    when the file is unusable or the variable is unset or empty.
    """
    if file is not None:
        problem = check_secret_file(file)
        if problem:
            raise ConfigError(f"{what}: {problem}")
        try:
            value = file.read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(
                f"{what}: cannot read secret file {file}: {error.__class__.__name__}"
            ) from None
        if not value:
            raise ConfigError(f"{what}: secret file {file} is empty")
        register_secret(value, f"{what} (from {file})")
        return value
    if env is not None:
        value = os.environ.get(env, "")
        if not value:
            raise ConfigError(f"{what}: environment variable {env} is not set or empty")
        register_secret(value, f"{what} (from ${env})")
        return value
    return None
