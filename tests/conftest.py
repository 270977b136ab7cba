"""Shared fixtures: an isolated home, configs written by tests, and the CLI run for real."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from opskit.cli import main
from opskit.masking import forget_secrets
from support.cli import CliRun

ORGANISATION = {"name": "Pengadilan Agama Uji", "timezone": "Asia/Makassar", "language": "id"}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep every test away from the real ~/.ssh, config and state: a fresh home and cwd."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    for name in ("OPSKIT_CONFIG", "SSH_AUTH_SOCK", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    forget_secrets()
    yield home
    forget_secrets()


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Write an opskit.yaml from a dict (organisation and a private state dir filled in)."""

    def write(data: dict[str, Any] | None = None, name: str = "opskit.yaml") -> Path:
        content: dict[str, Any] = {
            "organisation": dict(ORGANISATION),
            "paths": {"state_dir": str(tmp_path / "state")},
        }
        content.update(data or {})
        path = tmp_path / name
        path.write_text(yaml.safe_dump(content, sort_keys=False))
        return path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliRun]:
    """Run ``opskit ARGS`` in this process and capture what it printed."""

    def run(*arguments: str | Path) -> CliRun:
        capsys.readouterr()
        code = main([str(argument) for argument in arguments])
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """One private PostgreSQL server for the session (Debian's binaries, a Unix socket)."""
    from support.postgres import PostgreSQL

    server = PostgreSQL().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def history_location(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Where a test's history lives: an SQLite file, or a fresh database of the test server."""
    if request.param == "sqlite":
        return tmp_path / "history.sqlite"
    from opskit.store.location import StoreLocation

    server = request.getfixturevalue("postgres_server")
    return StoreLocation(
        url=server.url(server.create_database()), password_file=server.password_file
    )
