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

The entry is two pickles, a header (the key, the facts, the masks) and the
config, read only when it and its directory are the user's own and nobody
else may write either, and only under the key it was kept under: whoever
could write there could as well change the config, which names the
commands opskit runs. Anything odd (no entry, a damaged or foreign one, a
fact no longer true, a class that changed) is a miss, and the config is
validated as every command did before, with the same messages.

What a command derives from the config in plain data may be kept beside
its entry (``keep_companion``; a backup's plan) and read back without the
schema (``companion``): from the header alone, valid exactly while the
config's entry is, and also keyed by the code that made it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle  # nosec B403 - read only from the user's own cache; see the module's text
import stat
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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
        key = _key(path, data)
        with _entry(f"{key}.pickle") as file:
            if not _header_holds(file, key):
                return None
            config = pickle.load(file)  # noqa: S301  # nosec B301 - see the module's text
        if not isinstance(config, Config):
            return None
        config._source = path
        config._kept_key = key
    except Exception:  # noqa: BLE001 - a damaged or outdated entry of any kind is a miss
        return None
    return config


def companion(path: Path, data: bytes, name: str, *, code: Iterable[Path] = ()) -> bytes | None:
    """What was kept as ``name`` beside the config validated from ``data``, while that holds.

    Read without the schema: only the entry's header (its key, facts and
    masks) is read, and the facts are checked as for the config itself.
    ``code`` are the files of the code that made the companion.
    """
    try:
        key = _key(path, data)
        with _entry(f"{key}.pickle") as file:
            if not _header_holds(file, key):
                return None
        with _entry(_companion_name(key, name, code)) as file:
            return file.read()
    except Exception:  # noqa: BLE001 - a damaged or outdated entry of any kind is a miss
        return None


def keep_companion(config: Config, name: str, payload: bytes, *, code: Iterable[Path] = ()) -> None:
    """Keep ``payload`` as ``name`` beside ``config``'s entry, if ``config`` was kept."""
    key = config._kept_key
    if key is None:
        return
    try:
        target = directory() / _companion_name(key, name, code)
    except OSError:
        return
    write_entry(target, payload, KEEP)


@contextmanager
def _entry(name: str) -> Iterator[BinaryIO]:
    """One entry of the directory, opened only if it and the directory are private."""
    place = directory()
    if not _private(place.lstat()):
        raise PermissionError(f"{place} is not private")
    descriptor = os.open(place / name, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as file:
        if not _private(os.fstat(file.fileno())):
            raise PermissionError(f"{name} is not private")
        yield file


def _header_holds(file: BinaryIO, key: str) -> bool:
    """Whether the entry's header is ``key``'s and its facts still hold; registers its masks."""
    kept_key, facts, masks = pickle.load(file)  # noqa: S301  # nosec B301 - see the module's text
    if kept_key != key or not all(_still_true(kind, what) for kind, what in facts):
        return False
    settings.register_masks((str(kind), str(origin), str(text)) for kind, origin, text in masks)
    return True


def _companion_name(key: str, name: str, code: Iterable[Path]) -> str:
    digest = hashlib.sha256(f"{key}\0{name}".encode())
    for file in code:
        status = file.stat()
        digest.update(f"\0{file}:{status.st_size}:{status.st_mtime_ns}".encode())
    return f"{digest.hexdigest()}.{name}"


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
        header = (key, list(facts), list(masks))
        entry = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL) + pickle.dumps(
            config, protocol=pickle.HIGHEST_PROTOCOL
        )
    except Exception:  # noqa: BLE001 - what cannot be kept is validated next time
        return
    if write_entry(directory() / f"{key}.pickle", entry, KEEP):
        config._kept_key = key


def _private(status: os.stat_result) -> bool:
    """Whether a file or directory is this user's and nobody else may write it."""
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _still_true(kind: str, what: str) -> bool:
    if kind == "secret":
        return check_secret_file(Path(what)) is None
    if kind == "image":
        return Path(what).is_file()
    if kind == "zone":
        import zoneinfo

        zoneinfo.ZoneInfo(what)  # raises if no longer known: a miss
        return True
    return False


def _key(path: Path, data: bytes) -> str:
    """The settings' key, with the versions the pickled objects depend on."""
    digest = hashlib.sha256(settings.key(path, data).encode())
    digest.update(f"\0{sys.version}\0{_pydantic_stamp()}".encode())
    return digest.hexdigest()


@functools.cache
def _pydantic_stamp() -> str:
    """The installed pydantic, found without importing it (a companion is read without it)."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return "none"
    version = Path(spec.origin).with_name("version.py")
    status = version.stat()
    return f"{version}:{status.st_size}:{status.st_mtime_ns}"
