"""The UAT part of ``opskit demo``: a checklist for the demo site and the tester's answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEMO_CHECKLIST = "rilis-website-demo"
DEMO_ANSWERS = {
    "tester": "Budi Santoso",
    "answers": {
        "tampilan-ponsel": "pass",
        "informasi-layanan": {"result": "pass", "note": "Jam layanan PTSP sudah diperbarui."},
        "berita-terbaru": {
            "result": "na",
            "note": "Belum ada berita baru sejak rilis sebelumnya.",
        },
    },
}


def demo_checklist(url: str) -> dict[str, Any]:
    """The demo's own checklist: the built-in website release plus the complaint form."""
    form = {"path": "/pengaduan", "method": "POST"}
    return {
        "title": "Rilis website demo",
        "application": "Website Pengadilan Agama Demo",
        "target": url,
        "steps": [
            {"id": "beranda", "title": "Beranda terbuka dalam 3 detik",
             "http": {"path": "/", "contains": ["Pengadilan Agama Demo"], "max_ms": 3000}},
            {"id": "halaman-tidak-ada", "title": "Alamat yang tidak ada menjawab 404",
             "http": {"path": "/opskit-uat-halaman-yang-tidak-ada", "status": [404]}},
            {"id": "pengaduan-lengkap", "title": "Pengaduan yang lengkap diterima",
             "form": {**form, "fields": {"nama": "Warga Uji", "pesan": "Antrian PTSP lama."},
                      "contains": ["Nomor pengaduan"]}},
            {"id": "pengaduan-kosong", "title": "Pengaduan yang kosong ditolak",
             "form": {**form, "fields": {"nama": "", "pesan": ""}, "status": [422],
                      "contains": ["wajib diisi"]}},
            {"id": "sertifikat", "title": "Sertifikat TLS sah, berlaku minimal 14 hari",
             "tls": {"min_days": 14}},
            {"id": "tautan", "title": "Semua tautan di beranda berfungsi", "links": {"path": "/"}},
            {"id": "berkas-env", "title": "Berkas .env tidak dapat diunduh",
             "http": {"path": "/.env", "status": [401, 403, 404]}},
            {"id": "server", "title": "Server menjalankan Linux",
             "command": {"host": "local", "argv": ["uname", "-s"], "contains": ["Linux"]}},
            {"id": "tampilan-ponsel", "title": "Tampilan di ponsel",
             "manual": {"instruction": "Buka beranda di ponsel.",
                        "expected": "Menu dapat dibuka, teks terbaca tanpa menggeser."}},
            {"id": "informasi-layanan", "title": "Informasi layanan benar",
             "manual": {"instruction": "Periksa alamat, telepon dan jam layanan PTSP.",
                        "expected": "Semua informasi sesuai keadaan saat ini."}},
            {"id": "berita-terbaru", "title": "Berita terbaru tampil",
             "manual": {"instruction": "Bandingkan berita di beranda dengan CMS.",
                        "expected": "Berita terakhir tampil dengan tanggal yang benar."}},
        ],
    }  # fmt: skip


def write_uat_files(workspace: Path, url: str) -> None:
    """The demo's UAT checklist (in its checklists_dir) and the tester's answers file."""
    import yaml

    checklists = workspace / "checklists"
    checklists.mkdir(exist_ok=True)
    (checklists / f"{DEMO_CHECKLIST}.yaml").write_text(
        yaml.safe_dump(demo_checklist(url), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (workspace / "uat-answers.yaml").write_text(
        yaml.safe_dump(DEMO_ANSWERS, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
