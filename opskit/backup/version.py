"""Which restic is installed, and what it can do.

Read once from ``restic version``; newer behaviour (exit codes 10/11/12 and
``--stdin-from-command`` from 0.17, ``check --json`` from 0.18) is used only
where the installed restic has it, so Debian 12's 0.14.0 keeps working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from opskit.errors import CommandError

VERSION_PATTERN = re.compile(r"^restic (\d+)\.(\d+)\.(\d+)(\S*)")


@dataclass(frozen=True)
class ResticVersion:
    """A parsed ``restic version`` line and the features that follow from it."""

    major: int
    minor: int
    patch: int
    text: str

    @property
    def number(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    @property
    def has_exit_codes(self) -> bool:
        """Exit codes 10 (no repository), 11 (locked), 12 (wrong password): 0.17 and newer."""
        return self.number >= (0, 17, 0)

    @property
    def has_stdin_from_command(self) -> bool:
        """``backup --stdin-from-command`` (restic runs the dump and checks its exit): 0.17+."""
        return self.number >= (0, 17, 0)

    @property
    def has_check_json(self) -> bool:
        """``check --json`` with a summary message: 0.18 and newer."""
        return self.number >= (0, 18, 0)

    @property
    def has_forget_prune_json(self) -> bool:
        """``forget --prune --json`` prints valid JSON only from 0.15 on (0.14 mixes in text)."""
        return self.number >= (0, 15, 0)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def parse_version(text: str) -> ResticVersion:
    """The version in ``restic version`` output; raises CommandError if it is not restic's."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    match = VERSION_PATTERN.match(first)
    if not match:
        raise CommandError(f"cannot read the restic version from {first[:80]!r}")
    major, minor, patch = (int(part) for part in match.groups()[:3])
    return ResticVersion(major, minor, patch, first)


def remembered(program: str) -> str | None:
    """The ``restic version`` line last read from ``program``, if it is the same file still.

    Asking restic costs a process start on every backup; the answer changes
    only when the program does, so it is kept per resolved path with the
    file's size and modification time, and asked again when either moves.
    """
    import json

    identity = _identity(program)
    if identity is None:
        return None
    try:
        known = json.loads(_cache_file().read_text(encoding="utf-8"))
        entry = known[identity[0]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(entry, dict) or (entry.get("size"), entry.get("mtime_ns")) != identity[1:]:
        return None
    text = entry.get("version")
    return text if isinstance(text, str) else None


def remember(program: str, text: str) -> None:
    """Keep ``text`` as ``program``'s version line (see ``remembered``); failures are ignored."""
    import json

    from opskit.userdirs import write_entry

    identity = _identity(program)
    if identity is None:
        return
    place = _cache_file()
    try:
        known = json.loads(place.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    known[identity[0]] = {"size": identity[1], "mtime_ns": identity[2], "version": text}
    write_entry(place, json.dumps(known).encode())


def _identity(program: str) -> tuple[str, int, int] | None:
    import os

    try:
        real = os.path.realpath(program)
        status = Path(real).stat()
    except OSError:
        return None
    return real, status.st_size, status.st_mtime_ns


def _cache_file() -> Path:
    from opskit.paths import user_dir

    return user_dir("cache") / "restic-versions.json"
