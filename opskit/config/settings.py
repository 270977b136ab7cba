"""The few settings a command reading only the history store needs, without the schema.

``opskit history`` needs to know where the store is (``paths.state_dir``,
``paths.history_db``, or the shared ``store.url`` with its password file and
the organisation's code), the organisation's time zone and its language; a
backup run started from its kept plan needs, besides, how long deliveries
are retried, to tell that its run leaves nothing to send.
Importing pydantic and building the schema costs several times the
command's own work, so every successful validation of a config
(``config.load.load``) also keeps these values, as validated, in
``~/.cache/opskit/settings/``. A command that needs nothing more
(``AppContext(settings_only=True)``) takes them from there when all of
this is unchanged since that validation:

- the file's bytes, its directory (relative paths are relative to it) and
  ``$HOME`` (``~`` in paths);
- opskit's version and its validation code (``opskit/config/`` and what
  its rules between sections read: a release, or an edited checkout, is
  validated again);
- the values of every environment variable the file interpolates. Some
  hold secrets, so no value is kept: only a salted PBKDF2 digest of them
  all, slow enough that the entry is no cheap way to test guesses.

A hit also registers for masking the secrets validation registered (a
secret field's variables, a channel URL's tokens), from the text as
written and the environment, so output is masked as after a validation.

Anything else (no entry, a damaged one, a time zone this machine no longer
knows) loads and validates the whole config as every other command does,
with the same messages, and keeps the entry again. Validation was chosen
over per-section laziness because the rules between sections (a site's
host, a job's command) are what catches most mistakes. Of the other files
the config names, the one these commands use (the store's password file)
is checked again on every hit; the rest (a secret file's mode, the emblem)
are checked by the commands that use them, which load the whole config.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from opskit import __version__
from opskit.config.secrets import check_secret_file
from opskit.paths import checks_dir, default_state_dir, user_dir
from opskit.userdirs import write_entry

if TYPE_CHECKING:
    from opskit.store.location import StoreLocation

# Entries kept: one per version of each config this user loads; old ones go.
KEEP = 16
DIGEST_ROUNDS = 10_000


class Settings(NamedTuple):
    """The validated values the store-reading commands need; paths already resolved.

    A named tuple, not a dataclass: it is made on every start, where a dataclass costs
    a millisecond of code generation.
    """

    timezone: str
    language: str
    state_dir_set: Path | None = None  # paths.state_dir as validated (None: the default)
    history_db_set: Path | None = None  # paths.history_db as validated (None: in state_dir)
    organisation: str = ""  # organisation.name
    organisation_code: str | None = None
    store_url: str | None = None  # store.url (a shared PostgreSQL store), never with a password
    store_password_file: Path | None = None
    # notifications.retry_hours: whether a run left deliveries due (``opskit.alerting``).
    delivery_retry_hours: float | None = None

    @property
    def state_dir(self) -> Path:
        return self.state_dir_set or default_state_dir()

    @property
    def history_db(self) -> Path:
        return self.history_db_set or self.state_dir / "history.sqlite"

    @property
    def store_location(self) -> StoreLocation:
        """Where ``Store.open`` finds the history: the shared database, else the SQLite file."""
        from opskit.store.location import StoreLocation

        if self.store_url is not None:
            return StoreLocation(
                url=self.store_url,
                password_file=self.store_password_file,
                organisation=self.organisation_code,
                organisation_name=self.organisation,
            )
        return StoreLocation(path=self.history_db)

    @property
    def zone(self) -> tzinfo:
        import zoneinfo

        return zoneinfo.ZoneInfo(self.timezone)


def directory() -> Path:
    return user_dir("cache") / "settings"


def cached(path: Path) -> Settings | None:
    """The settings of the config at ``path`` as last validated, if nothing they depend on
    changed since; None otherwise. On a hit, the secrets that validation registered for
    masking are registered again, from the environment (see ``register_masks``)."""
    try:
        data = path.read_bytes()
        entry = json.loads((directory() / f"{key(path, data)}.json").read_bytes())
        names = [str(name) for name in entry["variables"]]
        if entry["environment"] != _environment_digest(data, names):
            return None
        values = entry["settings"]
        settings = Settings(
            timezone=str(values["timezone"]),
            language=str(values["language"]),
            state_dir_set=_path(values["state_dir"]),
            history_db_set=_path(values["history_db"]),
            organisation=str(values["organisation"]),
            organisation_code=_text_or_none(values["organisation_code"]),
            store_url=_text_or_none(values["store_url"]),
            store_password_file=_path(values["store_password_file"]),
            delivery_retry_hours=_number(values["delivery_retry_hours"]),
        )
        settings.zone  # noqa: B018 - a zone this machine no longer knows is a miss
        if settings.store_password_file and check_secret_file(settings.store_password_file):
            return None  # no longer a proper secret file: validation says so, and why
        masks = [(str(kind), str(origin), str(text)) for kind, origin, text in entry["masks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    register_masks(masks)
    return settings


def register_masks(masks: Iterable[tuple[str, str, str]]) -> None:
    """Register for masking what validation registered, from the text as written: the values
    of the variables of a secret field, the tokens of a channel URL (``config.load.Mask``)."""
    from opskit.config.variables import names_in, substitute
    from opskit.masking import register_secret, register_url

    for kind, origin, text in masks:
        if kind == "secret":
            for name in sorted(names_in(text)):
                value = os.environ.get(name)
                if value is not None:
                    register_secret(value, origin)
        elif kind == "url":
            register_url(substitute(text), origin)


def keep(
    path: Path,
    data: bytes,
    settings: Settings,
    variables: Iterable[str],
    masks: Iterable[tuple[str, str, str]] = (),
) -> None:
    """Remember ``settings``, just validated from ``data`` (the bytes of ``path``), which
    interpolates ``variables`` and registered ``masks``; a failure to write only costs the
    next command a validation."""
    names = sorted(set(variables))
    entry = {
        "variables": names,
        "environment": _environment_digest(data, names),
        "masks": [list(mask) for mask in masks],
        "settings": {
            "timezone": settings.timezone,
            "language": settings.language,
            "state_dir": _text(settings.state_dir_set),
            "history_db": _text(settings.history_db_set),
            "organisation": settings.organisation,
            "organisation_code": settings.organisation_code,
            "store_url": settings.store_url,
            "store_password_file": _text(settings.store_password_file),
            "delivery_retry_hours": settings.delivery_retry_hours,
        },
    }
    write_entry(directory() / f"{key(path, data)}.json", json.dumps(entry).encode(), KEEP)


def key(path: Path, data: bytes) -> str:
    """What the validated values depend on, but the environment's values: see the module."""
    digest = hashlib.sha256()
    for part in (_code_stamp(), str(path.parent.resolve()), os.environ.get("HOME", "")):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _code_stamp() -> str:
    """opskit's version and the size and time of each file of its validation code."""
    return f"{__version__} {_files_stamp()}"


