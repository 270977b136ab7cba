"""Automated UAT steps against a real application on loopback: pages, forms, TLS, links, secrets."""

from __future__ import annotations

import json
import sqlite3

import pytest

from support.uat_app import PASSWORD, ComplaintApp
from support.web import CertificateFactory

pytestmark = pytest.mark.integration

HOME = {"id": "beranda", "title": "Beranda", "http": {"path": "/", "contains": ["Pengaduan"]}}
SLOW = {"id": "lambat", "title": "Halaman cepat", "http": {"path": "/lambat", "max_ms": 500}}
ACCEPTED = {
    "id": "diterima",
    "title": "Pengaduan lengkap diterima",
    "form": {
        "path": "/pengaduan",
        "fields": {"nama": "Warga Uji", "pesan": "Antrian lama"},
        "contains": ["Nomor pengaduan PGD-"],
    },
}
REJECTED = {
    "id": "ditolak",
    "title": "Pengaduan kosong ditolak",
    "form": {
        "path": "/pengaduan",
        "fields": {"nama": "", "pesan": ""},
        "status": [422],
        "contains": ["wajib diisi"],
    },
}
LINKS = {"id": "tautan", "title": "Tautan berfungsi", "links": {"path": "/"}}
SECRET_FILE = {
    "id": "env",
    "title": "Berkas .env tersembunyi",
    "http": {"path": "/.env", "status": [404]},
}


def outcomes(run) -> dict[str, str]:
    return {step["id"]: step["outcome"] for step in run.json["data"]["steps"]}


def test_automated_steps_judge_the_real_application(
    uat_config, checklist, cli, app: ComplaintApp
) -> None:
    config = uat_config()
    accepts_empty = {
        "id": "kosong-diterima",
        "title": "Pengaduan kosong diterima (salah harapan)",
        "required": False,
        "form": {"path": "/pengaduan", "fields": {"nama": ""}, "status": [200]},
    }
    path = checklist(HOME, SLOW, ACCEPTED, REJECTED, accepts_empty, LINKS, SECRET_FILE)

    run = cli("--config", config, "uat", "run", path, "--target", app.url, "--format", "json")

    assert run.exit_code == 2, run.stderr
    assert run.json["status"] == "CRITICAL"
    assert outcomes(run) == {
        "beranda": "passed",
        "lambat": "failed",
        "diterima": "passed",
        "ditolak": "passed",
        "kosong-diterima": "failed",
        "tautan": "failed",
        "env": "passed",
    }
    steps = {step["id"]: step for step in run.json["data"]["steps"]}
    assert steps["lambat"]["evidence"]["elapsed_ms"] >= 1000
    assert steps["lambat"]["summary"].startswith("took ")
    assert "limit 500 ms" in steps["lambat"]["summary"]
    assert steps["diterima"]["evidence"]["fields"] == {"nama": "Warga Uji", "pesan": "Antrian lama"}
    assert "Nomor pengaduan PGD-001" in steps["diterima"]["evidence"]["excerpt"]
    assert steps["kosong-diterima"]["summary"] == "HTTP 422 (expected 200)"
    assert [item["url"] for item in steps["tautan"]["evidence"]["broken"]] == [f"{app.url}hilang"]
    assert steps["tautan"]["evidence"]["checked"] == 4
    posted = [seen.form for seen in app.seen if seen.method == "POST"]
    assert {"nama": "Warga Uji", "pesan": "Antrian lama"} in posted
    assert run.json["data"]["result"] == "failed"
    assert any("cannot be approved" in message for message in run.json["messages"])

    shown = cli("--config", config, "uat", "show", "1", "--format", "json")
    assert shown.exit_code == 2
    assert outcomes(shown) == outcomes(run)
    assert shown.json["data"]["target"] == app.url


def test_a_working_application_passes_and_the_run_is_recorded(
    uat_config, checklist, cli, start_app
) -> None:
    app = start_app(broken_link=False)
    config = uat_config()
    path = checklist(HOME, ACCEPTED, REJECTED, LINKS, SECRET_FILE, target=app.url)

    run = cli("--config", config, "uat", "run", path, "--app-version", "3.2", "--format", "json")
    listed = cli("--config", config, "uat", "list", "--format", "json")

    assert run.exit_code == 0, run.json["messages"]
    assert set(outcomes(run).values()) == {"passed"}
    assert run.json["data"]["version"] == "3.2"
    assert "next: opskit uat review 1" in run.json["messages"][-1]
    [listed_run] = listed.json["data"]["runs"]
    assert (listed_run["id"], listed_run["result"], listed_run["state"]) == (1, "passed", "tested")


def test_an_application_that_does_not_answer_fails_its_steps(
    uat_config, checklist, cli, start_app
) -> None:
    app = start_app()
    address = app.url
    app.stop()
    path = checklist(HOME, ACCEPTED)

    run = cli("--config", uat_config(), "uat", "run", path, "--target", address, "--format", "json")

    assert run.exit_code == 2
    assert set(outcomes(run).values()) == {"failed"}
    assert "connection refused" in run.json["data"]["steps"][0]["summary"]


