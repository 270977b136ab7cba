"""Application code (SOP D4): bandit over the configured Python code, with our own baseline.

bandit's own baseline matches findings without line numbers and by count,
so a second shell-injection call added to a file that already had an
accepted one can slip through. Each finding here gets a fingerprint of its test,
file, the code it flags and its occurrence among identical ones; the
baseline is the set of fingerprints the admin accepted.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.config.schema import CodeTarget
from opskit.errors import CommandError
from opskit.execute import run
from opskit.result import Metric, Result, Status
from opskit.security.policy import CodePolicy
from opskit.text import Message

LEVELS = {"undefined": 0, "low": 1, "medium": 2, "high": 3}
SHOWN = 10


@dataclass(frozen=True)
class Finding:
    test_id: str
    test_name: str
    severity: str
    confidence: str
    file: str
    line: int
    code: str
    text: str
    fingerprint: str

    def describe(self) -> Message:
        return Message(
            "security.code.finding",
            file=self.file,
            line=self.line,
            test=self.test_id,
            severity=Message(f"security.code.severity.{self.severity}"),
            detail=self.text,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.fingerprint,
            "test": f"{self.test_id} {self.test_name}",
            "severity": self.severity,
            "confidence": self.confidence,
            "where": f"{self.file}:{self.line}",
            "code": self.code,
            "issue": self.text,
        }


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    errors: list[str]
    command: str


def bandit_argv(target: CodeTarget) -> tuple[str, ...]:
    """bandit as a module of the Python running opskit (always the installed one), JSON out."""
    argv = [sys.executable, "-P", "-m", "bandit", "-r", "-f", "json", "-q"]
    if target.exclude:
        argv += ["-x", ",".join(str(target.path / item) for item in target.exclude)]
    return (*argv, str(target.path))


def run_bandit(target: CodeTarget, policy: CodePolicy) -> Report:
    """Scan ``target``; raises CommandError if bandit cannot run or prints no JSON."""
    argv = bandit_argv(target)
    completed = run(argv, timeout_seconds=policy.timeout_seconds)
    # bandit exits 0 (nothing found) or 1 (found something); anything else is its own failure.
    if completed.exit_code not in (0, 1):
        raise CommandError(
            f"bandit failed on {target.path} (exit {completed.exit_code})",
            details=completed.stderr_tail.splitlines()[-5:],
        )
    try:
        document = json.loads(completed.stdout)
    except ValueError:
        raise CommandError(
            f"bandit printed no JSON for {target.path}",
            details=completed.stderr_tail.splitlines()[-5:],
        ) from None
    # Shown as a person would type it: bandit and its options, not the interpreter running it.
    return parse_report(document, target.path, " ".join(("bandit", *argv[4:])))


def parse_report(document: dict[str, Any], root: Path, command: str) -> Report:
    """Findings with fingerprints, and scan errors, from bandit's JSON."""
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for item in sorted(
        document.get("results", []), key=lambda entry: (entry["filename"], entry["line_number"])
    ):
        file = _relative(item["filename"], root)
        code = flagged_code(item.get("code", ""), item.get("line_range") or [item["line_number"]])
        key = "|".join((item["test_id"], file, code))
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()[:16]
        findings.append(
            Finding(
                test_id=item["test_id"],
                test_name=item.get("test_name", ""),
                severity=item["issue_severity"].lower(),
                confidence=item["issue_confidence"].lower(),
                file=file,
                line=item["line_number"],
                code=code,
                text=item.get("issue_text", ""),
                fingerprint=digest,
            )
        )
    errors = [
        f"{_relative(item['filename'], root)}: {item['reason']}"
        for item in document.get("errors", [])
    ]
    return Report(findings, errors, command)


def flagged_code(snippet: str, line_range: list[int]) -> str:
    """The flagged lines of bandit's numbered snippet, whitespace squeezed (indent is no change)."""
    wanted = set(line_range)
    lines = []
    for line in snippet.splitlines():
        number, _, text = line.partition(" ")
        if number.isdigit() and int(number) in wanted:
            lines.append(" ".join(text.split()))
    return "\n".join(lines)


def _relative(filename: str, root: Path) -> str:
    """The path inside the scanned root, so moving the application keeps fingerprints."""
    path = Path(filename)
    try:
        relative = path.relative_to(root)
    except ValueError:
        return filename
    return path.name if str(relative) == "." else str(relative)


def evaluate_code(
    target: CodeTarget, report: Report, policy: CodePolicy, accepted: set[str] | None
) -> Result:
    """code.bandit: new findings by severity; scan errors make it UNKNOWN."""
    relevant = [
        finding
        for finding in report.findings
        if LEVELS[finding.severity] >= LEVELS[policy.min_severity]
        and LEVELS[finding.confidence] >= LEVELS[policy.min_confidence]
    ]
    known = accepted or set()
    new = [finding for finding in relevant if finding.fingerprint not in known]
    evidence: dict[str, Any] = {
        "command": report.command,
        "path": str(target.path),
        "new": [finding.to_dict() for finding in new],
        "accepted": sum(1 for finding in relevant if finding.fingerprint in known),
        "expected": f"no new findings of {policy.min_severity} severity and "
        f"{policy.min_confidence} confidence or more",
        "errors": report.errors,
    }
    if report.errors:
        return unknown(
            "code.bandit",
            target.name,
            Message("security.code.errors", detail=report.errors[:3]),
            **evidence,
        )
    high = [finding for finding in new if finding.severity == "high"]
    status = Status.CRITICAL if high else Status.WARNING if new else Status.OK
    if new:
        summary = Message(
            "security.code.new",
            count=len(new),
            high=len(high),
            findings=[finding.describe() for finding in new[:SHOWN]],
        )
    else:
        summary = Message("security.code.none", accepted=evidence["accepted"])
    return Result(
        check_id="code.bandit",
        target=target.name,
        status=status,
        summary=summary,
        evidence=evidence,
        metrics=(Metric("new_findings", len(new)), Metric("high_findings", len(high))),
        sop_row=sop_row("code.bandit"),
    )
