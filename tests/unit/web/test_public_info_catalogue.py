"""The public-information catalogue: the shipped one is valid and honest about its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskit.errors import ConfigError
from opskit.web.publicinfo.catalogue import builtin_path, load, validate_text


def test_the_shipped_catalogue_is_valid_and_cites_a_basis_for_every_item() -> None:
    catalogue = load()

    assert len(catalogue.items) == 47
    assert {item.category for item in catalogue.items} == {c.id for c in catalogue.categories}
    for item in catalogue.items:
        assert item.basis, item.id
        assert all(basis.source in catalogue.sources for basis in item.basis)


def test_items_resting_only_on_practice_say_so() -> None:
    catalogue = load()
    practice_only = {
        item.id
        for item in catalogue.items
        if all(basis.confidence == "practice" for basis in item.basis)
    }

    assert practice_only == {"iku", "renstra", "laporan-tahunan", "perjanjian-kinerja",
                             "survei-kepuasan"}  # fmt: skip
    decree_2022 = [b for item in catalogue.items for b in item.basis
                   if b.source == "sk-kma-2-144-2022"]  # fmt: skip
    assert {basis.confidence for basis in decree_2022} == {"confirmed", "secondary", "inferred"}


def test_every_problem_of_a_broken_copy_is_listed_with_its_line(tmp_path: Path) -> None:
    text = builtin_path().read_text(encoding="utf-8")
    text = text.replace(
        "    renew: yearly\n    period_of: previous\n    due_days: 59",
        "    renew: yearly\n    due_days: 59",
        1,
    )
    text = text.replace(
        "  - id: sejarah\n    category: profil", "  - id: visi-misi\n    category: profil", 1
    )
    text = text.replace("external_ok: [sipp]", "external_ok: [sip]", 1)

    catalogue, problems = validate_text(text)

    assert catalogue is None
    lines = text.splitlines()
    rendered = [problem.render("mine.yaml") for problem in problems]
    duplicate = next(n for n, line in enumerate(lines, 1) if line == "  - id: visi-misi") + 0
    second = [n for n, line in enumerate(lines, 1) if line == "  - id: visi-misi"][1]
    assert f"mine.yaml:{second}: items[7].id: duplicate id 'visi-misi'" in rendered
    assert duplicate < second
    assert any("renew: yearly needs period_of: previous or current" in line for line in rendered)
    sip = next(n for n, line in enumerate(lines, 1) if "external_ok: [sip]" in line)
    assert any(line.startswith(f"mine.yaml:{sip}: items[11].external_ok[0]: unknown name 'sip'")
               for line in rendered)  # fmt: skip


def test_load_refuses_a_broken_file_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "mine.yaml"
    broken.write_text("title: {id: A, en: B}\nitems: [\n", encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        load(broken)

    assert str(broken) in raised.value.message
    assert raised.value.details[0].startswith(f"{broken}:")
    assert "not valid YAML" in raised.value.details[0]


def test_a_missing_file_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the public-information catalogue"):
        load(tmp_path / "nowhere.yaml")
