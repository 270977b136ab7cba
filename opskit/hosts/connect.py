"""Connections to inventory hosts: one code path for this machine and SSH hosts.

The local host gets an invoke ``Context``, an SSH host a Fabric
``Connection``; playbooks receive either and call ``c.run``. SSH host keys
are verified against opskit's own known_hosts file: an unknown or changed
key is refused (never Fabric's default of accepting anything), and
``opskit hosts trust`` is the only way a key gets in.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from opskit.config.schema import Host
from opskit.config.secrets import read_secret
from opskit.errors import HostError
from opskit.text import Message

logger = logging.getLogger(__name__)


class UntrustedHostKey(Exception):
    """The host offered a key that is not in opskit's known_hosts."""

    def __init__(self, hostname: str, key_type: str, fingerprint: str) -> None:
        super().__init__(f"{hostname}: {key_type} {fingerprint} is not trusted")
        self.hostname = hostname
        self.key_type = key_type
        self.fingerprint = fingerprint


def fingerprint(key: Any) -> str:
    """The SHA256 fingerprint as ``ssh-keygen -l`` prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def known_hosts_name(host: Host) -> str:
    """The known_hosts entry name: ``address`` or ``[address]:port``."""
    return host.address if host.port == 22 else f"[{host.address}]:{host.port}"  # type: ignore[return-value]


class KnownHosts:
    """opskit's own known_hosts file (OpenSSH format, mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> Any:
        from paramiko.hostkeys import HostKeys

        keys = HostKeys()
        if self.path.exists():
            keys.load(str(self.path))
        return keys

    def keys_for(self, host: Host) -> dict[str, Any]:
        """Trusted keys of ``host`` by key type (empty if none)."""
        entry = self._load().lookup(known_hosts_name(host))
        return dict(entry) if entry else {}

    def trust(self, host: Host, key: Any, replace: bool = False) -> None:
        """Record ``key`` for ``host``; with ``replace`` drop keys recorded before."""
        keys = self._load()
        name = known_hosts_name(host)
        while replace and keys.lookup(name):
            del keys[name]
        keys.add(name, key.get_name(), key)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_suffix(".tmp")
        temporary.touch(mode=0o600)
        keys.save(str(temporary))
        temporary.chmod(0o600)
        temporary.replace(self.path)


def _reject_policy() -> Any:
    from paramiko.client import MissingHostKeyPolicy

    class RejectUnknown(MissingHostKeyPolicy):
        def missing_host_key(self, client: Any, hostname: str, key: Any) -> None:
            raise UntrustedHostKey(hostname, key.get_name(), fingerprint(key))

    return RejectUnknown()


def _invoke_overrides(host: Host) -> dict[str, Any]:
    sudo_password = read_secret(
        file=host.sudo_password_file,
        env=host.sudo_password_env,
        what=f"hosts.{host.name}.sudo_password",
    )
    overrides: dict[str, Any] = {
        "run": {"hide": True, "warn": True, "in_stream": False},
        "timeouts": {"command": host.command_timeout_seconds},
    }
    if sudo_password is not None:
        overrides["sudo"] = {"password": sudo_password}
    return overrides


def local_context(host: Host) -> Any:
    import invoke

    return invoke.Context(config=invoke.Config(overrides=_invoke_overrides(host), lazy=True))


