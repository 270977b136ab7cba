"""Listening ports (SOP D1): a public listener must be allowed by the policy and the firewall."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.result import Result, Status
from opskit.security.facts import HostFacts
from opskit.security.firewall import Firewall, read_firewall
from opskit.security.policy import SecurityPolicy
from opskit.text import Message

PROCESS = re.compile(r'\("([^"]*)",pid=(\d+)')
# Addresses a socket listens on to take every address; we read them, never bind to them.
WILDCARDS = ("*", "0.0.0.0", "::")  # noqa: S104  # nosec B104


@dataclass(frozen=True)
class Listener:
    protocol: str
    address: str
    port: int
    processes: tuple[str, ...] = ()
    interface: str = ""

    @property
    def public(self) -> bool:
        """Reachable from outside: not bound to a loopback address or the lo interface."""
        if self.interface == "lo":
            return False
        if self.address in WILDCARDS:
            return True
        try:
            return not ipaddress.ip_address(self.address).is_loopback
        except ValueError:
            return True

    @property
    def families(self) -> tuple[str, ...]:
        if self.address in ("*", "::"):  # a wildcard IPv6 socket also takes IPv4 unless v6only
            return ("ipv4", "ipv6")
        return ("ipv6",) if ":" in self.address else ("ipv4",)

    def describe(self) -> Message:
        where = f"{self.address}%{self.interface}" if self.interface else self.address
        owner = f" ({', '.join(self.processes)})" if self.processes else ""
        return Message(
            "security.ports.listener",
            port=self.port,
            protocol=self.protocol,
            address=where,
            owner=owner,
        )


def parse_ss(text: str) -> list[Listener]:
    """Listeners from ``ss -tulpnH`` (Netid State Recv-Q Send-Q Local Peer [Process])."""
    listeners = []
    for line in text.splitlines():
        fields = line.split(None, 6)
        if len(fields) < 5 or fields[0] not in ("tcp", "udp"):
            continue
        address, _, port = fields[4].rpartition(":")
        if not port.isdigit():
            continue
        address, _, interface = address.partition("%")
        address = address.strip("[]")
        if "%" in address:  # [fe80::1%eth0]
            address, _, interface = address.partition("%")
        processes = tuple(dict.fromkeys(name for name, _ in PROCESS.findall(line)))
        listeners.append(Listener(fields[0], address, int(port), processes, interface.strip("[]")))
    return listeners


def evaluate_listening(host: str, facts: HostFacts, policy: SecurityPolicy) -> Result:
    """net.listening: CRITICAL for a listener outside the policy that the firewall lets in."""
    text = facts.output("ss")
    if text is None:
        return unknown("net.listening", host, facts.why_missing("ss"))
    listeners = [item for item in parse_ss(text) if item.public]
    firewall = read_firewall(facts)
    known_firewall = isinstance(firewall, Firewall)
    critical: list[str] = []
    warning: list[Message] = []
    judged: list[dict[str, Any]] = []
    for listener in dict.fromkeys(listeners):
        if policy.network.ignores(listener.protocol, listener.port):
            continue
        allowed = policy.network.allows(listener.protocol, listener.port)
        verdict = "unknown"
        if isinstance(firewall, Firewall):
            verdicts = {
                firewall.decide(family, listener.protocol, listener.port).verdict
                for family in listener.families
                if family in firewall.families
            }
            verdict = "accept" if "accept" in verdicts else ("drop" if verdicts else "unreachable")
        judged.append(
            {
                "listener": listener.describe(),
                "port": listener.port,
                "protocol": listener.protocol,
                "address": listener.address,
                "processes": list(listener.processes),
                "in_policy": allowed,
                "firewall": verdict,
            }
        )
        blocked = verdict in ("drop", "unreachable")
        if not allowed and not blocked:
            critical.append(listener.describe())
        elif not allowed:
            warning.append(Message("security.ports.blocked", listener=listener.describe()))
        elif verdict == "drop":
            warning.append(Message("security.ports.policy_blocked", listener=listener.describe()))
    evidence: dict[str, Any] = {
        "command": facts.command("ss"),
        "expected": list(policy.network.allowed_ports),
        "observed": judged,
        "excerpt": text[-2000:],
    }
    if not known_firewall:
        evidence["firewall"] = str(Message("security.ports.firewall_state", reason=firewall))
    if critical:
        summary = Message(
            "security.ports.critical",
            listeners=critical,
            firewall="" if known_firewall else Message("security.ports.firewall_unknown"),
        )
        return _result(host, Status.CRITICAL, summary, evidence)
    if warning:
        return _result(
            host, Status.WARNING, Message("security.ports.warning", items=warning), evidence
        )
    shown = ", ".join(sorted({f"{item.port}/{item.protocol}" for item in listeners})) or Message(
        "security.ports.none"
    )
    return _result(host, Status.OK, Message("security.ports.ok", ports=shown), evidence)


def _result(host: str, status: Status, summary: str, evidence: dict[str, Any]) -> Result:
    return Result(
        check_id="net.listening",
        target=host,
        status=status,
        summary=summary,
        evidence=evidence,
        sop_row=sop_row("net.listening"),
    )
