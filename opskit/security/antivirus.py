"""ClamAV (SOP D5): installed, daemon answering, signatures fresh and loaded, scans clean."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.result import Metric, Result, Status, grade
from opskit.security.clamav import (
    DAEMON_VERSION,
    CvdHeader,
    parse_clamd_config,
    parse_scan_log,
    parse_signatures,
)
from opskit.security.facts import HostFacts, excerpt
from opskit.security.policy import AntivirusPolicy
from opskit.text import Message

# How an on-demand scan recorded by opskit names itself as a source.
ON_DEMAND_SOURCE = "opskit antivirus scan"


def evaluate_antivirus(
    host: str,
    facts: HostFacts,
    policy: AntivirusPolicy,
    last_on_demand: dict[str, Any] | None = None,
    zone: tzinfo = UTC,
) -> list[Result]:
    """av.installed, av.daemon, av.signatures-age, av.signatures-loaded and av.last-scan.

    Times in summaries are shown in ``zone`` (the organisation's time zone).
    """
    programs = facts.raw("clamav-programs")
    if programs is None:
        return [unknown("av.installed", host, facts.why_missing("clamav-programs"))]
    found = {line.rsplit("/", 1)[-1] for line in str(programs.get("output", "")).split()}
    scanners = found & {"clamscan", "clamdscan", "clamd"}
    if not scanners:
        return [
            _result(
                "av.installed",
                host,
                Status.CRITICAL,
                Message("security.av.not_installed"),
                command=facts.command("clamav-programs"),
                expected="clamav, clamav-daemon",
            )
        ]
    now = facts.clock() or datetime.now(UTC)
    results = [
        _result(
            "av.installed",
            host,
            Status.OK,
            Message("security.av.installed", programs=", ".join(sorted(found))),
            command=facts.command("clamav-programs"),
        )
    ]
    answering, daemon = daemon_result(host, facts, policy)
    results.append(daemon)
    directory, headers, signature_result = signatures_result(host, facts, policy, now, zone=zone)
    results.append(signature_result)
    if answering and headers:
        results.append(loaded_result(host, facts, max(headers, key=lambda item: item.version)))
    results.append(
        last_scan_result(host, facts, policy, now, last_on_demand=last_on_demand, zone=zone)
    )
    return results


def daemon_result(host: str, facts: HostFacts, policy: AntivirusPolicy) -> tuple[bool, Result]:
    config = parse_clamd_config(facts.output("clamd-config") or "")
    socket = (
        config.get("LocalSocket")
        or config.get("TCPSocket")
        or Message("security.av.not_configured")
    )
    ping = facts.raw("clamd-ping") or {}
    answering = ping.get("exit_code") == 0 and "PONG" in str(ping.get("output", ""))
    evidence = {
        "command": facts.command("clamd-ping"),
        "socket": socket,
        "observed": excerpt(str(ping.get("output", "")), 300),
        "expected": "PONG",
    }
    if answering:
        return True, _result(
            "av.daemon",
            host,
            Status.OK,
            Message("security.av.daemon_ok", socket=socket),
            **evidence,
        )
    if not policy.daemon_required:
        summary = Message("security.av.daemon_optional")
        return False, _result("av.daemon", host, Status.OK, summary, **evidence)
    output = str(ping.get("output", ""))
    reason = excerpt(output, 200) if output else facts.why_missing("clamd-ping")
    summary = Message("security.av.daemon_down", socket=socket, detail=reason)
    return False, _result("av.daemon", host, Status.CRITICAL, summary, **evidence)


def signatures_result(
    host: str, facts: HostFacts, policy: AntivirusPolicy, now: datetime, *, zone: tzinfo
) -> tuple[str, list[CvdHeader], Result]:
    text = facts.output("signatures")
    if text is None:
        return "", [], unknown("av.signatures-age", host, facts.why_missing("signatures"))
    directory, headers, problems = parse_signatures(text)
    if not headers:
        summary = Message(
            "security.av.no_database",
            directory=directory or policy.database_dir,
            problems=Message("security.av.problems", problems=problems) if problems else "",
        )
        result = _result(
            "av.signatures-age",
            host,
            Status.CRITICAL,
            summary,
            command=f"head -c 512 {directory}/daily.cvd|cld",
            expected="daily.cvd or daily.cld (run freshclam)",
        )
        return directory, [], result
    newest = max(headers, key=lambda header: header.built_at)
    age_days = round((now - newest.built_at).total_seconds() / 86400, 2)
    status = grade(age_days, policy.signatures_warning_days, policy.signatures_critical_days)
    limits = (
        Message(
            "security.av.signature_limits",
            warning=float(policy.signatures_warning_days),
            critical=float(policy.signatures_critical_days),
        )
        if status is not Status.OK
        else ""
    )
    summary = Message(
        "security.av.signatures",
        file=newest.file,
        version=newest.version,
        built=newest.built_at,
        days=age_days,
        limits=limits,
    )
    return (
        directory,
        headers,
        Result(
            check_id="av.signatures-age",
            target=host,
            status=status,
            summary=summary,
            evidence={
                "command": f"head -c 512 {directory}/{newest.file}",
                "observed": {
                    "file": newest.file,
                    "version": newest.version,
                    "built_at": newest.built_at.isoformat(),
                    "signatures": newest.signatures,
                },
                "expected": f"at most {policy.signatures_warning_days:g} days old",
            },
            metrics=(
                Metric(
                    "signatures_age_days",
                    age_days,
                    "d",
                    policy.signatures_warning_days,
                    policy.signatures_critical_days,
                ),
            ),
            sop_row=sop_row("av.signatures-age"),
        ),
    )


def loaded_result(host: str, facts: HostFacts, newest: CvdHeader) -> Result:
    text = facts.output("clamd-version") or ""
    match = DAEMON_VERSION.search(text)
    if not match:
        return unknown(
            "av.signatures-loaded",
            host,
            Message("security.av.no_version", detail=excerpt(text, 200)),
        )
    loaded = int(match.group(2))
    evidence = {
        "command": facts.command("clamd-version"),
        "observed": loaded,
        "expected": newest.version,
        "excerpt": match.group(0),
    }
    if loaded >= newest.version:
        summary = Message("security.av.loaded_ok", version=loaded)
        return _result("av.signatures-loaded", host, Status.OK, summary, **evidence)
    summary = Message(
        "security.av.loaded_old", loaded=loaded, file=newest.file, version=newest.version
    )
    return _result("av.signatures-loaded", host, Status.WARNING, summary, **evidence)


def last_scan_result(
    host: str,
    facts: HostFacts,
    policy: AntivirusPolicy,
    now: datetime,
    *,
    last_on_demand: dict[str, Any] | None,
    zone: tzinfo,
) -> Result:
    section = facts.raw("scan-log")
    text = facts.output("scan-log")
    missing_log = section is not None and "No such file" in str(section.get("output", ""))
    if text is None and not missing_log:
        return unknown("av.last-scan", host, facts.why_missing("scan-log"))
    zone = now.tzinfo or UTC
    scans = parse_scan_log(text or "", zone)
    last: dict[str, Any] | None = None
    if scans:
        scan = scans[-1]
        last = {
            "source": policy.scan_log,
            "at": scan.ended_at or scan.started_at or _modified(text or "", zone),
            "infected": scan.infected,
            "found": [f"{path} ({name})" for path, name in scan.found],
            "files": [{"path": path, "signature": name} for path, name in scan.found],
        }
    if last_on_demand and (last is None or last["at"] is None or last_on_demand["at"] > last["at"]):
        last = last_on_demand
    evidence: dict[str, Any] = {
        "command": facts.command("scan-log"),
        "expected": f"a scan at most {policy.scan_interval_days:g} days ago, nothing found",
    }
    if last is None or last["at"] is None:
        summary = Message(
            "security.av.no_scan",
            log=policy.scan_log,
            missing=Message("security.av.no_such_file") if missing_log else "",
        )
        return _result("av.last-scan", host, Status.WARNING, summary, **evidence)
    age_days = round((now - last["at"]).total_seconds() / 86400, 2)
    evidence["observed"] = {**last, "at": last["at"].isoformat(), "age_days": age_days}
    source = (
        Message("security.av.on_demand") if last["source"] == ON_DEMAND_SOURCE else last["source"]
    )
    when = Message("security.av.when", at=last["at"], days=age_days, source=source)
    if last["infected"]:
        shown = ", ".join(last["found"][:5]) or Message("security.av.see_log")
        summary = Message(
            "security.av.scan_infected", when=when, count=last["infected"], found=shown
        )
        return _result("av.last-scan", host, Status.CRITICAL, summary, **evidence)
    if age_days > policy.scan_interval_days:
        summary = Message("security.av.scan_old", when=when, days=float(policy.scan_interval_days))
        return _result("av.last-scan", host, Status.WARNING, summary, **evidence)
    return _result(
        "av.last-scan", host, Status.OK, Message("security.av.scan_clean", when=when), **evidence
    )


def _modified(text: str, zone: tzinfo) -> datetime | None:
    first = text.splitlines()[0] if text else ""
    if first.startswith("modified ") and first.split()[1].isdigit():
        return datetime.fromtimestamp(int(first.split()[1]), UTC).astimezone(zone)
    return None


def _result(check_id: str, host: str, status: Status, summary: str, **evidence: Any) -> Result:
    return Result(
        check_id=check_id,
        target=host,
        status=status,
        summary=summary,
        evidence=evidence,
        sop_row=sop_row(check_id),
    )
