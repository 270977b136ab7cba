"""The runner names each check's id without importing the heavy check modules."""

from __future__ import annotations

import subprocess
import sys

from opskit.web import integrity
from opskit.web.publicinfo import audit
from opskit.web.runner import CHECK_IDS


def test_written_out_ids_are_the_modules_own() -> None:
    assert CHECK_IDS["integrity"] == integrity.BASELINE_ID
    assert CHECK_IDS["public-info"] == audit.CHECK_ID


def test_availability_alone_does_not_load_the_content_checks() -> None:
    probe = (
        "import sys, opskit.web.runner, opskit.actions.web; "
        "print(sorted(m for m in sys.modules if m.startswith(("
        "'opskit.web.integrity', 'opskit.web.publicinfo', 'opskit.web.spam', 'yaml'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "[]"
