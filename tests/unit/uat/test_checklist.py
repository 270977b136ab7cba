"""Checklists: the built-in ones are valid, mistakes come back with line and path, names resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from opskit.config.schema import Config
from opskit.errors import ConfigError, NotFoundError
from opskit.paths import checks_dir
from opskit.uat.checklist import available, find, load, validate_text

DATA = Path(__file__).parents[2] / "data" / "uat"
BUILTIN = ("cms-update", "web-application", "website-release")


def config(checklists_dir: Path | None = None) -> Config:
    return Config.model_validate(
        {
            "organisation": {"name": "PA Uji"},
            "uat": {"checklists_dir": str(checklists_dir) if checklists_dir else None},
        }
    )


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_checklist_is_valid_and_mixes_automated_and_manual_steps(name: str) -> None:
    loaded = load(checks_dir() / "uat" / f"{name}.yaml")

    kinds = {step.kind for step in loaded.checklist.steps}
    assert "manual" in kinds
    assert kinds & {"http", "tls", "links"}
    assert len(set(loaded.checklist.step_ids())) == len(loaded.checklist.steps)
    assert len(loaded.sha256) == 64


def test_every_mistake_is_reported_at_once_with_its_line_and_path() -> None:
    path = DATA / "broken-checklist.yaml"

    checklist, problems = validate_text(path.read_text(), path)

    assert checklist is None
    rendered = [problem.render(path.name) for problem in problems]
    assert (
        "broken-checklist.yaml:7: steps[0].htp: unknown key (did you mean 'http'? allowed: "
        "command, form, http, id, links, manual, required, title, tls)" in rendered
    )
    assert "broken-checklist.yaml:8: steps[1].id: duplicate step id 'beranda'" in rendered
    assert any(
        line.startswith("broken-checklist.yaml:8: steps[1]: give exactly one of http, form")
        for line in rendered
    ), rendered
    assert any(
        line.startswith("broken-checklist.yaml:13: steps[2].http.status[0]:") for line in rendered
    )
    assert any("steps[3].form: field sandi given more than once" in line for line in rendered), (
        rendered
    )
    assert "broken-checklist.yaml:20: steps[4].command.argv: required key is missing" in rendered
    assert len(problems) == 6


def test_loading_an_invalid_checklist_raises_with_every_problem_as_a_detail() -> None:
    with pytest.raises(ConfigError) as raised:
        load(DATA / "broken-checklist.yaml")

    assert raised.value.message.endswith("broken-checklist.yaml: 6 errors")
    assert len(raised.value.details) == 6


def test_not_yaml_is_one_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"

    _, problems = validate_text("title: x\nsteps: [\n", path)

    assert len(problems) == 1
    assert problems[0].message.startswith("not valid YAML")
    assert problems[0].line == 3


def test_own_checklist_replaces_the_builtin_of_the_same_name(tmp_path: Path) -> None:
    own = tmp_path / "checklists"
    own.mkdir()
    (own / "website-release.yaml").write_text(
        yaml.safe_dump(
            {"title": "Rilis kami", "application": "Web", "steps": [{"title": "x", "tls": {}}]}
        )
    )
    (own / "sipp.yml").write_text("title: SIPP\n")

    found = available(config(own))

    assert set(found) == {*BUILTIN, "sipp"}
    assert found["website-release"] == own / "website-release.yaml"
    assert found["cms-update"] == checks_dir() / "uat" / "cms-update.yaml"
    assert find(config(own), "website-release")[1] == own / "website-release.yaml"


def test_a_checklist_is_found_by_file_path_and_an_unknown_name_gets_a_suggestion(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("title: x\n")

    assert find(config(), str(path)) == ("mine", path)
    with pytest.raises(NotFoundError) as raised:
        find(config(), "website-relase")
    assert "did you mean 'website-release'?" in raised.value.message
    with pytest.raises(NotFoundError):
        find(config(), str(tmp_path / "missing.yaml"))


def test_checklists_command_lists_builtin_and_own_and_flags_invalid_ones(
    make_config, cli, tmp_path: Path
) -> None:
    own = tmp_path / "checklists"
    own.mkdir()
    (own / "rusak.yaml").write_text((DATA / "broken-checklist.yaml").read_text())
    config = make_config({"uat": {"checklists_dir": str(own)}})

    run = cli("--config", config, "uat", "checklists", "--format", "json")

    assert run.exit_code == 3
    listed = {item["name"]: item for item in run.json["data"]["checklists"]}
    assert set(listed) == {*BUILTIN, "rusak"}
    assert listed["website-release"]["valid"] and listed["website-release"]["builtin"]
    assert listed["website-release"]["manual"] == 3
    assert not listed["rusak"]["valid"]
    assert len(listed["rusak"]["problems"]) == 6


def test_validate_command_shows_every_problem_or_says_valid(make_config, cli) -> None:
    config = make_config()

    broken = cli("--config", config, "uat", "validate", DATA / "broken-checklist.yaml")
    builtin = cli("--config", config, "uat", "validate", "cms-update")

    assert broken.exit_code == 3
    assert "broken-checklist.yaml:7: steps[0].htp: unknown key" in broken.stdout
    assert "6 errors" in broken.stdout
    assert builtin.exit_code == 0
    assert "cms-update.yaml: valid" in builtin.stdout
