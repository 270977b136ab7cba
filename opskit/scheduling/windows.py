"""Maintenance windows: while a target is in one, its results raise no incident."""

from __future__ import annotations

import fnmatch
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from opskit.scheduling.jobs import previous_fire

if TYPE_CHECKING:
    from opskit.config.schema import MaintenanceWindow


def is_active(window: MaintenanceWindow, moment: datetime, zone: tzinfo) -> bool:
    if window.start is not None and window.end is not None:
        start = window.start if window.start.tzinfo else window.start.replace(tzinfo=zone)
        end = window.end if window.end.tzinfo else window.end.replace(tzinfo=zone)
        return start <= moment < end
    if window.cron is None or window.duration_minutes is None:
        return False
    began = previous_fire(window.cron, moment, zone)
    return moment < began + timedelta(minutes=window.duration_minutes)


def covering(
    windows: list[MaintenanceWindow], target: str, moment: datetime, zone: tzinfo
) -> MaintenanceWindow | None:
    """The first active window that covers ``target`` at ``moment``, if any."""
    for window in windows:
        if any(fnmatch.fnmatchcase(target, pattern) for pattern in window.targets) and is_active(
            window, moment, zone
        ):
            return window
    return None
