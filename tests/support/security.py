"""Captured real outputs of security commands (tests/data/security)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "security"


def captured(name: str) -> str:
    return (DATA / name).read_text()


def section(output: str, exit_code: int = 0, command: str = "") -> dict[str, Any]:
    """A raw section as the security playbook returns it."""
    return {"output": output, "exit_code": exit_code, "command": command}
