"""The hardening-score table of `opskit check security` as a person reads it."""

from __future__ import annotations

import io

from opskit.outcome import Outcome
from opskit.output import write_human


def test_the_score_table_names_the_status_column_for_what_it_holds() -> None:
    outcome = Outcome(
        command="check security",
        view="security",
        data={
            "scores": [
                {"host": "web1", "score": 72.5, "passed": 8, "checks": 11, "status": "WARNING"}
            ]
        },
    )
    stream = io.StringIO()

    write_human(outcome, stream)

    header, row = [
        line for line in stream.getvalue().splitlines() if "web1" in line or "Host" in line
    ]
    assert header.split() == ["Host", "Status", "Hardening", "score", "Checks", "passed"]
    assert row.split() == ["web1", "WARNING", "72.5%", "8/11"]
