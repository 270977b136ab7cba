"""Evidence views of the server security checks."""

from __future__ import annotations

import re
from typing import Any

from opskit.evidence.facts import Code, Facts, View, facts_only, label, moment, pairs, table
from opskit.evidence.facts import yes_no as yes
from opskit.text import Message

UPGRADE = re.compile(r"^(\S+) (\S+) -> (\S+)(?: \((.*)\))?$")


def firewall(evidence: dict[str, Any]) -> list[Facts]:
    chains = [
        (Code(chain.get("source") or "-"), Code(chain.get("chain") or "-"), chain.get("rules"))
        for chain in evidence.get("input_chains") or []
    ]
    return facts_only(
        [
            pairs(
                ("manager", evidence.get("manager") or label("none")),
                ("command", Code(evidence.get("command") or "-")),
            ),
            table(("ruleset", "chain", "rules"), chains),
        ]
    )


def default_inbound(evidence: dict[str, Any]) -> list[Facts]:
    decided = evidence.get("decided_by") or {}
    rows = [
        (
            Code(probe),
            label("accepted_packet") if verdict == "accept" else label("dropped"),
            Code(str(decided.get(probe, "-"))),
        )
        for probe, verdict in (evidence.get("observed") or {}).items()
    ]
    return facts_only([table(("test_packet", "verdict", "decided_by"), rows)])


def allowed_ports(evidence: dict[str, Any]) -> list[Facts]:
    observed = evidence.get("observed")
    opened = (
        label("all_ports")
        if observed == "all ports"
        else ", ".join(observed or []) or label("none")
    )
    return facts_only(
        [
            pairs(
                ("open_ports", opened), ("allowed_ports", ", ".join(evidence.get("expected") or []))
            )
        ]
    )


def listening(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            f"{item['port']}/{item['protocol']}"
            if item.get("port")
            else Code(str(item.get("listener"))),
            Code(item.get("address") or "-"),
            ", ".join(item.get("processes") or []) or "-",
            yes(item.get("in_policy")),
            label(f"firewall_{item.get('firewall')}"),
        )
        for item in evidence.get("observed") or []
    ]
    return facts_only(
        [
            table(("port", "address", "program", "in_policy", "firewall"), rows),
            pairs(("allowed_ports", ", ".join(evidence.get("expected") or []))),
        ]
    )


def ssh(evidence: dict[str, Any]) -> list[Facts]:
    where = [Code(line.rsplit(":", 1)[0]) for line in evidence.get("configured_in") or []]
    return facts_only(
        [
            pairs(
                ("setting", Code(str(evidence.get("excerpt", "")).split(" ", 1)[0])),
                ("observed", Code(str(evidence.get("observed") or "-"))),
                ("expected", evidence.get("expected")),
                ("weak", ", ".join(evidence.get("weak") or [])),
                ("configured_in", where[0] if where else None),
            )
        ]
    )


def antivirus(evidence: dict[str, Any]) -> list[Facts]:
    observed = evidence.get("observed")
    details = observed if isinstance(observed, dict) else {}
    files = [
        (Code(item.get("path") or "-"), item.get("signature"))
        for item in details.get("files") or []
    ]
    return facts_only(
        [
            pairs(
                ("socket", Code(evidence["socket"]) if evidence.get("socket") else None),
                ("database_file", details.get("file")),
                ("version", details.get("version")),
                ("built", moment(details.get("built_at"))),
                ("last_scan", moment(details.get("at"))),
                ("infected", details.get("infected")),
                ("command", Code(evidence.get("command") or "-")),
            ),
            table(("file", "signature"), files),
        ]
    )


def scan(evidence: dict[str, Any]) -> list[Facts]:
    files = [
        (Code(item.get("path") or "-"), item.get("signature"))
        for item in evidence.get("files") or []
    ]
    return facts_only(
        [
            pairs(
                ("scanned_path", Code(evidence.get("path") or "-")),
                ("scanner", evidence.get("scanner")),
                ("infected", evidence.get("infected")),
            ),
            table(("file", "signature"), files),
        ]
    )


def updates(evidence: dict[str, Any]) -> list[Facts]:
    rows = []
    for line in evidence.get("observed") or []:
        match = UPGRADE.match(str(line))
        if match:
            rows.append((Code(match.group(1)), Code(match.group(2)), Code(match.group(3))))
    return facts_only(
        [
            table(("package", "installed", "available"), rows),
            pairs(
                (
                    "lists_age",
                    label("days", value=evidence["lists_age_days"])
                    if evidence.get("lists_age_days") is not None
                    else None,
                )
            ),
        ]
    )


def reboot(evidence: dict[str, Any]) -> list[Facts]:
    observed = evidence.get("observed")
    reasons = observed if isinstance(observed, list) else []
    return facts_only([table(("reason",), [(Code(str(reason)),) for reason in reasons])])


def web_files(evidence: dict[str, Any]) -> list[Facts]:
    listed = [(Code(str(path)),) for path in evidence.get("observed") or []]
    changes = [
        (Code(str(path)), label(kind))
        for kind in ("added", "modified", "removed")
        for path in evidence.get(kind) or []
    ]
    return facts_only(
        [
            pairs(("files_counted", evidence.get("files"))),
            table(("file",), listed),
            table(("file", "change"), changes),
        ]
    )


def code(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            Code(item.get("where") or "-"),
            Code(str(item.get("test") or "").split(" ", 1)[0]),
            Message(f"security.code.severity.{item.get('severity')}"),
            Code(item.get("code") or ""),
        )
        for item in evidence.get("new") or []
    ]
    return facts_only(
        [
            pairs(
                ("scanned_path", Code(evidence.get("path") or "-")),
                ("accepted_findings", evidence.get("accepted")),
            ),
            table(("place", "bandit_test", "severity", "code_line"), rows),
        ]
    )


def score(evidence: dict[str, Any]) -> list[Facts]:
    weights = evidence.get("weights") or {}
    rows = [
        (Code(check_id), weights.get(check_id)) for check_id in evidence.get("not_passed") or []
    ]
    return facts_only(
        [
            pairs(("points", f"{evidence.get('earned', 0):g} / {evidence.get('total', 0):g}")),
            table(("check_not_passed", "weight"), rows),
        ]
    )


VIEWS: dict[str, View] = {
    "fw.active": firewall,
    "fw.default-inbound": default_inbound,
    "fw.allowed-ports": allowed_ports,
    "net.listening": listening,
    "ssh": ssh,
    "av": antivirus,
    "av.scan": scan,
    "os.updates": updates,
    "os.updates.reboot": reboot,
    "web.files": web_files,
    "code.bandit": code,
    "security.score": score,
}
