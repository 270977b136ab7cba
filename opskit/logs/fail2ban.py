"""The fail2ban filter and jail that opskit's suggested ``banip`` commands name.

``opskit logs analyze`` suggests ``fail2ban-client set opskit-web banip ADDRESS``;
that works only where a jail named ``opskit-web`` exists. These files make it:
a filter that also bans, by itself, the requests no browser ever sends (secret
files, known exploits, web-shell names), and a jail on the site's access log.
They are written for the admin to review; opskit never reloads fail2ban.
"""

from __future__ import annotations

from pathlib import Path

from opskit.errors import UsageError

JAIL = "opskit-web"
# Requests that are unambiguous on their own (see checks/logs/rules.yaml and cves.yaml).
UNAMBIGUOUS = (
    r"/\.env(?:\.[a-z0-9_-]+)?(?:[ ?#])",
    r"/\.git/",
    r"/\.(?:htpasswd|aws/|ssh/)",
    r"wp-config\.php[.~]",
    r"eval-stdin\.php",
    r"/_ignition/execute-solution",
    r"\$\{jndi:",
    r"/cgi-bin/\.%%2e/",
    r"/vendor/phpunit/",
    r"/(?:c99|r57|wso|b374k|alfa|indoxploit)[0-9a-z_-]*\.php",
    r"/phpmyadmin/setup",
    r"/boaform/",
    r"/setup\.cgi\?next_file=",
)
FILTER = """\
# fail2ban filter written by `opskit logs fail2ban-config`.
# Matches access-log lines (combined or common format, optionally after a
# virtual host) whose request no browser ever sends; the jail of the same
# name also takes the addresses opskit's findings suggest (banip).
[INCLUDES]
before = common.conf

[Definition]
failregex = ^(?:\\S+ )?<HOST> \\S+ \\S+ \\[[^\\]]+\\] "[A-Z]+ [^"]*(?i:{patterns})[^"]*"

ignoreregex =

datepattern = {{^LN-BEG}}%%d/%%b/%%Y:%%H:%%M:%%S %%z
"""
JAIL_FILE = """\
# fail2ban jail written by `opskit logs fail2ban-config`; review, then
# `fail2ban-client reload`. opskit suggests: fail2ban-client set {jail} banip ADDRESS
[{jail}]
enabled  = true
filter   = {jail}
port     = http,https
logpath  = {logpath}
backend  = auto
maxretry = 1
findtime = 10m
bantime  = 1d
"""


def filter_text() -> str:
    return FILTER.format(patterns="|".join(UNAMBIGUOUS))


def jail_text(log_paths: list[str]) -> str:
    if not log_paths:
        raise UsageError("name the access log(s) the jail watches: --log-path FILE")
    joined = "\n           ".join(log_paths)
    return JAIL_FILE.format(jail=JAIL, logpath=joined)


def write_config(directory: Path, log_paths: list[str], *, force: bool = False) -> list[str]:
    """Writes ``filter.d/opskit-web.conf`` and ``jail.d/opskit-web.local`` under ``directory``.

    Returns the paths written; refuses to overwrite changed files unless ``force``.
    """
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory (fail2ban's is /etc/fail2ban)")
    files = {
        directory / "filter.d" / f"{JAIL}.conf": filter_text(),
        directory / "jail.d" / f"{JAIL}.local": jail_text(log_paths),
    }
    for path, text in files.items():
        if path.exists() and path.read_text(encoding="utf-8") != text and not force:
            raise UsageError(f"{path} exists and differs; add --force to replace it")
    written = []
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(str(path))
    return written
