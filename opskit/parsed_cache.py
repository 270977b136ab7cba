"""YAML that ships with opskit, kept parsed as JSON under the SHA-256 of its files' bytes.

The message catalogues and the runbooks are some 200 KB of YAML that every
command reading a finding needs. Parsing them builds tens of thousands of
Python objects through PyYAML's constructor (in Python even with libyaml);
the same data decoded from JSON costs a small fraction of that. Files with
the same bytes are the same data, so the parsed form is kept in the user's
cache directory under the hash of every file's name and bytes: an edited or
upgraded file is a new key, and nothing about the cache (missing,
unreadable, not JSON) is more than a miss. Only data JSON gives back exactly
is kept (mappings with text keys, lists, text, numbers, booleans, null).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from opskit.userdirs import user_dir, write_entry

Parsed = TypeVar("Parsed")
# Entries kept per kind: one per version of the files (an upgrade, an edited runbook).
KEEP = 8


def directory(kind: str) -> Path:
    return user_dir("cache") / "parsed" / kind


def load(
    kind: str, paths: Sequence[Path], parse: Callable[[list[tuple[Path, str]]], Parsed]
) -> Parsed:
    """``parse`` of the files' texts, or what it gave last time for the same bytes.

    ``parse`` raises for a bad file as it would without the cache; only what it
    returned is ever kept.
    """
    digest = hashlib.sha256()
    texts = []
    for path in paths:
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
        texts.append((path, data))
    target = directory(kind) / f"{digest.hexdigest()}.json"
    try:
        kept: Parsed = json.loads(target.read_bytes())
    except (OSError, ValueError):
        pass
    else:
        return kept
    parsed = parse([(path, data.decode("utf-8")) for path, data in texts])
    if is_plain(parsed):
        _write(target, parsed)
    return parsed


def _write(target: Path, parsed: Any) -> None:
    write_entry(target, json.dumps(parsed, ensure_ascii=False).encode("utf-8"), KEEP)


def is_plain(value: Any) -> bool:
    """Whether JSON gives ``value`` back exactly: mappings with text keys, lists, scalars."""
    if isinstance(value, dict):
        return all(isinstance(name, str) and is_plain(item) for name, item in value.items())
    if isinstance(value, list):
        return all(is_plain(item) for item in value)
    return value is None or isinstance(value, str | bool | int | float)
