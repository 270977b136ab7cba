"""The quote-split fast path and chunking read logs exactly as the general pattern does."""

from __future__ import annotations

import dataclasses
from typing import Any

from bench.logs_sample import lines as sample_lines

from opskit.logs.engine import Analysis, analyze
from opskit.logs.formats import compile_format
from opskit.logs.rules import load_rules
from opskit.logs.settings import ScanSettings, Zone
from support.logs import fired, line

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
    '198.51.100.6 - - [06/May/2024:08:00:09 +0800] "GET / HTTP/1.1" 2x0 5 "-" "bad status"',
    ' - - [06/May/2024:08:00:10 +0800] "GET / HTTP/1.1" 200 5 "-" "no client"',
]


def digest(analysis: Analysis) -> dict[str, Any]:
    return {
        "counts": (analysis.lines, analysis.parsed, analysis.malformed),
        "clients": analysis.clients,
        "paths": analysis.paths,
        "statuses": analysis.statuses,
        "minutes": (analysis.minute_totals, analysis.minute_errors),
        "fired": fired(analysis),
    }


def scan(data: bytes, *, fast: bool, chunk_lines: int = 0) -> Analysis:
    log_format = compile_format("combined")
    if not fast:
        log_format = dataclasses.replace(log_format, kind="regex")
    settings = ScanSettings(log_format, tuple(load_rules()), zone=Zone("Asia/Makassar"))
    rows = data.splitlines(keepends=True)
    size = chunk_lines or len(rows)
    chunks = [b"".join(rows[start : start + size]) for start in range(0, len(rows), size)]
    return analyze([("bytes", chunk, 0, len(chunk)) for chunk in chunks], settings)


def mixed_log() -> bytes:
    normal = "".join(sample_lines(3000, seed=11))
    attacks = "".join(line(i, f"/missing-{i}", status=404, client="45.1.2.3") for i in range(12))
    odd = "\n".join(ODD_LINES) + "\n"
    half = len(normal) // 2
    cut = normal.index("\n", half) + 1
    return (normal[:cut] + odd + attacks + normal[cut:]).encode() + b"\xff\xfe garbage\n"


def test_the_fast_path_reads_a_mixed_log_exactly_as_the_general_pattern_does() -> None:
    data = mixed_log()

    quick = scan(data, fast=True)
    plain = scan(data, fast=False)

    assert digest(quick) == digest(plain)
    assert quick.malformed == 5
    assert quick.clients["alice"] == 0 and quick.clients["198.51.100.3"] == 1
    assert quick.paths["/.env"] == 1


def test_odd_lines_in_every_chunk_give_the_same_result() -> None:
    data = mixed_log()

    assert digest(scan(data, fast=True, chunk_lines=7)) == digest(scan(data, fast=False))


def test_a_big_log_read_ahead_by_the_reading_thread_gives_what_small_chunks_give() -> None:
    data = "".join(sample_lines(40_000, seed=3)).encode()
    settings = ScanSettings(compile_format("combined"), tuple(load_rules()), zone=Zone("UTC"))
    chunks = [data[i : i + 1_000_000] for i in range(0, len(data), 1_000_000)]
    # Cut on newlines, as the file readers do.
    whole: list[bytes] = []
    rest = b""
    for piece in chunks:
        joined = rest + piece
        cut = joined.rfind(b"\n") + 1
        whole.append(joined[:cut])
        rest = joined[cut:]
    tasks = [("bytes", chunk, 0, len(chunk)) for chunk in whole]

    ahead = analyze(tasks, settings, expected_bytes=len(data))
    inline = analyze(tasks, settings, expected_bytes=0)

    assert digest(ahead) == digest(inline)
    assert ahead.parsed == data.count(b"\n")
    assert fired(ahead)
