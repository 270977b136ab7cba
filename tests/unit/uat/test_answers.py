"""Manual answers from a file: matched to the checklist's manual steps, every mistake explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskit.errors import ConfigError
from opskit.paths import checks_dir
from opskit.uat.answers import Answer, parse, read, word
from opskit.uat.checklist import Checklist, load

DATA = Path(__file__).parents[2] / "data" / "uat"


@pytest.fixture
def release() -> Checklist:
    # manual steps: 6 tampilan-ponsel, 7 informasi-layanan, 8 berita-terbaru
    return load(checks_dir() / "uat" / "website-release.yaml").checklist


def test_answers_by_id_or_position_in_english_or_indonesian(release: Checklist) -> None:
    answers = read(DATA / "answers.yaml", release, tester=None)

    assert answers == {
        6: Answer("pass", "Budi Santoso"),
        7: Answer("fail", "Siti Aminah", "Nomor telepon masih yang lama"),
        8: Answer("na", "Budi Santoso", "Belum ada berita sejak rilis sebelumnya"),
    }
    assert [answer.outcome for answer in answers.values()] == [
        "passed",
        "failed",
        "not_applicable",
    ]


def test_every_mistake_in_an_answers_file_is_reported_with_its_line(release: Checklist) -> None:
    with pytest.raises(ConfigError) as raised:
        read(DATA / "answers-broken.yaml", release, tester="Budi Santoso")

    details = raised.value.details
    assert raised.value.message.endswith("answers-broken.yaml: 4 errors")
    assert any(
        line.endswith(":2: answers.tampilan-ponsel: must be 'pass', 'fail' or 'na'")
        for line in details
    ), details
    assert any(
        line.endswith(
            ":3: answers.informasi-layanan.note: a fail answer needs a note saying what was seen"
        )
        for line in details
    ), details
    assert any(
        ":4: answers.beranda: no manual step 'beranda' in this checklist (manual: "
        "tampilan-ponsel, informasi-layanan, berita-terbaru)" in line
        for line in details
    ), details
    assert any(":5: answers.berita-terbaru.oleh: unknown key" in line for line in details), details


def test_an_answer_without_a_tester_is_refused_unless_one_is_given(release: Checklist) -> None:
    text = "answers:\n  tampilan-ponsel: pass\n"

    answers, problems = parse(text, release, tester=None)
    assert answers == {}
    assert problems[0].message.startswith("who answered?")

    answers, problems = parse(text, release, tester="Rina")
    assert problems == []
    assert answers == {6: Answer("pass", "Rina")}


def test_a_position_that_is_not_a_manual_step_is_refused(release: Checklist) -> None:
    _, problems = parse("tester: Budi\nanswers:\n  1: pass\n  9: pass\n", release, None)

    assert [problem.path for problem in problems] == ["answers.1", "answers.9"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("P", "pass"), ("lulus", "pass"), ("gagal", "fail"), ("n", "na"), ("Tidak berlaku", "na")],
)
def test_words_a_tester_types(typed: str, expected: str) -> None:
    assert word(typed) == expected


def test_an_unknown_word_is_not_an_answer() -> None:
    assert word("maybe") is None