def ssh_connection(host: Host, known_hosts: KnownHosts) -> Any:
    """An unopened Fabric Connection that refuses unknown and changed host keys."""
    import fabric
    from paramiko.config import SSHConfig

    connect_kwargs: dict[str, Any] = {
        "banner_timeout": host.connect_timeout_seconds,
        "auth_timeout": host.connect_timeout_seconds,
        "channel_timeout": host.connect_timeout_seconds,
    }
    if host.key_file is not None:
        connect_kwargs.update(
            key_filename=[str(host.key_file)], look_for_keys=False, allow_agent=False
        )
    passphrase = read_secret(
        file=host.key_passphrase_file,
        env=host.key_passphrase_env,
        what=f"hosts.{host.name}.key_passphrase",
    )
    if host.key_file is not None:
        check_key_file(host, host.key_file, passphrase)
    if passphrase is not None:
        connect_kwargs["passphrase"] = passphrase
    password = read_secret(
        file=host.password_file, env=host.password_env, what=f"hosts.{host.name}.password"
    )
    if password is not None:
        connect_kwargs["password"] = password
    # lazy + an empty SSHConfig: no ~/.fabric.yml or ~/.ssh/config changes what the inventory says.
    config = fabric.Config(overrides=_invoke_overrides(host), lazy=True, ssh_config=SSHConfig())
    connection = fabric.Connection(
        host.address,
        user=host.user,
        port=host.port,
        config=config,
        connect_timeout=max(1, round(host.connect_timeout_seconds)),
        connect_kwargs=connect_kwargs,
    )
    connection.client.set_missing_host_key_policy(_reject_policy())
    if known_hosts.path.exists():
        connection.client.load_host_keys(str(known_hosts.path))
    return connection


def check_key_file(host: Host, path: Path, passphrase: str | None) -> None:
    """Open the private key before connecting, so a bad key or passphrase is named as such.

    Left to the SSH handshake, a file that is not a key surfaces as a decoding
    error and a wrong passphrase as "Invalid key", neither naming the file.
    """
    import paramiko

    def at(reason: Message) -> Message:
        return Message("hosts.at", host=host.name, destination=host.destination, reason=reason)

    # Bytes at run time, whatever paramiko's annotation says.
    secret: Any = passphrase.encode() if passphrase is not None else None
    try:
        try:
            paramiko.PKey.from_path(path, secret)
        except TypeError:
            # paramiko's way of saying a passphrase is missing, or given for a plain key
            # (harmless: the handshake ignores it).
            if secret is None:
                raise HostError(
                    at(Message("hosts.error.key_file_encrypted", path=str(path))), reason="auth"
                ) from None
            paramiko.PKey.from_path(path, None)
    except OSError as error:
        reason = Message(
            "hosts.error.key_unreadable", path=str(path), detail=str(error.strerror or error)
        )
        raise HostError(at(reason), reason="auth") from None
    except (TypeError, ValueError, UnicodeError, paramiko.SSHException) as error:
        if passphrase is not None and "BEGIN" in _first_line(path):
            message = at(Message("hosts.error.key_wrong_passphrase", path=str(path)))
        else:
            message = at(Message("hosts.error.key_not_a_key", path=str(path)))
        logger.debug("loading %s: %s", path, error)
        raise HostError(message, reason="auth") from None


def _first_line(path: Path) -> str:
    try:
        with path.open("rb") as file:
            return file.readline(200).decode("ascii", "replace")
    except OSError:
        return ""


@contextmanager
def session(host: Host, known_hosts: KnownHosts) -> Iterator[Any]:
    """An open Context/Connection for ``host``; failures become HostError with the reason."""
    if host.local:
        yield local_context(host)
        return
    connection = ssh_connection(host, known_hosts)
    try:
        try:
            connection.open()
        except Exception as error:  # noqa: BLE001 - every connect failure is explained below
            raise explain(host, error) from None
        yield connection
    finally:
        connection.close()


