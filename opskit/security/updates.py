"""Pending updates (SOP C6): all, security, and whether a reboot is waiting (Debian/Ubuntu apt).

``apt-get -s dist-upgrade`` simulates the upgrade from the package lists
already on the host; it needs no root and changes nothing. Lists that are
old make the numbers old too, which the result says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.result import Metric, Result, Status
from opskit.security.facts import HostFacts
from opskit.security.policy import UpdatesPolicy
from opskit.text import Message

INST = re.compile(r"^Inst (\S+)(?: \[([^\]]*)\])? \((\S+) (.*?) \[([^\]]*)\]\)")
CHECKS = ("os.updates", "os.updates.security", "os.updates.reboot")
STATUSES = {"ok": Status.OK, "warning": Status.WARNING, "critical": Status.CRITICAL}


@dataclass(frozen=True)
class Upgrade:
    package: str
    installed: str | None
    candidate: str
    origins: tuple[str, ...]

    @property
    def security(self) -> bool:
        return any("-security" in origin.lower() for origin in self.origins)


def parse_apt_simulation(text: str) -> list[Upgrade]:
    """Upgrades (``Inst`` lines) of ``apt-get -s dist-upgrade``; new packages count too."""
    upgrades = []
    for line in text.splitlines():
        match = INST.match(line)
        if match:
            package, installed, candidate, origins, _ = match.groups()
            upgrades.append(
                Upgrade(
                    package,
                    installed,
                    candidate,
                    tuple(origin.strip() for origin in origins.split(",")),
                )
            )
    return upgrades


def evaluate_updates(host: str, facts: HostFacts, policy: UpdatesPolicy) -> list[Result]:
    """os.updates, os.updates.security and os.updates.reboot."""
    section = facts.raw("apt")
    text = facts.output("apt")
    if section is not None and section.get("exit_code") == 127:
        reason = Message("security.updates.no_apt")
        return [unknown(check_id, host, reason) for check_id in CHECKS[:2]] + [
            reboot_result(host, facts, policy)
        ]
    if text is None:
        reason = facts.why_missing("apt")
        return [unknown(check_id, host, reason) for check_id in CHECKS[:2]] + [
            reboot_result(host, facts, policy)
        ]
    upgrades = parse_apt_simulation(text)
    security = [upgrade for upgrade in upgrades if upgrade.security]
    other = [upgrade for upgrade in upgrades if not upgrade.security]
    now = facts.clock() or datetime.now(UTC)
    lists_age = _lists_age_days(facts.output("apt-lists") or "", now)
    stale = lists_age is not None and lists_age > policy.lists_max_age_days
    note = Message("security.updates.stale", days=round(lists_age or 0)) if stale else ""
    evidence: dict[str, Any] = {
        "command": "apt-get -s -o Debug::NoLocking=1 dist-upgrade",
        "lists_age_days": lists_age,
    }
    other_status = (
        Status.WARNING
        if policy.other_updates_warning and len(other) >= policy.other_updates_warning
        else Status.OK
    )
    if stale:
        other_status = Status.WARNING
    all_result = Result(
        check_id="os.updates",
        target=host,
        status=other_status,
        summary=Message(
            "security.updates.pending", count=len(upgrades), security=len(security), stale=note
        ),
        evidence={
            **evidence,
            "observed": [
                f"{item.package} {item.installed or '-'} -> {item.candidate}" for item in other
            ][:200],
            "expected": f"fewer than {policy.other_updates_warning} pending"
            if policy.other_updates_warning
            else "any number",
        },
        metrics=(Metric("updates_pending", len(upgrades)),),
        sop_row=sop_row("os.updates"),
    )
    security_status = STATUSES[policy.security_status] if security else Status.OK
    security_result = Result(
        check_id="os.updates.security",
        target=host,
        status=security_status,
        summary=Message(
            "security.updates.security",
            count=len(security),
            packages=[item.package for item in security],
            stale=note,
        )
        if security
        else Message("security.updates.no_security", stale=note),
        evidence={
            **evidence,
            "observed": [
                f"{item.package} {item.installed or '-'} -> {item.candidate} "
                f"({', '.join(item.origins)})"
                for item in security
            ],
            "expected": "none",
        },
        metrics=(Metric("security_updates_pending", len(security)),),
        sop_row=sop_row("os.updates.security"),
    )
    return [all_result, security_result, reboot_result(host, facts, policy)]


def reboot_result(host: str, facts: HostFacts, policy: UpdatesPolicy) -> Result:
    text = facts.output("reboot-required")
    if text is None:
        return unknown("os.updates.reboot", host, facts.why_missing("reboot-required"))
    lines = text.split()
    kernels = (facts.output("kernels") or "").split()
    running, installed = (kernels[0], kernels[1:]) if kernels else (None, [])
    # A container runs its host's kernel, which is not among its own /boot files.
    newest = installed[-1] if running in installed else None
    reasons: list[Message] = []
    if lines and lines[0] == "required":
        packages = lines[1:]
        reasons.append(
            Message(
                "security.updates.reboot_file",
                packages=Message("security.updates.reboot_packages", packages=", ".join(packages))
                if packages
                else "",
            )
        )
    if running and newest and newest != running:
        reasons.append(Message("security.updates.kernel", running=running, newest=newest))
    evidence = {
        "command": "test -f /var/run/reboot-required; uname -r; ls /boot/vmlinuz-*",
        "observed": [str(reason) for reason in reasons] or "no reboot pending",
        "expected": "no reboot pending",
    }
    if reasons:
        return Result(
            check_id="os.updates.reboot",
            target=host,
            status=STATUSES[policy.reboot_status],
            summary=Message("security.updates.reboot", reasons=reasons),
            evidence=evidence,
            sop_row=sop_row("os.updates.reboot"),
        )
    return Result(
        check_id="os.updates.reboot",
        target=host,
        status=Status.OK,
        summary=Message("security.updates.no_reboot"),
        evidence=evidence,
        sop_row=sop_row("os.updates.reboot"),
    )


def _lists_age_days(text: str, now: datetime) -> float | None:
    parts = text.split()
    if not parts or not parts[0].isdigit():
        return None
    updated = datetime.fromtimestamp(int(parts[0]), UTC)
    return round((now - updated).total_seconds() / 86400, 1)
