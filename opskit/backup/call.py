"""Running restic for a repository, here or on a host, and reading what happened.

A ``Runner`` runs one argv with an environment (locally through
``opskit.execute``, on an SSH host through the backup playbook); ``call``
adds restic's meaning: status lines go to a progress callback instead of
memory, the exit code and stderr become a ``Kind``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from opskit.backup.exitcodes import Kind, classify, explain
from opskit.backup.parse import json_lines
from opskit.backup.repository import Target
from opskit.errors import OpskitError
from opskit.execute import Completed, run

MAX_ERROR_LINES = 1000

Line = Callable[[str], None]


class Runner(Protocol):
    """Runs one argv with extra environment and returns it as data."""

    where: str

    def run(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        timeout_seconds: float,
        on_stdout_line: Line | None = None,
        on_stderr_line: Line | None = None,
        keep_stdout: bool = True,
        pass_fds: Sequence[int] = (),
    ) -> Completed: ...


class LocalRunner:
    """restic on this machine, through the project's one subprocess runner."""

    where = "local"

    def run(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        timeout_seconds: float,
        on_stdout_line: Line | None = None,
        on_stderr_line: Line | None = None,
        keep_stdout: bool = True,
        pass_fds: Sequence[int] = (),
    ) -> Completed:
        return run(
            argv,
            timeout_seconds=timeout_seconds,
            env=env,
            on_stdout_line=on_stdout_line,
            on_stderr_line=on_stderr_line,
            keep_stdout=keep_stdout,
            pass_fds=pass_fds,
        )


@dataclass(frozen=True)
class Answer:
    """A finished restic command and what it means."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    duration_seconds: float
    kind: Kind

    @property
    def ok(self) -> bool:
        return self.kind is Kind.OK


class ResticError(OpskitError):
    """restic failed in a way opskit recognised (``kind``) on one repository."""

    kind = "restic"

    def __init__(self, failure: Kind, message: str, details: list[str] | None = None) -> None:
        super().__init__(message, details)
        self.failure = failure


def call(
    runner: Runner,
    target: Target,
    argv: Sequence[str],
    *,
    on_message: Callable[[dict[str, object]], None] | None = None,
    timeout_seconds: float | None = None,
    extra_fds: Sequence[int] = (),
) -> Answer:
    """Run restic ``argv`` for ``target`` (``extra_fds`` also open in restic, e.g. for a dump
    command it runs itself).

    With ``on_message`` stdout is read as JSON lines while it arrives: status
    messages go to the callback and are not kept, anything else is kept
    (the summary). stderr keeps its JSON error messages (bounded) and tail.
    """
    kept: list[str] = []
    errors: list[str] = []

    def stdout_line(line: str) -> None:
        if on_message is not None and line.startswith('{"message_type":"status"'):
            try:
                on_message(json.loads(line))
            except ValueError:
                kept.append(line)
            return
        kept.append(line)

    def stderr_line(line: str) -> None:
        if line.startswith("{") and len(errors) < MAX_ERROR_LINES:
            errors.append(line)

    completed = runner.run(
        argv,
        target.env,
        timeout_seconds=timeout_seconds or target.repository.timeout_seconds,
        on_stdout_line=stdout_line,
        on_stderr_line=stderr_line,
        keep_stdout=False,
        pass_fds=(*target.descriptors, *extra_fds),
    )
    error_lines = "".join(line if line.endswith("\n") else line + "\n" for line in errors)
    stderr = error_lines + "".join(
        line + "\n" for line in completed.stderr_tail.splitlines() if not line.startswith("{")
    )
    return Answer(
        argv=completed.argv,
        exit_code=completed.exit_code,
        stdout="".join(kept),
        stderr=stderr,
        duration_seconds=completed.duration_seconds,
        kind=classify(completed.exit_code, stderr, target.restic.version),
    )


def require_ok(answer: Answer, target: Target) -> Answer:
    """``answer`` if restic succeeded, else a ResticError explaining why."""
    if answer.ok:
        return answer
    raise ResticError(
        answer.kind,
        explain(answer.kind, target.name, answer.stderr),
        details=_tail(answer.stderr),
    )


def _tail(stderr: str, lines: int = 5) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()][-lines:]


def messages(answer: Answer) -> list[dict[str, object]]:
    return json_lines(answer.stdout)