def test_tls_step_verifies_the_certificate_with_the_configured_ca(
    uat_config, checklist, cli, start_app, certificates: CertificateFactory
) -> None:
    cert, key = certificates.issue("app", "127.0.0.1", days=30)
    app = start_app(cert_file=cert, key_file=key)
    steps = (
        {"id": "tls", "title": "Sertifikat sah", "tls": {"min_days": 14}},
        {"id": "tls-lama", "title": "Sertifikat berlaku 60 hari", "tls": {"min_days": 60}},
        HOME,
    )
    trusted = uat_config(web={"ca_bundle": str(certificates.ca_file)})

    run = cli("--config", trusted, "uat", "run", checklist(*steps), "--target", app.url,
              "--format", "json")  # fmt: skip
    untrusted = cli("--config", uat_config(), "uat", "run", checklist(*steps), "--target",
                    app.url, "--format", "json")  # fmt: skip

    assert outcomes(run) == {"tls": "passed", "tls-lama": "failed", "beranda": "passed"}
    assert "certificate expires in" in run.json["data"]["steps"][1]["summary"]
    assert 29 <= run.json["data"]["steps"][1]["evidence"]["chain"][0]["days_left"] <= 30
    assert run.json["data"]["steps"][0]["evidence"]["verified"] is True
    assert outcomes(untrusted) == {"tls": "failed", "tls-lama": "failed", "beranda": "failed"}
    assert "not trusted" in untrusted.json["data"]["steps"][0]["summary"]


def test_a_login_secret_reaches_the_application_but_never_the_record(
    uat_config, checklist, cli, app: ComplaintApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UAT_ADMIN_PASSWORD", PASSWORD)
    config = uat_config()
    tmp_path = config.parent
    login = {
        "id": "masuk",
        "title": "Admin dapat masuk",
        "form": {
            "path": "/masuk",
            "fields": {"pengguna": "admin"},
            "fields_env": {"sandi": "UAT_ADMIN_PASSWORD"},
            "contains": ["Selamat datang"],
        },
    }
    dashboard = {"id": "dasbor", "title": "Dasbor sesudah masuk", "http": {"path": "/dasbor"}}
    path = checklist(login, dashboard)

    run = cli("--config", config, "uat", "run", path, "--target", app.url, "--format", "json")
    report = cli("--config", config, "report", "uat", "1", "--out", tmp_path / "out",
                 "--formats", "html,md")  # fmt: skip

    assert run.exit_code == 0, run.stdout
    assert run.json["data"]["steps"][0]["evidence"]["fields"] == {
        "pengguna": "admin",
        "sandi": "***",
    }
    assert {"pengguna": "admin", "sandi": PASSWORD} in [seen.form for seen in app.seen]
    assert report.exit_code == 0
    history = (tmp_path / "state" / "history.sqlite").read_bytes()
    wal = tmp_path / "state" / "history.sqlite-wal"
    documents = [path.read_text() for path in (tmp_path / "out").rglob("*.*")]
    for text in [run.stdout, run.stderr, report.stdout, *documents]:
        assert PASSWORD not in text
    assert PASSWORD.encode() not in history
    assert not wal.exists() or PASSWORD.encode() not in wal.read_bytes()
    with sqlite3.connect(tmp_path / "state" / "history.sqlite") as db:
        [(evidence,)] = db.execute("SELECT evidence FROM uat_steps WHERE step_id = 'masuk'")
    assert json.loads(evidence)["fields"]["sandi"] == "***"


def test_a_missing_secret_stops_the_run_before_anything_is_tested(
    uat_config, checklist, cli, app: ComplaintApp
) -> None:
    login = {
        "title": "Admin dapat masuk",
        "form": {"path": "/masuk", "fields_env": {"sandi": "UAT_UNSET_PASSWORD"}},
    }

    run = cli("--config", uat_config(), "uat", "run", checklist(HOME, login), "--target", app.url)
    listed = cli("--config", uat_config(), "uat", "list", "--format", "json")

    assert run.exit_code == 3
    assert "UAT_UNSET_PASSWORD is not set" in run.stderr
    assert app.seen == []
    assert listed.json["data"]["runs"] == []


def test_a_checklist_without_target_needs_one(uat_config, checklist, cli) -> None:
    run = cli("--config", uat_config(), "uat", "run", checklist(HOME, ACCEPTED))

    assert run.exit_code == 3
    assert "give --target URL" in run.stderr
    assert "1 (Beranda), 2 (Pengaduan lengkap diterima)" in run.stderr


def test_a_login_secret_from_a_0600_file_next_to_the_checklist(
    uat_config, checklist, cli, app: ComplaintApp
) -> None:
    config = uat_config()
    secret = config.parent / "admin.pass"
    secret.write_text(PASSWORD + "\n")
    login = {
        "id": "masuk",
        "title": "Admin dapat masuk",
        "form": {
            "path": "/masuk",
            "fields": {"pengguna": "admin"},
            "fields_file": {"sandi": "admin.pass"},
            "contains": ["Selamat datang"],
        },
    }
    path = checklist(login)

    secret.chmod(0o644)
    refused = cli("--config", config, "uat", "run", path, "--target", app.url)
    secret.chmod(0o600)
    run = cli("--config", config, "uat", "run", path, "--target", app.url, "--format", "json")

    assert refused.exit_code == 3
    assert "steps[0].form.fields_file.sandi" in refused.stderr
    assert "chmod 600" in refused.stderr
    assert run.exit_code == 0, run.stdout
    assert PASSWORD not in run.stdout
    assert {"pengguna": "admin", "sandi": PASSWORD} in [seen.form for seen in app.seen]
