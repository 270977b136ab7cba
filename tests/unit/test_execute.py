"""The subprocess runner: exit codes as data, timeouts, streaming, masked command lines."""

from __future__ import annotations

import logging
import sys

import pytest

from opskit.errors import CommandError
from opskit.execute import display, run
from opskit.masking import mask, register_secret
from support.processes import alive, wait_for


def test_exit_code_is_data_not_an_exception() -> None:
    completed = run(
        [sys.executable, "-c", "import sys; print('out'); sys.stderr.write('err\\n'); sys.exit(3)"],
        timeout_seconds=30,
    )

    assert (completed.exit_code, completed.stdout, completed.stderr_tail) == (3, "out\n", "err\n")
    assert not completed.ok


def test_timeout_kills_the_process_group_and_says_so() -> None:
    child = (
        "import subprocess, sys\n"
        "sleeper = subprocess.Popen(['sleep', '30'])\n"
        "print('sleeper', sleeper.pid, file=sys.stderr, flush=True)\n"
        "sleeper.wait()\n"
    )
    with pytest.raises(CommandError, match="did not finish within 0.5 s") as raised:
        run([sys.executable, "-c", child], timeout_seconds=0.5)

    [line] = [line for line in raised.value.details if line.startswith("sleeper ")]
    sleeper = int(line.split()[1])
    wait_for(lambda: not alive(sleeper), what="the grandchild to be stopped with its group")


def test_missing_program_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="no-such-program-xyz: command not found"):
        run(["no-such-program-xyz"], timeout_seconds=5)


def test_stdout_streams_line_by_line_and_can_be_dropped() -> None:
    seen: list[str] = []
    completed = run(
        [sys.executable, "-c", "print('a'); print('b')"],
        timeout_seconds=30,
        on_stdout_line=seen.append,
        keep_stdout=False,
    )

    assert seen == ["a\n", "b\n"]
    assert completed.stdout == ""


def test_environment_is_explicit_and_values_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="opskit.execute")
    completed = run(
        [sys.executable, "-c", "import os; print(os.environ['RESTIC_PASSWORD'])"],
        timeout_seconds=30,
        env={"RESTIC_PASSWORD": "very-secret-value"},
    )

    assert completed.stdout == "very-secret-value\n"
    assert "RESTIC_PASSWORD=***" in caplog.text
    assert "very-secret-value" not in caplog.text


def test_registered_secrets_are_masked_everywhere() -> None:
    register_secret("s3cr3t-token-123", "test")

    assert mask("url tgram://s3cr3t-token-123/1") == "url tgram://***/1"
    assert (
        display(["curl", "-H", "Authorization: s3cr3t-token-123"]) == "curl -H 'Authorization: ***'"
    )


def test_short_secrets_are_not_registered(caplog: pytest.LogCaptureFixture) -> None:
    register_secret("ab", "a short password")

    assert mask("ab cd") == "ab cd"
    assert "cannot be masked reliably" in caplog.text
