"""The check catalog: SOP row and runbook text of every check id.

Read from ``checks/runbooks/*.yaml`` (shipped in the wheel), so the text an
admin reads in a report and the text maintained in the repository are the
same file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import yaml

from opskit.errors import ConfigError
from opskit.paths import checks_dir

# Every check id opskit reports, and the module that implements it.
REGISTRY: dict[str, str] = {
    "host.ssh": "opskit.actions.hosts",
    "host.disk": "opskit.hosts.facts",
    "host.memory": "opskit.hosts.facts",
    "host.load": "opskit.hosts.facts",
    "logs.activity": "opskit.logs.report",
    **{
        f"logs.{rule}": "opskit.logs.report"
        for rule in (
            "probing",
            "crawl",
            "sensitive-files",
            "traversal",
            "sqli",
            "xss",
            "scanner-ua",
            "webshell",
            "login-bruteforce",
            "auth-bruteforce",
            "cve-probe",
            "gambling-spam",
            "volume",
            "errors-5xx",
        )
    },  # fmt: skip
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
    found: dict[str, Runbook] = {}
    for path in sorted((checks_dir() / "runbooks").glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
            # libyaml's loader when present: several times faster than the pure-Python one.
            entries = (
                yaml.load(text, Loader=yaml.CSafeLoader)
                if yaml.__with_libyaml__
                else yaml.safe_load(text)
            ) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not valid YAML: {error}") from None
        for check_id, entry in entries.items():
            found[check_id] = _runbook(path.name, check_id, entry)
    return found


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
