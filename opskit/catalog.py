"""The check catalog: SOP row and runbook text of every check id.

Read from ``checks/runbooks/*.yaml`` (shipped in the wheel), so the text an
admin reads in a report and the text maintained in the repository are the
same file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opskit.errors import ConfigError
from opskit.logs import RULE_IDS
from opskit.paths import checks_dir
from opskit.result import Result, Status

# Every check id opskit reports, and the module that implements it.
REGISTRY: dict[str, str] = {
    "host.ssh": "opskit.actions.hosts",
    "host.disk": "opskit.hosts.facts",
    "host.memory": "opskit.hosts.facts",
    "host.load": "opskit.hosts.facts",
    "notify.delivery": "opskit.actions.incidents",
    "schedule.heartbeat": "opskit.scheduling.heartbeat",
    "web.http": "opskit.web.http",
    "web.tls": "opskit.web.tls",
    "web.domain": "opskit.web.domain",
    "web.dns": "opskit.web.dns",
    "web.freshness": "opskit.web.freshness",
    "web.integrity": "opskit.web.integrity",
    "web.integrity.spam": "opskit.web.spam_scan",
    "web.integrity.cloaking": "opskit.web.cloaking",
    "web.integrity.sitemap": "opskit.web.integrity",
    "web.links": "opskit.web.links",
    "web.exposure": "opskit.web.exposure",
    "web.public-info": "opskit.web.publicinfo.audit",
    "web.public-info.changes": "opskit.web.publicinfo.audit",
    "fw.active": "opskit.security.firewall",
    "fw.default-inbound": "opskit.security.firewall",
    "fw.allowed-ports": "opskit.security.firewall",
    "net.listening": "opskit.security.ports",
    "ssh.root-login": "opskit.security.sshd",
    "ssh.password-auth": "opskit.security.sshd",
    "ssh.kbd-interactive": "opskit.security.sshd",
    "ssh.empty-passwords": "opskit.security.sshd",
    "ssh.max-auth-tries": "opskit.security.sshd",
    "ssh.x11-forwarding": "opskit.security.sshd",
    "ssh.weak-ciphers": "opskit.security.sshd",
    "ssh.weak-macs": "opskit.security.sshd",
    "ssh.weak-kex": "opskit.security.sshd",
    "av.installed": "opskit.security.antivirus",
    "av.daemon": "opskit.security.antivirus",
    "av.signatures-age": "opskit.security.antivirus",
    "av.signatures-loaded": "opskit.security.antivirus",
    "av.last-scan": "opskit.security.antivirus",
    "av.scan": "opskit.actions.antivirus",
    "os.updates": "opskit.security.updates",
    "os.updates.security": "opskit.security.updates",
    "os.updates.reboot": "opskit.security.updates",
    "web.files.uploads": "opskit.security.webfiles",
    "web.files.changed": "opskit.security.webfiles",
    "web.files.writable": "opskit.security.webfiles",
    "code.bandit": "opskit.security.code",
    "security.score": "opskit.security.score",
    "backup.repository": "opskit.actions.backup.init",
    "backup.run": "opskit.actions.backup.files",
    "backup.database": "opskit.actions.backup.dumps",
    "backup.prune": "opskit.actions.backup.prune",
    "backup.restore": "opskit.actions.backup.restore",
    "backup.freshness": "opskit.actions.backup.status",
    "backup.locks": "opskit.actions.backup.status",
    "backup.protection": "opskit.actions.backup.protection",
    "backup.verify.check": "opskit.actions.backup.verify",
    "backup.verify.drill": "opskit.actions.backup.drill",
    "backup.verify.database": "opskit.actions.backup.verify",
    "backup.verify.age": "opskit.actions.backup.status",
    "requests.late": "opskit.actions.requests_check",
    "logs.activity": "opskit.logs.report",
    **{f"logs.{rule}": "opskit.logs.report" for rule in RULE_IDS},  # fmt: skip
}

LANGUAGES = ("id", "en")
SECTIONS = ("title", "meaning", "first_steps", "call_provider")


@dataclass(frozen=True)
class Runbook:
    """What a check means and what to do about it, in each language."""

    check_id: str
    sop_row: str
    texts: dict[str, dict[str, str]]

    def text(self, section: str, language: str) -> str:
        return self.texts[section].get(language) or self.texts[section]["en"]


@functools.cache
def runbooks() -> dict[str, Runbook]:
    """Every runbook entry by check id; raises ConfigError if a file is malformed."""
    from opskit import parsed_cache

    paths = sorted((checks_dir() / "runbooks").glob("*.yaml"))
    found: dict[str, Runbook] = {}
    for file_name, entries in parsed_cache.load("runbooks", paths, _runbook_files):
        for check_id, entry in entries.items():
            found[check_id] = _runbook(file_name, check_id, entry)
    return found


def _runbook_files(texts: list[tuple[Path, str]]) -> list[list[Any]]:
    """Each runbook file's ``[name, entries]`` as read (checked by ``_runbook``); lists, not
    tuples, so that the parsed cache keeps them."""
    import yaml  # only when a runbook changed since it was last read

    from opskit import bounded_yaml

    files = []
    for path, text in texts:
        try:
            entries = bounded_yaml.load(text) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(entries, dict):
            raise ConfigError(f"{path}: must be a mapping of check ids to runbook entries")
        files.append([path.name, entries])
    return files


def _runbook(file_name: str, check_id: str, entry: Any) -> Runbook:
    where = f"{file_name}: {check_id}"
    if not isinstance(entry, dict) or not isinstance(entry.get("sop"), str):
        raise ConfigError(f"{where}: needs a 'sop' row")
    texts: dict[str, dict[str, str]] = {}
    for section in SECTIONS:
        value = entry.get(section)
        if not isinstance(value, dict) or not all(
            isinstance(value.get(lang), str) for lang in LANGUAGES
        ):
            raise ConfigError(f"{where}.{section}: needs text in both 'id' and 'en'")
        texts[section] = {lang: value[lang].strip() for lang in LANGUAGES}
    return Runbook(check_id=check_id, sop_row=entry["sop"], texts=texts)


def runbook(check_id: str) -> Runbook | None:
    """The runbook for ``check_id``, else its parent's (``web.tls.expiry`` -> ``web.tls``)."""
    book = runbooks()
    while check_id:
        if check_id in book:
            return book[check_id]
        check_id = check_id.rpartition(".")[0]
    return None


def sop_row(check_id: str) -> str | None:
    entry = runbook(check_id)
    return entry.sop_row if entry else None


def unknown(check_id: str, target: str, reason: str, **evidence: Any) -> Result:
    """The result for "could not tell": an error, a timeout, no data."""
    return Result(
        check_id=check_id,
        target=target,
        status=Status.UNKNOWN,
        summary=reason,
        evidence=evidence,
        sop_row=sop_row(check_id),
    )
