"""Backup fixtures: a website's files, repositories with 0600 passwords, real servers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.mariadb import MariaDB
from support.moto_s3 import MotoServer
from support.restic import REPOSITORY_PASSWORD
from support.secrets import write_secret
from support.system import require


@pytest.fixture
def restic() -> str:
    return require("restic", "restic")


@pytest.fixture
def website(tmp_path: Path) -> Path:
    """A small website: PHP files, uploads, a nested cache to exclude."""
    root = tmp_path / "www" / "html"
    (root / "images").mkdir(parents=True)
    (root / "cache").mkdir()
    (root / "index.php").write_text("<?php echo 'Pengadilan Agama'; ?>\n")
    (root / "berita.php").write_text("<?php // berita terbaru ?>\n" * 50)
    for index in range(5):
        (root / "images" / f"foto{index}.jpg").write_bytes(os.urandom(20_000 + index))
    (root / "cache" / "page.html").write_text("cached\n")
    return root


@pytest.fixture
def repository_password(tmp_path: Path) -> Path:
    return write_secret(tmp_path / "repository.password", REPOSITORY_PASSWORD)


@pytest.fixture
def backup_config(
    make_config: Callable[..., Path], tmp_path: Path, website: Path, repository_password: Path
) -> Callable[..., Path]:
    """A config with a local repository and a ``website`` set; keyword overrides per test."""

    def write(
        *,
        name: str = "opskit.yaml",
        extra_hosts: list[dict[str, Any]] | None = None,
        sets: list[dict[str, Any]] | None = None,
        repositories: list[dict[str, Any]] | None = None,
        **backup: Any,
    ) -> Path:
        return make_config(
            {
                "backup": {
                    "repositories": repositories
                    or [
                        {
                            "name": "local",
                            "path": str(tmp_path / "repo"),
                            "password_file": str(repository_password),
                        }
                    ],
                    "sets": sets
                    or [
                        {
                            "name": "website",
                            "paths": [str(website)],
                            "exclude": [str(website / "cache")],
                            "repositories": ["local"],
                        }
                    ],
                    **backup,
                },
                "hosts": extra_hosts or [],
            },
            name=name,
        )

    return write


@pytest.fixture
def moto(tmp_path: Path) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path / "moto").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDB]:
    server = MariaDB(tmp_path_factory.mktemp("mariadb")).start()
    yield server
    server.stop()
