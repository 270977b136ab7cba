"""Host-check thresholds for tests: never reached, or reached by any real disk."""

from __future__ import annotations

NEVER = {
    "disk_warning_percent": 100,
    "disk_critical_percent": 100,
    "inode_warning_percent": 100,
    "inode_critical_percent": 100,
    "memory_warning_percent": 100,
    "memory_critical_percent": 100,
    "load_warning_per_cpu": 1000,
    "load_critical_per_cpu": 1000,
}
DISK_FULL = {**NEVER, "disk_warning_percent": 0.1, "disk_critical_percent": 0.1}


def thresholds(**changes: float) -> dict[str, float]:
    return {**NEVER, **changes}
