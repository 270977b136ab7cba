"""Website databases: a dump streamed into restic under a constant file name.

A dump that fails partway, or is empty, must never leave a snapshot: on
restic 0.17+ restic runs the dump itself (``--stdin-from-command``) and
keeps nothing when it fails; on 0.14 opskit waits for the dump's exit
status before ending restic's input and interrupts restic when the dump
failed. On an SSH host the dump goes to a 0600 file first and is backed
up only after it succeeded.
"""

from __future__ import annotations

from collections.abc import Callable

from opskit.actions.backup.common import HostAccess, ProgressCallback, result, target_name
from opskit.actions.backup.files import judge_backup, last_summary
from opskit.backup import database as db
from opskit.backup.call import Answer, call
from opskit.backup.exitcodes import Kind, classify, failure_reason
from opskit.backup.parse import progress
from opskit.backup.repository import Target
from opskit.backup.restic import (
    backup_stdin_argv,
    database_tag,
    dump_file_name,
    forget_ids_argv,
    set_tag,
)
from opskit.config.schema import BackupSet, Database
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.execute import Completed, display, pipe, run
from opskit.result import Result, Status
from opskit.text import Message

COUNTS_NAMESPACE = "backup.database-counts"
COUNT_TIMEOUT_SECONDS = 600


def backup_database(
    context: AppContext,
    access: HostAccess,
    *,
    target: Target,
    backup_set: BackupSet,
    database: Database,
    on_progress: ProgressCallback | None,
) -> Result:
    name = target_name(backup_set.name, target.name, database.name)
    tags = [set_tag(backup_set.name), database_tag(database.name)]
    file_name = dump_file_name(database.name)
    evidence: dict[str, object] = {
        "set": backup_set.name,
        "database": database.database,
        "file": file_name,
        "repository": target.name,
        "host": access.runner.where,
        "restic_version": str(target.restic.version),
    }
    password = db.database_password(database, backup_set.name)

    def status_message(message: dict[str, object]) -> None:
        parsed = progress(message)
        if on_progress is not None and parsed is not None:
            on_progress(name, parsed)

    try:
        if access.local:
            with db.option_file(database, password) as options:
                dump = db.dump_argv(database, options)
                answer, failure = _local_dump(
                    access,
                    target,
                    dump,
                    file_name=file_name,
                    tags=tags,
                    database=database,
                    on_message=status_message,
                )
                evidence["command"] = f"{display(dump)} | restic backup --stdin"
                if failure is None and answer.ok:
                    _record_counts(context, database, options, target.name, answer)
        else:
            answer, failure = _remote_dump(
                access, target, database, password=password, file_name=file_name, tags=tags
            )
    finally:
        if on_progress is not None:
            on_progress(name, None)
    if failure is not None:
        return result(
            "backup.database",
            name,
            Status.CRITICAL,
            Message("backup.database.failed", database=database.database, reason=failure),
            evidence,
        )
    judged = judge_backup(name, answer, target, [], evidence)
    return result(
        "backup.database",
        name,
        judged.status,
        judged.summary,
        judged.evidence,
        metrics=judged.metrics,
    )


