"""opskit history writes what it wrote before, now as it reads: JSON, JSON lines and CSV.

The expected rows are built the way history always built them (each stored
result read back as a ``Result`` and turned into a dict), so the streamed
output is the same data row for row; only the framing of the JSON differs.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opskit.masking import register_secret
from opskit.result import Result, Status
from opskit.store import ResultFilter, Store
from support.history_data import fill

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Makassar")


@pytest.fixture
def stored(tmp_path: Path, make_config: Any) -> tuple[Path, Path]:
    """A config and its store of 3,000 results in runs of 500."""
    config = make_config()
    database = fill(tmp_path / "state" / "history.sqlite", 3000, per_run=500)
    return config, database


def expected(database: Path, **where: Any) -> list[dict[str, Any]]:
    """The rows as history built them before it streamed: Result.to_dict and the local time."""
    with Store.open(database) as store:
        found = store.results(ResultFilter(**where))
    rows = []
    for result in found:
        row = result.to_dict()
        row["observed_at_local"] = result.observed_at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")
        rows.append(row)
    return rows


@pytest.mark.parametrize(
    ("arguments", "where"),
    [
        (["--results", "--limit", "3000"], {"limit": 3000}),
        (["--check", "web.http", "--limit", "5000"], {"check_id": "web.http", "limit": 5000}),
        (["--check", "web", "--limit", "700"], {"check_id": "web", "limit": 700}),
        (
            ["--target", "web3:/var", "--status", "critical"],
            {"target": "web3:/var", "status": Status.CRITICAL},
        ),
        (["1"], {"run_id": 1, "limit": 50}),
    ],
)
def test_json_envelope_holds_the_same_rows_as_before(
    stored: tuple[Path, Path], cli: Any, arguments: list[str], where: dict[str, Any]
) -> None:
    config, database = stored
    wanted = expected(database, **where)

    run = cli("--config", config, "history", *arguments, "--format", "json")

    assert run.exit_code == 0, run.stderr
    assert run.json["data"]["results"] == wanted
    assert wanted, "the filter should match something"


def test_json_lines_and_csv_hold_the_same_rows(stored: tuple[Path, Path], cli: Any) -> None:
    config, database = stored
    wanted = expected(database, check_id="web", limit=2000)

    lines = cli(
        "--config", config, "history", "--check", "web", "--limit", "2000", "--format", "jsonl"
    )
    table = cli(
        "--config", config, "history", "--check", "web", "--limit", "2000", "--format", "csv"
    )

    assert [json.loads(line) for line in lines.stdout.splitlines()] == wanted
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert list(rows[0]) == list(wanted[0])
    for row, want in zip(rows, wanted, strict=True):
        assert json.loads(row["evidence"]) == want["evidence"]
        assert json.loads(row["metrics"]) == want["metrics"]
        plain = {key: value for key, value in want.items() if key not in ("evidence", "metrics")}
        assert {key: row[key] for key in plain} == {
            key: "" if value is None else str(value) for key, value in plain.items()
        }


def test_times_without_microseconds_read_as_before(stored: tuple[Path, Path], cli: Any) -> None:
    config, database = stored

    run = cli("--config", config, "history", "2", "--format", "json")

    # Run 2 started on a whole second: isoformat() leaves the microseconds out.
    assert run.json["data"]["results"][0]["observed_at"].endswith(":00+00:00")
    assert run.json["data"]["results"] == expected(database, run_id=2, limit=50)


def test_runs_list_is_the_same_data_in_every_format(stored: tuple[Path, Path], cli: Any) -> None:
    config, database = stored
    with Store.open(database) as store:
        runs = [run.to_dict() for run in store.runs(limit=50)]

    envelope = cli("--config", config, "history", "--format", "json").json["data"]["runs"]
    lines = cli("--config", config, "history", "--format", "jsonl").stdout.splitlines()
    table = list(
        csv.DictReader(io.StringIO(cli("--config", config, "history", "--format", "csv").stdout))
    )

    assert [{key: row[key] for key in runs[0]} for row in envelope] == runs
    assert [json.loads(line) for line in lines] == envelope
    assert [json.loads(row["counts"]) for row in table] == [run["counts"] for run in runs]
    assert [row["started_at_local"] for row in table] == [
        row["started_at_local"] for row in envelope
    ]


def test_secrets_are_masked_in_every_streamed_format(stored: tuple[Path, Path], cli: Any) -> None:
    """A secret in stored text (stored before it was one) never leaves: masked in each format."""
    config, _ = stored
    register_secret("Encrypt")  # inside the web.tls summaries
    register_secret("2026-11")  # made of characters a number or a date is made of

    outputs = [
        cli(
            "--config", config, "history", "--check", "web.tls", "--limit", "40", "--format", form
        ).stdout
        for form in ("json", "jsonl", "csv", "human")
    ]

    for text in outputs:
        assert "Encrypt" not in text
        assert "2026-11" not in text
        assert "***" in text
    rows = [json.loads(line) for line in outputs[1].splitlines()]
    assert rows[0]["summary"].endswith("Let's ***\"")
    assert rows[0]["observed_at"].startswith("***")


def test_row_formats_are_refused_for_commands_without_rows(make_config: Any, cli: Any) -> None:
    run = cli("--config", make_config(), "config", "validate", "--format", "csv")

    assert run.exit_code == 3
    assert "--format csv is for commands that list rows" in run.stderr
    assert "Traceback" not in run.stderr


def test_export_is_whole_or_absent(stored: tuple[Path, Path], cli: Any, tmp_path: Path) -> None:
    config, _ = stored
    target = tmp_path / "export.jsonl"

    run = cli("--config", config, "history", "--export", target)
    blocked = cli("--config", config, "history", "--export", tmp_path / "missing" / "x.jsonl")

    assert run.exit_code == 0, run.stderr
    assert len(target.read_text().splitlines()) == 6
    assert not list(tmp_path.glob(".*.partial"))
    assert blocked.exit_code != 0
    assert "cannot write" in blocked.stderr


def test_csv_of_text_holding_quotes_commas_newlines_and_nul(
    tmp_path: Path, make_config: Any, cli: Any
) -> None:
    config = make_config()
    odd = 'a "quoted", two\nlines\x00and a NUL'
    with Store.open(tmp_path / "state" / "history.sqlite") as store:
        when = datetime(2026, 11, 5, 3, 4, 5, tzinfo=UTC)
        store.record_run(
            "check web",
            when,
            when,
            [Result("web.http", "pa,1", Status.OK, odd, observed_at=when)],
            Status.OK,
        )

    table = cli("--config", config, "history", "--results", "--format", "csv").stdout
    # Python's csv reader stops at a NUL: read the rest with the NUL stood in for.
    [row] = list(csv.DictReader(io.StringIO(table.replace("\x00", "<NUL>"))))

    assert row["summary"] == odd.replace("\x00", "<NUL>")
    assert row["target"] == "pa,1"
    assert row["sop_row"] == ""
    assert row["observed_at_local"] == "2026-11-05 11:04:05"
