"""Where opskit looks for things: config, state, and its shipped data.

Every command line imports this (``opskit --help`` too), so platformdirs and
importlib.resources are imported only by the functions that use them; on
Linux, the user's directories come from the XDG variables as platformdirs
reads them, and platformdirs (a fifth of ``opskit history``'s start) only
where that reading has a subtlety (a relative ``HOME`` or XDG variable).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from opskit.userdirs import user_dir

CONFIG_FILE_NAME = "opskit.yaml"
CONFIG_ENV = "OPSKIT_CONFIG"
PATH_NAMES = ("config", "state", "history", "known-hosts", "reports", "playbooks", "checks")


def make_directory(path: Path) -> None:
    """``mkdir -p`` whose error gives the real reason.

    Where a file stands in the way, ``mkdir`` reports "File exists", which reads
    as if all were well; the admin needs to hear that the path is not a directory.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path)) from None


def user_config_file() -> Path:
    return user_dir("config") / CONFIG_FILE_NAME


STATE_DIR_ENV = "OPSKIT_STATE_DIR"


def default_state_dir() -> Path:
    """$OPSKIT_STATE_DIR (e.g. a CI cache), else the user's state directory."""
    from_env = os.environ.get(STATE_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return user_dir("state")


def config_candidates(explicit: str | None) -> list[tuple[str, Path]]:
    """The places a config is looked for, in order, each with why it is there."""
    if explicit:
        return [("--config", Path(explicit).expanduser())]
    candidates = []
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        candidates.append((f"${CONFIG_ENV}", Path(from_env).expanduser()))
    candidates.append(("current directory", Path.cwd() / CONFIG_FILE_NAME))
    candidates.append(("user config directory", user_config_file()))
    return candidates


def locate_config(explicit: str | None) -> Path:
    """The config file to use; raises ConfigError listing where it looked."""
    from opskit.errors import ConfigError

    candidates = config_candidates(explicit)
    for _, path in candidates:
        if path.is_file():
            return path
    if explicit:
        given = candidates[0][1]
        if given.is_dir():
            raise ConfigError(f"config file {given} is a directory; give the YAML file in it")
        raise ConfigError(f"config file {given} does not exist")
    looked = [f"{path} ({why})" for why, path in candidates]
    raise ConfigError(
        "no opskit.yaml found; run `opskit init` to create one, or pass --config PATH",
        details=["looked in: " + "; ".join(looked)],
    )


def checks_dir() -> Path:
    """The shipped policy, rules, checklists and runbooks (``checks/``)."""
    return _package_dir("opskit.checks")


def playbooks_dir() -> Path:
    """The shipped Fabric playbooks (``playbooks/``)."""
    return _package_dir("opskit.playbooks")


def _package_dir(name: str) -> Path:
    """The folder of a shipped data package (in the wheel, or mapped from the source tree
    in an editable install), found without importing it or ``importlib.resources``."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"opskit is not installed whole: {name} is missing")
    return Path(next(iter(spec.submodule_search_locations)))
