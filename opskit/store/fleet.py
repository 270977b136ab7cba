"""Reading several courts of a shared store at once, for the supervising court.

Each court's tables live in its own schema (``org_<code>``); the supervisor's
page asks every court it oversees the same two questions, so each is one
query over all their schemas (``UNION ALL``), two round trips for the whole
province however many courts it holds. The database checks the reader's
rights on every schema it names: a role that may not read a court gets an
error, never that court's rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from opskit.config.schema.organisation import CODE_PATTERN
from opskit.errors import StoreError
from opskit.result import Status
from opskit.store.database import Database

# The scores a supervisor compares across courts: (check, metric), the lowest of a court's.
PUBLIC_INFO_SCORE = ("web.public-info", "public_info_score_percent")
HARDENING_SCORE = ("security.score", "hardening_score_percent")


@dataclass
class CourtState:
    """One court's current status rows and open incidents, as its own store holds them."""

    code: str
    reporting: bool = False
    open_incidents: int = 0
    checks: list[tuple[str, str, Status, dict[str, float], datetime]] = field(default_factory=list)


def court_states(store: Database, codes: Sequence[str]) -> dict[str, CourtState]:
    """The state of each court in ``codes`` (one not yet reporting has ``reporting`` False);
    raises StoreError when the store is not shared or this reader may not read a court."""
    import psycopg

    try:
        return _court_states(store, codes)
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreError(f"cannot read the overseen courts in {store.path}: {reason}") from None


def _court_states(store: Database, codes: Sequence[str]) -> dict[str, CourtState]:
    if store.engine != "postgresql":
        raise StoreError("the supervisor's view needs a shared store (store.url)")
    for code in codes:
        if not re.fullmatch(CODE_PATTERN, code):
            raise StoreError(f"not an organisation code: {code!r}")
    states = {code: CourtState(code) for code in codes}
    present = {
        row[0]
        for row in store.read(
            "SELECT code FROM public.opskit_organisations o"
            " WHERE to_regclass(o.schema_name || '.current_status') IS NOT NULL"
        )
    }
    reporting = [code for code in codes if code in present]
    if not reporting:
        return states
    for code in reporting:
        states[code].reporting = True
    incidents = " UNION ALL ".join(
        f"SELECT '{code}', COUNT(*) FROM org_{code}.incidents WHERE state = 'open'"  # noqa: S608  # nosec B608 - a checked code
        for code in reporting
    )
    for code, count in store.read(incidents):
        states[code].open_incidents = int(count)
    current = " UNION ALL ".join(
        f"SELECT '{code}', check_id, target, status, metrics, observed_at"  # noqa: S608  # nosec B608 - a checked code
        f" FROM org_{code}.current_status"
        for code in reporting
    )
    for code, check_id, target, status, metrics, observed_at in store.read(current):
        figures = {item["name"]: item["value"] for item in json.loads(metrics)}
        states[code].checks.append(
            (check_id, target, Status(status), figures, datetime.fromisoformat(observed_at))
        )
    return states


@contextmanager
def reading_court(store: Database, code: str) -> Iterator[bool]:
    """Inside the block the store's queries read court ``code``'s schema, read-only.

    Yields False (and reads nothing) when the court has no history in the
    shared store yet. The store's own schema and read-write mode come back
    when the block ends, also after an error.
    """
    import psycopg

    if store.engine != "postgresql":
        raise StoreError("a recap of the overseen courts needs a shared store (store.url)")
    if not re.fullmatch(CODE_PATTERN, code):
        raise StoreError(f"not an organisation code: {code!r}")
    try:
        found = store.read("SELECT to_regclass(?) AS found", (f"org_{code}.results",))
        if not found or found[0]["found"] is None:
            yield False
            return
        with store.reading_schema(f"org_{code}"):
            yield True
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreError(f"cannot read court {code} in {store.path}: {reason}") from None
