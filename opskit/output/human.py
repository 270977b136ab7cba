"""Human output: Rich tables with colour only on a terminal (never with NO_COLOR)."""

import os
import sys
from datetime import datetime
from typing import IO, Any

from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.result import Result, Status
from opskit.text import Words, english, message_from

STATUS_STYLES = {
    Status.OK: "green",
    Status.WARNING: "yellow",
    Status.CRITICAL: "bold red",
    Status.UNKNOWN: "magenta",
}


def make_console(stream: IO[str] | None = None) -> Any:
    from rich.console import Console

    stream = stream or sys.stdout
    is_terminal = stream.isatty()
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not is_terminal,
        highlight=False,
        force_terminal=is_terminal,
        width=None if is_terminal else 120,
        soft_wrap=False,
    )


# Control characters (and bidirectional overrides) that text from logs or the network could
# carry to a terminal: shown escaped, never sent raw (JSON output keeps the exact text).
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))} | {
    code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``), safe to print to a terminal."""
    return text.translate(_CONTROLS)


def results_table(results: list[Result], words: Words | None = None) -> Any:
    """Status, check, target and finding of each result, the finding in the reader's language."""
    from rich import box
    from rich.table import Table

    words = words or english()
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column(words("terminal.status"), no_wrap=True)
    table.add_column(words("terminal.check"), no_wrap=True)
    table.add_column(words("terminal.target"), overflow="fold")
    table.add_column(words("terminal.summary"), overflow="fold")
    for status, check_ids, target, summary in _grouped(results):
        check, text = check_ids[0], words.say(summary)
        if len(check_ids) > 1:  # one cause, told once: the checks it stopped are listed
            check = words("terminal.checks", count=len(check_ids))
            text = f"{text}: {', '.join(check_ids)}"
        table.add_row(
            status_text(status), check, printable(mask(words.target(target))), printable(mask(text))
        )
    return table


def _grouped(results: list[Result]) -> list[tuple[Status, list[str], str, str]]:
    """One row per (status, target, summary): one cause told once, its checks listed."""
    rows: dict[tuple[Status, str, str], list[str]] = {}
    summaries: dict[tuple[Status, str, str], str] = {}
    for result in results:
        key = (result.status, result.target, str(result.summary))
        rows.setdefault(key, []).append(result.check_id)
        summaries.setdefault(key, result.summary)
    return [(status, ids, target, summaries[(status, target, text)])
            for (status, target, text), ids in rows.items()]  # fmt: skip


def said(words: Words, item: dict[str, Any]) -> str:
    """A stored finding (a result's or an incident's JSON form) in the reader's language."""
    return words.say(message_from(item.get("message")) or item.get("summary") or "")


# Past this many results, output that is not a terminal is laid out here, not by Rich,
# which takes seconds over a thousand rows (every cell measured, wrapped, styled).
PLAIN_ROWS = 200


def write_plain_results(results: list[Result], stream: IO[str], words: Words) -> None:
    """The results table as plain aligned text: Rich's columns and rule, no wrapping."""
    rows = [
        (
            result.status.value,
            result.check_id,
            printable(mask(words.target(result.target))),
            printable(mask(words.say(result.summary))),
        )
        for result in results
    ]
    header = tuple(words(f"terminal.{name}") for name in ("status", "check", "target", "summary"))
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(4)]

    def line(row: tuple[str, ...]) -> str:
        return "   ".join(
            value.ljust(width) for value, width in zip(row[:3], widths, strict=False)
        ) + ("   " + row[3])

    stream.write(line(header).rstrip() + "\n")
    stream.write("\u2500" * (sum(widths) + 9) + "\n")
    stream.write("".join(line(row).rstrip() + "\n" for row in rows))


def summary_line(outcome: Outcome, words: Words | None = None) -> Any:
    from rich.text import Text

    words = words or english()
    counts: dict[Status, int] = {}
    for result in outcome.results:
        counts[result.status] = counts.get(result.status, 0) + 1
    parts = [f"{counts[status]} {status.value}" for status in Status if status in counts]
    text = Text(", ".join(parts) + " -> ")
    text.append_text(status_text(outcome.final_status))
    if outcome.run_id is not None:
        text.append("  " + words("terminal.recorded", run=outcome.run_id))
    return text


def status_text(status: Status) -> Any:
    from rich.text import Text

    return Text(status.value, style=STATUS_STYLES[status])


def simple_table(columns: list[str], rows: list[list[Any]], title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(
        *columns,
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title_justify="left",
    )
    for row in rows:
        table.add_row(
            *(
                value
                if hasattr(value, "__rich__") or _is_text(value)
                else printable(mask(_cell(value)))
                for value in row
            )
        )
    return table


def _is_text(value: Any) -> bool:
    from rich.text import Text

    return isinstance(value, Text)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    return str(value)
