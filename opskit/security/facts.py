"""The raw sections one host gave, and why one is missing when it is.

Evaluators ask for a section's output; when there is none they get a
reason an admin can act on (no sudo, command not found, permission
denied), which becomes the summary of an UNKNOWN result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from opskit.text import Message

NOT_FOUND_EXIT = 127
PERMISSION_WORDS = (
    "permission denied",
    "operation not permitted",
    "must be root",
    "you need to be root",
)


@dataclass(frozen=True)
class HostFacts:
    """What the security playbook gathered on one host."""

    host: str
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    privilege: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_gathered(cls, host: str, gathered: dict[str, Any]) -> HostFacts:
        return cls(host, gathered.get("sections", {}), gathered.get("privilege", {}))

    def output(self, name: str, ok_codes: tuple[int, ...] = (0,)) -> str | None:
        """The section's output if its command ran and exited with one of ``ok_codes``."""
        section = self.sections.get(name)
        if section is None or section.get("exit_code") not in ok_codes:
            return None
        return str(section.get("output", ""))

    def raw(self, name: str) -> dict[str, Any] | None:
        return self.sections.get(name)

    def command(self, name: str) -> str:
        section = self.sections.get(name)
        return str(section.get("command", name)) if section else name

    @property
    def uid(self) -> str:
        section = self.sections.get("uid") or {}
        return str(section.get("output", "")).strip()

    def why_missing(self, name: str) -> Message:
        """A readable reason the section has no usable output."""
        section = self.sections.get(name)
        if section is None:
            if self.privilege and not self.privilege.get("ok", True):
                return Message("security.missing.no_root", detail=str(self.privilege.get("error")))
            return Message("security.missing.not_run", name=name)
        command = str(section.get("command", name)).split(";")[0].strip()
        text = str(section.get("output", "")).strip()
        code = section.get("exit_code")
        if code == NOT_FOUND_EXIT or "command not found" in text:
            return Message("security.missing.not_found", command=command)
        if any(word in text.lower() for word in PERMISSION_WORDS) or (
            self.uid not in ("", "0") and self.privilege.get("mode") == "none"
        ):
            return Message(
                "security.missing.needs_root", command=command, code=code, detail=excerpt(text, 160)
            )
        return Message(
            "security.missing.failed", command=command, code=code, detail=excerpt(text, 200)
        )

    def clock(self) -> datetime | None:
        """The host's time and UTC offset (``date +%s%z``), for its local log times."""
        text = (self.output("clock") or "").strip()
        if len(text) < 6 or not text[:-5].isdigit():
            return None
        sign = -1 if text[-5] == "-" else 1
        offset = timedelta(hours=int(text[-4:-2]), minutes=int(text[-2:])) * sign
        return datetime.fromtimestamp(int(text[:-5]), UTC).astimezone(timezone(offset))


def excerpt(text: str, limit: int = 400) -> str:
    """The end of ``text`` (where errors are), at most ``limit`` characters."""
    text = text.strip()
    return text if len(text) <= limit else "..." + text[-limit:]
