"""The config as last read, kept by the SHA-256 of the file's bytes, so most starts skip YAML.

Reading the YAML of a config with a thousand sites (bounded, with line
marks for messages) is most of what loading it costs. A file that read
cleanly once is the same data while its bytes are the same, so the data as
written (before ``${VAR}`` interpolation: no secret from the environment is
ever written here) is kept as JSON under the file's hash. A hit still goes
through interpolation, the cross-field rules and the schema, as every load
does; only YAML parsing is skipped, and a text that never passed the
bounded reader can have no entry. Anything odd about the cache (missing,
unreadable, not JSON, data YAML holds but JSON cannot) is a miss.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from opskit.parsed_cache import is_plain
from opskit.userdirs import user_dir, write_entry

# Entries kept: one per version of each config this user loads; old ones go.
KEEP = 16


def directory() -> Path:
    return user_dir("cache") / "config"


def key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(data: bytes) -> Any | None:
    """The data as written in a config whose bytes are ``data``, if read before."""
    try:
        return json.loads((directory() / f"{key(data)}.json").read_bytes())
    except (OSError, ValueError):
        return None


def write(data: bytes, written: Any) -> None:
    """Keep ``written`` (the file's data before interpolation) for the next load."""
    if not is_plain(written):
        return  # dates, binary, keys that are not text: JSON would not give them back
    text = json.dumps(written, ensure_ascii=False)
    write_entry(directory() / f"{key(data)}.json", text.encode("utf-8"), KEEP)
