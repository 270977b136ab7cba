"""restic on an SSH host: the Runner for backup sets that live on another server.

restic must be installed on that host (opskit says so clearly when it is
not). The repository password and S3 keys are written over the SSH
channel into 0600 files in a private temporary directory there, removed
when the session ends, and read by restic through its environment. The
directory names the opskit process that made it; a session first removes
those whose maker died (a crash cannot run ``finally``).
"""

from __future__ import annotations

import collections
import hashlib
import json
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from opskit.backup.call import Line
from opskit.backup.repository import RepositoryAccess, Target, read_secrets, restic_environment
from opskit.backup.restic import Restic
from opskit.backup.version import parse_version
from opskit.config.schema import Config, Host
from opskit.errors import CommandError, ConfigError
from opskit.execute import STDERR_TAIL_LINES, Completed
from opskit.masking import mask
from opskit.process_identity import still_running, this_process
from opskit.text import Message

logger = logging.getLogger(__name__)


class LineStream:
    """A write-only stream that hands complete lines to a callback (Fabric's out_stream)."""

    def __init__(self, on_line: Line | None, keep: bool) -> None:
        self.on_line = on_line
        self.keep = keep
        self.partial = ""
        self.kept: list[str] = []
        self.tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)

    def write(self, data: str) -> int:
        self.partial += data
        *lines, self.partial = self.partial.split("\n")
        for line in lines:
            self._line(line + "\n")
        return len(data)

    def _line(self, line: str) -> None:
        if self.on_line is not None:
            self.on_line(line)
        if self.keep:
            self.kept.append(line)
        self.tail.append(line)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        if self.partial:
            self._line(self.partial)
            self.partial = ""


class RemoteRunner:
    """Runs restic (and dumps) on one SSH host inside a private secrets directory."""

    def __init__(self, connection: Any, host: Host, binary: str, directory: str) -> None:
        self.connection = connection
        self.host = host
        self.binary = binary
        self.directory = directory
        self.where = host.name
        self.version = parse_version(self._playbook().restic_version_text(connection, binary))
        self._env_files: dict[str, str] = {}

    @staticmethod
    def _playbook() -> Any:
        from opskit.playbooks import backup

        return backup

    def secret_path(self, name: str) -> str:
        return f"{self.directory}/{name}"

    def write_secret(self, name: str, text: str) -> str:
        path = self.secret_path(name)
        self._playbook().write_secret(self.connection, path, text)
        return path

    def env_file(self, env: Mapping[str, str]) -> str:
        text = self._playbook().environment_file_text(env)
        key = hashlib.sha256(text.encode()).hexdigest()[:16]
        if key not in self._env_files:
            self._env_files[key] = self.write_secret(f"env-{key}", text)
        return self._env_files[key]

    def run(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        timeout_seconds: float,
        on_stdout_line: Line | None = None,
        on_stderr_line: Line | None = None,
        keep_stdout: bool = True,
        stdin_file: str | None = None,
        stdout_file: str | None = None,
        pass_fds: Sequence[int] = (),
    ) -> Completed:
        """Run ``argv`` on the host (stdin and stdout may be files there); ``pass_fds`` is
        for local children and has no meaning here."""
        from invoke.exceptions import CommandTimedOut

        out, err = LineStream(on_stdout_line, keep_stdout), LineStream(on_stderr_line, False)
        started = time.monotonic()
        try:
            result = self._playbook().run_with_environment(
                self.connection,
                argv,
                self.env_file(env),
                timeout_seconds=timeout_seconds,
                out_stream=out,
                err_stream=err,
                stdin_file=stdin_file,
                stdout_file=stdout_file,
            )
        except CommandTimedOut:
            raise CommandError(
                f"{self.host.name}: {argv[0]} did not finish within {timeout_seconds:g} s"
            ) from None
        out.close()
        err.close()
        return Completed(
            argv=tuple(argv),
            exit_code=result.exited,
            stdout="".join(out.kept),
            stderr_tail=mask("".join(err.tail)),
            duration_seconds=time.monotonic() - started,
        )

    def remove(self, path: str) -> None:
        """Remove one file of the private directory now rather than at the session's end."""
        self._playbook().remove_file(self.connection, path)

    def missing_paths(self, paths: Sequence[str]) -> list[str]:
        return list(self._playbook().missing_paths(self.connection, paths))

    @contextmanager
    def target(self, repository: RepositoryAccess) -> Iterator[Target]:
        if repository.type == "sftp":
            raise ConfigError(
                f"backup.repositories.{repository.name}: an SFTP repository can only be used by "
                f"sets on this machine, not by sets on {self.host.name}"
            )
        secrets = read_secrets(repository)
        password_file = self.write_secret(f"password-{repository.name}", secrets.password + "\n")
        restic = Restic(
            self.binary,
            ("-o", f"s3.region={repository.region}") if repository.type == "s3" else (),
            version=self.version,
        )
        env = restic_environment(repository, secrets, password_file, None)
        yield Target(repository, restic, env)


@contextmanager
def remote_runner(config: Config, host: Host) -> Iterator[RemoteRunner]:
    """A RemoteRunner on ``host``; raises HostError/CommandError saying what is wrong."""
    from opskit.hosts.connect import session
    from opskit.hosts.runner import known_hosts
    from opskit.playbooks import backup

    with session(host, known_hosts(config)) as connection:
        binary = backup.restic_path(connection, config.backup.restic)
        if binary is None:
            raise CommandError(
                Message(
                    "backup.restic.not_installed_host", host=host.name, binary=config.backup.restic
                )
            )
        remove_abandoned(connection, host)
        owner = json.dumps(this_process())
        with backup.secret_directory(connection, owner) as directory:
            yield RemoteRunner(connection, host, binary, directory)


def remove_abandoned(connection: Any, host: Host) -> list[str]:
    """Remove the private directories on ``host`` whose opskit process is known to be dead."""
    from opskit.playbooks import backup

    removed = []
    for path, owner in backup.private_directories(connection).items():
        try:
            identity = json.loads(owner)
        except ValueError:
            continue  # being made right now, or not ours to judge
        if isinstance(identity, dict) and still_running(identity) is False:
            backup.remove_directory(connection, path)
            removed.append(path)
    if removed:
        logger.warning(
            "%s: removed %d private director%s a crashed run left behind: %s",
            host.name,
            len(removed),
            "y" if len(removed) == 1 else "ies",
            ", ".join(removed),
        )
    return removed
