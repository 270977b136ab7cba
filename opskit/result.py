"""Check results: the one data shape every probe and evaluator produces.

Statuses follow the Nagios plugin convention so any ``opskit check ...``
command also works as a Nagios/Icinga plugin: the exit code is the worst
status. Worst-of ordering puts UNKNOWN above WARNING because "we could not
tell" must never be mistaken for a mild problem.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opskit.text import Message, message_from


class Status(enum.Enum):
    """A check status; ``exit_code`` is the Nagios plugin exit code."""

    OK = "OK"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"
    UNKNOWN = "UNKNOWN"

    @property
    def exit_code(self) -> int:
        return _EXIT_CODES[self]

    @property
    def severity(self) -> int:
        """Rank for worst-of: CRITICAL > UNKNOWN > WARNING > OK."""
        return _SEVERITY[self]

    @classmethod
    def parse(cls, text: str) -> Status:
        """Read a status name case-insensitively; raises ValueError on anything else."""
        try:
            return cls(text.strip().upper())
        except ValueError:
            names = ", ".join(status.value for status in cls)
            raise ValueError(f"unknown status {text!r} (expected one of {names})") from None


_EXIT_CODES = {Status.OK: 0, Status.WARNING: 1, Status.CRITICAL: 2, Status.UNKNOWN: 3}
_SEVERITY = {Status.OK: 0, Status.WARNING: 1, Status.UNKNOWN: 2, Status.CRITICAL: 3}


def worst(statuses: Iterable[Status], default: Status = Status.OK) -> Status:
    """The most severe status, or ``default`` when there is none."""
    return max(statuses, key=lambda status: status.severity, default=default)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Metric:
    """A measured value with its unit and the thresholds it was judged by."""

    name: str
    value: float
    unit: str = ""
    warning: float | None = None
    critical: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "warning": self.warning,
            "critical": self.critical,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metric:
        return cls(
            name=data["name"],
            value=data["value"],
            unit=data.get("unit", ""),
            warning=data.get("warning"),
            critical=data.get("critical"),
        )


@dataclass(frozen=True)
class Result:
    """What one check found about one target.

    ``summary`` is a ``Message`` (said in each reader's language; its ``str``
    is the English text) or, from an old history, plain text. ``evidence``
    holds what a person needs to trust the verdict (the command run, observed
    vs expected, an excerpt); ``remediation`` is the runbook key (defaults to
    the check id); ``sop_row`` ties the result to the SOP.
    """

    check_id: str
    target: str
    status: Status
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    metrics: tuple[Metric, ...] = ()
    remediation: str | None = None
    sop_row: str | None = None
    observed_at: datetime = field(default_factory=utc_now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "target": self.target,
            "status": self.status.value,
            "summary": str(self.summary),
            "message": self.summary.to_dict() if isinstance(self.summary, Message) else None,
            "evidence": self.evidence,
            "metrics": [metric.to_dict() for metric in self.metrics],
            "remediation": self.remediation or self.check_id,
            "sop_row": self.sop_row,
            "observed_at": self.observed_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(
            check_id=data["check_id"],
            target=data["target"],
            status=Status(data["status"]),
            summary=message_from(data.get("message")) or data["summary"],
            evidence=data.get("evidence") or {},
            metrics=tuple(Metric.from_dict(item) for item in data.get("metrics") or ()),
            remediation=data.get("remediation"),
            sop_row=data.get("sop_row"),
            observed_at=datetime.fromisoformat(data["observed_at"]),
        )


def grade(value: float, warning: float | None, critical: float | None) -> Status:
    """Status of a value where higher is worse (disk %, load, latency)."""
    if critical is not None and value >= critical:
        return Status.CRITICAL
    if warning is not None and value >= warning:
        return Status.WARNING
    return Status.OK


def grade_low(value: float, warning: float | None, critical: float | None) -> Status:
    """Status of a value where lower is worse (days left, free memory %)."""
    if critical is not None and value <= critical:
        return Status.CRITICAL
    if warning is not None and value <= warning:
        return Status.WARNING
    return Status.OK
