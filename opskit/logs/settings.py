"""What one analysis is asked for: the format, the rules, the time range, the zone.

Plain data without the native engine, so commands can build it without
loading Polars; the engine loads it when the scanning starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opskit.logs.formats import LogFormat
from opskit.logs.rules import Rule


@dataclass(frozen=True)
class Zone:
    """The zone given to times written without one: an IANA name, or a fixed offset."""

    name: str | None = None
    offset_seconds: float = 0.0

    def zoneinfo(self) -> Any:
        """The zone as a ``tzinfo``."""
        from datetime import timedelta, timezone
        from zoneinfo import ZoneInfo

        if self.name:
            return ZoneInfo(self.name)
        return timezone(timedelta(seconds=self.offset_seconds))

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        hours, rest = divmod(abs(int(self.offset_seconds)) // 60, 60)
        sign = "-" if self.offset_seconds < 0 else "+"
        return f"UTC{sign}{hours:02d}:{rest:02d}"


@dataclass(frozen=True)
class ScanSettings:
    """What the scanning of one analysis needs; plain data."""

    log_format: LogFormat
    rules: tuple[Rule, ...]
    since: float | None = None
    until: float | None = None
    zone: Zone = Zone()
