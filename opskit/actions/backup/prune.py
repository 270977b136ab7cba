"""``opskit backup prune``: forget by each set's retention, then prune each repository once.

Two restic calls, never ``forget --prune``: on restic 0.14 that prints
prune's text into forget's JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

from opskit.actions.backup.common import (
    host_access,
    pairs,
    repository_access,
    result,
    select_sets,
    target_name,
)
from opskit.backup.call import call, require_ok
from opskit.backup.listings import forget
from opskit.backup.restic import Retention, forget_argv, prune_argv, set_tag
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Metric, Result, Status
from opskit.text import Message


def prune(context: AppContext, set_names: Sequence[str]) -> Outcome:
    config = context.config
    sets = select_sets(config, set_names)
    results: list[Result] = []
    for (host_name, repository), members in pairs(config, sets).items():
        host = config.inventory()[host_name]
        label = repository if host.local else f"{repository}@{host_name}"
        try:
            with (
                host_access(config, host) as access,
                access.open(repository_access(config, repository)) as target,
            ):
                for backup_set in members:
                    retention = Retention(**backup_set.retention.rules())
                    argv = forget_argv(target.restic, retention, tags=[set_tag(backup_set.name)])
                    answer = require_ok(call(access.runner, target, argv), target)
                    groups = forget(answer.stdout)
                    removed = sum(len(group.removed) for group in groups)
                    kept = sum(len(group.kept) for group in groups)
                    results.append(
                        result(
                            "backup.prune",
                            target_name(backup_set.name, repository),
                            Status.OK,
                            Message(
                                "backup.prune.forgot",
                                removed=removed,
                                kept=kept,
                                flags=" ".join(retention.flags()),
                            ),
                            {"removed": [id for g in groups for id in g.removed], "kept": kept},
                            metrics=(Metric("snapshots_removed", removed),),
                        )
                    )
                pruned = require_ok(call(access.runner, target, prune_argv(target.restic)), target)
                results.append(
                    result(
                        "backup.prune",
                        label,
                        Status.OK,
                        Message(
                            "backup.prune.pruned",
                            repository=repository,
                            result=_prune_line(pruned.stdout),
                        ),
                        {"output": pruned.stdout.splitlines()[-12:]},
                    )
                )
        except OpskitError as error:
            results.append(result("backup.prune", label, Status.CRITICAL, error.message))
    return Outcome(command="backup prune", results=results, record=True)


def _prune_line(text: str) -> Message:
    for line in text.splitlines():
        if line.startswith("total prune:"):
            return Message("backup.prune.removed", what=line.partition(":")[2].strip())
    return Message("backup.prune.nothing" if "done" in text else "backup.prune.done")
