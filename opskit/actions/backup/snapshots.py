"""``opskit backup snapshots``: what each repository holds for each set."""

from __future__ import annotations

from collections.abc import Sequence

from opskit.actions.backup.common import (
    host_access,
    local_time,
    pairs,
    repository_access,
    select_repositories,
    select_sets,
    set_snapshots,
)
from opskit.backup.restic import DATABASE_TAG, SET_TAG
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Status


def list_snapshots(
    context: AppContext, set_names: Sequence[str], repository_name: str | None
) -> Outcome:
    config = context.config
    sets = select_sets(config, set_names)
    wanted = (
        {repository.name for repository in select_repositories(config, [repository_name])}
        if repository_name
        else None
    )
    rows: list[dict[str, object]] = []
    messages: list[str] = []
    for (host_name, repository), members in pairs(config, sets).items():
        if wanted is not None and repository not in wanted:
            continue
        names = {backup_set.name for backup_set in members}
        try:
            with (
                host_access(config, config.inventory()[host_name]) as access,
                access.open(repository_access(config, repository)) as target,
            ):
                found = set_snapshots(access, target)
        except OpskitError as error:
            messages.append(f"{repository} (from {host_name}): {error.message}")
            continue
        for snapshot in found:
            set_name = snapshot.tag_value(SET_TAG)
            if set_name not in names:
                continue
            rows.append(
                {
                    "repository": repository,
                    "set": set_name,
                    "database": snapshot.tag_value(DATABASE_TAG),
                    "id": snapshot.short_id,
                    "time": snapshot.time.isoformat(),
                    "time_local": local_time(snapshot.time, context.timezone),
                    "host": snapshot.hostname,
                    "paths": list(snapshot.paths),
                }
            )
    return Outcome(
        command="backup snapshots",
        data={"snapshots": rows},
        view="snapshots",
        messages=messages,
        status=Status.UNKNOWN if messages else Status.OK,
    )
