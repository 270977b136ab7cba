"""Every shipped rule reports under its own check id, with a runbook and SOP row."""

from __future__ import annotations

from opskit.catalog import sop_row
from opskit.logs import RULE_IDS
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
    "logs.backup-files": "C2",
    "logs.admin-probe": "C2",
    "logs.admin-discovery": "C2",
    "logs.wp-user-enum": "C2",
    "logs.wp-plugin-scan": "C2",
    "logs.xmlrpc-abuse": "D1",
    "logs.fingerprint": "C2",
    "logs.rfi": "C2",
    "logs.proxy-abuse": "C2",
    "logs.protocol-abuse": "C2",
    "logs.empty-requests": "D1",
    "logs.abusive-ua": "D1",
    "logs.form-spam": "D1",
    "logs.form-flood": "D1",
    "logs.cache-busting": "D1",
    "logs.agent-cycling": "D1",
    "logs.error-auth": "D1",
    "logs.error-denied": "C2",
    "logs.error-limit": "D1",
    "logs.error-missing": "C2",
}


def test_each_shipped_rule_has_a_check_id_and_sop_row() -> None:
    rule_checks = {rule.check_id for rule in load_rules()}

    assert rule_checks == set(RULE_CHECKS) == {f"logs.{rule}" for rule in RULE_IDS}
    assert set(EXPECTED_SOP) == {*RULE_CHECKS, "logs.activity"}
    for check_id, row in EXPECTED_SOP.items():
        assert sop_row(check_id) == row, check_id
