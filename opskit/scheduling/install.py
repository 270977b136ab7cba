"""Installing the schedule: a crontab entry or systemd units that call ``opskit run``.

Installing twice replaces opskit's entry; uninstalling removes only what
opskit wrote. If enabling the systemd timer fails, the units just written
are removed again, so a failed install leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from opskit import execute
from opskit.config.secrets import check_secret_file
from opskit.errors import CommandError, ConfigError, OpskitError
from opskit.scheduling.emit import CRON_MARKER, UNIT_NAME, cron_line, merge_crontab, systemd_units

TIMEOUT_SECONDS = 30


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
    directory: Path, config_path: Path, every_minutes: int, env_file: Path | None
) -> list[Path]:
    _check_env_file(env_file)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in systemd_units(config_path, every_minutes, env_file).items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def install_systemd(config_path: Path, every_minutes: int, env_file: Path | None) -> list[Path]:
    if not Path("/run/systemd/system").is_dir():
        raise OpskitError(
            "systemd is not running on this machine; use --cron, or --output DIR to "
            "write the unit files for another machine"
        )
    written = write_units(unit_dir(), config_path, every_minutes, env_file)
    for step in (("daemon-reload",), ("enable", "--now", f"{UNIT_NAME}.timer")):
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
    if not any(path.exists() for path in paths):
        return []
    if Path("/run/systemd/system").is_dir():
        _systemctl("disable", "--now", f"{UNIT_NAME}.timer")
    removed = [path for path in paths if path.exists()]
    for path in removed:
        path.unlink()
    if Path("/run/systemd/system").is_dir():
        _systemctl("daemon-reload")
    return removed


def _check_env_file(env_file: Path | None) -> None:
    if env_file is None:
        return
    problem = check_secret_file(env_file)
    if problem:
        raise ConfigError(f"--env-file: {problem}")
