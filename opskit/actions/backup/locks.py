"""restic locks: which are stale, and ``opskit backup unlock`` removing only those.

restic itself calls a lock stale when it is older than 30 minutes (it is
refreshed every 5 minutes while held) or when it was made on this machine
by a process that no longer exists; ``restic unlock`` without
``--remove-all`` removes exactly those. opskit lists the locks before and
after, so it can say what was removed.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from opskit.actions.backup.common import (
    HostAccess,
    host_access,
    repository_access,
    repository_hosts,
    select_repositories,
)
from opskit.backup.call import call, require_ok
from opskit.backup.listings import Lock, lock, lock_ids
from opskit.backup.repository import Target
from opskit.backup.restic import cat_lock_argv, list_locks_argv, unlock_argv
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Status, utc_now

STALE_AFTER = timedelta(minutes=30)


def read_locks(access: HostAccess, target: Target) -> list[Lock]:
    listed = require_ok(call(access.runner, target, list_locks_argv(target.restic)), target)
    found = []
    for lock_id in lock_ids(listed.stdout):
        answer = call(access.runner, target, cat_lock_argv(target.restic, lock_id))
        if answer.ok:  # a lock removed between list and cat is simply gone
            found.append(lock(lock_id, answer.stdout))
    return found


def is_stale(found: Lock, now: datetime, *, this_machine: str, local: bool) -> bool:
    """restic's rule: older than 30 minutes, or made here by a process that has ended."""
    if now - found.time > STALE_AFTER:
        return True
    if local and found.hostname == this_machine:
        return not _process_exists(found.pid)
    return False


def _process_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def describe(found: Lock, now: datetime) -> dict[str, Any]:
    age = now - found.time
    return {**found.to_dict(), "age_seconds": round(age.total_seconds())}


def unlock(context: AppContext, names: Sequence[str]) -> Outcome:
    """Remove stale locks (never ``--remove-all``) and say which ones went."""
    config = context.config
    rows: list[dict[str, Any]] = []
    messages: list[str] = []
    failed = False
    for repository in select_repositories(config, names):
        for host_name in repository_hosts(config, repository):
            label = repository.name if host_name == "local" else f"{repository.name}@{host_name}"
            try:
                with (
                    host_access(config, config.inventory()[host_name]) as access,
                    access.open(repository_access(config, repository)) as target,
                ):
                    before = {item.id: item for item in read_locks(access, target)}
                    require_ok(call(access.runner, target, unlock_argv(target.restic)), target)
                    after = {item.id for item in read_locks(access, target)}
            except OpskitError as error:
                failed = True
                messages.append(f"{label}: {error.message}")
                continue
            now = utc_now()
            removed = [before[key] for key in before if key not in after]
            for item in removed:
                rows.append({"repository": label, "state": "removed", **describe(item, now)})
            for key in after:
                if key in before:
                    rows.append(
                        {"repository": label, "state": "kept", **describe(before[key], now)}
                    )
            messages.append(
                f"{label}: removed {len(removed)} stale lock{'s' if len(removed) != 1 else ''}"
                + (f", kept {len(after)} in use" if after else "")
            )
    return Outcome(
        command="backup unlock",
        data={"locks": rows, "machine": socket.gethostname()},
        view="locks",
        messages=messages,
        status=Status.UNKNOWN if failed else Status.OK,
    )