def explain(host: Host, error: BaseException) -> HostError:
    """A readable HostError for a connection or command failure on ``host``."""
    import paramiko

    if isinstance(error, HostError):
        return error

    def at(reason: Message) -> Message:
        return Message("hosts.at", host=host.name, destination=host.destination, reason=reason)

    if isinstance(error, UntrustedHostKey):
        untrusted = Message(
            "hosts.error.untrusted_key",
            key_type=error.key_type,
            fingerprint=error.fingerprint,
            host=host.name,
        )
        return HostError(
            at(untrusted),
            reason="untrusted-key",
            details=[
                "check the fingerprint with the server's admin, then run: "
                f"opskit hosts trust {host.name}"
            ],
        )
    if isinstance(error, paramiko.BadHostKeyException):
        changed = Message(
            "hosts.error.changed_key",
            expected=fingerprint(error.expected_key),
            key_type=error.key.get_name(),
            fingerprint=fingerprint(error.key),
        )
        return HostError(
            at(changed),
            details=[
                "someone may be intercepting the connection, or the server was reinstalled;",
                f"only if the change is confirmed: opskit hosts trust {host.name} --replace",
            ],
            reason="changed-key",
        )
    for kinds, reason in _reasons():
        if isinstance(error, kinds):
            return HostError(at(reason(host, error)), reason=_kind(error))
    other = Message("hosts.error.other", kind=error.__class__.__name__, detail=str(error))
    return HostError(at(other))


def _kind(error: BaseException) -> str:
    """Whether a failure means the host is unreachable (counts toward CRITICAL) or else."""
    import paramiko

    if isinstance(error, paramiko.AuthenticationException):
        return "auth"
    if isinstance(error, OSError | EOFError | paramiko.SSHException):
        return "unreachable"
    return "error"


def _ssh_reason(host: Host, error: Any) -> Message:
    message = str(error)
    # A silent server shows up as a banner timeout or, when the handshake
    # deadline passes first, as "No existing session" / "Negotiation timed out".
    if any(text in message.lower() for text in ("banner", "no existing session", "timed out")):
        return Message("hosts.error.no_greeting", seconds=host.connect_timeout_seconds)
    return Message("hosts.error.ssh", detail=message)


def _reasons() -> list[tuple[Any, Callable[[Host, Any], Message]]]:
    """Exception types and what they mean, most specific first."""
    import paramiko
    from invoke.exceptions import AuthFailure, CommandTimedOut

    return [
        (
            paramiko.PasswordRequiredException,
            lambda host, error: Message("hosts.error.key_encrypted"),
        ),
        (
            paramiko.AuthenticationException,
            lambda host, error: Message(
                "hosts.error.auth", user=host.user or Message("hosts.error.current_user")
            ),
        ),
        (AuthFailure, lambda host, error: Message("hosts.error.sudo_refused")),
        (
            CommandTimedOut,
            lambda host, error: Message(
                "hosts.error.command_timeout", seconds=host.command_timeout_seconds
            ),
        ),
        (
            (paramiko.ssh_exception.NoValidConnectionsError, ConnectionRefusedError),
            lambda host, error: Message("hosts.error.refused", port=host.port),
        ),
        (
            socket.gaierror,
            lambda host, error: Message("hosts.error.unresolved", address=host.address),
        ),
        (
            (TimeoutError, socket.timeout),
            lambda host, error: Message(
                "hosts.error.no_answer", seconds=host.connect_timeout_seconds
            ),
        ),
        (paramiko.SSHException, _ssh_reason),
        (
            OSError,
            lambda host, error: Message("hosts.error.system", detail=str(error.strerror or error)),
        ),
        (EOFError, lambda host, error: Message("hosts.error.closed")),
    ]


def fetch_host_key(host: Host) -> Any:
    """The host key the server offers now (for ``opskit hosts trust``)."""
    import paramiko

    try:
        sock = socket.create_connection(
            (host.address, host.port), timeout=host.connect_timeout_seconds
        )
    except OSError as error:
        raise explain(host, error) from None
    transport = paramiko.Transport(sock)
    transport.banner_timeout = host.connect_timeout_seconds
    try:
        transport.start_client(timeout=host.connect_timeout_seconds)
        return transport.get_remote_server_key()
    except (paramiko.SSHException, OSError, EOFError) as error:
        raise explain(host, error) from None
    finally:
        transport.close()
