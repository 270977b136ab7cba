"""YAML made to hurt: alias bombs, deep nesting and huge numbers, in every file opskit reads.

Each runs the real command in its own process with its memory capped at 1 GiB:
a file that expands in memory fails there instead of taking the machine with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support.cli import run_bounded

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

# Nine levels of nine aliases: under 1 KB, a billion strings once expanded.
BOMB = 'lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]\n" for level in range(1, 9)
)
DEEP = "[" * 5000 + "]" * 5000
HUGE = "9" * 5000


def organisation() -> str:
    return "organisation: {name: PA Uji, timezone: Asia/Makassar}\n"


def assert_refused(run, *expected: str) -> None:
    assert run.exit_code == 3, (run.exit_code, run.stderr[-2000:])
    assert "internal error" not in run.stderr + run.stdout
    assert "Traceback" not in run.stderr
    shown = " ".join((run.stderr + run.stdout).split())  # tables wrap long lines
    for text in expected:
        assert text in shown, shown[-2000:]


def test_the_bomb_is_under_a_kilobyte_and_a_billion_strings() -> None:
    assert len(BOMB) < 1024
    tree = yaml.compose(BOMB, Loader=yaml.SafeLoader)  # shared nodes: cheap to build
    assert len(tree.value) == 9


@pytest.mark.parametrize(
    ("body", "expected", "line"),
    [
        (BOMB, "expands to more than 200,000 values", 7),
        ("hosts: " + DEEP + "\n", "nested more than 64 levels deep", 2),
        (f"host_checks:\n  failures_before_critical: {HUGE}\n", "5000 digits is too large", 3),
    ],
    ids=["alias-bomb", "deep", "huge-number"],
)
def test_a_hostile_config_is_refused_with_its_line(
    tmp_path: Path, body: str, expected: str, line: int
) -> None:
    config = tmp_path / "bomb.yaml"
    config.write_text(organisation() + body)

    validated = run_bounded("-c", config, "config", "validate")
    checked = run_bounded("-c", config, "check", "host", "local")

    assert_refused(validated, expected, f"{config}:{line}:")
    assert_refused(checked, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOMB, "expands to more than 200,000 values"),
        ("title: Uji\nsteps: " + DEEP + "\n", "nested more than 64 levels deep"),
    ],
    ids=["alias-bomb", "deep"],
)
def test_a_hostile_checklist_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    checklist = tmp_path / "checklist.yaml"
    checklist.write_text(text)
    config = tmp_path / "opskit.yaml"
    config.write_text(organisation() + f"paths: {{state_dir: {tmp_path / 'state'}}}\n")

    run = run_bounded("-c", config, "uat", "validate", checklist)

    assert_refused(run, expected)


def test_hostile_answers_a_policy_and_rules_file_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    checklists = tmp_path / "checklists"
    checklists.mkdir()
    (checklists / "uji.yaml").write_text(
        "title: Uji\napplication: Uji\ntarget: https://127.0.0.1/\nsteps:\n"
        "  - {id: cetak, title: Cetak, manual: {instruction: Cetak., expected: Tercetak.}}\n"
    )
    config = tmp_path / "opskit.yaml"
    config.write_text(
        organisation()
        + f"paths: {{state_dir: {tmp_path / 'state'}}}\n"
        + f"uat: {{checklists_dir: {checklists}}}\n"
        + f"security: {{policy_file: {bomb}}}\n"
    )
    log = tmp_path / "access.log"
    log.write_text("")

    answers = run_bounded("-c", config, "uat", "run", "uji", "--answers", bomb, "--tester", "Budi")
    policy = run_bounded("-c", config, "check", "ssh", "local")
    rules = run_bounded("logs", "analyze", log, "--rules", bomb)

    for run in (answers, policy, rules):
        assert_refused(run, "expands to more than 200,000 values")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BOMB, "expands to more than 200,000 values"),
        ("title: Uji\nsteps: " + DEEP + "\n", "nested more than 64 levels deep"),
    ],
    ids=["alias-bomb", "deep"],
)
def test_a_hostile_procedure_definition_is_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    procedures = tmp_path / "procedures"
    procedures.mkdir()
    definition = procedures / "service-request.yaml"  # in place of the built-in one
    definition.write_text(text)
    config = tmp_path / "opskit.yaml"
    config.write_text(
        organisation()
        + f"paths: {{state_dir: {tmp_path / 'state'}}}\n"
        + f"procedures: {{directory: {procedures}}}\n"
    )

    validated = run_bounded("-c", config, "procedures", "validate", definition)
    listed = run_bounded("-c", config, "request", "list")

    assert_refused(validated, expected, f"{definition}:")
    assert_refused(listed, expected)


def test_a_hostile_public_information_catalogue_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "katalog.yaml"
    bomb.write_text(BOMB)
    config = tmp_path / "opskit.yaml"
    config.write_text(
        organisation()
        + f"paths: {{state_dir: {tmp_path / 'state'}}}\n"
        + "sites:\n  - name: website\n    url: https://127.0.0.1:9/\n"
        + f"    public_info: {{catalogue: {bomb}}}\n"
    )

    run = run_bounded("-c", config, "check", "web", "--only", "public-info")

    assert_refused(run, "expands to more than 200,000 values", f"{bomb}:")


def test_a_hostile_catalog_named_by_a_rules_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cves.yaml").write_text(BOMB)
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - id: cve-probe\n    description: {id: Uji, en: Test}\n"
        "    catalog: cves.yaml\n    threshold: 1\n    window: 1s\n    severity: medium\n"
    )
    log = tmp_path / "access.log"
    log.write_text("")

    run = run_bounded("logs", "analyze", log, "--rules", rules)

    assert_refused(run, "expands to more than 200,000 values", "cves.yaml")
