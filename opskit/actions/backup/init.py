"""``opskit backup init``: create repositories; for S3 first make sure the bucket is right."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opskit.actions.backup import protection
from opskit.actions.backup.common import (
    HostAccess,
    host_access,
    repository_access,
    repository_hosts,
    result,
    select_repositories,
)
from opskit.backup import plan as plans
from opskit.backup.call import call
from opskit.backup.exitcodes import Kind, explain
from opskit.backup.repository import read_secrets
from opskit.backup.restic import cat_config_argv, init_argv
from opskit.config.schema import Config, Repository
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Result, Status, utc_now
from opskit.text import Message


def init_repositories(context: AppContext, names: Sequence[str], *, create_bucket: bool) -> Outcome:
    config = context.config
    results: list[Result] = []
    for repository in select_repositories(config, names):
        if repository.type == "s3":
            bucket = _bucket(context, repository, create_bucket)
            results.append(bucket)
            if bucket.status is Status.CRITICAL:
                continue
        for host_name in repository_hosts(config, repository):
            results.append(_init_one(config, repository, host_name))
    # The first run, like every later one, starts restic from it (``opskit.backup.plan``).
    plans.made(config)
    return Outcome(command="backup init", results=results, record=True)


def _init_one(config: Config, repository: Repository, host_name: str) -> Result:
    target_label = repository.name if host_name == "local" else f"{repository.name}@{host_name}"
    evidence: dict[str, object] = {"location": repository.location, "host": host_name}
    try:
        with (
            host_access(config, config.inventory()[host_name]) as access,
            access.open(repository_access(config, repository)) as target,
        ):
            existing = call(access.runner, target, cat_config_argv(target.restic))
            if existing.ok:
                return result(
                    "backup.repository",
                    target_label,
                    Status.OK,
                    Message(
                        "backup.repository.exists",
                        repository=repository.name,
                        location=repository.location,
                    ),
                    {**evidence, "created": False},
                )
            if existing.kind is not Kind.REPOSITORY_MISSING:
                return result(
                    "backup.repository",
                    target_label,
                    Status.CRITICAL,
                    explain(existing.kind, repository.name, existing.stderr),
                    {**evidence, "stderr": existing.stderr.splitlines()[-5:]},
                )
            if repository.type == "local" and _has_entries(access, repository.location):
                # restic would add its files next to whatever is there, even a set's own data.
                return result(
                    "backup.repository",
                    target_label,
                    Status.CRITICAL,
                    Message(
                        "backup.repository.not_empty",
                        location=repository.location,
                        repository=repository.name,
                    ),
                    {**evidence, "created": False},
                )
            created = call(access.runner, target, init_argv(target.restic))
            if not created.ok:
                return result(
                    "backup.repository",
                    target_label,
                    Status.CRITICAL,
                    Message(
                        "backup.repository.not_created",
                        repository=repository.name,
                        reason=explain(created.kind, repository.name, created.stderr),
                    ),
                    {**evidence, "stderr": created.stderr.splitlines()[-5:]},
                )
    except OpskitError as error:
        return result("backup.repository", target_label, Status.CRITICAL, error.message, evidence)
    return result(
        "backup.repository",
        target_label,
        Status.OK,
        Message(
            "backup.repository.created", repository=repository.name, location=repository.location
        ),
        {**evidence, "created": True},
    )


def _has_entries(access: HostAccess, path: str) -> bool:
    """Whether ``path`` on the set's host is a directory with something in it."""
    if access.local:
        directory = Path(path)
        try:
            return directory.is_dir() and any(directory.iterdir())
        except OSError:
            return False  # unreadable: restic init fails and says why
    from opskit.playbooks.backup import has_entries

    return bool(has_entries(access.runner.connection, path))  # type: ignore[attr-defined]


def _bucket(context: AppContext, repository: Repository, create: bool) -> Result:
    """The bucket made or found; its protection becomes what ``check backup`` compares with."""
    from opskit.backup.s3 import inspect_bucket

    target = f"{repository.name}:bucket"
    try:
        state = inspect_bucket(repository, read_secrets(repository), create=create)
    except OpskitError as error:
        return result(
            "backup.repository",
            target,
            Status.CRITICAL,
            error.message,
            {
                "endpoint": repository.endpoint,
                "bucket": repository.bucket,
                "details": error.details,
            },
        )
    protection.accept(context.store(), repository, state, utc_now())
    evidence = {"endpoint": repository.endpoint, **state.to_dict()}
    described = protection.describe(state.to_dict())
    made = "created" if state.created else "found"
    if state.versioning != "Enabled" and not state.object_lock:
        summary = Message(
            f"backup.protection.{made}_unprotected", bucket=state.bucket, state=described
        )
        return result("backup.repository", target, Status.WARNING, summary, evidence)
    summary = Message(f"backup.protection.{made}", bucket=state.bucket, state=described)
    return result("backup.repository", target, Status.OK, summary, evidence)
