"""Signed documents: two signers in turn, checked by opskit and by poppler's pdfsig,
a QR code that leads to the public verification page, and every way it can fail."""

from __future__ import annotations

import hashlib
import html
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit import audit
from opskit.actions.report import Request, produce
from opskit.config.schema import Config
from opskit.console.server import Background, Listen
from opskit.context import AppContext
from opskit.identity import Actor
from opskit.reports import written
from opskit.result import utc_now
from opskit.signing import apply, records
from opskit.signing.keys import SigningError
from opskit.store import Store
from support.browser import chromium, screenshot
from support.console import PEOPLE, console_for, seed
from support.pki import Authority, TimestampAuthority
from support.system import require

PUBLIC = "https://opskit.pa-uji.example/"


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return Authority(tmp_path / "pki")


@pytest.fixture
def signing_court(
    court_config: Callable[..., Config], authority: Authority
) -> Callable[..., tuple[Config, dict[str, int]]]:
    """The court with signing keys for the kasubbag and the ketua (and any given)."""

    def make(
        keys: dict[str, tuple[Path, Path]] | None = None, timestamp_url: str | None = None
    ) -> tuple[Config, dict[str, int]]:
        keys = keys or {
            "siti": authority.signer("Siti Aminah", "sandi-siti-rahasia"),
            "ahmad": authority.signer("Ahmad Fauzi", "sandi-ahmad-rahasia"),
        }
        people = [
            {
                **person,
                **(
                    {"signing": {"pkcs12_file": str(keys[person["login"]][0]),
                                 "password_file": str(keys[person["login"]][1])}}
                    if person["login"] in keys
                    else {}
                ),
            }
            for person in PEOPLE
        ]  # fmt: skip
        config = court_config(
            people=people,
            signing={
                "trust_roots": [str(authority.pem)],
                **({"timestamp_url": timestamp_url} if timestamp_url else {}),
            },
            console={"public_url": PUBLIC},
        )
        return config, seed(config)

    return make


def approved_uat_document(config: Config, ids: dict[str, int]) -> written.Written:
    """The kasubbag reviews and the ketua approves in the console: the Berita Acara is written."""
    with console_for(config, "siti") as kasubbag:
        kasubbag.post(f"/uat/{ids['uat']}/review", {"note": "Sesuai", "recommendation": "approve"})
    with console_for(config, "ahmad") as ketua:
        decided = ketua.post(f"/uat/{ids['uat']}/decide", {"decision": "approve"})
        assert decided.status_code == 303, decided.text
    with Store.open(config.history_db) as store:
        return written.listing(store, {"uat"})[0]


def kasubbag_signs_the_uat_record(config: Config, ids: dict[str, int]) -> Any:
    """The UAT record approved in the console and signed by the kasubbag: its signed copy."""
    document = approved_uat_document(config, ids)
    assert sign_as(config, "siti", document.id).status_code == 303
    with Store.open(config.history_db) as store:
        signed = records.get(store, document.id)
    assert signed is not None
    return signed


def sign_as(config: Config, login: str, document_id: int) -> Any:
    with console_for(config, login) as console:
        return console.post(f"/documents/{document_id}/sign")


def opskit_verify(cli: Any, path: Path, *extra: str) -> Any:
    return cli("verify", path, *extra)


