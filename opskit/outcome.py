"""What a command returns: results and data, rendered later by ``output``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from opskit.result import Result, Status, worst


@dataclass
class Outcome:
    """The data a command produced.

    ``results`` are check results (recorded in history when ``record`` is
    set); ``data`` is the command's own JSON-ready payload, shown by the
    human renderer registered for ``view``; ``messages`` are notes for the
    admin. The status is ``status`` if set, else the worst result, else OK.
    A long action may record its run when it starts (``run_id``) and its
    first ``recorded_results`` results as they come; the rest are recorded
    when it returns.
    """

    command: str
    results: list[Result] = field(default_factory=list)
    data: Any = None
    view: str | None = None
    messages: list[str] = field(default_factory=list)
    status: Status | None = None
    record: bool = False
    run_id: int | None = None
    recorded_results: int = 0

    @property
    def final_status(self) -> Status:
        if self.status is not None:
            return self.status
        return worst(result.status for result in self.results)


@dataclass
class Rows:
    """Rows a command streams rather than holds: read from the store as they are written.

    ``json_lines`` yields each row as one compact JSON object (text);
    ``records`` yields the same rows as tuples in ``columns`` order, nested
    values as JSON text (for CSV); ``csv_lines``, when given, yields them as
    CSV text already. Iterating gives each row decoded, for the human table.
    Each may be read once: they come straight from a cursor.
    """

    columns: tuple[str, ...]
    json_lines: Callable[[], Iterator[str]]
    records: Callable[[], Iterator[tuple[Any, ...]]]
    csv_lines: Callable[[], Iterator[str]] | None = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        import json

        return (json.loads(line) for line in self.json_lines())

    @classmethod
    def of(cls, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> Rows:
        """Rows already in memory (a short list, such as recent runs)."""
        import json

        def lines() -> Iterator[str]:
            return (json.dumps(row, ensure_ascii=False, default=str) for row in rows)

        def records() -> Iterator[tuple[Any, ...]]:
            for row in rows:
                yield tuple(
                    json.dumps(row[column], ensure_ascii=False, default=str)
                    if isinstance(row[column], dict | list)
                    else row[column]
                    for column in columns
                )

        return cls(columns, lines, records)
