"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, or refuses it."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from support.system import free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    """aiosmtpd on 127.0.0.1:port; ``refuse`` makes it answer every message with 554."""

    refuse: bool = False
    port: int = field(default_factory=free_port)
    messages: list[Received] = field(default_factory=list)
    controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook name
        if self.refuse:
            return "554 5.7.1 Relay access denied"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def start(self) -> SmtpServer:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def url(self, sender: str = "opskit@pa-uji.go.id") -> str:
        return f"mailto://127.0.0.1:{self.port}?from={sender}"
