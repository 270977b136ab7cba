"""``opskit store migrate``: a court's SQLite history into the shared store."""

from __future__ import annotations

from pathlib import Path

from opskit.config.secrets import check_secret_file
from opskit.context import AppContext
from opskit.errors import ConfigError, UsageError
from opskit.outcome import Outcome
from opskit.store import Store
from opskit.store.copy import copy_history
from opskit.store.location import POSTGRES_SCHEMES, StoreLocation, without_password


def migrate(
    context: AppContext,
    *,
    to: str,
    password_file: str | None,
    source: str | None,
    batch_rows: int,
) -> Outcome:
    """Copy the history table by table; returns how many rows each table gained."""
    config = context.config
    if to.partition(":")[0] not in POSTGRES_SCHEMES:
        raise UsageError(f"--to {without_password(to)}: not a PostgreSQL URL (postgresql://...)")
    if "@" in to and ":" in to.split("//", 1)[-1].split("@", 1)[0]:
        raise UsageError(
            "--to: a password in the URL shows in the process list; use --password-file"
        )
    if config.organisation.code is None:
        raise ConfigError(
            "organisation.code is needed to copy into a shared store (e.g. pa_penajam)"
        )
    secret = Path(password_file).expanduser() if password_file else None
    if secret is not None and (problem := check_secret_file(secret)):
        raise UsageError(f"--password-file {secret}: {problem}")
    origin = Path(source).expanduser() if source else config.history_db
    if not origin.is_file():
        raise UsageError(f"no SQLite history at {origin}")
    target = StoreLocation(
        url=to,
        password_file=secret,
        organisation=config.organisation.code,
        organisation_name=config.organisation.name,
    )
    with Store.open(origin) as history, Store.open(target) as shared:
        copied = copy_history(history, shared, batch_rows=batch_rows)
    total = sum(item.copied for item in copied)
    present = sum(item.present for item in copied)
    return Outcome(
        command="store migrate",
        data={
            "from": str(origin),
            "to": target.shown,
            "organisation": config.organisation.code,
            "copied": total,
            "present": present,
            "tables": [item.to_dict() for item in copied if item.copied or item.present],
        },
        messages=[
            f"copied {total} rows into {target.shown} ({present} were already there)",
            *(
                f"  {item.table}: {item.copied} copied, {item.present} already there"
                for item in copied
                if item.copied or item.present
            ),
        ],
    )
