"""Running opskit on a real pseudo-terminal, to answer its prompts as a person would."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path


class Terminal:
    """``python -m opskit ARGS`` with stdin, stdout and stderr on a new pseudo-terminal."""

    def __init__(self, *arguments: str | Path, env: dict[str, str] | None = None) -> None:
        controller, child = pty.openpty()
        self.controller = controller
        self.output = ""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "opskit", *(str(argument) for argument in arguments)],
            stdin=child,
            stdout=child,
            stderr=child,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "160", **(env or {})},
            close_fds=True,
        )
        os.close(child)

    def expect(self, text: str, timeout_seconds: float = 30) -> str:
        """Read until ``text`` appears; returns everything read so far. Fails on timeout."""
        deadline = time.monotonic() + timeout_seconds
        while text not in self.output:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._read(remaining):
                raise AssertionError(f"{text!r} never appeared; the terminal shows:\n{self.output}")
        return self.output

    def type(self, line: str) -> None:
        os.write(self.controller, (line + "\n").encode())

    def finish(self, timeout_seconds: float = 30) -> int:
        """Read to the end and wait for the exit code."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline and self._read(deadline - time.monotonic()):
            pass
        try:
            return self.process.wait(max(0.1, deadline - time.monotonic()))
        finally:
            os.close(self.controller)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _read(self, timeout_seconds: float) -> bool:
        ready, _, _ = select.select([self.controller], [], [], timeout_seconds)
        if not ready:
            return False
        try:
            chunk = os.read(self.controller, 65536)
        except OSError:  # the child closed the terminal (EIO on Linux)
            return False
        if not chunk:
            return False
        self.output += chunk.decode(errors="replace").replace("\r\n", "\n")
        return True
