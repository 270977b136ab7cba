"""Where the history lives: an SQLite file (the default) or a shared PostgreSQL database.

A PostgreSQL store is named by a URL without its password; the password
comes from a 0600 file (``password_file``) or libpq's own environment
(``PGPASSWORD``, ``~/.pgpass``), so it never sits in argv, a log line or an
error message. ``shown`` is the form every message uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from opskit.errors import StoreError

POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class StoreLocation:
    """An SQLite path, or a PostgreSQL URL with where its password is kept."""

    path: Path | None = None
    url: str | None = None
    password_file: Path | None = None
    # The organisation whose part of a shared store this is (its code and name).
    organisation: str | None = None
    organisation_name: str | None = None

    @property
    def schema(self) -> str:
        """The PostgreSQL schema holding this organisation's tables (``public`` with none)."""
        return f"org_{self.organisation}" if self.organisation else "public"

    @property
    def engine(self) -> str:
        return "sqlite" if self.url is None else "postgresql"

    @property
    def shown(self) -> str:
        """The location as messages show it: a URL never with its password."""
        if self.url is None:
            return str(self.path)
        shown = without_password(self.url)
        return f"{shown} ({self.organisation})" if self.organisation else shown

    def password(self) -> str | None:
        """The password read from ``password_file`` (its first line), or None for libpq's own."""
        if self.password_file is None:
            return None
        try:
            text = self.password_file.read_text(encoding="utf-8")
        except OSError as error:
            raise StoreError(
                f"store password_file {self.password_file}: {error.strerror or error}"
            ) from None
        lines = text.splitlines()
        if not lines or not lines[0]:
            raise StoreError(f"store password_file {self.password_file}: empty")
        return lines[0]


def location_of(target: Path | str | StoreLocation) -> StoreLocation:
    """A location from a path, a URL (``postgresql://...``) or a location."""
    if isinstance(target, StoreLocation):
        return target
    text = str(target)
    if urlsplit(text).scheme in POSTGRES_SCHEMES:
        return StoreLocation(url=text)
    return StoreLocation(path=Path(target))


def without_password(url: str) -> str:
    """The URL with any password in it replaced by ``***``."""
    parts = urlsplit(url)
    query = re.sub(r"(^|&)password=[^&]*", r"\1password=***", parts.query)
    netloc = parts.netloc
    if parts.password is None and query == parts.query:
        return url
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc, query=query))
