"""History: an SQLite database of runs, their results, and what features keep.

``Store`` is the one object the rest of opskit opens; its parts live in one
module per concern: the connection and migrations (``database``,
``migrations``), runs and results (``runs``) and named state (``state``).
Incidents, deliveries and UAT records keep their SQL beside their feature
and run it through ``Store.transaction`` and ``Store.read``.
"""

from __future__ import annotations

from opskit.store.database import BUSY_TIMEOUT_MILLISECONDS, from_text, to_text
from opskit.store.migrations import MIGRATIONS
from opskit.store.runs import CurrentStatus, ResultFilter, RunHistory, RunRecord
from opskit.store.state import NamedState

__all__ = [
    "CurrentStatus",
    "BUSY_TIMEOUT_MILLISECONDS",
    "MIGRATIONS",
    "ResultFilter",
    "RunRecord",
    "Store",
    "from_text",
    "to_text",
]


class Store(RunHistory, NamedState):
    """The history database. Open with ``Store.open(path)``; close when done."""
