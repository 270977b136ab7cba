"""Hundreds of seeded mutations of the sample config: each is judged, none breaks opskit.

Wrong types, deleted keys, huge numbers, deep nesting, aliases (bombs among
them), duplicate keys, broken bytes and cut-off text (support/fuzz_config.py)
go through `opskit config validate` in one process whose memory is capped;
each case has its own time limit. Every one must end 0 (valid) or 3 (a
readable error), never an internal error. A failure names its case: the
same seed makes the same file again.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import support.fuzz_config

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

SEED = 20261119
CASES = 400
MEMORY_BYTES = 1536 << 20


def test_every_mutation_of_the_sample_config_is_judged_without_breaking(tmp_path: Path) -> None:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))

    tests = Path(__file__).parents[1]
    completed = subprocess.run(
        [sys.executable, support.fuzz_config.__file__, str(SEED), str(CASES), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tests)},
        preexec_fn=cap,  # noqa: PLW1509 - sets a limit only, before exec
    )

    assert completed.returncode == 0, completed.stderr[-3000:]
    cases = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(cases) == CASES
    broken = [case for case in cases if case["problem"]]
    assert broken == [], "\n".join(
        f"case {case['case']} ({case['tried']}): {case['problem']}" for case in broken
    )
    exits = Counter(case["exit"] for case in cases)
    assert exits[0] > 20 and exits[3] > 200, exits  # both valid and refused files were made
