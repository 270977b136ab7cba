"""Judging an analysis: allowlists, offenders with suggested block rules, results, summary.

Suggested block rules are text for the admin to review; opskit never applies them.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from opskit.catalog import sop_row
from opskit.logs.detect import Offender
from opskit.logs.engine import Analysis
from opskit.logs.rules import Rule
from opskit.result import Metric, Result, Status
from opskit.text import Message

TOP = 10
SEVERITY_STATUS = {"medium": Status.WARNING, "high": Status.CRITICAL}
CHECK_ACTIVITY = "logs.activity"
# Check ids of the rules this module reports (logs.<rule id>).
# Check ids of the rules this module reports (logs.<rule id>); tests keep it equal to
# RULE_IDS and to the shipped rules.
RULE_CHECKS = (
    "logs.probing", "logs.crawl", "logs.sensitive-files", "logs.backup-files", "logs.traversal",
    "logs.sqli", "logs.xss", "logs.scanner-ua", "logs.webshell", "logs.login-bruteforce",
    "logs.auth-bruteforce", "logs.cve-probe", "logs.admin-probe", "logs.admin-discovery",
    "logs.wp-user-enum", "logs.wp-plugin-scan", "logs.xmlrpc-abuse", "logs.fingerprint",
    "logs.rfi", "logs.proxy-abuse", "logs.protocol-abuse", "logs.empty-requests",
    "logs.abusive-ua", "logs.form-spam", "logs.form-flood", "logs.cache-busting",
    "logs.agent-cycling", "logs.error-auth", "logs.error-denied", "logs.error-limit",
    "logs.error-missing", "logs.gambling-spam", "logs.volume", "logs.errors-5xx",
)  # fmt: skip
MALFORMED_WARNING_SHARE = 0.2


@dataclass(frozen=True)
class Allowlist:
    """Clients whose findings are suppressed: addresses, networks, user agents, crawlers."""

    networks: tuple[Any, ...] = ()
    agents: tuple[str, ...] = ()
    verify_crawler: Callable[[str, str], bool] | None = None

    @classmethod
    def build(
        cls,
        addresses: list[str],
        agents: list[str],
        verify_crawler: Callable[[str, str], bool] | None = None,
    ) -> Allowlist:
        networks = tuple(ipaddress.ip_network(item, strict=False) for item in addresses)
        return cls(networks, tuple(agent.lower() for agent in agents), verify_crawler)

    def reason(self, client: str, agent: str) -> str | None:
        """Why ``client`` is allowed, or None."""
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            address = None
        if address is not None and any(address in network for network in self.networks):
            return "allowlisted address"
        if agent and any(pattern in agent.lower() for pattern in self.agents):
            return "allowlisted user agent"
        verify = self.verify_crawler
        if verify is not None and address is not None and verify(client, agent):
            return "verified crawler (reverse and forward DNS agree)"
        return None


@dataclass
class Judgement:
    """The judged analysis of one log source: results and the data people read."""

    results: list[Result] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def block_rules(client: str) -> dict[str, str]:
    """Suggested commands to block ``client``, per firewall (printed, never run)."""
    try:
        version = ipaddress.ip_address(client).version
    except ValueError:
        return {}
    family = "ip6" if version == 6 else "ip"
    iptables = "ip6tables" if version == 6 else "iptables"
    return {
        "nftables": f"nft add rule inet filter input {family} saddr {client} drop",
        "ufw": f"ufw insert 1 deny from {client}",
        "iptables": f"{iptables} -I INPUT -s {client} -j DROP",
        "fail2ban": f"fail2ban-client set opskit-web banip {client}"
        "  # jail: opskit logs fail2ban-config",
    }


def judge(
    analysis: Analysis,
    rules: list[Rule],
    *,
    target: str,
    zone: tzinfo,
    allowlist: Allowlist | None = None,
    notes: list[str] | None = None,
    damaged: list[Message] | None = None,
) -> Judgement:
    """Results (one per offending client and rule, one for the activity) and a summary.

    ``damaged`` names files that could be read only in part: the activity is then not OK.
    """
    detector = analysis.detector
    by_id = {rule.id: rule for rule in rules}
    allowlist = allowlist or Allowlist()
    offenders: list[dict[str, Any]] = []
    suppressed: list[dict[str, str]] = []
    results: list[Result] = []
    for offender in sorted(
        detector.offenders.values(), key=lambda item: (item.severity != "high", item.first_seen)
    ):
        agent = detector.agents.get(offender.client) or _agent_of(offender)
        why = allowlist.reason(offender.client, agent)
        if why is not None:
            suppressed.append({"client": offender.client, "reason": why})
            continue
        row = _offender_row(offender, analysis, agent, zone)
        offenders.append(row)
        for rule_id, detection in offender.detections.items():
            what = _description(by_id, rule_id)
            results.append(
                Result(
                    check_id=f"logs.{rule_id}",
                    target=f"{target}:{offender.client}",
                    status=SEVERITY_STATUS[detection.severity],
                    summary=Message(
                        "logs.offender", client=offender.client, rule=what, reason=detection.reason
                    ),
                    evidence={
                        "client": offender.client,
                        "rule": rule_id,
                        "severity": detection.severity,
                        "first_seen": row["first_seen"],
                        "last_seen": row["last_seen"],
                        "requests": row["requests"],
                        "lines": offender.evidence,
                        "block_rules": row["block_rules"],
                    },
                    metrics=(Metric("requests", row["requests"]),),
                    sop_row=sop_row(f"logs.{rule_id}"),
                )
            )
    bursts = analysis.site_findings.get("bursts", [])
    for burst in bursts:
        results.append(_burst_result(burst, by_id, target, zone))
    forms = analysis.site_findings.get("forms", [])
    for form in forms:
        results.append(_form_result(form, by_id, target, zone))
    summary = summary_data(analysis, zone)
    results.insert(
        0, _activity(analysis, target, offenders, bursts, summary, damaged=damaged or [])
    )
    data = {
        "target": target,
        "summary": summary,
        "offenders": offenders,
        "suppressed": suppressed,
        "bursts": [_burst_row(burst, zone) for burst in bursts],
        "forms": [{**form, "from": local_time(form["first_minute"], zone)} for form in forms],
        "volume_median_per_minute": detector.volume_median(),
        "notes": notes or [],
    }
    return Judgement(results=results, data=data)


def _agent_of(offender: Offender) -> str:
    for line in offender.evidence:
        parts = line.rsplit('"', 2)
        if len(parts) == 3:
            return parts[1]
    return ""


def _description(by_id: dict[str, Rule], rule_id: str) -> dict[str, str] | str:
    """The rule's description in each language (said in the reader's), or its id."""
    rule = by_id.get(rule_id)
    return dict(rule.description) if rule else rule_id


def _offender_row(
    offender: Offender, analysis: Analysis, agent: str, zone: tzinfo
) -> dict[str, Any]:
    return {
        "client": offender.client,
        "severity": offender.severity,
        "detections": [
            {
                "rule": detection.rule_id,
                "severity": detection.severity,
                "reason": str(detection.reason),
                "matches": detection.matches,
                "at": local_time(detection.fired_at, zone),
            }
            for detection in offender.detections.values()
        ],
        "first_seen": local_time(offender.first_seen, zone),
        "last_seen": local_time(offender.last_seen, zone),
        "requests": analysis.clients.get(offender.client, 0),
        "user_agent": agent,
        "evidence": offender.evidence,
        "block_rules": block_rules(offender.client),
    }


def _activity(
    analysis: Analysis,
    target: str,
    offenders: list[dict[str, Any]],
    bursts: list[dict[str, Any]],
    summary: dict[str, Any],
    *,
    damaged: list[Message],
) -> Result:
    """``logs.activity``: the daily visitor-activity record (SOP F3)."""
    status = Status.OK
    if analysis.lines and analysis.malformed / analysis.lines >= MALFORMED_WARNING_SHARE:
        status = Status.WARNING
    if damaged:
        # What the unread part held is not known: the counts are not the whole log's.
        status = Status.WARNING
    # Lines dropped by --since/--until were read fine: only no readable line at all is UNKNOWN.
    if not analysis.parsed and not analysis.outside_range and analysis.lines:
        status = Status.UNKNOWN
    high = sum(1 for row in offenders if row["severity"] == "high")
    notes: list[Message | str] = []
    if analysis.outside_range:
        notes.append(_outside(analysis))
    if analysis.backwards:
        notes.append(Message("logs.activity.backwards", count=analysis.backwards))
    if analysis.naive_times:
        notes.append(Message("logs.activity.naive", zone=str(analysis.zone)))
    if analysis.held_back:
        notes.append(Message("logs.activity.held_back", bytes=analysis.held_back))
    if analysis.malformed:
        detail = ""
        if status is Status.WARNING and analysis.malformed_samples:
            from opskit.logs.sniff import looks_like

            detail = f" ({looks_like(analysis.malformed_samples[0])})"
        notes.append(Message("logs.activity.malformed", count=analysis.malformed, detail=detail))
    if status is Status.UNKNOWN:
        notes = []
    notes += damaged
    noted = Message("logs.activity.notes", items=notes) if notes else ""
    text = Message(
        "logs.activity.text",
        requests=analysis.parsed,
        clients=len(analysis.clients),
        start=_moment(analysis.first_epoch),
        end=_moment(analysis.last_epoch),
        suspicious=len(offenders),
        high=high,
        bursts=len(bursts),
        notes=noted,
    )
    if status is Status.UNKNOWN:
        text = Message(
            "logs.activity.unreadable",
            format=analysis.log_format or Message("logs.activity.configured_format"),
            lines=analysis.lines,
            notes=noted,
        )
    return Result(
        check_id=CHECK_ACTIVITY,
        target=target,
        status=status,
        summary=text,
        evidence={
            "lines": analysis.lines,
            "format": analysis.log_format,
            "malformed": analysis.malformed,
            "malformed_samples": analysis.malformed_samples,
            "damaged_files": [str(note) for note in damaged],
            "top_clients": summary["top_clients"][:5],
            "statuses": summary["statuses"],
        },
        metrics=(
            Metric("requests", analysis.parsed),
            Metric("clients", len(analysis.clients)),
            Metric("suspicious_clients", len(offenders)),
            Metric("malformed_lines", analysis.malformed),
        ),
        sop_row=sop_row(CHECK_ACTIVITY),
    )


def _moment(epoch: float | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


def _outside(analysis: Analysis) -> Message:
    if analysis.parsed:
        return Message("logs.activity.outside", count=analysis.outside_range)
    readable = Message("logs.activity.readable") if analysis.malformed else ""
    return Message("logs.activity.outside_all", count=analysis.outside_range, readable=readable)


def _burst_result(
    burst: dict[str, Any], by_id: dict[str, Rule], target: str, zone: tzinfo
) -> Result:
    row = _burst_row(burst, zone)
    return Result(
        check_id=f"logs.{burst['rule_id']}",
        target=target,
        status=SEVERITY_STATUS[burst["severity"]],
        summary=Message(
            "logs.burst",
            rule=_description(by_id, burst["rule_id"]),
            errors=burst["errors"],
            requests=burst["requests"],
            ratio=burst["ratio"] * 100,
            start=datetime.fromtimestamp(burst["first_minute"], UTC),
            end=datetime.fromtimestamp(burst["last_minute"] + 59, UTC),
        ),
        evidence=row,
        metrics=(Metric("errors", burst["errors"]), Metric("error_ratio", burst["ratio"])),
        sop_row=sop_row(f"logs.{burst['rule_id']}"),
    )


def _form_result(form: dict[str, Any], by_id: dict[str, Rule], target: str, zone: tzinfo) -> Result:
    """Many addresses posting to one form: a site finding (each address also has its own)."""
    return Result(
        check_id=f"logs.{form['rule_id']}",
        target=f"{target}:{form['form']}",
        status=SEVERITY_STATUS[form["severity"]],
        summary=Message(
            "logs.form",
            rule=_description(by_id, form["rule_id"]),
            addresses=form["addresses"],
            posts=form["posts"],
            form=form["form"],
            start=datetime.fromtimestamp(form["first_minute"], UTC),
        ),
        evidence={**form, "from": local_time(form["first_minute"], zone)},
        metrics=(Metric("addresses", form["addresses"]), Metric("posts", form["posts"])),
        sop_row=sop_row(f"logs.{form['rule_id']}"),
    )


def _burst_row(burst: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    return {
        "from": local_time(burst["first_minute"], zone),
        "to": local_time(burst["last_minute"] + 59, zone),
        "errors": burst["errors"],
        "requests": burst["requests"],
        "ratio": burst["ratio"],
        "severity": burst["severity"],
        "usual_per_minute": burst["usual_per_minute"],
    }


def summary_data(analysis: Analysis, zone: tzinfo) -> dict[str, Any]:
    """Per site: top clients and paths, status mix, requests per hour."""
    # Minutes add up to hours first (zones differ from UTC by whole quarter hours at most, so
    # the quarter hour is kept), then each quarter hour is named once in the local zone.
    quarters: Counter[int] = Counter()
    for minute, number in analysis.minute_totals.items():
        quarters[minute // 900 * 900] += number
    hourly: dict[str, int] = {}
    for quarter in sorted(quarters):
        label = datetime.fromtimestamp(quarter, UTC).astimezone(zone).strftime("%Y-%m-%d %H:00")
        hourly[label] = hourly.get(label, 0) + quarters[quarter]
    return {
        "lines": analysis.lines,
        "format": analysis.log_format,
        "zone_for_naive_times": analysis.zone if analysis.naive_times else None,
        "naive_times": analysis.naive_times,
        "backwards": analysis.backwards,
        "held_back_bytes": analysis.held_back,
        "requests": analysis.parsed,
        "malformed": analysis.malformed,
        "malformed_samples": analysis.malformed_samples,
        "outside_range": analysis.outside_range,
        "from": local_time(analysis.first_epoch, zone),
        "to": local_time(analysis.last_epoch, zone),
        "clients": len(analysis.clients),
        "top_clients": [[client, n] for client, n in analysis.clients.most_common(TOP)],
        "top_paths": [[path, n] for path, n in analysis.paths.most_common(TOP)],
        "statuses": {str(status): n for status, n in sorted(analysis.statuses.items())},
        "requests_per_hour": hourly,
    }


def local_time(epoch: float | None, zone: tzinfo) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %z")
