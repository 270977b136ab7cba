"""Streamed output: JSON text masked as the decoded data would be, plain tables for many rows."""

from __future__ import annotations

import io
import json

import pytest

from opskit.masking import forget_secrets, mask_data, mask_json, register_secret
from opskit.outcome import Outcome, Rows
from opskit.output.human import PLAIN_ROWS
from opskit.output.stream import write_csv, write_envelope, write_lines
from opskit.output.views import write_human
from opskit.result import Result, Status

ROW = {
    "summary": 'kata "Rahasia9" di sini',
    "evidence": {"year": 2026, "ok": True, "note": "tahun 2026, true", "Rahasia9": [1.5e3]},
}


@pytest.fixture(autouse=True)
def no_secrets() -> None:
    forget_secrets()


@pytest.mark.parametrize("secret", ["Rahasia9", "2026", "true", 'di "sini', "\\u00"])
def test_masking_the_text_equals_masking_the_data(secret: str) -> None:
    register_secret(secret)
    text = json.dumps(ROW, ensure_ascii=False, separators=(",", ":"))

    masked = mask_json(text)

    assert json.loads(masked) == mask_data(ROW)


def test_text_without_secrets_is_returned_as_is() -> None:
    text = json.dumps(ROW)
    assert mask_json(text) is text


def rows(count: int) -> Rows:
    return Rows.of(
        [{"n": index, "nested": {"a": [index]}} for index in range(count)], ("n", "nested")
    )


def test_the_envelope_holds_the_rows_and_parses() -> None:
    stream = io.StringIO()
    write_envelope("history", Outcome("history", data={"results": rows(3), "other": 1}), stream)

    document = json.loads(stream.getvalue())

    assert document["data"] == {
        "results": [
            {"n": 0, "nested": {"a": [0]}},
            {"n": 1, "nested": {"a": [1]}},
            {"n": 2, "nested": {"a": [2]}},
        ],
        "other": 1,
    }
    assert stream.getvalue().count("\n      {") == 3  # one row a line, inside the indentation


def test_an_empty_listing_is_an_empty_array() -> None:
    stream = io.StringIO()
    write_envelope("history", Outcome("history", data={"results": rows(0)}), stream)

    assert json.loads(stream.getvalue())["data"]["results"] == []


def test_lines_and_csv_of_rows() -> None:
    lines, table = io.StringIO(), io.StringIO()
    write_lines("history", Outcome("history", data={"runs": rows(2)}), lines)
    write_csv(Outcome("history", data={"runs": rows(2)}), table)

    assert [json.loads(line) for line in lines.getvalue().splitlines()] == [
        {"n": 0, "nested": {"a": [0]}},
        {"n": 1, "nested": {"a": [1]}},
    ]
    assert table.getvalue().splitlines() == ["n,nested", '0,"{""a"": [0]}"', '1,"{""a"": [1]}"']


def test_many_results_off_a_terminal_are_a_plain_aligned_table() -> None:
    results = [
        Result("web.http", f"site{index:04d}", Status.OK, f"HTTP 200 in {index} ms")
        for index in range(PLAIN_ROWS + 1)
    ]
    stream = io.StringIO()

    write_human(Outcome("check web", results=results), stream)

    lines = stream.getvalue().splitlines()
    assert lines[0].split() == ["Status", "Check", "Target", "Summary"]
    assert set(lines[1]) == {"\u2500"}
    assert lines[2] == "OK       web.http   site0000   HTTP 200 in 0 ms"
    assert lines[-1].startswith(f"{PLAIN_ROWS + 1} OK")
