"""How restic reaches a configured repository: its location, environment and options.

Secrets go only into the restic child's environment: ``RESTIC_PASSWORD_FILE``
names the configured 0600 file, or an in-memory copy of a password taken
from an environment variable (``/dev/fd/N``, gone with the process); S3 keys
become ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``. Nothing secret is
ever part of argv.
"""

from __future__ import annotations

import functools
import os
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from opskit.backup.restic import Restic, version_argv
from opskit.backup.version import ResticVersion, parse_version, remember, remembered
from opskit.config.secrets import read_secret
from opskit.errors import CommandError, ConfigError
from opskit.memory_file import memory_file
from opskit.text import Message

if TYPE_CHECKING:
    from opskit.config.schema import Config, Host, Repository

VERSION_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class RepositoryAccess:
    """A configured repository as restic reaches it from this machine, in plain data.

    Built from the validated config (``access_for``), and kept with a backup
    plan (``opskit.backup.plan``), so a backup can start restic without the
    config's schema. Secrets are named (a file, a variable), never held.
    """

    name: str
    type: str
    location: str  # as shown to people
    url: str  # RESTIC_REPOSITORY
    options: tuple[str, ...]  # restic's global options from this machine
    region: str
    timeout_seconds: float
    password_file: Path | None = None
    password_env: str | None = None
    access_key_id_file: Path | None = None
    access_key_id_env: str | None = None
    secret_access_key_file: Path | None = None
    secret_access_key_env: str | None = None
    # Why restic cannot reach it from here (an SFTP host that is no SSH host), if so.
    unusable: str | None = None


def access_for(config: Config, repository: Repository) -> RepositoryAccess:
    """How restic on this machine reaches ``repository``."""
    try:
        url, options, unusable = (
            restic_location(repository, config),
            restic_options(repository, config),
            None,
        )
    except ConfigError as error:
        url, options, unusable = "", (), error.message
    return RepositoryAccess(
        name=repository.name,
        type=repository.type,
        location=repository.location,
        url=url,
        options=options,
        region=repository.region,
        timeout_seconds=repository.timeout_seconds,
        password_file=repository.password_file,
        password_env=repository.password_env,
        access_key_id_file=repository.access_key_id_file,
        access_key_id_env=repository.access_key_id_env,
        secret_access_key_file=repository.secret_access_key_file,
        secret_access_key_env=repository.secret_access_key_env,
        unusable=unusable,
    )


@dataclass(frozen=True)
class Secrets:
    """The secret values one repository needs (all registered for masking when read)."""

    password: str
    access_key_id: str | None = None
    secret_access_key: str | None = None


@dataclass
class Target:
    """A repository ready for restic: the program with its options, and the child environment."""

    repository: RepositoryAccess
    restic: Restic
    env: dict[str, str] = field(repr=False)
    # Descriptors restic must inherit (a password in memory, read through /dev/fd/N).
    descriptors: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return self.repository.name


def read_secrets(repository: Repository | RepositoryAccess) -> Secrets:
    """The repository's password (and S3 keys); raises ConfigError naming the reference."""
    where = f"backup.repositories.{repository.name}"
    password = read_secret(
        file=repository.password_file, env=repository.password_env, what=f"{where}.password"
    )
    if password is None:
        raise ConfigError(f"{where}: no password_file or password_env")
    if repository.type != "s3":
        return Secrets(password)
    return Secrets(
        password,
        read_secret(
            file=repository.access_key_id_file,
            env=repository.access_key_id_env,
            what=f"{where}.access_key_id",
        ),
        read_secret(
            file=repository.secret_access_key_file,
            env=repository.secret_access_key_env,
            what=f"{where}.secret_access_key",
        ),
    )


def restic_location(repository: Repository, config: Config) -> str:
    """The RESTIC_REPOSITORY value."""
    if repository.type == "s3":
        endpoint = (repository.endpoint or "").rstrip("/")
        prefix = repository.prefix.strip("/")
        return f"s3:{endpoint}/{repository.bucket}" + (f"/{prefix}" if prefix else "")
    if repository.type == "sftp":
        host = sftp_host(repository, config)
        user = f"{host.user}@" if host.user else ""
        return f"sftp:{user}{host.address}:{repository.remote_path}"
    return str(repository.path)


