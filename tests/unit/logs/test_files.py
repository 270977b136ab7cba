"""Incremental reading: rotation (rename, gzip, copytruncate), truncation, gzip, time order."""

from __future__ import annotations

import gzip
from pathlib import Path

from opskit.logs.files import cursor, local_set, plan_reads
from opskit.logs.sources import LocalSource, files_in_time_order
from support.logs import line


def read_new(base: Path, state: dict | None) -> tuple[bytes, dict, str]:
    """Everything new in the set of ``base`` since ``state``, and the state after it."""
    source = LocalSource()
    files = local_set(base)
    reads, how = plan_reads(files, state)
    reached: dict[str, int] = {}
    data = b""
    for read in reads:
        for task in list(source.tasks(read, reached)):
            if task[0] == "bytes":
                data += task[1]
            else:
                with open(task[1], "rb") as stream:
                    stream.seek(task[2])
                    data += stream.read(task[3] - task[2])
    return data, cursor(files[-1], reached[files[-1].name]), how


def lines_of(first: int, count: int) -> str:
    return "".join(line(second, f"/p{second}") for second in range(first, first + count))


def test_second_run_reads_only_new_lines_and_waits_for_a_half_written_one(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(lines_of(0, 3))
    first, state, _ = read_new(log, None)
    with log.open("a") as stream:
        stream.write(lines_of(3, 2) + "203.0.113.7 - - [06/May")

    second, state, how = read_new(log, state)

    assert first.count(b"\n") == 3
    assert second == lines_of(3, 2).encode()
    assert how == "continuing where the last run stopped"


def test_rotation_to_a_gzip_file_finishes_the_old_file_then_reads_the_new(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(lines_of(0, 3))
    _, state, _ = read_new(log, None)
    with log.open("a") as stream:
        stream.write(lines_of(3, 2))
    rotated = tmp_path / "access.log.1.gz"
    with gzip.open(rotated, "wb") as stream:
        stream.write(log.read_bytes())
    log.write_text(lines_of(5, 4))

    data, state, how = read_new(log, state)

    assert data == (lines_of(3, 2) + lines_of(5, 4)).encode()
    assert "rotated" in how
    again, _, _ = read_new(log, state)
    assert again == b""


def test_copytruncate_rotation_is_followed(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(lines_of(0, 3))
    _, state, _ = read_new(log, None)
    with log.open("a") as stream:
        stream.write(lines_of(3, 1))
    (tmp_path / "access.log.1").write_bytes(log.read_bytes())
    log.write_text("")  # truncated in place: same inode
    with log.open("a") as stream:
        stream.write(lines_of(10, 2))

    data, _, _ = read_new(log, state)

    assert data == (lines_of(3, 1) + lines_of(10, 2)).encode()


def test_truncation_without_a_copy_starts_over(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(lines_of(0, 5))
    _, state, _ = read_new(log, None)
    log.write_text(lines_of(20, 1))

    data, _, how = read_new(log, state)

    assert data == lines_of(20, 1).encode()
    assert "truncated" in how or "gone" in how


def test_files_named_in_any_order_are_read_oldest_first(tmp_path: Path) -> None:
    (tmp_path / "access.log").write_text(lines_of(200, 1))
    (tmp_path / "access.log.1").write_text(lines_of(100, 1))
    with gzip.open(tmp_path / "access.log.2.gz", "wt") as stream:
        stream.write(lines_of(0, 1))

    ordered = files_in_time_order(
        [str(tmp_path / name) for name in ("access.log", "access.log.2.gz", "access.log.1")]
    )

    assert [Path(info.name).name for info in ordered] == [
        "access.log.2.gz",
        "access.log.1",
        "access.log",
    ]
    assert [Path(info.name).name for info in local_set(tmp_path / "access.log")] == [
        "access.log.2.gz",
        "access.log.1",
        "access.log",
    ]
