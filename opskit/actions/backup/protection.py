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
from opskit.text import Message

CHECK_ID = "backup.protection"
NAMESPACE = "backup.bucket-protection"
MODES = {None: 0, "GOVERNANCE": 1, "COMPLIANCE": 2}
VERSIONING_WORDS = ("enabled", "suspended", "off")


def describe(state: dict[str, Any]) -> Message:
    """``versioning enabled, Object Lock on (GOVERNANCE 30 days)``, in the reader's language."""
    lock = Message("backup.protection.lock_off")
    if state.get("object_lock"):
        lock = (
            Message(
                "backup.protection.lock_on",
                mode=state.get("object_lock_mode"),
                days=state.get("object_lock_days") or 0,
            )
            if state.get("object_lock_mode")
            else Message("backup.protection.lock_on_no_retention")
        )
    return Message(
        "backup.protection.state", versioning=_versioning(state.get("versioning")), lock=lock
    )


def _versioning(value: Any) -> Message:
    return Message("backup.protection.versioning", state=_word(value))


def _word(versioning: Any) -> Message:
    """S3's versioning status (``Enabled``, ``Suspended``, none) as a word."""
    word = str(versioning or "Off").lower()
    return Message(f"backup.protection.word.{word if word in VERSIONING_WORDS else 'off'}")


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


def weakened(baseline: dict[str, Any], now: dict[str, Any]) -> list[Message]:
    """How the protection now falls short of the baseline, in words (empty: it does not)."""
    found = []
    if baseline.get("versioning") == "Enabled" and now.get("versioning") != "Enabled":
        word = str(now.get("versioning") or "Off").lower()
        found.append(
            Message(
                "backup.protection.switched_off",
                now=Message(
                    f"backup.protection.word.{word if word in VERSIONING_WORDS else 'off'}"
                ),
            )
        )
    if baseline.get("object_lock") and not now.get("object_lock"):
        found.append(Message("backup.protection.lock_removed"))
    was_days, days = baseline.get("object_lock_days") or 0, now.get("object_lock_days") or 0
    if was_days and days < was_days:
        found.append(Message("backup.protection.shortened", was=was_days, days=days))
    was_mode, mode = baseline.get("object_lock_mode"), now.get("object_lock_mode")
    if MODES.get(mode, 0) < MODES.get(was_mode, 0):
        found.append(
            Message(
                "backup.protection.weakened",
                was=was_mode,
                mode=mode or Message("backup.protection.word.none"),
            )
        )
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
    when: Message | str = ""
    if cached:
        age = (now - datetime.fromisoformat(last["at"])).total_seconds()
        when = Message("backup.protection.checked", seconds=round(age))
    bucket = repository.bucket
    if problems:
        summary = Message(
            "backup.protection.less",
            bucket=bucket,
            problems=problems,
            was=describe(baseline),
            when=when,
        )
        return result(CHECK_ID, target, Status.CRITICAL, summary, evidence)
    if last.get("versioning") != "Enabled" and not last.get("object_lock"):
        summary = Message("backup.protection.unprotected", bucket=bucket, state=describe(last))
        return result(CHECK_ID, target, Status.WARNING, summary, evidence)
    summary = Message("backup.protection.ok", bucket=bucket, state=describe(last), when=when)
    return result(CHECK_ID, target, Status.OK, summary, evidence)


def _protection(state: dict[str, Any]) -> dict[str, Any]:
    keys = ("versioning", "object_lock", "object_lock_mode", "object_lock_days")
    return {key: state.get(key) for key in keys}
