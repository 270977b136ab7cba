"""Secret files as opskit accepts them: mode 0600."""

from __future__ import annotations

from pathlib import Path


def write_secret(path: Path, value: str | bytes) -> Path:
    """A 0600 file holding ``value`` (text gets the trailing newline editors add)."""
    if isinstance(value, bytes):
        path.write_bytes(value)
    else:
        path.write_text(value + "\n")
    path.chmod(0o600)
    return path
