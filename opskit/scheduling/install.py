"""Installing the schedule: a crontab entry or systemd units that call ``opskit run``.

Installing twice replaces opskit's entry; uninstalling removes only what
opskit wrote. If enabling the systemd timer fails, the units just written
are removed again, so a failed install leaves nothing behind.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from opskit import bounded_yaml, execute
from opskit.config.secrets import check_secret_file
from opskit.config.variables import INTERPOLATION
from opskit.errors import CommandError, ConfigError, OpskitError
from opskit.paths import make_directory
from opskit.scheduling.emit import (
    CONSOLE_UNIT,
    CRON_MARKER,
    UNIT_NAME,
    cron_line,
    merge_crontab,
    systemd_units,
)

TIMEOUT_SECONDS = 30
# What both `. FILE` in sh and systemd's EnvironmentFile= read the same way.
ENV_LINE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)=")


def _crontab(
    *arguments: str, user: str | None = None, input_text: str | None = None
) -> execute.Completed:
    owner = ["-u", user] if user else []
    try:
        return execute.run(
            ["crontab", *owner, *arguments], timeout_seconds=TIMEOUT_SECONDS, input_text=input_text
        )
    except CommandError as error:
        raise OpskitError(
            f"{error.message}; install cron (apt-get install cron) or use --systemd"
        ) from None


def current_crontab(user: str | None = None) -> str:
    listed = _crontab("-l", user=user)
    if listed.exit_code != 0:
        if "no crontab" in listed.stderr_tail:
            return ""
        raise OpskitError(f"crontab -l failed: {listed.stderr_tail.strip()}")
    return listed.stdout


def install_cron(
    config_path: Path, every_minutes: int, env_file: Path | None, user: str | None = None
) -> str:
    _check_env_file(env_file)
    line = cron_line(config_path, every_minutes, env_file)
    written = _crontab("-", user=user, input_text=merge_crontab(current_crontab(user), line))
    if written.exit_code != 0:
        raise OpskitError(f"crontab refused the new table: {written.stderr_tail.strip()}")
    return line


def uninstall_cron(user: str | None = None) -> bool:
    """Remove opskit's line; returns whether there was one."""
    before = current_crontab(user)
    if CRON_MARKER not in before:
        return False
    after = merge_crontab(before, None)
    written = (
        _crontab("-", user=user, input_text=after) if after.strip() else _crontab("-r", user=user)
    )
    if written.exit_code != 0:
        raise OpskitError(f"crontab failed: {written.stderr_tail.strip()}")
    return True


def unit_dir() -> Path:
    if os.geteuid() == 0:
        return Path("/etc/systemd/system")
    return Path.home() / ".config" / "systemd" / "user"


def _systemctl(*arguments: str) -> execute.Completed:
    user = [] if os.geteuid() == 0 else ["--user"]
    return execute.run(["systemctl", *user, *arguments], timeout_seconds=TIMEOUT_SECONDS)


def write_units(
    directory: Path,
    config_path: Path,
    every_minutes: int,
    env_file: Path | None,
    console: bool = False,
) -> list[Path]:
    _check_env_file(env_file)
    written = []
    try:
        make_directory(directory)
        for name, text in systemd_units(config_path, every_minutes, env_file, console).items():
            path = directory / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise OpskitError(
            f"cannot write the unit files to {directory}: {error.strerror or error}"
        ) from None
    return written


def install_systemd(
    config_path: Path, every_minutes: int, env_file: Path | None, console: bool = False
) -> list[Path]:
    if not Path("/run/systemd/system").is_dir():
        raise OpskitError(
            "systemd is not running on this machine; use --cron, or --output DIR to "
            "write the unit files for another machine"
        )
    written = write_units(unit_dir(), config_path, every_minutes, env_file, console)
    steps: list[tuple[str, ...]] = [("daemon-reload",), ("enable", "--now", f"{UNIT_NAME}.timer")]
    if console:
        steps.append(("enable", "--now", f"{CONSOLE_UNIT}.service"))
    for step in steps:
        completed = _systemctl(*step)
        if completed.exit_code != 0:
            for path in written:
                path.unlink(missing_ok=True)
            _systemctl("daemon-reload")
            raise OpskitError(
                f"systemctl {' '.join(step)} failed: {completed.stderr_tail.strip()} "
                "(the unit files were removed again)"
            )
    return written


