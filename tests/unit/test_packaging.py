"""The wheel carries every package of the source tree.

The package list in ``pyproject.toml`` is written out by hand (``playbooks/``
and ``checks/`` are mapped into ``opskit``), so a new package that is not
added to it works in an editable install and is missing from what ships.
The tests run against the installed wheel; this test reads the source tree.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def source_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapped = config["tool"]["setuptools"]["package-dir"]
    found = set()
    for init in (ROOT / "opskit").rglob("__init__.py"):
        found.add(".".join(init.parent.relative_to(ROOT).parts))
    for package, directory in mapped.items():
        if (ROOT / directory / "__init__.py").is_file():
            found.add(package)
        for init in (ROOT / directory).rglob("*/__init__.py"):
            found.add(".".join([package, *init.parent.relative_to(ROOT / directory).parts]))
    return found


def test_every_source_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = source_packages()
    assert "opskit.content" in found  # the tree was read, not an empty set
    assert found - listed == set(), "packages missing from pyproject.toml"
    assert listed - found == set(), "pyproject.toml lists packages that do not exist"


def test_every_source_package_is_installed() -> None:
    import importlib.util

    missing = [name for name in sorted(source_packages()) if not importlib.util.find_spec(name)]
    assert missing == []