@functools.cache
def _files_stamp() -> str:
    """The validation code's files, stamped once per process: the code a process runs does
    not change under it."""
    stamps = []
    for file in _validation_files():
        status = file.stat()
        stamps.append(f"{file}:{status.st_size}:{status.st_mtime_ns}")
    return " ".join(stamps)


def _validation_files() -> list[Path]:
    """``opskit/config/``, and what the rules between sections read outside it: the command
    grammar (a job's command), the log formats, the security policy and its baseline."""

    here = Path(__file__).parent
    package = here.parent
    files = sorted((*here.glob("*.py"), *here.glob("schema/*.py"), *package.glob("grammar/*.py")))
    return [
        *files,
        package / "logs" / "formats.py",
        package / "security" / "policy.py",
        checks_dir() / "security.yaml",
    ]


def _environment_digest(data: bytes, names: list[str]) -> str:
    """A slow salted digest of the variables' values (set or not), never the values."""
    if not names:
        return ""
    values = json.dumps([[name, os.environ.get(name)] for name in names])
    salt = hashlib.sha256(data).digest()
    return hashlib.pbkdf2_hmac("sha256", values.encode(), salt, DIGEST_ROUNDS).hex()


def _path(value: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("not a path")
    return Path(value)


def _text_or_none(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("not text")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)


def _text(value: Path | None) -> str | None:
    return None if value is None else str(value)
