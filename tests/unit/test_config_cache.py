"""The config as last read, kept by content hash: same results, no secrets on disk, YAML skipped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from opskit import bounded_yaml
from opskit.config import cache
from opskit.config.load import load
from opskit.errors import ConfigError
from opskit.masking import forget_secrets, mask
from opskit.parsed_cache import is_plain

CONFIG = """\
organisation: {name: Pengadilan Agama Uji, timezone: Asia/Makassar}
paths: {state_dir: state}
notifications:
  channels:
    - name: chat
      url: "json://127.0.0.1:9/hook?token=${HOOK_TOKEN}"
sites:
  - name: pa
    url: https://www.pa-uji.go.id/
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOOK_TOKEN", "Rahasia9Token")
    path = tmp_path / "opskit.yaml"
    path.write_text(CONFIG)
    return path


def test_a_second_load_of_the_same_bytes_reads_no_yaml(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load(config)

    def refuse(text: str) -> None:
        raise AssertionError("YAML was parsed again")

    monkeypatch.setattr(bounded_yaml, "compose_and_load", refuse)
    second = load(config)

    assert second.model_dump() == first.model_dump()
    assert second.source == config


def test_no_secret_from_the_environment_is_written_and_masking_still_knows_it(
    config: Path,
) -> None:
    load(config)
    forget_secrets()

    load(config)  # from the cache

    [entry] = cache.directory().glob("*.json")
    assert "Rahasia9Token" not in entry.read_text()
    assert "${HOOK_TOKEN}" in entry.read_text()
    assert entry.stat().st_mode & 0o077 == 0
    assert mask("token Rahasia9Token") == "token ***"


def test_interpolation_is_redone_on_every_load(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(config)
    monkeypatch.delenv("HOOK_TOKEN")

    with pytest.raises(ConfigError) as raised:
        load(config)

    assert "HOOK_TOKEN" in " ".join(raised.value.details)
    assert ":6:" in " ".join(raised.value.details)  # the full read again, with the line


def test_a_changed_file_is_read_anew(config: Path) -> None:
    load(config)
    config.write_text(CONFIG.replace("name: pa\n", "name: pa-baru\n"))

    assert [site.name for site in load(config).sites] == ["pa-baru"]


def test_a_damaged_entry_is_a_miss(config: Path) -> None:
    load(config)
    [entry] = cache.directory().glob("*.json")
    entry.write_text("{not json")

    assert [site.name for site in load(config).sites] == ["pa"]


def test_data_json_cannot_give_back_is_not_kept(config: Path) -> None:
    config.write_text(CONFIG + "hosts: []\nmaintenance_start: 2026-11-01\n")

    with pytest.raises(ConfigError):
        load(config)  # an unknown key: nothing kept for an invalid file either

    assert not list(cache.directory().glob("*.json"))
    assert not is_plain({"day": date(2026, 11, 1)})
