"""A step refused in the console is said in the reader's words, naming the item, its stage
and what it waits for: content taken out of turn, a decree that supersedes one not in force,
a decree without its date. Nothing is written when a step is refused."""

from __future__ import annotations

from html import unescape
from typing import Any

from opskit.content import records as content
from opskit.policy import records as policy
from opskit.store import Store
from support.console import console_for


def said(answer: Any) -> str:
    return " ".join(unescape(answer.text).split())


def test_content_out_of_turn_names_the_stage_and_what_it_waits_for(seeded: Any) -> None:
    config, ids = seeded
    item = ids["content"]  # drafted: it waits for the editor's review
    with console_for(config, "budi") as operator:
        answer = operator.post(f"/content/{item}/publish", {"url": "https://www.pa-uji.example/"})

    assert answer.status_code == 409
    assert (
        f"konten nomor {item} sedang pada tahap “konsep konten”; yang ditunggu adalah "
        "“Memeriksa dan mengoreksi konsep”" in said(answer)
    )
    with Store.open(config.history_db) as store:
        assert content.get(store, item).state == "drafted"


def test_a_decree_cannot_supersede_one_not_in_force_nor_be_set_without_its_date(
    seeded: Any,
) -> None:
    config, ids = seeded
    document = ids["policy"]  # proposed
    with console_for(config, "ahmad") as ketua:
        itself = ketua.post(
            f"/policy/{document}/set",
            {"number": "W20-A1/5/OT.01/XII/2026", "date": "2026-12-01", "supersedes": "999"},
        )
        undated = ketua.post(f"/policy/{document}/set", {"number": "W20-A1/5", "date": ""})
        proposed = ketua.post(
            f"/policy/{document}/set",
            {"number": "W20-A1/5", "date": "2026-12-01", "supersedes": str(document)},
        )

    assert itself.status_code == 404
    assert undated.status_code == 400
    assert "tulis tanggal SK sebagai TTTT-BB-HH" in said(undated)
    assert proposed.status_code == 409
    assert f"dokumen kebijakan nomor {document} tidak sedang berlaku" in said(proposed)
    with Store.open(config.history_db) as store:
        assert policy.get(store, document).state == "proposed"
        assert policy.get(store, document).decree_number is None
