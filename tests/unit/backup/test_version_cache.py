"""restic's version, asked once per program file: kept by path, size and modification time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opskit.backup import repository
from opskit.backup.version import remember, remembered
from opskit.errors import CommandError


@pytest.fixture
def fake_restic(tmp_path: Path) -> Path:
    """A program answering ``restic version`` and counting how often it was asked."""
    program = tmp_path / "bin" / "restic"
    program.parent.mkdir()
    program.write_text(
        f"#!/bin/sh\necho asked >> {tmp_path / 'asked'}\n"
        "echo 'restic 0.16.4 compiled with go1.22 on linux/amd64'\n"
    )
    program.chmod(0o755)
    repository.detect_version.cache_clear()
    yield program
    repository.detect_version.cache_clear()


def asked(tmp_path: Path) -> int:
    record = tmp_path / "asked"
    return len(record.read_text().splitlines()) if record.exists() else 0


def test_the_version_is_asked_once_across_runs(fake_restic: Path, tmp_path: Path) -> None:
    first = repository.detect_version(str(fake_restic))
    repository.detect_version.cache_clear()  # a new opskit process
    second = repository.detect_version(str(fake_restic))

    assert str(first) == str(second) == "0.16.4"
    assert asked(tmp_path) == 1


def test_a_replaced_program_is_asked_again(fake_restic: Path, tmp_path: Path) -> None:
    repository.detect_version(str(fake_restic))
    repository.detect_version.cache_clear()
    fake_restic.write_text(fake_restic.read_text().replace("0.16.4", "0.18.0"))
    stat = fake_restic.stat()
    os.utime(fake_restic, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    assert str(repository.detect_version(str(fake_restic))) == "0.18.0"
    assert asked(tmp_path) == 2


def test_the_version_is_kept_by_the_real_path(fake_restic: Path, tmp_path: Path) -> None:
    link = tmp_path / "restic-link"
    link.symlink_to(fake_restic)
    remember(str(link), "restic 0.17.3 compiled with go1.23")

    assert remembered(str(fake_restic)) == "restic 0.17.3 compiled with go1.23"
    assert remembered(str(tmp_path / "missing")) is None


def test_a_damaged_cache_is_a_miss(fake_restic: Path, tmp_path: Path) -> None:
    repository.detect_version(str(fake_restic))
    cache = next(Path(os.environ["HOME"]).rglob("restic-versions.json"))
    cache.write_text("[1, 2")
    repository.detect_version.cache_clear()

    assert str(repository.detect_version(str(fake_restic))) == "0.16.4"
    assert asked(tmp_path) == 2


def test_the_program_is_found_on_path_as_shutil_finds_it(
    fake_restic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_program = tmp_path / "first" / "restic"
    not_a_program.parent.mkdir()
    not_a_program.write_text("not executable\n")  # skipped, as is a directory of that name
    (tmp_path / "second" / "restic").mkdir(parents=True)
    monkeypatch.setenv(
        "PATH", os.pathsep.join(str(tmp_path / d) for d in ("first", "second", "bin"))
    )

    assert str(repository.detect_version("restic")) == "0.16.4"
    repository.detect_version.cache_clear()
    with pytest.raises(CommandError) as missing:
        repository.detect_version("restic-nowhere")
    assert "restic-nowhere: restic" in str(missing.value.message)
