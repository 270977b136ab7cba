"""Reading report periods from court document titles and file names, and what is due when."""

from __future__ import annotations

from datetime import date

import pytest

from opskit.web.publicinfo.periods import read, required, satisfies

DAY = date(2026, 8, 15)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("LKjIP Tahun 2024", ["2024"]),
        ("LKjIP_2023.pdf", ["2023"]),
        ("Laporan%20Tahunan%202025.pdf", ["2025"]),
        ("Laporan Keuangan Semester I Tahun 2025", ["2025-S1"]),
        ("lk-smt2-2024.pdf", ["2024-S2"]),
        ("Laporan Keuangan Semester Genap TA 2024", ["2024-S2"]),
        ("Laporan Keuangan untuk Periode yang Berakhir 30 Juni 2024", ["2024-S1"]),
        ("Neraca per 31 Desember 2025", ["2025"]),
        ("Realisasi s.d. 31 Mei 2026", ["2026-01-01..2026-05-31"]),
        ("Survei Kepuasan Triwulan II 2025", ["2025-Q2"]),
        ("SKM TW IV/2025", ["2025-Q4"]),
        ("LRA Bulan Juli 2025", ["2025-07"]),
        ("LRA Agt 2025", ["2025-08"]),
        ("LRA Nopember 2025", ["2025-11"]),
        ("laporan-realisasi-anggaran-pebruari-2026.pdf", ["2026-02"]),
        ("Realisasi Anggaran Bulan VII Tahun 2025", ["2025-07"]),
        ("Realisasi Anggaran Bulan XII 2025", ["2025-12"]),
        # The month says it all; the file name's bare year must not stretch it to December.
        ("Realisasi Anggaran Bulan VI Tahun 2026 lra-06-2026.pdf", ["2026-06"]),
        ("Renstra 2025-2029", ["2025-2029"]),
        ("Rencana Strategis 2020 s.d. 2024", ["2020-2024"]),
    ],
)
def test_periods_are_read_from_titles_and_file_names(text: str, labels: list[str]) -> None:
    assert [period.label for period in read(text, today=DAY).periods] == labels


@pytest.mark.parametrize(
    "text",
    [
        "Berdasarkan UU Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik",
        "Perma No. 1 Tahun 2014 tentang Pedoman Pemberian Layanan Hukum",
        "Permenpan-RB Nomor 53 Tahun 2014",
        "SK KMA Nomor 2-144/KMA/SK/VIII/2022",
        "DIPA 01 dan DIPA 03",
        "Rencana 2099",  # far in the future: a typo, not a period
    ],
)
def test_laws_decree_numbers_and_dipa_numbers_are_not_periods(text: str) -> None:
    assert read(text, today=DAY).periods == ()


def test_letter_numbers_and_written_dates_are_dates_not_periods() -> None:
    reading = read("SK Nomor W17-A23/512/HK.05/VII/2025, diposting 12 Mei 2026", today=DAY)

    assert reading.periods == ()
    assert reading.dates == (date(2026, 5, 12), date(2025, 7, 1))


@pytest.mark.parametrize(
    ("renew", "period_of", "due_days", "today", "label"),
    [
        ("yearly", "previous", 59, DAY, "2025"),  # LKjIP 2025 is due by the end of February
        ("yearly", "previous", 59, date(2026, 2, 27), "2024"),
        ("yearly", "previous", 59, date(2026, 3, 1), "2025"),
        ("yearly", "current", 31, DAY, "2026"),  # DIPA of the running year
        ("yearly", "current", 31, date(2026, 1, 20), "2025"),
        ("semester", "previous", 60, DAY, "2025-S2"),
        ("semester", "previous", 60, date(2026, 8, 30), "2026-S1"),
        ("quarterly", "previous", 45, date(2026, 8, 13), "2026-Q1"),
        ("quarterly", "previous", 45, date(2026, 8, 14), "2026-Q2"),
        ("monthly", "previous", 30, DAY, "2026-06"),
        ("monthly", "previous", 30, date(2026, 1, 10), "2025-11"),
        ("five-yearly", "current", 0, DAY, "2026"),
    ],
)
def test_the_period_due_follows_the_renewal_rule(renew, period_of, due_days, today, label) -> None:
    needed = required(renew, period_of, due_days, today)

    assert needed is not None and needed.label == label


def test_items_that_are_not_periodic_need_no_period() -> None:
    assert required("on-change", "previous", 0, DAY) is None
    assert required("always", "previous", 0, DAY) is None


def test_a_period_satisfies_when_it_reaches_the_end_of_what_is_due() -> None:
    due = required("five-yearly", "current", 0, DAY)
    assert due is not None

    assert satisfies(read("Renstra 2025-2029"), due, "current")
    assert not satisfies(read("Renstra 2020-2024"), due, "current")


def test_a_date_satisfies_a_finished_period_only_after_it_ended() -> None:
    june = required("monthly", "previous", 30, DAY)
    assert june is not None

    assert satisfies(read("Rapat 1 Juli 2026"), june, "previous")
    assert not satisfies(read("Rapat 30 Juni 2026"), june, "previous")
