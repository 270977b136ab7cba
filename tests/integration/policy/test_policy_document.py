"""The document of the register of IT policy as the ketua set it (SOP A4): its kind as the
title, the decree's own number and date (not a register number), the subject, the latest
text and the ketua's block "Ditetapkan oleh"; a draft says it is not in force and carries
no number; both languages, read back from the PDF."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from opskit.config.load import load
from support.system import require

from .test_register import PEOPLE, decree

BODY = "Menetapkan susunan Tim Teknologi Informasi.\n\nTim bertugas sejak tanggal ditetapkan."


def pdf_text(path: Path) -> str:
    return subprocess.run(
        [require("pdftotext", "poppler-utils"), "-layout", str(path), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip


def test_a_decree_is_printed_with_its_own_number_and_the_ketuas_block(
    cli: Any, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    extra = {"ahmad": {"nip": "196501011990031001", "position": "Ketua"}}
    people = [
        {key: value for key, value in person.items() if key not in ("email", "notify")}
        | extra.get(person["login"], {})
        for person in PEOPLE
    ]
    config = make_config({"people": people})
    made = cli("-c", config, "policy", "new", "--by", "siti", "--kind", "decree", "--title",
               "Susunan Tim IT 2027", "--body", BODY, "--format", "json")  # fmt: skip
    assert made.exit_code == 0, made.stdout + made.stderr
    draft_id = str(made.json["data"]["id"])
    draft = cli("-c", config, "report", "policy", draft_id, "--formats", "pdf",
                "--out", tmp_path / "konsep", "--format", "json")  # fmt: skip
    document = decree(cli, config, "SK Tim IT 2027", "W17-A5/12/OT.01/I/2027", "2027-01-04")
    issued = cli("-c", config, "report", "policy", str(document), "--formats", "pdf,md",
                 "--out", tmp_path / "sk", "--format", "json")  # fmt: skip
    english = cli("-c", config, "report", "policy", str(document), "--formats", "pdf",
                  "--out", tmp_path / "en", "--lang", "en", "--format", "json")  # fmt: skip

    assert draft.exit_code == 0, draft.stderr
    text = pdf_text(Path(draft.json["data"]["paths"]["pdf"]))
    assert "KONSEP SK TIM IT" in text.upper()
    assert "belum ditetapkan oleh Ketua" in text and "Nomor:" not in text

    assert issued.exit_code == 0, issued.stderr
    assert issued.json["data"]["number"] == "W17-A5/12/OT.01/I/2027"
    text = " ".join(pdf_text(Path(issued.json["data"]["paths"]["pdf"])).split())
    assert "Nomor: W17-A5/12/OT.01/I/2027" in text
    assert "TENTANG SK TIM IT 2027" in text
    assert "Menetapkan susunan Tim IT (SK Tim IT 2027)." in text
    assert "4 Januari 2027" in text and "Ditetapkan oleh" in text
    assert "Ahmad Fauzi" in text and "196501011990031001" in text
    markdown = Path(issued.json["data"]["paths"]["md"]).read_text()
    assert "W17-A5/12/OT.01/I/2027" in markdown

    assert english.exit_code == 0, english.stderr
    text = " ".join(pdf_text(Path(english.json["data"]["paths"]["pdf"])).split())
    assert "ON SK TIM IT 2027" in text and "Set by" in text and "4 January 2027" in text
    # The register was not asked for a number: a decree is numbered by the ketua.
    loaded = load(config)
    from opskit.store import Store

    with Store.open(loaded.history_db) as store:
        assert not store.read("SELECT * FROM register_entries WHERE register = 'policy'")
