"""Website databases: a dump streamed into restic under a constant file name.

A dump that fails partway, or is empty, must never leave a snapshot: on
restic 0.17+ restic runs the dump itself (``--stdin-from-command``) and
keeps nothing when it fails; on 0.14 opskit waits for the dump's exit
status before ending restic's input and interrupts restic when the dump
failed. On an SSH host the dump goes to a 0600 file first and is backed
up only after it succeeded.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

from opskit.actions.backup.common import HostAccess, ProgressCallback, result, target_name
from opskit.actions.backup.files import judge_backup, last_summary
from opskit.actions.backup.sql import LocalSql, RemoteSql, SqlClient, row_counts, sql_client
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
from opskit.execute import Completed, Piped, display, pipe
from opskit.memory_file import MemoryFile
from opskit.result import Result, Status
from opskit.text import Message

COUNTS_NAMESPACE = "backup.database-counts"


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
        with sql_client(access, database, password) as client:
            if isinstance(client, LocalSql):
                dump = db.dump_argv(database, client.options.path)
                evidence["command"] = f"{display(dump)} | restic backup --stdin"
                answer, failure = _local_dump(
                    access,
                    target,
                    dump,
                    options=client.options,
                    file_name=file_name,
                    tags=tags,
                    database=database,
                    on_message=status_message,
                )
            else:
                answer, failure = _remote_dump(
                    access, target, database, client, file_name=file_name, tags=tags
                )
            if failure is None and answer.ok:
                _record_counts(context, client, target.name, answer)
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
    options: MemoryFile,
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
            extra_fds=(options.descriptor,),
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
        producer_fds=(options.descriptor,),
        consumer_fds=target.descriptors,
    )
    return _answer(piped.consumer, target), _pipe_failure(piped, dump[0])


def _pipe_failure(piped: Piped, program: str) -> Message | None:
    """Why dump | restic kept nothing, naming the side that failed first; None when it worked."""
    if piped.producer_stopped:
        # restic went away first; the dump was stopped because nobody read it any more.
        return Message(
            "backup.database.restic_stopped",
            how=_how(piped.consumer.exit_code),
            detail=_last_line(piped.consumer),
            program=program,
        )
    if piped.producer.exit_code != 0:
        return Message(
            "backup.database.ended",
            program=program,
            how=_how(piped.producer.exit_code),
            detail=_last_line(piped.producer),
        )
    if piped.bytes_piped == 0:
        return Message("backup.database.empty")
    return None


def _how(exit_code: int) -> Message:
    """How a program ended, in words: ``exited 2`` or ``was killed by SIGKILL``."""
    if exit_code >= 0:
        return Message("backup.database.how_exited", code=exit_code)
    try:
        name = signal.Signals(-exit_code).name
    except ValueError:
        name = f"signal {-exit_code}"
    return Message("backup.database.how_killed", signal=name)


def _last_line(completed: Completed) -> str:
    return (completed.stderr_tail.strip().splitlines() or ["no message"])[-1]


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
    client: SqlClient,
    *,
    file_name: str,
    tags: list[str],
) -> tuple[Answer, str | None]:
    from opskit.playbooks.backup import dump_to_file

    if not isinstance(client, RemoteSql):
        raise OpskitError("internal error: a remote dump needs a remote client")
    runner = client.runner
    dump_path = runner.secret_path(f"dump-{database.name}.sql")
    dumped = dump_to_file(
        runner.connection,
        db.dump_argv(database, client.options),
        dump_path,
        timeout_seconds=database.timeout_seconds,
    )
    argv = backup_stdin_argv(target.restic, file_name, tags=tags)
    empty = Answer(argv, 1, "", "", 0.0, Kind.FAILED)
    try:
        if dumped["exit_code"] != 0:
            reason = (dumped["stderr"].strip().splitlines() or ["no message"])[-1]
            return empty, Message(
                "backup.database.exited_on",
                code=dumped["exit_code"],
                where=runner.where,
                detail=reason,
            )
        if dumped["bytes"] == 0:
            return empty, Message("backup.database.empty")
        completed = runner.run(
            argv, target.env, timeout_seconds=database.timeout_seconds, stdin_file=dump_path
        )
    finally:
        runner.remove(dump_path)
    return _answer(completed, target), None


def _record_counts(context: AppContext, client: SqlClient, repository: str, answer: Answer) -> None:
    """Row counts right after the dump, kept with the snapshot id for the restore check."""
    summary = last_summary(answer)
    if summary is None or summary.snapshot_id is None:
        return
    try:
        counts = row_counts(client, client.database.database)
    except OpskitError:
        return
    context.store().put_state(
        COUNTS_NAMESPACE, f"{repository}:{summary.snapshot_id[:8]}", {"counts": counts}
    )
