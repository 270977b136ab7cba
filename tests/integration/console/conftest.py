"""A court with every role, its history seeded, for driving the console."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from opskit.config.schema import Config
from support.console import court as court_of
from support.console import seed


@pytest.fixture
def court_config(make_config: Callable[..., Path]) -> Callable[..., Config]:
    def make(**extra: Any) -> Config:
        return court_of(make_config, **extra)

    return make


@pytest.fixture
def seeded(court_config: Callable[..., Config]) -> tuple[Config, dict[str, int]]:
    config = court_config()
    return config, seed(config)


@pytest.fixture
def court(seeded: tuple[Config, dict[str, int]]) -> tuple[Config, dict[str, int]]:
    """The court a browser test drives (a module may override it with its own settings)."""
    return seeded


@pytest.fixture
def server(court: tuple[Config, dict[str, int]]) -> Iterator[Any]:
    """The console of ``court``, served on a free loopback port."""
    from opskit.console.server import Background, Listen

    console = Background(court[0], Listen("127.0.0.1", 0)).start()
    yield console
    console.stop()


@pytest.fixture(scope="module")
def seeded_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, dict[str, int]]:
    """One seeded court for a whole module of read-mostly tests (hashing is slow on purpose)."""
    directory = tmp_path_factory.mktemp("court")
    config = court_of(lambda data: write_config(directory, data))
    return config, seed(config)


def write_config(directory: Path, data: dict[str, Any]) -> Path:
    import yaml

    content = {
        "organisation": {"name": "Pengadilan Agama Uji", "timezone": "Asia/Makassar"},
        "paths": {"state_dir": str(directory / "state")},
        **data,
    }
    path = directory / "opskit.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))
    return path


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A real headless Chromium with its own profile."""
    from support.browser import chromium

    with chromium(tmp_path / "profile") as driver:
        yield driver
