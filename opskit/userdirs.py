"""The user's own directories for opskit (config, state, cache), as platformdirs names them.

A module of its own with no other opskit import, so that the lowest layers
(the message catalogues' parsed cache) can find the cache directory without
an import circle through ``opskit.paths``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "opskit"

# platformdirs' user directories on Linux: the XDG variable, else this under $HOME.
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "state": ("XDG_STATE_HOME", ".local/state"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def user_dir(kind: str) -> Path:
    """opskit's user ``config``, ``state`` or ``cache`` directory, as platformdirs names it."""
    variable, under_home = _XDG[kind]
    home = os.environ.get("HOME", "")
    chosen = os.environ.get(variable, "")
    if sys.platform == "linux" and home.startswith("/") and (not chosen or chosen.startswith("/")):
        return (Path(chosen) if chosen else Path(home) / under_home) / APP_NAME
    import platformdirs

    found: str = getattr(platformdirs, f"user_{kind}_dir")(APP_NAME)
    return Path(found)


def write_entry(target: Path, data: bytes, keep: int | None = None) -> bool:
    """Write the cache entry ``target`` whole or not at all, readable by its user alone, and
    (given ``keep``) keep only the ``keep`` newest entries of its kind (its suffix) beside it.

    The directory is made for its user alone. A cache that cannot be written (no space,
    a file where the directory should be) is no error: the next command recomputes.
    Returns whether the entry was written.
    """
    import contextlib
    import tempfile

    place = target.parent
    partial: Path | None = None
    written = False
    try:
        place.mkdir(parents=True, exist_ok=True, mode=0o700)
        # A new file of a name no other writer has, created for this user alone (0600).
        descriptor, name = tempfile.mkstemp(dir=place, prefix=f".{target.name}.")
        partial = Path(name)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        partial.replace(target)
        partial, written = None, True
        if keep is not None:
            entries = sorted(place.glob(f"*{target.suffix}"), key=lambda path: path.stat().st_mtime)
            for old in entries[:-keep]:
                old.unlink(missing_ok=True)
    except OSError:
        if partial is not None:
            with contextlib.suppress(OSError):
                partial.unlink()
    return written
