"""Rule files are checked as a whole, each problem named by its path in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskit.errors import ConfigError
from opskit.logs.rules import load_rules

BAD_RULES = """\
rules:
  - id: too-many-404
    description: {id: Banyak 404, en: Many 404s}
    match: {status: [4xx]}
    threshold: 0
    window: 10 parsecs
  - id: Bad Id
    description: {en: only English}
    match: {path: ['(unclosed'], colour: [red]}
    escalate: [2xx]
  - id: too-many-404
    kind: rate
    description: {id: Cepat, en: Fast}
    threshold: 5
"""


def test_every_problem_in_a_rules_file_is_reported_with_its_path(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(BAD_RULES)

    with pytest.raises(ConfigError) as raised:
        load_rules(rules)

    details = "\n".join(raised.value.details)
    assert "rules.yaml: rules[0].threshold: must be a whole number of 1 or more" in details
    assert "rules[0].window: '10 parsecs' is not a duration" in details
    assert "rules[1].id: needs a short lower-case id" in details
    assert "rules[1].description: needs text in both 'id' and 'en'" in details
    assert "rules[1].match.path[0]: not a valid regular expression" in details
    assert "rules[1].match.colour: unknown key" in details
    assert "rules[1].escalate: must be a mapping" in details
    assert "rules[2].sustained: a rate rule needs how long the rate must hold" in details
    assert str(rules) in raised.value.message


def test_the_shipped_rules_load_and_extra_login_paths_reach_the_login_rule() -> None:
    rules = {rule.id: rule for rule in load_rules(login_paths=("/siadpa/login",))}

    assert "/siadpa/login" in rules["login-bruteforce"].patterns["path"]
    assert rules["crawl"].kind == "rate" and rules["crawl"].sustained_seconds == 10
