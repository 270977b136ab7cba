"""The demo's own mail server: catches what opskit sends and keeps each message as a file."""

from __future__ import annotations

import socket
from pathlib import Path
from types import TracebackType
from typing import Any


class MailCatcher:
    """An SMTP server on loopback that saves every message it gets as an .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0
        self.port = 0
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.count += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        content = envelope.original_content or envelope.content
        (self.directory / f"{self.count:03d}.eml").write_bytes(content)
        return "250 OK"

    def __enter__(self) -> MailCatcher:
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._controller is not None:
            self._controller.stop()

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from=opskit@demo.example"
