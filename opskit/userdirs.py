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
