"""SSH hardening (SOP D1, C5): the effective sshd configuration from ``sshd -T``.

``sshd -T`` prints what sshd would really use, after ``Include`` files and
defaults, so a bad line in ``sshd_config.d/`` counts. Where a setting was
written is looked up separately (grep of the files) for the admin.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.result import Result, Status
from opskit.security.facts import HostFacts, excerpt
from opskit.security.policy import SshPolicy
from opskit.text import Message

CHECKS = (
    "ssh.root-login",
    "ssh.password-auth",
    "ssh.kbd-interactive",
    "ssh.empty-passwords",
    "ssh.max-auth-tries",
    "ssh.x11-forwarding",
    "ssh.weak-ciphers",
    "ssh.weak-macs",
    "ssh.weak-kex",
)
# sshd -T prints the old name of prohibit-password.
SYNONYMS = {"without-password": "prohibit-password"}


def parse_sshd_t(text: str) -> dict[str, str]:
    """Keyword -> value from ``sshd -T`` (first value wins, as in sshd)."""
    settings: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(" ")
        if key and value and key.lower() == key:
            settings.setdefault(key, value.strip())
    if (
        "kbdinteractiveauthentication" not in settings
        and "challengeresponseauthentication" in settings
    ):
        settings["kbdinteractiveauthentication"] = settings["challengeresponseauthentication"]
    return settings


def sources(text: str) -> dict[str, list[str]]:
    """Keyword -> ``file:line:text`` where it is written (from grep -Hn of the config files)."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3 and parts[2].strip():
            keyword = parts[2].split()[0].lower()
            found.setdefault(keyword, []).append(line.strip())
    return found


def evaluate_ssh(host: str, facts: HostFacts, policy: SshPolicy) -> list[Result]:
    """One result per SSH setting the policy names."""
    text = facts.output("sshd")
    if text is None:
        reason = facts.why_missing("sshd")
        return [
            unknown(check_id, host, Message("security.ssh.not_read", reason=reason))
            for check_id in CHECKS
        ]
    settings = parse_sshd_t(text)
    written = sources(facts.output("sshd-sources") or "")
    judge = Judge(host, facts.command("sshd"), settings, written)
    root = SYNONYMS.get(settings.get("permitrootlogin", ""), settings.get("permitrootlogin", ""))
    allowed_root = {SYNONYMS.get(value, value) for value in policy.permit_root_login}
    return [
        judge.one(
            "ssh.root-login",
            "permitrootlogin",
            root in allowed_root,
            failure=Status.CRITICAL if root == "yes" else Status.WARNING,
            expected=Message("security.ssh.either", values=sorted(allowed_root)),
            shown=root,
        ),
        judge.boolean(
            "ssh.password-auth", "passwordauthentication", policy.password_authentication
        ),
        judge.boolean(
            "ssh.kbd-interactive",
            "kbdinteractiveauthentication",
            policy.kbd_interactive_authentication,
        ),
        judge.boolean(
            "ssh.empty-passwords",
            "permitemptypasswords",
            policy.permit_empty_passwords,
            Status.CRITICAL,
        ),
        judge.one(
            "ssh.max-auth-tries",
            "maxauthtries",
            _number(settings.get("maxauthtries")) <= policy.max_auth_tries,
            failure=Status.WARNING,
            expected=Message("security.ssh.at_most", count=policy.max_auth_tries),
        ),
        judge.boolean("ssh.x11-forwarding", "x11forwarding", policy.x11_forwarding),
        judge.weak("ssh.weak-ciphers", "ciphers", policy.weak_ciphers),
        judge.weak("ssh.weak-macs", "macs", policy.weak_macs),
        judge.weak("ssh.weak-kex", "kexalgorithms", policy.weak_kex),
    ]


class Judge:
    """Builds the result of one setting with its evidence."""

    def __init__(
        self, host: str, command: str, settings: dict[str, str], written: dict[str, list[str]]
    ) -> None:
        self.host = host
        self.command = command
        self.settings = settings
        self.written = written

    def one(
        self,
        check_id: str,
        keyword: str,
        passed: bool,
        *,
        failure: Status,
        expected: str,
        shown: str | None = None,
        problem: str | None = None,
    ) -> Result:
        if keyword not in self.settings:
            return unknown(
                check_id, self.host, Message("security.ssh.not_printed", keyword=keyword)
            )
        observed = shown if shown is not None else self.settings[keyword]
        status = Status.OK if passed else failure
        where = self.written.get(keyword, [])
        summary = problem or Message(
            "security.ssh.setting",
            keyword=keyword,
            value=observed,
            policy="" if passed else Message("security.ssh.policy", expected=expected),
            where=Message("security.ssh.where", file=where[0].rsplit(":", 1)[0])
            if not passed and where
            else "",
        )
        evidence: dict[str, Any] = {
            "command": self.command,
            "observed": observed,
            "expected": expected,
            "excerpt": f"{keyword} {excerpt(self.settings[keyword], 300)}",
            "configured_in": where,
        }
        return Result(
            check_id=check_id,
            target=self.host,
            status=status,
            summary=summary,
            evidence=evidence,
            sop_row=sop_row(check_id),
        )

    def boolean(
        self, check_id: str, keyword: str, wanted: bool, failure: Status = Status.WARNING
    ) -> Result:
        expected = "yes" if wanted else "no"
        value = self.settings.get(keyword, "")
        return self.one(
            check_id,
            keyword,
            value == expected or (wanted and value != "no"),
            failure=failure,
            expected=expected,
        )

    def weak(self, check_id: str, keyword: str, weak: list[str]) -> Result:
        offered = [item for item in self.settings.get(keyword, "").split(",") if item]
        found = [item for item in offered if _listed(item, weak)]
        result = self.one(
            check_id,
            keyword,
            not found,
            failure=Status.WARNING,
            expected=Message("security.ssh.none_of", items=", ".join(weak)),
            problem=Message("security.ssh.weak_found", keyword=keyword, found=", ".join(found))
            if found
            else Message("security.ssh.weak_none", keyword=keyword, count=len(offered)),
        )
        result.evidence["weak"] = found
        return result


def _listed(item: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(item, pattern) for pattern in patterns)


def _number(text: str | None) -> float:
    return float(text) if text and text.isdigit() else float("inf")
