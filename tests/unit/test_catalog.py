"""Every check opskit can report has a runbook in both languages and an SOP row."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from opskit.catalog import LANGUAGES, REGISTRY, SECTIONS, runbook, runbooks

SOP_ROWS = re.compile(r"^[A-F]\d{1,2}$")
REGISTERED = tuple(REGISTRY)
TESTS = Path(__file__).parent.parent


def test_every_registered_check_has_a_runbook_and_sop_row() -> None:
    for check_id in REGISTERED:
        entry = runbook(check_id)
        assert entry is not None, f"{check_id} has no runbook in checks/runbooks/"
        assert SOP_ROWS.match(entry.sop_row), f"{check_id}: bad SOP row {entry.sop_row!r}"
        for section in SECTIONS:
            for language in LANGUAGES:
                assert entry.text(section, language), f"{check_id}.{section}.{language} is empty"


def test_every_registered_check_names_its_implementing_module() -> None:
    for check_id, module_name in REGISTRY.items():
        source = Path(importlib.import_module(module_name).__file__ or "").read_text()
        assert f'"{check_id}"' in source, f"{module_name} does not produce {check_id}"


def test_every_runbook_entry_is_for_a_check_that_exists() -> None:
    assert set(runbooks()) <= set(REGISTERED)


def test_every_registered_check_is_exercised_by_a_test() -> None:
    test_text = "".join(
        path.read_text() for path in TESTS.rglob("test_*.py") if path.name != "test_catalog.py"
    )
    for check_id in REGISTERED:
        assert f'"{check_id}"' in test_text, f"no test mentions {check_id}"


def test_child_ids_fall_back_to_their_parent() -> None:
    assert runbook("host.disk.inodes") is runbook("host.disk")
