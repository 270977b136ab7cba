"""Setting up: the sample config and where opskit keeps things."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from opskit.config.sample import sample_config
from opskit.context import AppContext
from opskit.errors import ConfigError, OpskitError
from opskit.outcome import Outcome
from opskit.paths import CONFIG_ENV, checks_dir, make_directory, playbooks_dir, user_config_file


def init_target(explicit: str | None) -> Path:
    """Where ``opskit init`` writes: --config, $OPSKIT_CONFIG, else the user config dir."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    return user_config_file()


def write_config(path: Path, text: str, force: bool) -> None:
    """Write ``text`` to ``path`` with mode 0600, refusing to overwrite unless ``force``."""
    _place_config(prepare_config(path, text, force), path)


def prepare_config(path: Path, text: str, force: bool) -> Path:
    """Write ``text`` to a 0600 file beside ``path``; returns it, for ``_place_config``.

    Done before anything else is created, so a destination that cannot take the
    config (a directory, a path through a file, no permission) fails first.
    """
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; add --force to overwrite it")
    if path.is_dir():
        raise OpskitError(f"cannot write {path}: Is a directory")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        make_directory(path.parent)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        temporary.chmod(0o600)
    except OSError as error:
        _remove(temporary)
        raise OpskitError(f"cannot write {path}: {error.strerror or error}") from None
    return temporary


def _remove(temporary: Path) -> None:
    # Tidying after a failure must not hide that failure's reason.
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)


def _place_config(temporary: Path, path: Path) -> None:
    try:
        temporary.replace(path)
    except OSError as error:
        _remove(temporary)
        raise OpskitError(f"cannot write {path}: {error.strerror or error}") from None


def init(explicit_path: str | None, force: bool) -> Outcome:
    """Write the sample config, and the default local backup repository it names.

    The config is written (beside its place) first: when it cannot be, no
    repository or password file is left behind for a config that names them.
    """
    from opskit.actions.backup.default import create_default_repository, default_repository

    path = init_target(explicit_path)
    repository = default_repository()
    text = sample_config({"backup": {"repositories": [repository.config]}})
    temporary = prepare_config(path, text, force)
    try:
        notes = create_default_repository(repository)
    except BaseException:
        _remove(temporary)
        raise
    _place_config(temporary, path)
    return Outcome(
        command="init",
        data={"path": str(path), "backup_repository": repository.to_dict()},
        messages=[
            f"wrote {path} (mode 0600)",
            *notes,
            "next: edit the organisation, people and hosts, then run "
            f"`opskit --config {path} config validate`"
            if explicit_path
            else "next: edit the organisation, people and hosts, then run `opskit config validate`",
        ],
    )


def paths(context: AppContext, name: str | None) -> Outcome:
    """Where each thing is; config-dependent paths need a valid config."""
    found: dict[str, str] = {"playbooks": str(playbooks_dir()), "checks": str(checks_dir())}
    messages: list[str] = []
    if name is None:
        try:
            context.config_file  # noqa: B018 - only to learn whether there is a config
        except ConfigError as error:
            text = "".join(f"{key:<12} {value}\n" for key, value in found.items())
            return Outcome(
                command="paths",
                data={"paths": found, "text": text},
                view="text",
                messages=[f"(config paths unknown: {error.message})"],
            )
    if name not in ("playbooks", "checks"):
        config = context.config
        found = {
            "config": str(context.config_file),
            "state": str(config.state_dir),
            "history": str(config.history_db),
            "known-hosts": str(config.state_dir / "known_hosts"),
            "reports": str(config.output_dir),
            **found,
        }
    if name is not None:
        return Outcome(
            command="paths",
            data={"paths": {name: found[name]}, "text": found[name] + "\n"},
            view="text",
        )
    text = "".join(f"{key:<12} {value}\n" for key, value in found.items())
    return Outcome(
        command="paths", data={"paths": found, "text": text}, view="text", messages=messages
    )