def test_two_signers_in_order_verify_here_and_in_pdfsig_and_the_qr_leads_to_the_record(
    signing_court: Any, cli: Any, authority: Authority, tmp_path: Path
) -> None:
    config, ids = signing_court()
    document = approved_uat_document(config, ids)

    early = sign_as(config, "ahmad", document.id)
    first = sign_as(config, "siti", document.id)
    second = sign_as(config, "ahmad", document.id)

    assert early.status_code == 400 and "belum menunggu tanda tangan Anda" in early.text
    assert first.status_code == 303 and second.status_code == 303
    with Store.open(config.history_db) as store:
        signed = records.get(store, document.id)
        entries = [entry for entry in audit.listing(store) if entry.action == "documents.sign"]
    assert signed is not None and signed.complete
    assert [signature.signer for signature in signed.signatures] == ["Siti Aminah", "Ahmad Fauzi"]
    assert signed.path.is_relative_to(config.signed_dir)
    assert hashlib.sha256(signed.path.read_bytes()).hexdigest() == signed.sha256
    assert [entry.actor for entry in reversed(entries)] == ["Siti Aminah", "Ahmad Fauzi"]

    checked = opskit_verify(cli, signed.path, "--format", "json", "-c", config.source)
    human = opskit_verify(cli, signed.path, "-c", config.source)
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    signatures = checked.json["data"]["signatures"]
    assert [item["signer"] for item in signatures] == ["Siti Aminah", "Ahmad Fauzi"]
    assert signatures[0]["only_signatures_after"] and signatures[1]["covers_whole_file"]
    assert "Sah: 2 tanda tangan, semuanya utuh dan dipercaya." in human.stdout

    pdfsig = subprocess.run(
        [require("pdfsig", "poppler-utils"), str(signed.path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert pdfsig.stdout.count("Signature is Valid.") == 2, pdfsig.stdout
    assert "Siti Aminah" in pdfsig.stdout and "Ahmad Fauzi" in pdfsig.stdout
    assert pdfsig.stdout.count("ETSI.CAdES.detached") == 2

    page = tmp_path / "page"
    subprocess.run(
        [require("pdftoppm", "poppler-utils"), "-r", "200", "-png", "-f", "1", "-l", "1",
         str(signed.path), str(page)],
        check=True, timeout=60,
    )  # fmt: skip
    decoded = subprocess.run(
        [require("zbarimg", "zbar-tools"), "--raw", "-q", *map(str, tmp_path.glob("page*.png"))],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert decoded.stdout.strip() == f"{PUBLIC}verify/{signed.verify_code}"

    console = Background(config, Listen("127.0.0.1", 0)).start()
    try:
        with chromium(tmp_path / "profile") as browser:
            browser.get(console.url + f"verify/{signed.verify_code}")
            text = browser.find_element("tag name", "body").text
            screenshot(browser, "20-verification-page")
    finally:
        console.stop()
    assert document.number and document.number in text
    assert "Siti Aminah" in text and "Ahmad Fauzi" in text
    assert signed.sha256 in text
    assert str(config.state_dir) not in text and "Masuk" not in text


def test_a_byte_changed_after_signing_fails_verification_with_a_clear_message(
    signing_court: Any, cli: Any
) -> None:
    config, ids = signing_court()
    document = approved_uat_document(config, ids)
    sign_as(config, "siti", document.id)
    with Store.open(config.history_db) as store:
        signed = records.get(store, document.id)
    assert signed is not None
    data = bytearray(signed.path.read_bytes())
    position = data.index(b"/Title")
    data[position + 8] ^= 0x01
    tampered = signed.path.with_name("tampered.pdf")
    tampered.write_bytes(bytes(data))

    checked = opskit_verify(cli, tampered, "-c", config.source)
    again = sign_as(config, "ahmad", document.id)

    assert checked.exit_code == 2
    assert "BERUBAH setelah ditandatangani" in checked.stdout
    assert "TIDAK SAH" in checked.stdout
    assert again.status_code == 303  # the archived copy itself is untouched


def test_expired_and_untrusted_certificates_are_named(
    signing_court: Any, authority: Authority, cli: Any, tmp_path: Path
) -> None:
    stranger = Authority(tmp_path / "other", "CA Lain")
    config, ids = signing_court(
        {
            "siti": authority.signer("Siti Aminah", "sandi-siti-rahasia", valid_from_days=-400),
            "ahmad": stranger.signer("Ahmad Fauzi", "sandi-ahmad-rahasia"),
        }
    )
    document = approved_uat_document(config, ids)
    assert sign_as(config, "siti", document.id).status_code == 303
    assert sign_as(config, "ahmad", document.id).status_code == 303
    with Store.open(config.history_db) as store:
        signed = records.get(store, document.id)
    assert signed is not None

    checked = opskit_verify(cli, signed.path, "-c", config.source, "--format", "json")
    human = opskit_verify(cli, signed.path, "-c", config.source)

    first, second = checked.json["data"]["signatures"]
    assert checked.exit_code == 2
    assert not first["valid_then"] and "invalid_then" in first["problems"]
    assert not second["trusted"] and "untrusted" in second["problems"]
    assert "TIDAK berlaku pada saat penandatanganan" in human.stdout
    assert "TIDAK berantai ke otoritas yang dipercaya" in human.stdout
    trusted_too = opskit_verify(cli, signed.path, "--trust", stranger.pem, "--format", "json")
    assert trusted_too.json["data"]["signatures"][1]["trusted"]


def test_a_wrong_key_password_is_a_clear_error_and_signs_nothing(
    signing_court: Any, authority: Authority
) -> None:
    p12, password = authority.signer("Siti Aminah", "sandi-siti-rahasia")
    password.write_text("bukan-sandinya\n")
    config, ids = signing_court({"siti": (p12, password)})
    document = approved_uat_document(config, ids)
    actor = Actor("Siti Aminah", frozenset({"kasubbag_ti"}), "console", login="siti")

    with Store.open(config.history_db) as store:
        with pytest.raises(SigningError, match="does not open Siti Aminah's signing key"):
            apply.sign(config, store, document.id, actor, utc_now())
        assert records.get(store, document.id) is None
    refused = sign_as(config, "siti", document.id)
    assert refused.status_code == 400
    assert "tidak dapat dibuka dengan kata sandi atau PIN-nya" in html.unescape(refused.text)
    assert not config.signed_dir.exists() or not any(config.signed_dir.rglob("*.pdf"))


def test_a_rerender_never_replaces_the_signed_copy(signing_court: Any) -> None:
    config, ids = signing_court()
    document = approved_uat_document(config, ids)
    sign_as(config, "siti", document.id)
    with Store.open(config.history_db) as store:
        signed = records.get(store, document.id)
    assert signed is not None
    before = signed.path.read_bytes()

    context = AppContext(str(config.source))
    try:
        produce(context, "uat", Request(uat_run_id=ids["uat"]))
    finally:
        context.close()

    assert signed.path.read_bytes() == before
    assert document.paths["pdf"] != signed.path


def test_without_signing_keys_nothing_about_signatures_shows(
    court_config: Callable[..., Config],
) -> None:
    config = court_config()
    seed(config)
    with console_for(config, "budi") as console:
        page = console.client.get("/documents").text

    assert "Dokumen incident" in page
    assert "Tandatangani" not in page and "Tanda tangan" not in page


def test_with_a_timestamp_authority_each_signature_carries_its_trusted_time(
    signing_court: Any, authority: Authority, cli: Any
) -> None:
    tsa = TimestampAuthority(authority)
    try:
        config, ids = signing_court(timestamp_url=tsa.url)
        signed = kasubbag_signs_the_uat_record(config, ids)
    finally:
        tsa.stop()

    checked = opskit_verify(cli, signed.path, "-c", config.source, "--format", "json")
    human = opskit_verify(cli, signed.path, "-c", config.source)

    assert tsa.requests >= 1  # pyHanko also asks once to size the signature
    assert checked.json["data"]["signatures"][0]["timestamped_at"] is not None
    assert "Cap waktu tepercaya" in human.stdout


def test_the_trusted_timestamp_not_the_signers_clock_says_whether_the_certificate_was_valid(
    signing_court: Any, authority: Authority, cli: Any
) -> None:
    """Siti's certificate expired three days ago; the timestamp authority says she signed five
    days ago, while it was valid. Her own clock (now) would make it invalid."""
    signed_at = datetime.now(UTC) - timedelta(days=5)
    tsa = TimestampAuthority(authority, at=signed_at)
    try:
        config, ids = signing_court(
            keys={
                "siti": authority.signer(
                    "Siti Aminah", "sandi-siti-rahasia", valid_from_days=-100, valid_days=97
                )
            },
            timestamp_url=tsa.url,
        )
        signed = kasubbag_signs_the_uat_record(config, ids)
    finally:
        tsa.stop()

    checked = opskit_verify(cli, signed.path, "-c", config.source, "--format", "json")

    first = checked.json["data"]["signatures"][0]
    assert first["timestamped_at"] is not None
    assert datetime.fromisoformat(first["timestamped_at"]) < datetime.now(UTC) - timedelta(days=4)
    assert first["valid_then"] and "invalid_then" not in first["problems"], first


def test_the_monthly_recap_is_signed_by_the_kasubbag_then_known_by_the_sekretaris(
    signing_court: Any, authority: Authority, cli: Any
) -> None:
    config, _ = signing_court(
        keys={
            "siti": authority.signer("Siti Aminah", "sandi-siti-rahasia"),
            "dewi": authority.signer("Dewi Lestari", "sandi-dewi-rahasia"),
        }
    )
    context = AppContext(str(config.source))
    try:
        produce(context, "recap", Request(month="this"), formats=("pdf",))
    finally:
        context.close()
    with Store.open(config.history_db) as store:
        [recap] = written.listing(store, {"recap"})

    early = sign_as(config, "dewi", recap.id)  # the sekretaris acknowledges what was made
    first = sign_as(config, "siti", recap.id)
    second = sign_as(config, "dewi", recap.id)

    assert early.status_code == 400
    assert first.status_code == 303 and second.status_code == 303, second.text
    with Store.open(config.history_db) as store:
        signed = records.get(store, recap.id)
    assert signed is not None and signed.complete
    checked = opskit_verify(cli, signed.path, "--format", "json", "-c", config.source)
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert [item["signer"] for item in checked.json["data"]["signatures"]] == [
        "Siti Aminah",
        "Dewi Lestari",
    ]


def test_a_decree_set_by_the_ketua_in_the_console_is_signed_by_him(
    signing_court: Any, cli: Any
) -> None:
    config, _ = signing_court()
    with console_for(config, "siti") as kasubbag:
        made = kasubbag.post(
            "/policy/new",
            {"kind": "decree", "title": "Susunan Tim IT 2027", "body": "Menetapkan Tim IT."},
        )
        assert made.status_code == 303, made.text
        document_id = int(made.headers["location"].split("/policy/")[1].split("?")[0])
        for step in ("plan", "propose"):
            assert kasubbag.post(f"/policy/{document_id}/{step}", {}).status_code == 303
    with console_for(config, "ahmad") as ketua:
        set_it = ketua.post(
            f"/policy/{document_id}/set",
            {"number": "W17-A5/3/OT.01/I/2027", "date": "2027-01-04"},
        )
        page = ketua.client.get(f"/policy/{document_id}")
    assert set_it.status_code == 303, set_it.text
    assert 'id="printed"' in page.text
    with Store.open(config.history_db) as store:
        [decree] = written.listing(store, {"policy"})
    assert decree.number == "W17-A5/3/OT.01/I/2027"

    early = sign_as(config, "siti", decree.id)  # only the ketua sets, and signs, a decree
    signed_now = sign_as(config, "ahmad", decree.id)

    assert early.status_code in (400, 403)
    assert signed_now.status_code == 303, signed_now.text
    with Store.open(config.history_db) as store:
        signed = records.get(store, decree.id)
    assert signed is not None and signed.complete
    checked = opskit_verify(cli, signed.path, "--format", "json", "-c", config.source)
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert [item["signer"] for item in checked.json["data"]["signatures"]] == ["Ahmad Fauzi"]


def test_a_service_request_approved_by_the_ketua_in_the_console_is_signed_by_him(
    signing_court: Any, cli: Any
) -> None:
    config, _ = signing_court()

    def step(*arguments: str) -> dict[str, Any]:
        done = cli("-c", config.source, "request", *arguments, "--format", "json")
        assert done.exit_code == 0, done.stdout + done.stderr
        return dict(done.json["data"])

    request = str(
        step("new", "--by", "budi", "--requester", "Rina Wulandari", "--unit", "Kepaniteraan",
             "--contact", "0812-5555-0101", "--subject", "Printer macet",
             "--description", "Printer ruang sidang 2 tidak menarik kertas")["id"]
    )  # fmt: skip
    step("dispose", request, "--by", "Dewi Lestari", "--to", "siti", "--note", "Mohon ditelaah")
    step("study", request, "--by", "Siti Aminah", "--note", "Roller aus")
    step("classify", request, "--by", "Siti Aminah", "--category", "hardware")
    step("verify", request, "--by", "Siti Aminah")
    step("prioritise", request, "--by", "Siti Aminah", "--urgency", "high", "--impact", "medium")
    step("consider", request, "--by", "Siti Aminah", "--note", "Ganti roller")
    with console_for(config, "ahmad") as ketua:
        approved = ketua.post(f"/requests/{request}/approve", {"note": "Setuju"})
    assert approved.status_code == 303, approved.text
    with Store.open(config.history_db) as store:
        [form] = written.listing(store, {"request-form"})

    signed_now = sign_as(config, "ahmad", form.id)

    assert signed_now.status_code == 303, signed_now.text
    with Store.open(config.history_db) as store:
        signed = records.get(store, form.id)
    assert signed is not None and signed.complete
    checked = opskit_verify(cli, signed.path, "--format", "json", "-c", config.source)
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert [item["signer"] for item in checked.json["data"]["signatures"]] == ["Ahmad Fauzi"]
    text = subprocess.run(
        [require("pdftotext", "poppler-utils"), str(signed.path), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert "Menyetujui" in text and "Setuju" in text
