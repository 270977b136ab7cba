"""Real servers for integration tests, started here and torn down after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.sshd import SshServer, keygen


@pytest.fixture
def client_key(tmp_path: Path) -> Path:
    return keygen(tmp_path / "client_ed25519")


@pytest.fixture
def sshd_factory(tmp_path: Path, client_key: Path) -> Iterator[Callable[[str], SshServer]]:
    servers: list[SshServer] = []

    def start(name: str = "sshd") -> SshServer:
        server = SshServer(tmp_path / name, client_key).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sshd(sshd_factory: Callable[[str], SshServer]) -> SshServer:
    return sshd_factory("sshd")


@pytest.fixture
def servers() -> Iterator[Callable[[Any], Any]]:
    """Start a server object (anything with start/stop) and stop it after the test."""
    started: list[Any] = []

    def start(server: Any) -> Any:
        started.append(server.start())
        return server

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port that accepts and never answers: pinging it takes the whole connect timeout."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield int(server.getsockname()[1])
    server.close()
