"""Small named state that features keep between runs, as JSON values.

Read offsets, caches, rotation counters and accepted baselines live here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from opskit.masking import mask_data
from opskit.store.database import Database, to_text


class NamedState(Database):
    """``state`` rows by namespace and key."""

    def get_state(self, namespace: str, key: str) -> Any:
        """A value saved with ``put_state``, or None."""
        row = self._connection.execute(
            "SELECT value FROM state WHERE namespace = ? AND key = ?", (namespace, key)
        ).fetchone()
        return json.loads(row["value"]) if row else None

    def put_state(self, namespace: str, key: str, value: Any) -> None:
        """Save a JSON-serialisable ``value`` (secrets masked) under ``namespace``/``key``."""
        with self.transaction() as connection:
            connection.execute(
                "INSERT INTO state (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (
                    namespace,
                    key,
                    json.dumps(mask_data(value), default=str),
                    to_text(datetime.now(UTC)),
                ),
            )

    def state_items(self, namespace: str) -> dict[str, Any]:
        """Every key and value saved under ``namespace``."""
        rows = self._connection.execute(
            "SELECT key, value FROM state WHERE namespace = ? ORDER BY key", (namespace,)
        )
        return {row["key"]: json.loads(row["value"]) for row in rows}
