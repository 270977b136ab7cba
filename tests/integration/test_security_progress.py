"""`opskit check security` at a terminal: it shows what it is working on, and says things once."""

from __future__ import annotations

import pytest

from support.cli import run_opskit
from support.terminal import Terminal

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def test_security_check_shows_progress_on_a_terminal_and_none_off_it(make_config) -> None:
    config = make_config({})

    terminal = Terminal("--config", config, "check", "security", "local")
    shown = terminal.expect("check security on local")
    terminal.finish(timeout_seconds=240)
    piped = run_opskit("--config", config, "check", "security", "local", timeout=240)

    assert "check security on local" in shown
    assert "Hardening score" in terminal.output
    assert "check security on local" not in piped.stderr  # no progress in logs or pipes
    assert piped.stderr.count("nobody receives incident documents") <= 1
