"""What a command returns: results and data, rendered later by ``output``."""

from __future__ import annotations

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
