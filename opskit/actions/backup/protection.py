"""Whether an offsite bucket still protects its backups: versioning and Object Lock, re-checked.

``backup init`` records what protected the bucket; every ``check backup``
asks the bucket again (at most once per ``protection_check_hours``, the
answer is kept in between) and compares with the strongest protection
ever seen. Versioning switched off, Object Lock retention shortened or
its mode weakened is CRITICAL: that is what ransomware holding the keys,
or a hurried change in the provider's console, does before the backups
can be deleted. ``backup init`` accepts the bucket as it is now.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from opskit.actions.backup.common import result
from opskit.backup.repository import read_secrets
from opskit.backup.s3 import BucketState
from opskit.config.schema import Repository
from opskit.errors import OpskitError
from opskit.result import Result, Status
from opskit.store import Store

CHECK_ID = "backup.protection"
NAMESPACE = "backup.bucket-protection"
MODES = {None: 0, "GOVERNANCE": 1, "COMPLIANCE": 2}
ENABLE_PROTECTION = (
    "turn on bucket versioning (and, if the provider offers it, Object Lock with a retention "
    "period) so backups deleted or overwritten with stolen keys can be recovered"
)


def describe(state: dict[str, Any]) -> str:
    """``versioning enabled, Object Lock on (GOVERNANCE 30 days)``."""
    lock = "off"
    if state.get("object_lock"):
        retention = f"{state.get('object_lock_mode')} {state.get('object_lock_days')} days"
        lock = f"on ({retention if state.get('object_lock_mode') else 'no default retention'})"
    return f"versioning {str(state.get('versioning', 'Off')).lower()}, Object Lock {lock}"


def strongest(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The stronger of two protections, property by property."""
    return {
        "versioning": "Enabled"
        if "Enabled" in (first.get("versioning"), second.get("versioning"))
        else second.get("versioning", "Off"),
        "object_lock": bool(first.get("object_lock") or second.get("object_lock")),
        "object_lock_mode": max(
            (first.get("object_lock_mode"), second.get("object_lock_mode")),
            key=lambda mode: MODES.get(mode, 0),
        ),
        "object_lock_days": max(
            first.get("object_lock_days") or 0, second.get("object_lock_days") or 0
        )
        or None,
    }


def weakened(baseline: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """How the protection now falls short of the baseline, in words (empty: it does not)."""
    found = []
    if baseline.get("versioning") == "Enabled" and now.get("versioning") != "Enabled":
        found.append(f"versioning was switched off (now {str(now.get('versioning')).lower()})")
    if baseline.get("object_lock") and not now.get("object_lock"):
        found.append("Object Lock was turned off")
    was_days, days = baseline.get("object_lock_days") or 0, now.get("object_lock_days") or 0
    if was_days and days < was_days:
        found.append(f"Object Lock retention was shortened from {was_days} to {days} days")
    was_mode, mode = baseline.get("object_lock_mode"), now.get("object_lock_mode")
    if MODES.get(mode, 0) < MODES.get(was_mode, 0):
        found.append(f"Object Lock mode was weakened from {was_mode} to {mode or 'none'}")
    return found


def accept(store: Store, repository: Repository, state: BucketState, now: datetime) -> None:
    """``backup init``: the bucket's present protection becomes the baseline."""
    seen = {**_protection(state.to_dict()), "at": now.isoformat()}
    store.put_state(NAMESPACE, repository.name, {"baseline": seen, "last": seen})


def check_protection(store: Store, repository: Repository, now: datetime) -> Result:
    """``backup.protection`` for an S3 repository: asks the bucket when the cache is too old."""
    from opskit.backup.s3 import inspect_bucket

    target = f"{repository.name}:bucket"
    saved = store.get_state(NAMESPACE, repository.name) or {}
    last: dict[str, Any] = saved.get("last") or {}
    max_age = timedelta(hours=repository.protection_check_hours)
    cached = bool(last) and now - datetime.fromisoformat(last["at"]) < max_age
    if not cached:
        try:
            state = inspect_bucket(repository, read_secrets(repository), create=False)
        except OpskitError as error:
            return result(
                CHECK_ID, target, Status.UNKNOWN, error.message, {"bucket": repository.bucket}
            )
        last = {**_protection(state.to_dict()), "at": now.isoformat()}
    baseline: dict[str, Any] = saved.get("baseline") or last
    evidence = {
        "bucket": repository.bucket,
        "now": last,
        "baseline": baseline,
        "cached": cached,
        "checked_at": last["at"],
    }
    problems = weakened(baseline, last)
    store.put_state(
        NAMESPACE,
        repository.name,
        {"baseline": {**strongest(baseline, last), "at": baseline["at"]}, "last": last},
    )
    when = "" if not cached else f"; checked {_hours(now, last['at'])} ago"
    if problems:
        return result(
            CHECK_ID,
            target,
            Status.CRITICAL,
            f"bucket {repository.bucket} protects its backups less than before: "
            f"{'; '.join(problems)} (was {describe(baseline)}){when}",
            evidence,
        )
    if last.get("versioning") != "Enabled" and not last.get("object_lock"):
        return result(
            CHECK_ID,
            target,
            Status.WARNING,
            f"bucket {repository.bucket} is unprotected ({describe(last)}): {ENABLE_PROTECTION}",
            evidence,
        )
    return result(
        CHECK_ID, target, Status.OK, f"bucket {repository.bucket}: {describe(last)}{when}", evidence
    )


def _protection(state: dict[str, Any]) -> dict[str, Any]:
    keys = ("versioning", "object_lock", "object_lock_mode", "object_lock_days")
    return {key: state.get(key) for key in keys}


def _hours(now: datetime, at: str) -> str:
    hours = (now - datetime.fromisoformat(at)).total_seconds() / 3600
    return f"{hours:.1f} h"
