"""Shipped YAML kept parsed: the same bytes parse once, anything else is a miss, never an error."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

from opskit import catalog, parsed_cache
from opskit.text import catalogue


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


class Counting:
    """A parser that counts its calls and returns each file's text by name."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, texts: list[tuple[Path, str]]) -> dict[str, str]:
        self.calls += 1
        return {path.name: text for path, text in texts}


def files(tmp_path: Path, **contents: str) -> list[Path]:
    paths = []
    for name, text in contents.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_the_same_bytes_are_parsed_once(tmp_path: Path, cache_home: Path) -> None:
    paths = files(tmp_path, a="satu", b="dua")
    parse = Counting()
    first = parsed_cache.load("demo", paths, parse)
    second = parsed_cache.load("demo", paths, parse)
    assert first == second == {"a.yaml": "satu", "b.yaml": "dua"}
    assert parse.calls == 1
    (kept,) = (cache_home / "opskit" / "parsed" / "demo").glob("*.json")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700


def test_changed_bytes_are_parsed_again(tmp_path: Path) -> None:
    paths = files(tmp_path, a="satu")
    parse = Counting()
    parsed_cache.load("demo", paths, parse)
    paths[0].write_text("tiga", encoding="utf-8")
    assert parsed_cache.load("demo", paths, parse) == {"a.yaml": "tiga"}
    assert parse.calls == 2


def test_a_damaged_entry_is_a_miss(tmp_path: Path, cache_home: Path) -> None:
    paths = files(tmp_path, a="satu")
    parse = Counting()
    parsed_cache.load("demo", paths, parse)
    for kept in (cache_home / "opskit" / "parsed" / "demo").glob("*.json"):
        kept.write_bytes(b"\xff{not json")
    assert parsed_cache.load("demo", paths, parse) == {"a.yaml": "satu"}
    assert parse.calls == 2


def test_data_json_cannot_give_back_is_not_kept(tmp_path: Path, cache_home: Path) -> None:
    paths = files(tmp_path, a="satu")
    calls = []

    def dated(texts: list[tuple[Path, str]]) -> dict[str, date]:
        calls.append(1)
        return {"when": date(2026, 12, 3)}

    assert parsed_cache.load("dated", paths, dated) == {"when": date(2026, 12, 3)}
    assert parsed_cache.load("dated", paths, dated) == {"when": date(2026, 12, 3)}
    assert len(calls) == 2
    assert not (cache_home / "opskit" / "parsed" / "dated").exists()


def test_a_parse_error_is_raised_and_nothing_kept(tmp_path: Path, cache_home: Path) -> None:
    paths = files(tmp_path, a="satu")

    def broken(texts: list[tuple[Path, str]]) -> dict[str, str]:
        raise ValueError("a.yaml: text id x is defined twice")

    with pytest.raises(ValueError, match="defined twice"):
        parsed_cache.load("broken", paths, broken)
    assert not (cache_home / "opskit" / "parsed" / "broken").exists()


def test_an_unwritable_cache_still_answers(tmp_path: Path, cache_home: Path) -> None:
    cache_home.mkdir()
    (cache_home / "opskit").write_text("a file where the directory would be")
    parse = Counting()
    paths = files(tmp_path, a="satu")
    assert parsed_cache.load("demo", paths, parse) == {"a.yaml": "satu"}
    assert parsed_cache.load("demo", paths, parse) == {"a.yaml": "satu"}
    assert parse.calls == 2


def test_catalogues_and_runbooks_read_the_same_from_the_cache(cache_home: Path) -> None:
    catalogue.table.cache_clear()
    catalog.runbooks.cache_clear()
    parsed = (catalogue.table("id"), catalogue.table("en"), catalog.runbooks())
    assert len(list((cache_home / "opskit" / "parsed").glob("*/*.json"))) == 3
    catalogue.table.cache_clear()
    catalog.runbooks.cache_clear()
    assert (catalogue.table("id"), catalogue.table("en"), catalog.runbooks()) == parsed
    assert catalog.sop_row("backup.run") == parsed[2]["backup.run"].sop_row
