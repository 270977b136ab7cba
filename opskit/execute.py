"""The one way opskit runs a local subprocess.

argv tuples only (never a shell), a timeout on every call, the environment
passed explicitly, the logged command line masked, and only the tail of
stderr kept for error messages. Exit codes are returned as data: the
caller reads them through its own table of meanings.
"""

from __future__ import annotations

import collections
import logging
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from opskit.errors import CommandError
from opskit.masking import mask

logger = logging.getLogger(__name__)

STDERR_TAIL_LINES = 40
KILL_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Completed:
    """A finished command: its exit code and output, read as data."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr_tail: str
    duration_seconds: float

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def display(argv: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """The command line as it may be logged: env names shown, values masked."""
    names = " ".join(f"{name}=***" for name in sorted(env or {}))
    line = shlex.join(argv)
    return mask(f"{names} {line}" if names else line)


def run(
    argv: Sequence[str],
    *,
    timeout_seconds: float,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    on_stdout_line: Callable[[str], None] | None = None,
    keep_stdout: bool = True,
    cwd: str | None = None,
    inherit_environment: bool = False,
) -> Completed:
    """Run ``argv`` and wait for it, at most ``timeout_seconds``.

    ``env`` is added to a minimal inherited environment (PATH, HOME, LANG).
    With ``on_stdout_line`` stdout is streamed line by line as it arrives
    (for progress) and kept only if ``keep_stdout``. ``inherit_environment``
    passes this process's whole environment (for opskit running itself). Raises CommandError if
    the program is missing or the timeout passes (the process group is
    killed); a non-zero exit is returned, not raised.
    """
    argv = tuple(argv)
    full_env = dict(os.environ) if inherit_environment else _base_environment()
    full_env.update(env or {})
    logger.debug("running: %s", display(argv, env))
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
            cwd=cwd,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )
    except FileNotFoundError:
        raise CommandError(f"{argv[0]}: command not found (is it installed and on PATH?)") from None
    except PermissionError:
        raise CommandError(f"{argv[0]}: permission denied") from None

    stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
    stdout_parts: list[str] = []
    timed_out = threading.Event()
    timer = threading.Timer(timeout_seconds, _expire, args=(process, timed_out))
    timer.daemon = True
    readers = [
        threading.Thread(target=_drain, args=(process.stderr, stderr_tail.append), daemon=True)
    ]

    def take_stdout(line: str) -> None:
        if on_stdout_line is not None:
            on_stdout_line(line)
        if keep_stdout:
            stdout_parts.append(line)

    readers.append(threading.Thread(target=_drain, args=(process.stdout, take_stdout), daemon=True))
    timer.start()
    try:
        if input_text is not None and process.stdin is not None:
            try:
                process.stdin.write(input_text)
                process.stdin.close()
            except BrokenPipeError:
                pass  # the program exited early; its exit code tells why
        for reader in readers:
            reader.start()
        process.wait()
        for reader in readers:
            reader.join()
    except BaseException:
        _kill_group(process)
        raise
    finally:
        timer.cancel()
    duration = time.monotonic() - started
    if timed_out.is_set():
        raise CommandError(
            f"{argv[0]} did not finish within {timeout_seconds:g} s and was stopped",
            details=[mask(line.rstrip()) for line in stderr_tail][-5:],
        )
    completed = Completed(
        argv=argv,
        exit_code=process.returncode,
        stdout="".join(stdout_parts),
        stderr_tail=mask("".join(stderr_tail)),
        duration_seconds=duration,
    )
    logger.debug("exit %d after %.2f s: %s", completed.exit_code, duration, argv[0])
    return completed


def _base_environment() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME", "TZ")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    return environment


def _drain(stream: object, sink: Callable[[str], None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sink(line)


def _expire(process: subprocess.Popen[str], timed_out: threading.Event) -> None:
    timed_out.set()
    _kill_group(process)


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Stop the command and its children: TERM, then KILL after a grace period."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(KILL_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
