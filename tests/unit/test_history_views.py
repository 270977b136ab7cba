"""History tables for a stream that is not a terminal: Rich's bytes, without Rich where it
would only pad; Rich itself where it would do more."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from opskit.outcome import Outcome, Rows
from opskit.output import write_human
from opskit.output.history_views import StatusCell, Table, plain_table, render_table
from opskit.output.human import make_console
from opskit.result import Status

COLUMNS = ("Run", "Started", "Command", "Status", "Results")


def run_row(number: int, command: str = "check host", note: str = "") -> list[object]:
    return [
        str(number),
        "2026-11-03 08:00:00",
        command,
        StatusCell(Status.WARNING, note),
        "3 OK, 1 WARNING",
    ]


def by_rich(table: Table) -> str:
    stream = io.StringIO()
    render_table(make_console(stream), table)
    return stream.getvalue()


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [run_row(1)],
        [run_row(12, "backup run", " (interrupted)"), run_row(3), ["4", "x", "y", None, "-"]],
        [run_row(1, "a command said at 10:30:45, 12:1234"), run_row(2, "a\ttab, escaped")],
    ],
    ids=["empty", "one", "notes-and-none", "times-and-tab"],
)
def test_a_table_rich_would_only_pad_is_written_in_rich_bytes(rows: list[list[object]]) -> None:
    table = Table(COLUMNS, rows, "no runs recorded yet")

    assert plain_table(table) is not None
    assert plain_table(table) == by_rich(table)


@pytest.mark.parametrize(
    "command",
    [
        "check web " + "situs-" * 20,
        "laporan ✓ selesai",
        "check [bold]web[/bold]",
        "a command with \x1b[31m a control character",
        "done :smile: at :100:",
    ],
    ids=["wide", "not-ascii", "markup", "control", "emoji"],
)
def test_what_rich_would_do_more_with_is_left_to_rich(command: str) -> None:
    table = Table(COLUMNS, [run_row(1, command)], "no runs recorded yet")

    assert plain_table(table) is None
    assert by_rich(table).count("\n") >= 3


def test_a_secret_in_a_cell_is_masked_as_rich_masks_it() -> None:
    from opskit.masking import forget_secrets, register_secret

    register_secret("Rahasia9Token", "test")
    try:
        table = Table(COLUMNS, [run_row(1, "check web Rahasia9Token")], "")
        assert plain_table(table) == by_rich(table)
        assert "Rahasia9Token" not in (plain_table(table) or "")
    finally:
        forget_secrets()


def test_write_human_takes_the_plain_layout_for_a_pipe() -> None:
    runs = [
        {"id": 7, "started_at_local": "2026-11-03 08:00:00", "command": "check host",
         "status": "OK", "counts": {"OK": 4}, "state": "finished"},
    ]  # fmt: skip
    outcome = Outcome("history", data={"runs": Rows.of(runs, tuple(runs[0]))}, view="runs")
    stream = io.StringIO()

    write_human(outcome, stream)

    assert (
        stream.getvalue().splitlines()[2].rstrip()
        == "7     2026-11-03 08:00:00   check host   OK       4 OK"
    )


def test_opskit_history_to_a_pipe_does_not_import_rich(make_config, cli) -> None:
    config = make_config()
    assert cli("--config", config, "check", "host").exit_code in (0, 1, 2)
    script = (
        "import sys\nfrom opskit.cli import main\n"
        f"code = main(['--config', {str(config)!r}, 'history'])\n"
        "print(code, 'rich' in sys.modules, file=sys.stderr)\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert done.stderr.strip().splitlines()[-1] == "0 False"
    assert "check host" in done.stdout
