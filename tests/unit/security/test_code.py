"""bandit reports (captured from bandit 1.9 on a small app) and our own fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

from opskit.config.schema import CodeTarget
from opskit.result import Status
from opskit.security.code import bandit_argv, evaluate_code, flagged_code, parse_report
from support.security import captured

ROOT = Path("app")


def report(document=None):
    return parse_report(
        document or json.loads(captured("bandit-app.json")), ROOT, "bandit -r -f json app"
    )


def test_findings_carry_place_code_and_a_stable_fingerprint() -> None:
    findings = report().findings

    assert [(item.test_id, item.file, item.line) for item in findings] == [
        ("B404", "web.py", 1),
        ("B602", "web.py", 5),
        ("B324", "web.py", 10),
    ]
    assert findings[1].code == "return subprocess.call(command, shell=True)"
    assert findings[1].severity == "high"
    assert len({item.fingerprint for item in findings}) == 3
    assert report().findings[1].fingerprint == findings[1].fingerprint


def test_moving_code_keeps_its_fingerprint_but_a_copy_is_new() -> None:
    document = json.loads(captured("bandit-app.json"))
    shell = next(item for item in document["results"] if item["test_id"] == "B602")
    original = report(document).findings[1].fingerprint

    moved = dict(shell, line_number=25, line_range=[25], code=shell["code"].replace("5 ", "25 "))
    document["results"] = [moved]
    assert report(document).findings[0].fingerprint == original

    copy = dict(moved, line_number=40, line_range=[40], code=moved["code"].replace("25 ", "40 "))
    document["results"] = [moved, copy]
    fingerprints = [item.fingerprint for item in report(document).findings]
    assert fingerprints[0] == original
    assert fingerprints[1] != original


def test_scan_errors_make_the_result_unknown() -> None:
    target = CodeTarget(name="app", path=ROOT)
    policy_code = _policy().code

    result = evaluate_code(target, report(), policy_code, accepted=None)

    assert result.status is Status.UNKNOWN
    assert "broken.py: syntax error" in result.summary


def test_new_high_findings_are_critical_accepted_ones_are_not() -> None:
    document = json.loads(captured("bandit-app.json"))
    document["errors"] = []
    scanned = report(document)
    target = CodeTarget(name="app", path=ROOT)
    policy_code = _policy().code

    fresh = evaluate_code(target, scanned, policy_code, accepted=None)
    accepted = evaluate_code(
        target, scanned, policy_code, accepted={item.fingerprint for item in scanned.findings}
    )

    assert fresh.check_id == "code.bandit"
    assert fresh.status is Status.CRITICAL
    assert "web.py:5 B602 high" in fresh.summary
    assert accepted.status is Status.OK
    assert accepted.summary == "no new findings (3 accepted)"


def test_flagged_code_takes_only_the_flagged_lines() -> None:
    snippet = "9     import hashlib\n10     return hashlib.md5(x)\n11 \n"

    assert flagged_code(snippet, [10]) == "return hashlib.md5(x)"


def test_bandit_argv_uses_this_python_and_excludes_paths() -> None:
    argv = bandit_argv(CodeTarget(name="app", path=Path("/srv/app"), exclude=["tests", "vendor"]))

    assert argv[1:] == (
        "-P",
        "-m",
        "bandit",
        "-r",
        "-f",
        "json",
        "-q",
        "-x",
        "/srv/app/tests,/srv/app/vendor",
        "/srv/app",
    )


def _policy():
    from opskit.security.policy import baseline, validate

    return validate(baseline(), "test")
