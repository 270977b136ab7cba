"""The combined-format shortcut and parallel scanning read logs exactly as the plain path does."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from bench.logs_sample import lines as sample_lines

from opskit.logs.engine import PARALLEL_MINIMUM_BYTES, Analysis, analyze
from opskit.logs.fields import FieldReader, slices
from opskit.logs.formats import compile_format
from opskit.logs.rules import load_rules
from opskit.logs.scan import ScanSettings
from support.logs import START, fired, line

ODD_LINES = [
    # Apache escapes a quote in the user agent: seven quotes on the line.
    r'203.0.113.9 - - [06/May/2024:08:00:05 +0800] "GET /x HTTP/1.1" 200 5 "-" "Mozilla \"q\" x"',
    # A logged-in user instead of "-".
    '198.51.100.3 - alice [06/May/2024:08:00:06 +0800] "GET /admin HTTP/1.1" 401 5 "-" "curl/8"',
    # An extra field after the user agent (nginx with $http_x_forwarded_for appended).
    '198.51.100.4 - - [06/May/2024:08:00:07 +0800] "GET /.env HTTP/1.1" 404 5 "-" "curl/8" '
    '"10.1.1.1"',
    "",
    "complete garbage without any quotes",
    'five "quotes" only " here "',
    '198.51.100.5 - - [06/May/2024:08:00:08] "GET / HTTP/1.1" 200 5 "-" "no zone"',
    '198.51.100.6 - - [06/May/2024:08:00:09 +0800] "GET / HTTP/1.1" 2x0 5 "-" "bad status"',
    ' - - [06/May/2024:08:00:10 +0800] "GET / HTTP/1.1" 200 5 "-" "no client"',
]


def digest(analysis: Analysis) -> dict[str, Any]:
    return {
        "counts": (analysis.lines, analysis.parsed, analysis.malformed),
        "samples": sorted(analysis.malformed_samples),
        "clients": analysis.clients,
        "paths": analysis.paths,
        "statuses": analysis.statuses,
        "minutes": (analysis.minute_totals, analysis.minute_errors),
        "fired": fired(analysis),
    }


def scan(data: bytes, *, shortcut: bool, chunk_lines: int = 0, jobs: int = 1) -> Analysis:
    log_format = dataclasses.replace(compile_format("combined"), combined=shortcut)
    settings = ScanSettings(log_format, tuple(load_rules()))
    rows = data.splitlines(keepends=True)
    size = chunk_lines or len(rows)
    chunks = [b"".join(rows[start : start + size]) for start in range(0, len(rows), size)]
    tasks = [("bytes", chunk, 0, len(chunk)) for chunk in chunks]
    # Claiming a big input makes two jobs really start worker processes.
    return analyze(tasks, settings, jobs=jobs, expected_bytes=PARALLEL_MINIMUM_BYTES)


def mixed_log() -> bytes:
    normal = "".join(sample_lines(3000, seed=11))
    attacks = "".join(line(i, f"/missing-{i}", status=404, client="45.1.2.3") for i in range(12))
    odd = "\n".join(ODD_LINES) + "\n"
    half = len(normal) // 2
    cut = normal.index("\n", half) + 1
    return (normal[:cut] + odd + attacks + normal[cut:]).encode() + b"\xff\xfe garbage\n"


def test_the_shortcut_reads_a_mixed_log_exactly_as_the_regular_expression_does() -> None:
    data = mixed_log()

    quick = scan(data, shortcut=True)
    plain = scan(data, shortcut=False)

    assert digest(quick) == digest(plain)
    assert quick.malformed == 6
    assert quick.clients["alice"] == 0 and quick.clients["198.51.100.3"] == 1
    assert quick.paths["/.env"] == 1


def test_odd_lines_in_every_chunk_give_the_same_result() -> None:
    data = mixed_log()

    chunked = digest(scan(data, shortcut=True, chunk_lines=7))
    whole = digest(scan(data, shortcut=False))

    # Which five malformed lines are kept as samples depends on the order of reading.
    assert chunked.pop("samples") != [] and whole.pop("samples") != []
    assert chunked == whole


def test_chunks_scanned_by_two_processes_give_what_one_process_finds() -> None:
    data = "".join(sample_lines(20_000, seed=3)).encode()

    parallel = scan(data, shortcut=True, chunk_lines=1500, jobs=2)
    single = scan(data, shortcut=True, chunk_lines=1500, jobs=1)

    assert digest(parallel) == digest(single)
    assert parallel.parsed == data.count(b"\n")
    assert fired(parallel)


def test_a_plain_file_is_read_in_ranges_with_the_newline_before_each(tmp_path: Path) -> None:
    from opskit.logs.engine import _chunk

    log = tmp_path / "access.log"
    log.write_bytes(b"first line\nsecond line\nthird")

    assert _chunk(("range", str(log), 0, 11)) == b"\nfirst line\n"
    assert _chunk(("range", str(log), 11, 23)) == b"\nsecond line\n"
    assert _chunk(("bytes", b"third", 0, 5)) == b"\nthird"


def test_a_time_key_of_the_shortcut_reads_as_the_time_it_holds() -> None:
    reader = FieldReader(compile_format("combined"))

    fields = reader.read(b"\n" + line(0, "/").encode())

    (key,) = fields.columns["time"]
    assert reader.epochs[key] == START.timestamp()


def test_scanning_a_chunk_in_slices_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    data = mixed_log()
    whole = digest(scan(data, shortcut=True))

    monkeypatch.setattr("opskit.logs.scan.SLICE_BYTES", 20_000)
    sliced = digest(scan(data, shortcut=True))

    assert sliced.pop("samples") and whole.pop("samples")
    assert sliced == whole


def test_slices_keep_the_newline_in_front_of_every_piece() -> None:
    data = b"\nfirst\nsecond\nthird\n"

    pieces = list(slices(data, 3))

    assert pieces == [b"\nfirst", b"\nsecond", b"\nthird", b"\n"]
    assert b"".join(pieces) == data