def sftp_host(repository: Repository, config: Config) -> Host:
    host = config.inventory().get(repository.host or "")
    if host is None or host.local:
        raise ConfigError(
            f"backup.repositories.{repository.name}: host {repository.host!r} is not an SSH host"
        )
    return host


def restic_options(repository: Repository, config: Config) -> tuple[str, ...]:
    """Global restic options for this repository (S3 region, the ssh command for SFTP)."""
    if repository.type == "s3":
        return ("-o", f"s3.region={repository.region}")
    if repository.type != "sftp":
        return ()
    host = sftp_host(repository, config)
    ssh = [
        "ssh",
        "-p",
        str(host.port),
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        f"UserKnownHostsFile={config.state_dir / 'known_hosts'}",
        "-o",
        f"ConnectTimeout={max(1, round(host.connect_timeout_seconds))}",
    ]
    if host.key_file is not None:
        ssh += ["-i", str(host.key_file), "-o", "IdentitiesOnly=yes"]
    destination = f"{host.user}@{host.address}" if host.user else str(host.address)
    ssh += [destination, "-s", "sftp"]
    return ("-o", f"sftp.command={shlex.join(ssh)}")


def restic_environment(
    repository: RepositoryAccess, secrets: Secrets, password_file: str, cache_dir: str | None
) -> dict[str, str]:
    """The environment of a restic child for ``repository``; holds secrets, never log values."""
    env = {
        "RESTIC_REPOSITORY": repository.url,
        "RESTIC_PASSWORD_FILE": password_file,
    }
    if cache_dir:
        env["RESTIC_CACHE_DIR"] = cache_dir
    if secrets.access_key_id and secrets.secret_access_key:
        env["AWS_ACCESS_KEY_ID"] = secrets.access_key_id
        env["AWS_SECRET_ACCESS_KEY"] = secrets.secret_access_key
    return env


def cache_dir(config: Config) -> Path:
    return config.state_dir / "backup" / "cache"


@functools.cache
def detect_version(binary: str) -> ResticVersion:
    """``restic version``, asked once per program file (kept across runs, see ``remembered``)."""
    from opskit.execute import run

    found = _program_path(binary)
    if found is None:
        raise CommandError(Message("backup.restic.not_installed_here", binary=binary))
    known = remembered(found)
    if known is not None:
        return parse_version(known)
    completed = run(version_argv(Restic(found)), timeout_seconds=VERSION_TIMEOUT_SECONDS)
    version = parse_version(completed.stdout)
    remember(found, version.text)
    return version


def _program_path(binary: str) -> str | None:
    """Where ``binary`` is, as ``shutil.which`` finds it; shutil itself would load bz2 and
    lzma into every backup's start."""
    places = [Path(binary)] if os.sep in binary else [Path(d, binary) for d in os.get_exec_path()]
    found = next((p for p in places if os.access(p, os.X_OK) and not p.is_dir()), None)
    return None if found is None else str(found)


@contextmanager
def open_target(config: Config, repository: RepositoryAccess) -> Iterator[Target]:
    """The repository ready for this machine's restic (see ``open_access``)."""
    with open_access(repository, config.backup.restic, str(cache_dir(config))) as target:
        yield target


@contextmanager
def open_access(repository: RepositoryAccess, binary: str, cache: str) -> Iterator[Target]:
    """The repository ready for a local restic; a temporary password file lives for the block."""
    secrets = read_secrets(repository)
    version = detect_version(binary)
    if repository.unusable:
        raise ConfigError(repository.unusable)
    restic = Restic(binary, repository.options, version=version)
    if repository.password_file is not None:
        env = restic_environment(repository, secrets, str(repository.password_file), cache)
        yield Target(repository, restic, env)
        return
    # A password from the environment: an in-memory file no crash leaves behind.
    with memory_file("opskit-restic-password", secrets.password + "\n") as password:
        env = restic_environment(repository, secrets, password.path, cache)
        yield Target(repository, restic, env, (password.descriptor,))
