"""Cache entries: written whole, private to their user, the newest kept, never an error."""

from __future__ import annotations

import os
from pathlib import Path

from opskit.userdirs import write_entry


def test_an_entry_is_private_and_whole(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "kind" / "entry.json"

    write_entry(target, b'{"a": 1}', keep=4)

    assert target.read_bytes() == b'{"a": 1}'
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert [path.name for path in target.parent.iterdir()] == ["entry.json"]


def test_only_the_newest_entries_of_a_kind_are_kept(tmp_path: Path) -> None:
    place = tmp_path / "entries"
    place.mkdir()
    other = place / "other.pickle"
    other.write_bytes(b"another kind")
    for index in range(5):  # older than anything written now: times of the test's own choosing
        old = place / f"e{index}.json"
        old.write_bytes(b"{}")
        os.utime(old, (1_000_000 + index, 1_000_000 + index))

    write_entry(place / "e5.json", b"{}", keep=3)

    assert sorted(path.name for path in place.glob("*.json")) == [
        "e3.json",
        "e4.json",
        "e5.json",
    ]
    assert other.exists()


def test_without_keep_nothing_else_is_removed(tmp_path: Path) -> None:
    place = tmp_path / "entries"
    for index in range(3):
        write_entry(place / f"e{index}.json", b"{}")

    assert len(list(place.glob("*.json"))) == 3


def test_a_cache_that_cannot_be_written_is_no_error_and_leaves_nothing(tmp_path: Path) -> None:
    place = tmp_path / "place"
    place.mkdir()
    blocker = place / "cache"
    blocker.write_text("a file where the directory should be")

    write_entry(blocker / "kind" / "entry.json", b"{}", keep=2)

    assert blocker.read_text() == "a file where the directory should be"
    assert [path.name for path in place.iterdir()] == ["cache"]


def test_an_entry_replacing_a_looser_file_is_private(tmp_path: Path) -> None:
    target = tmp_path / "entries" / "entry.json"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o644)

    write_entry(target, b"new")

    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [path.name for path in target.parent.iterdir()] == ["entry.json"]


def test_the_restic_version_cache_is_no_error_where_it_cannot_be_written(tmp_path: Path) -> None:
    from opskit.backup import version

    cache = Path(os.environ["XDG_CACHE_HOME"])
    cache.write_text("a file where the cache directory would be")

    version.remember("/bin/sh", "restic 0.14.0 compiled with go1.19")

    assert version.remembered("/bin/sh") is None
    assert cache.read_text() == "a file where the cache directory would be"
