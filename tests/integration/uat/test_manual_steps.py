"""Manual steps: typed at a real pseudo-terminal, read from --answers, or left unanswered."""

from __future__ import annotations

import pytest
import yaml

from support.cli import run_opskit
from support.terminal import Terminal
from support.uat_app import ComplaintApp

pytestmark = pytest.mark.integration

HOME = {"id": "beranda", "title": "Beranda", "http": {"path": "/"}}
FORM = {
    "id": "pengaduan",
    "title": "Pengaduan diterima",
    "form": {"path": "/pengaduan", "fields": {"nama": "A", "pesan": "B"}},
}
PHONE = {
    "id": "ponsel",
    "title": "Tampilan di ponsel",
    "manual": {"instruction": "Buka di ponsel", "expected": "Menu dapat dibuka"},
}
CONTACT = {
    "id": "kontak",
    "title": "Nomor telepon benar",
    "manual": {"instruction": "Periksa nomor telepon", "expected": "Nomor sesuai"},
}
NEWS = {
    "id": "berita",
    "title": "Berita terbaru",
    "required": False,
    "manual": {"instruction": "Buka berita", "expected": "Berita terbaru tampil"},
}


def outcomes(data: dict) -> dict[str, str]:
    return {step["id"]: step["outcome"] for step in data["steps"]}


@pytest.mark.timeout(90)
def test_a_tester_answers_at_the_terminal_step_by_step(
    uat_config, checklist, cli, app: ComplaintApp
) -> None:
    config = uat_config()
    path = checklist(HOME, PHONE, FORM, CONTACT, NEWS, target=app.url)
    terminal = Terminal("--config", config, "uat", "run", path, "--app-version", "1.0")
    try:
        terminal.expect("step 1 of 5: Beranda: PASSED")
        terminal.expect("step 3 of 5: Pengaduan diterima: PASSED")
        terminal.expect("3 manual steps to answer.")
        terminal.expect("Tester name: ")
        terminal.type("Rina Wulandari")
        terminal.expect("Step 2 of 5: Tampilan di ponsel")
        terminal.expect("Expected: Menu dapat dibuka")
        terminal.type("maybe")
        terminal.expect("please type p, f, n, s or q")
        terminal.type("p")
        terminal.expect("Note (Enter for none): ")
        terminal.type("")
        terminal.expect("Step 4 of 5: Nomor telepon benar")
        terminal.type("n")
        terminal.expect("  Note: ")
        terminal.type("")
        terminal.expect("a na answer needs a note")
        terminal.type("Belum ada nomor baru")
        terminal.expect("Step 5 of 5 (optional step): Berita terbaru")
        terminal.type("lulus")
        terminal.type("Tampil rapi")
        exit_code = terminal.finish()
    finally:
        terminal.close()

    assert exit_code == 0, terminal.output
    assert "PASSED" in terminal.output
    shown = cli("--config", config, "uat", "show", "1", "--format", "json")
    data = shown.json["data"]
    assert outcomes(data) == {
        "beranda": "passed",
        "ponsel": "passed",
        "pengaduan": "passed",
        "kontak": "not_applicable",
        "berita": "passed",
    }
    manual = {step["id"]: step for step in data["steps"] if step["kind"] == "manual"}
    assert {step["tester"] for step in manual.values()} == {"Rina Wulandari"}
    assert manual["kontak"]["note"] == "Belum ada nomor baru"
    assert manual["berita"]["note"] == "Tampil rapi"
    assert manual["ponsel"]["note"] is None
    assert data["testers"] == ["Rina Wulandari"]


@pytest.mark.timeout(90)
def test_stopping_at_the_terminal_leaves_the_run_incomplete(
    uat_config, checklist, cli, app: ComplaintApp
) -> None:
    config = uat_config()
    path = checklist(HOME, PHONE, CONTACT, target=app.url)
    terminal = Terminal("--config", config, "uat", "run", path, "--tester", "Budi Santoso")
    try:
        terminal.expect("Step 2 of 3: Tampilan di ponsel")
        assert "Tester name" not in terminal.output
        terminal.type("p")
        terminal.type("")
        terminal.expect("Step 3 of 3: Nomor telepon benar")
        terminal.type("q")
        exit_code = terminal.finish()
    finally:
        terminal.close()

    assert exit_code == 1, terminal.output
    data = cli("--config", config, "uat", "show", "1", "--format", "json").json["data"]
    assert data["result"] == "incomplete"
    assert outcomes(data) == {"beranda": "passed", "ponsel": "passed", "kontak": "unanswered"}


def test_without_a_terminal_or_answers_the_run_is_incomplete_never_passed(
    uat_config, checklist, cli, app: ComplaintApp
) -> None:
    config = uat_config()
    path = checklist(HOME, PHONE, NEWS, target=app.url)

    run = cli("--config", config, "uat", "run", path, "--format", "json")
    review = cli("--config", config, "uat", "review", "1", "--reviewer", "Siti Aminah",
                 "--note", "Menunggu jawaban penguji")  # fmt: skip
    approve = cli("--config", config, "uat", "approve", "1", "--approver", "Ahmad Fauzi")

    assert run.exit_code == 1
    assert run.json["status"] == "WARNING"
    assert run.json["data"]["result"] == "incomplete"
    assert outcomes(run.json["data"]) == {
        "beranda": "passed",
        "ponsel": "unanswered",
        "berita": "unanswered",
    }
    assert any("unanswered: ponsel, berita" in message for message in run.json["messages"])
    assert review.exit_code == 0
    assert approve.exit_code == 3
    assert "is incomplete" in approve.stderr


def test_answers_from_a_file_in_a_separate_process(
    uat_config, checklist, app: ComplaintApp, tmp_path
) -> None:
    config = uat_config()
    path = checklist(HOME, PHONE, CONTACT, NEWS, target=app.url)
    answers = tmp_path / "jawaban.yaml"
    answers.write_text(
        yaml.safe_dump(
            {
                "tester": "Budi Santoso",
                "answers": {
                    "ponsel": "pass",
                    "kontak": {"result": "fail", "note": "Nomor lama", "tester": "Siti Aminah"},
                    4: {"result": "na", "note": "Tidak ada berita"},
                },
            }
        )
    )

    run = run_opskit("--config", config, "uat", "run", path, "--answers", answers, "--format",
                     "json")  # fmt: skip

    assert run.exit_code == 2, run.stderr
    data = run.json["data"]
    assert outcomes(data) == {
        "beranda": "passed",
        "ponsel": "passed",
        "kontak": "failed",
        "berita": "not_applicable",
    }
    assert data["testers"] == ["Budi Santoso", "Siti Aminah"]
    assert data["steps"][2]["note"] == "Nomor lama"


def test_a_wrong_answers_file_stops_the_run_and_records_nothing(
    uat_config, checklist, cli, app: ComplaintApp, tmp_path
) -> None:
    config = uat_config()
    path = checklist(HOME, PHONE, target=app.url)
    answers = tmp_path / "jawaban.yaml"
    answers.write_text("answers:\n  ponsel: pass\n  kontak: pass\n")

    run = cli("--config", config, "uat", "run", path, "--answers", answers)
    listed = cli("--config", config, "uat", "list", "--format", "json")

    assert run.exit_code == 3
    assert "jawaban.yaml: 2 errors" in run.stderr
    assert "jawaban.yaml:2: answers.ponsel: who answered?" in run.stderr
    assert "jawaban.yaml:3: answers.kontak: no manual step 'kontak'" in run.stderr
    assert listed.json["data"]["runs"] == []
    assert app.seen == []