def _local_dump(
    access: HostAccess,
    target: Target,
    dump: tuple[str, ...],
    *,
    file_name: str,
    tags: list[str],
    database: Database,
    on_message: Callable[[dict[str, object]], None],
) -> tuple[Answer, str | None]:
    import json

    def consumer_line(line: str) -> None:
        if line.startswith('{"message_type":"status"') and callable(on_message):
            try:
                on_message(json.loads(line))
            except ValueError:
                return

    version = target.restic.version
    if version is not None and version.has_stdin_from_command:
        argv = backup_stdin_argv(target.restic, file_name, tags=tags, command=dump)
        answer = call(
            access.runner,
            target,
            argv,
            on_message=on_message,
            timeout_seconds=database.timeout_seconds,
        )
        summary = last_summary(answer)
        if answer.ok and summary is not None and summary.total_bytes_processed == 0:
            # restic kept a snapshot of nothing: take it back out of the repository.
            if summary.snapshot_id:
                call(access.runner, target, forget_ids_argv(target.restic, [summary.snapshot_id]))
            return answer, Message("backup.database.empty_removed")
        if answer.kind is Kind.FAILED:  # restic keeps no snapshot when the dump command fails
            reason = failure_reason(answer.stderr)
            return answer, (
                Message("backup.database.tool", detail=reason)
                if reason
                else Message("backup.database.program_failed")
            )
        return answer, None
    argv = backup_stdin_argv(target.restic, file_name, tags=tags)
    piped = pipe(
        dump,
        argv,
        timeout_seconds=database.timeout_seconds,
        consumer_env=target.env,
        on_consumer_line=consumer_line,
    )
    answer = _answer(piped.consumer, target)
    if piped.producer.exit_code != 0:
        reason = (piped.producer.stderr_tail.strip().splitlines() or ["no message"])[-1]
        return answer, Message(
            "backup.database.exited", program=dump[0], code=piped.producer.exit_code, detail=reason
        )
    if piped.bytes_piped == 0:
        return answer, Message("backup.database.empty")
    return answer, None


def _answer(completed: Completed, target: Target) -> Answer:
    return Answer(
        argv=completed.argv,
        exit_code=completed.exit_code,
        stdout="".join(
            line + "\n"
            for line in completed.stdout.splitlines()
            if not line.startswith('{"message_type":"status"')
        ),
        stderr=completed.stderr_tail,
        duration_seconds=completed.duration_seconds,
        kind=classify(completed.exit_code, completed.stderr_tail, target.restic.version),
    )


def _remote_dump(
    access: HostAccess,
    target: Target,
    database: Database,
    *,
    password: str | None,
    file_name: str,
    tags: list[str],
) -> tuple[Answer, str | None]:
    from opskit.backup.remote import RemoteRunner
    from opskit.playbooks.backup import dump_to_file

    runner = access.runner
    if not isinstance(runner, RemoteRunner):
        raise OpskitError("internal error: a remote dump needs a remote runner")
    options = runner.write_secret(
        f"client-{database.name}.cnf", db.option_file_text(database, password)
    )
    dump_path = runner.secret_path(f"dump-{database.name}.sql")
    dumped = dump_to_file(
        runner.connection,
        db.dump_argv(database, options),
        dump_path,
        timeout_seconds=database.timeout_seconds,
    )
    argv = backup_stdin_argv(target.restic, file_name, tags=tags)
    empty = Answer(argv, 1, "", "", 0.0, Kind.FAILED)
    if dumped["exit_code"] != 0:
        reason = (dumped["stderr"].strip().splitlines() or ["no message"])[-1]
        return empty, Message(
            "backup.database.exited_on", code=dumped["exit_code"], where=runner.where, detail=reason
        )
    if dumped["bytes"] == 0:
        return empty, Message("backup.database.empty")
    completed = runner.run(
        argv, target.env, timeout_seconds=database.timeout_seconds, stdin_file=dump_path
    )
    return _answer(completed, target), None


def _record_counts(
    context: AppContext, database: Database, options: str, repository: str, answer: Answer
) -> None:
    """Row counts right after the dump, kept with the snapshot id for the restore check."""
    summary = last_summary(answer)
    if summary is None or summary.snapshot_id is None:
        return
    try:
        counts = row_counts(database, options, database.database)
    except OpskitError:
        return
    context.store().put_state(
        COUNTS_NAMESPACE, f"{repository}:{summary.snapshot_id[:8]}", {"counts": counts}
    )


def row_counts(database: Database, options: str, schema: str) -> dict[str, int]:
    """Exact row counts of every table of ``schema``; raises OpskitError when the query fails."""
    tables = _query(database, options, db.tables_query(schema)).split()
    if not tables:
        return {}
    return db.parse_counts(_query(database, options, db.count_query(schema, tables)))


def _query(database: Database, options: str, sql: str) -> str:
    completed = run(
        db.client_argv(database, options, execute=sql), timeout_seconds=COUNT_TIMEOUT_SECONDS
    )
    if not completed.ok:
        raise OpskitError(
            f"{database.database}: query failed: {completed.stderr_tail.strip()[-300:]}"
        )
    return completed.stdout
