"""The validated config kept between commands, so an unchanged config is not validated again.

Validating ``opskit.yaml`` builds pydantic's schema for every section and
runs the rules between them: tens of milliseconds for a small office's
file, most of a second for a thousand sites, paid by every command, a
nightly ``opskit backup run`` before restic starts. So a config that validated is
kept, as the validated objects, in ``~/.cache/opskit/validated/`` (a
directory only its user can enter, files only its user can read), and the
next command takes it from there when nothing it was validated from has
changed:

- the file's bytes, its directory, ``$HOME``, opskit's version and its
  validation code (the same key as ``config.settings``), Python's and
  pydantic's versions;
- the facts of this machine validation relied on, noted by the schema's
  validators and checked again on every use: each secret file still a
  proper secret file (present, not empty, not readable by others), each
  image still there, each time zone still known.

Only files that interpolate no ``${VAR}`` are kept: the validated objects
hold every value, and an interpolated value may be a secret, which must
never reach the disk. The secrets validation registered for masking (a
channel URL's tokens) are registered again from the text as written.

The entry is a pickle, read only when it and its directory are the user's
own and nobody else may write either, and only under the key it was kept
under: whoever could write there could as well change the config, which
names the commands opskit runs. Anything odd (no entry, a damaged or
foreign one, a fact no longer true, a class that changed) is a miss, and
the config is validated as every command did before, with the same
messages.
"""

from __future__ import annotations

import hashlib
import os
import pickle  # nosec B403 - read only from the user's own cache; see the module's text
import stat
import sys
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from opskit.config import settings
from opskit.config.secrets import check_secret_file
from opskit.userdirs import user_dir, write_entry

if TYPE_CHECKING:
    from opskit.config.schema import Config

# Entries kept: one per version of each config this user loads; old ones go.
KEEP = 16
# A fact of this machine that validation relied on: ("secret" | "image" | "zone", what).
Fact = tuple[str, str]


def directory() -> Path:
    return user_dir("cache") / "validated"


def read(path: Path, data: bytes) -> Config | None:
    """The config validated from ``data`` (the bytes of ``path``), if kept and still true."""
    from opskit.config.schema import Config

    try:
        place = directory()
        if not _private(place.lstat()):
            return None
        key = _key(path, data)
        descriptor = os.open(place / f"{key}.pickle", os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(descriptor, "rb") as file:
            if not _private(os.fstat(file.fileno())):
                return None
            kept_key, facts, masks, config = pickle.load(file)  # noqa: S301  # nosec B301 - see the module's text
        if kept_key != key or not isinstance(config, Config):
            return None
        if not all(_still_true(kind, what) for kind, what in facts):
            return None
        settings.register_masks((str(kind), str(origin), str(text)) for kind, origin, text in masks)
        config._source = path
    except Exception:  # noqa: BLE001 - a damaged or outdated entry of any kind is a miss
        return None
    return config


def keep(
    path: Path,
    data: bytes,
    config: Config,
    *,
    variables: Iterable[str],
    facts: Iterable[Fact],
    masks: Iterable[tuple[str, str, str]],  # config.load.Mask
) -> None:
    """Keep ``config``, just validated from ``data``, unless it interpolated ``variables``.

    A failure to write costs only the next command a validation.
    """
    if any(True for _ in variables) or config._derived:
        return
    try:
        key = _key(path, data)
        entry = pickle.dumps(
            (key, list(facts), list(masks), config), protocol=pickle.HIGHEST_PROTOCOL
        )
    except Exception:  # noqa: BLE001 - what cannot be kept is validated next time
        return
    write_entry(directory() / f"{key}.pickle", entry, KEEP)


def _private(status: os.stat_result) -> bool:
    """Whether a file or directory is this user's and nobody else may write it."""
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _still_true(kind: str, what: str) -> bool:
    if kind == "secret":
        return check_secret_file(Path(what)) is None
    if kind == "image":
        return Path(what).is_file()
    if kind == "zone":
        zoneinfo.ZoneInfo(what)  # raises if no longer known: a miss
        return True
    return False


def _key(path: Path, data: bytes) -> str:
    """The settings' key, with the versions the pickled objects depend on."""
    import pydantic

    digest = hashlib.sha256(settings.key(path, data).encode())
    digest.update(f"\0{sys.version}\0{pydantic.VERSION}".encode())
    return digest.hexdigest()
