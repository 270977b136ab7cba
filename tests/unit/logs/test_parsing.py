"""Parsing captured logs, custom formats, and hostile input that must never crash."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from opskit.errors import UsageError
from opskit.logs.formats import compile_format, parse_time
from support.logs import fired, line, run

DATA = Path(__file__).parents[2] / "data" / "logs"


def test_captured_nginx_log_parses_every_line_and_spots_the_thinkphp_probe() -> None:
    analysis = run((DATA / "nginx-combined.log").read_bytes())

    assert (analysis.lines, analysis.parsed, analysis.malformed) == (7, 7, 0)
    assert analysis.statuses[400] == 1
    assert "cve-probe" in fired(analysis)["36.72.218.4"]


def test_captured_apache_log_with_escaped_quotes_and_dash_request() -> None:
    analysis = run((DATA / "apache-combined.log").read_bytes())

    assert (analysis.parsed, analysis.malformed) == (4, 0)
    assert "cve-probe" in fired(analysis)["10.20.30.42"]


def test_custom_nginx_format_with_iso_time() -> None:
    spec = '$remote_addr [$time_iso8601] "$request" $status $request_time "$http_user_agent"'
    text = "".join(
        f'203.0.113.9 [2024-05-06T08:00:0{i}+08:00] "GET /.env HTTP/1.1" 404 0.001 "curl/8"\n'
        for i in range(4)
    )

    analysis = run(text, spec)

    assert analysis.parsed == 4
    assert "sensitive-files" in fired(analysis)["203.0.113.9"]


def test_apache_logformat_string_is_understood() -> None:
    spec = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"'

    assert run(line(0, "/"), spec).parsed == 1


def test_a_format_without_time_is_refused_with_what_is_missing() -> None:
    with pytest.raises(UsageError, match="lacks time"):
        compile_format('$remote_addr "$request" $status')


def test_garbage_huge_lines_and_invalid_utf8_are_counted_not_fatal() -> None:
    hostile = (
        (
            line(0, "/")
            + "\x00\x01\x02 binary \xff garbage\n"
            + "x" * 1_000_000
            + "\n"
            + line(1, "/berita")
        ).encode("latin-1")
        + b'203.0.113.7 - - [06/May/2024:08:00:02 +0800] "GET /\xc3\x28 HTTP/1.1" 200 1 '
        + b'"-" "\xff\xfe"\n'
        + b"\xde\xad\xbe\xef" * 1000
        + b"\n"
        + b'203.0.113.8 - - [99/Foo/2024:99:99:99 +0800] "GET / HTTP/1.1" 200 1 "-" "-"\n'
    )

    analysis = run(hostile)

    assert analysis.parsed == 3
    assert analysis.malformed == 4
    assert any("1000000 bytes" in sample for sample in analysis.malformed_samples)
    assert any("99/Foo/2024" in sample for sample in analysis.malformed_samples)


@pytest.mark.parametrize(
    "text",
    [
        "06/May/2024:10:00:01 +0800",
        "31/Dec/2023:23:59:59 -0130",
        "29/Feb/2024:00:00:00 +0000",
        "2024-05-06T10:00:01+08:00",
    ],
)
def test_log_times_read_as_the_moment_they_name(text: str) -> None:
    if "T" in text:
        expected = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").timestamp()
    else:
        expected = datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z").timestamp()

    assert parse_time(text.encode()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "06/May/2024:24:00:01 +0800",
        "06/May/2024:10:60:01 +0800",
        "31/Feb/2024:10:00:01 +0800",
        "06/Foo/2024:10:00:01 +0800",
        "06/May/2024:10:00:01",
        "06/May/2024:10:00:01 +0800] trailing",
        "2024-05-06T10:00:01",
    ],
)
def test_impossible_or_zoneless_times_are_not_read(text: str) -> None:
    assert parse_time(text.encode()) is None
