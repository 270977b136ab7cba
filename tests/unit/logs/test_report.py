"""Every shipped rule reports under its own check id, with a runbook and SOP row."""

from __future__ import annotations

from opskit.catalog import sop_row
from opskit.logs.report import RULE_CHECKS
from opskit.logs.rules import load_rules

EXPECTED_SOP = {
    "logs.activity": "F3",
    "logs.probing": "C2",
    "logs.crawl": "D1",
    "logs.sensitive-files": "C2",
    "logs.traversal": "C2",
    "logs.sqli": "C2",
    "logs.xss": "C2",
    "logs.scanner-ua": "C2",
    "logs.webshell": "C2",
    "logs.login-bruteforce": "D1",
    "logs.auth-bruteforce": "D1",
    "logs.cve-probe": "C2",
    "logs.gambling-spam": "F3",
    "logs.volume": "D1",
    "logs.errors-5xx": "F3",
}


def test_each_shipped_rule_has_a_check_id_and_sop_row() -> None:
    rule_checks = {rule.check_id for rule in load_rules()}

    assert rule_checks == set(RULE_CHECKS)
    for check_id, row in EXPECTED_SOP.items():
        assert sop_row(check_id) == row, check_id
