"""Output of rows as they are read: the JSON envelope, JSON lines and CSV, in constant memory.

A command that lists many rows (``opskit history``) puts a ``Rows`` in its
data instead of a list. The envelope is then written around it: everything
but the rows first, exactly as ``write_json`` would, then each row as one
compact line of the array, then the rest. The data is the same as a list
would give; only the framing differs (one row per line, not indented).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import replace
from typing import IO, Any

from opskit.masking import has_secrets, mask, mask_json
from opskit.outcome import Outcome, Rows
from opskit.output.envelope import envelope

# Where the rows go in the envelope's text; a string no command's data holds.
_PLACE = "\u2063opskit-rows\u2063"
# Rows written to the stream at once: few calls, little held.
_BATCH = 512


def rows_of(outcome: Outcome | None) -> tuple[str, Rows] | None:
    """The key and the rows an outcome streams, if it streams any."""
    data = outcome.data if outcome else None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, Rows):
                return key, value
    return None


def write_envelope(command: str, outcome: Outcome, stream: IO[str]) -> None:
    """The JSON envelope of ``outcome``, its rows written as they are read."""
    found = rows_of(outcome)
    if found is None:
        stream.write(json.dumps(envelope(command, outcome), indent=2, ensure_ascii=False) + "\n")
        stream.flush()
        return
    key, rows = found
    placeholder = replace(outcome, data={**outcome.data, key: _PLACE})
    text = json.dumps(envelope(command, placeholder), indent=2, ensure_ascii=False)
    before, _, after = text.partition(json.dumps(_PLACE, ensure_ascii=False))
    indent = _indent_of(before)
    stream.write(before)
    first = True
    for batch in _batches(rows.json_lines()):
        lead = "[\n" if first else ",\n"
        stream.write(
            lead + indent + "  " + f",\n{indent}  ".join(mask_json(line) for line in batch)
        )
        first = False
    stream.write("[]" if first else f"\n{indent}]")
    stream.write(after + "\n")
    stream.flush()


def write_lines(command: str, outcome: Outcome, stream: IO[str]) -> None:
    """JSON lines: each row on its own line, nothing around them.

    An outcome without rows is its whole envelope on one line.
    """
    found = rows_of(outcome)
    if found is None:
        stream.write(json.dumps(envelope(command, outcome), ensure_ascii=False) + "\n")
    else:
        for batch in _batches(found[1].json_lines()):
            stream.write("".join(mask_json(line) + "\n" for line in batch))
    stream.flush()


def write_csv(outcome: Outcome, stream: IO[str]) -> bool:
    """CSV with a header row; nested values as JSON text. False when there are no rows."""
    found = rows_of(outcome)
    if found is None:
        return False
    rows = found[1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows.columns)
    masking = has_secrets()
    if rows.csv_lines is not None and not masking:
        stream.write(buffer.getvalue())
        for batch in _batches(rows.csv_lines()):
            stream.write("".join(batch))
        stream.flush()
        return True
    for batch in _batches(rows.records()):
        writer.writerows(
            [
                [mask(value) if isinstance(value, str) else value for value in record]
                for record in batch
            ]
            if masking
            else batch
        )
        stream.write(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    stream.write(buffer.getvalue())
    stream.flush()
    return True


def _indent_of(before: str) -> str:
    line = before.rsplit("\n", 1)[-1]
    return " " * (len(line) - len(line.lstrip(" ")))


def _batches(items: Iterable[Any]) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
