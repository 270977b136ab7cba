"""The catalogues: every text people read, per language, as YAML under ``catalogue/<language>/``.

One file per area (``documents.yaml``, ``web.yaml``, ``security.yaml`` ...);
each is a nested mapping whose dotted path is the text's id
(``web.tls.expires``). Both languages hold the same ids with the same
``{placeholders}``; a test keeps them so.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

CATALOGUE_DIR = Path(__file__).parent / "catalogue"


@functools.cache
def table(language: str) -> dict[str, Any]:
    """Every file of ``language`` merged into one mapping (an id in two files is an error)."""
    from opskit import parsed_cache

    paths = sorted((CATALOGUE_DIR / language).glob("*.yaml"))
    return parsed_cache.load(f"catalogue-{language}", paths, _merged)


def _merged(texts: list[tuple[Path, str]]) -> dict[str, Any]:
    import yaml  # loaded only when the catalogue changed since it was last read

    merged: dict[str, Any] = {}
    for path, text in texts:
        entries = (
            yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - CSafeLoader is the safe loader
            if yaml.__with_libyaml__
            else yaml.safe_load(text)
        ) or {}
        _merge(merged, entries, path.name, "")
    return merged


def _merge(into: dict[str, Any], entries: dict[str, Any], file_name: str, prefix: str) -> None:
    for name, value in entries.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and isinstance(into.get(name, {}), dict):
            _merge(into.setdefault(name, {}), value, file_name, f"{key}.")
        elif name in into:
            raise ValueError(f"{file_name}: text id {key} is defined twice")
        else:
            into[name] = value


def lookup(language: str, key: str) -> str | None:
    """The template at dotted ``key``, or None when the catalogue has no such text."""
    node: Any = table(language)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return None if isinstance(node, dict) else str(node)


def node(language: str, key: str) -> Any:
    """The raw catalogue node at ``key`` (a mapping of texts or one text); raises KeyError."""
    found: Any = table(language)
    for part in key.split("."):
        found = found[part]
    return found
