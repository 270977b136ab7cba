"""``opskit antivirus scan HOST [PATH]``: a ClamAV scan now, recorded as av.scan.

``opskit check antivirus`` counts the newest recorded scan as the host's
last scan, alongside the scans in its scan log.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.context import AppContext
from opskit.errors import HostError, UsageError
from opskit.hosts.runner import known_hosts, run_on_hosts, select_hosts
from opskit.outcome import Outcome
from opskit.result import Result, Status
from opskit.security.policy import PolicyBook
from opskit.text import Message


def antivirus_scan(context: AppContext, name: str, path: str | None) -> Outcome:
    """``opskit antivirus scan HOST [PATH]``: scan now with ClamAV, record it as av.scan."""
    from opskit.playbooks.security import run_scan
    from opskit.security.clamav import on_demand_scan

    config = context.config
    host = select_hosts(config, [name])[0]
    policy = PolicyBook.from_config(config).for_host(host)
    target = path or (policy.web_files.roots[0] if policy.web_files.roots else None)
    if target is None:
        raise UsageError(
            f"give the PATH to scan: {name} has no web root in its policy (web_files.roots)"
        )
    answers = run_on_hosts(
        [host],
        lambda connection, item: run_scan(
            connection,
            target,
            policy.antivirus.clamd_config,
            policy.antivirus.database_dir,
            use_sudo=item.sudo,
        ),
        trusted=known_hosts(config),
    )
    answer = answers[name]
    if isinstance(answer, HostError):
        result = unknown("av.scan", name, answer.message, path=target)
    else:
        result = scan_result(name, answer, on_demand_scan)
    return Outcome(command="antivirus scan", results=[result], record=True)


def scan_result(host: str, answer: dict[str, Any], judge: Any) -> Result:
    """av.scan from the raw scan: infected files with their signatures, or why it failed."""
    status, scan = judge(answer["output"], answer["exit_code"], UTC)
    found = [f"{path} ({signature})" for path, signature in (scan.found if scan else [])]
    evidence = {
        "command": answer["command"],
        "path": answer["path"],
        "scanner": answer["scanner"],
        "exit_code": answer["exit_code"],
        "infected": scan.infected if scan else 0,
        "found": found,
        "files": [
            {"path": path, "signature": signature}
            for path, signature in (scan.found if scan else [])
        ],
        "errors": answer["errors"][-1000:],
        "excerpt": answer["output"][-2000:],
    }
    if status is Status.CRITICAL:
        summary = Message(
            "security.av.scan_found",
            scanner=answer["scanner"],
            count=len(found),
            path=answer["path"],
            found=found[:5],
        )
    elif status is Status.OK:
        summary = Message(
            "security.av.scan_nothing", scanner=answer["scanner"], path=answer["path"]
        )
    else:
        reason = (answer["errors"] or answer["output"]).strip().splitlines()[-1:] or ["-"]
        summary = Message(
            "security.av.scan_failed",
            path=answer["path"],
            code=answer["exit_code"],
            detail=reason[0],
        )
    return Result(
        check_id="av.scan",
        target=host,
        status=status,
        summary=summary,
        evidence=evidence,
        sop_row=sop_row("av.scan"),
    )