def uninstall_systemd() -> list[Path]:
    paths = [unit_dir() / f"{UNIT_NAME}.{kind}" for kind in ("timer", "service")]
    paths.append(unit_dir() / f"{CONSOLE_UNIT}.service")
    if not any(path.exists() for path in paths):
        return []
    if Path("/run/systemd/system").is_dir():
        _systemctl("disable", "--now", f"{UNIT_NAME}.timer")
        if paths[-1].exists():
            _systemctl("disable", "--now", f"{CONSOLE_UNIT}.service")
    removed = [path for path in paths if path.exists()]
    for path in removed:
        path.unlink()
    if Path("/run/systemd/system").is_dir():
        _systemctl("daemon-reload")
    return removed


def _check_env_file(env_file: Path | None) -> None:
    if env_file is not None:
        env_file_names(env_file)


def env_file_names(env_file: Path) -> set[str]:
    """The variables ``env_file`` sets; refuses a file a scheduled run could not read.

    A line that is not NAME=value would make cron's ``. FILE`` fail (or run it as
    a command) and systemd skip it, so it is refused here with its line number.
    The values are secrets and never appear in a message.
    """
    problem = check_secret_file(env_file)
    if problem:
        raise ConfigError(f"--env-file: {problem}")
    try:
        text = env_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"--env-file: {env_file} is not a text file (UTF-8)") from None
    except OSError as error:
        raise ConfigError(
            f"--env-file: cannot read {env_file}: {error.strerror or error}"
        ) from None
    names = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = ENV_LINE.match(line)
        if match is None:
            raise ConfigError(
                f"--env-file: {env_file}:{number}: not a NAME=value line "
                "(only NAME=value, blank and # comment lines are allowed)"
            )
        names.add(match.group(1))
    return names


def config_environment(config_path: Path) -> list[str]:
    """The environment variables the config reads: ``${VAR}`` without a default and the
    names in ``*_env`` keys.

    Read from the file as written, so it works whether or not the config is valid
    (an unreadable file has nothing to report here; ``opskit run`` will say why).
    """
    try:
        raw = bounded_yaml.load(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    names: set[str] = set()

    def walk(node: Any, key: object = None) -> None:
        if isinstance(node, dict):
            for child_key, value in node.items():
                walk(child_key)
                walk(value, child_key)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            if isinstance(key, str) and key.endswith("_env") and node.strip():
                names.add(node.strip())
            for escaped, name, default in INTERPOLATION.findall(node):
                if not escaped and not default:
                    names.add(name)

    walk(raw)
    return sorted(names)


def environment_warning(config_path: Path, env_file: Path | None) -> str | None:
    """A warning when scheduled runs would miss variables the config reads.

    cron and systemd start ``opskit run`` without the admin's shell environment,
    so a ``${VAR}`` would fail every run at config load and a ``*_env`` secret
    every job that needs it, while the install itself looked fine.
    """
    needed = config_environment(config_path)
    if env_file is not None:
        provided = env_file_names(env_file)
        missing = [name for name in needed if name not in provided]
        if not missing:
            return None
        return (
            f"warning: the config reads {', '.join(missing)} from the environment, but "
            f"{env_file} does not set {'it' if len(missing) == 1 else 'them'}; scheduled "
            "runs will fail where they are needed (add NAME=value lines to the file)"
        )
    if not needed:
        return None
    return (
        f"warning: the config reads {', '.join(needed)} from the environment, but cron and "
        "systemd start `opskit run` without this shell's variables, so scheduled runs will "
        "fail to load the config or its secrets; put NAME=value lines in a 0600 file and "
        "install again with --env-file FILE"
    )
