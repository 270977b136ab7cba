"""``store:``: where the history lives when it is shared (PostgreSQL) instead of one file."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from pydantic import AfterValidator, Field, model_validator

from opskit.config.schema.common import SecretFile, Section


def _postgres_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError("not a PostgreSQL URL (for example postgresql://opskit@db.example/opskit)")
    if parts.password or "password" in parse_qs(parts.query):
        raise ValueError("a password in the URL is a secret in the file; use password_file")
    return value


PostgresUrl = Annotated[str, AfterValidator(_postgres_url)]


class Store(Section):
    url: PostgresUrl | None = Field(
        None,
        description="A shared PostgreSQL database for the history of several machines or "
        "courts, without its password (default: the SQLite file paths.history_db). libpq's "
        "own settings (PGHOST, ~/.pgpass, sslmode=...) apply. For example "
        "postgresql://opskit_runner@db.pta-samarinda.example/opskit?sslmode=verify-full",
    )
    password_file: SecretFile | None = Field(
        None,
        description="A 0600 file whose first line is the database password (else libpq's "
        "PGPASSWORD or ~/.pgpass), for example /etc/opskit/store.password.",
    )

    @model_validator(mode="after")
    def _password_needs_url(self) -> Store:
        if self.password_file is not None and self.url is None:
            raise ValueError("password_file is for a store url; set store.url as well")
        return self
