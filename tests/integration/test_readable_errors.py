"""Bad input the admin can type gets one readable message with the real reason, never an
internal error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("since", ["99999999d", "99999999999999999999w", "0001-01-01"])
def test_history_since_beyond_the_calendar_is_a_usage_error(cli, make_config, since: str) -> None:
    config = make_config()

    listed = cli("--config", config, "history", "--since", since)
    exported = cli("--config", config, "history", "--since", since, "--export", "out.jsonl")

    for run in (listed, exported):
        assert run.exit_code == 3
        assert f"opskit: {since!r} is too far back or ahead: dates go from year 1 to 9999" in (
            run.stderr
        )
        assert "internal error" not in run.stderr
