"""E2 on real files the test makes: a proper PDF goes forward; a scan without a text layer,
a corrupt PDF, a macro-bearing document and an oversized image are refused, each with a
finding in plain Indonesian (English on request), and nothing is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

REFUSED = {
    "scan.pdf": "hanya berisi gambar hasil pindaian tanpa lapisan teks",
    "rusak.pdf": "bukan PDF yang dapat dibuka",
    "makro.docm": "memuat makro",
    "makro.docx": "memuat makro",
    "besar.png": "berukuran 9000 × 6000 piksel; sisi terpanjang paling besar 4000 piksel",
}


def test_each_file_gets_one_finding_in_indonesian(desk: Any, files: dict[str, Path]) -> None:
    office = desk()

    result = office.run("content", "check-files", *files.values())
    data = office.run("content", "check-files", *files.values(), "--format", "json").json["data"]

    assert result.exit_code == 2, result.stdout
    statuses = {item["name"]: item["status"] for item in data["files"]}
    assert statuses == {
        "laporan.pdf": "OK",
        "foto.jpg": "OK",
        "surat.docx": "OK",
        **dict.fromkeys(REFUSED, "CRITICAL"),
    }
    text = " ".join(result.stdout.split())
    assert "laporan.pdf: PDF dengan lapisan teks, 1 halaman" in text
    assert "foto.jpg: gambar 1200 × 800 piksel" in text
    for name, finding in REFUSED.items():
        assert f"{name} {finding}" in text, name


def test_in_english_on_request(desk: Any, files: dict[str, Path]) -> None:
    result = desk().run("content", "check-files", files["scan.pdf"], "--lang", "en")

    assert "holds only scanned images without a text layer (1 page)" in " ".join(
        result.stdout.split()
    )


def test_a_refused_file_stops_the_item_and_nothing_is_stored(
    desk: Any, files: dict[str, Path], tmp_path: Path
) -> None:
    office = desk()
    for name, finding in REFUSED.items():
        refused = office.refused(
            "content", "new", "--by", "budi", "--kind", "news", "--title", "Sidang keliling",
            "--material", "Laporan panitera", "--attach", files["laporan.pdf"],
            "--attach", files[name],
        )  # fmt: skip
        assert refused.startswith("opskit: 1 berkas ditolak (SOP E2"), refused
        assert finding in refused
        assert "Traceback" not in refused

    listed = office.ok("content", "list", "--state", "all")
    assert listed["items"] == []
    assert not (tmp_path / "state" / "attachments" / "content").exists()


def test_a_file_over_the_sites_limit_is_refused_with_both_sizes(
    desk: Any, files: dict[str, Path]
) -> None:
    office = desk(content={"max_megabytes": 0.01})

    refused = office.refused(
        "content", "new", "--by", "budi", "--kind", "news", "--title", "Foto",
        "--material", "Foto", "--attach", files["foto.jpg"],
    )  # fmt: skip

    assert "melebihi batas unggah situs" in refused
