"""Incidents announced through a real SMTP server and a real webhook receiver on loopback."""

from __future__ import annotations

import base64
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.limits import DISK_FULL, NEVER
from support.smtp import SmtpServer
from support.system import require
from support.webhook import WebhookReceiver

pytestmark = pytest.mark.integration

REMINDER_SECONDS = 6


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def notifying_config(
    make_config, smtp: SmtpServer, webhook: WebhookReceiver
) -> Callable[..., Path]:
    def write(limits: dict[str, float], reminder_hours: float = 24) -> Path:
        return make_config(
            {
                "organisation": {
                    "name": "Pengadilan Agama Uji",
                    "short_name": "PA Uji",
                    "timezone": "Asia/Makassar",
                },
                "people": [
                    {
                        "name": "Rahmat Hidayat",
                        "roles": ["penanggung_jawab"],
                        "email": "pj@pa-uji.go.id",
                        "notify": ["email", "chat"],
                    },
                    {
                        "name": "Budi Santoso",
                        "roles": ["operator"],
                        "email": "op@pa-uji.go.id",
                        "notify": ["email"],
                    },
                ],
                "notifications": {
                    "reminder_hours": reminder_hours,
                    "timeout_seconds": 5,
                    "channels": [
                        {"name": "email", "url": smtp.url()},
                        {"name": "chat", "url": webhook.url},
                    ],
                },
                "host_checks": limits,
            }
        )

    return write


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdftotext = require("pdftotext", "poppler-utils")
    path = tmp_path / "attachment.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def attachment(message: Any) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_payload(decode=True)


def test_incident_is_announced_once_reminded_and_resolved(
    cli, notifying_config, smtp: SmtpServer, webhook: WebhookReceiver, tmp_path: Path
) -> None:
    critical = notifying_config(DISK_FULL, reminder_hours=REMINDER_SECONDS / 3600)
    first = cli("--config", critical, "check", "host", "--format", "json")
    announced = time.monotonic()
    outages = [item["target"] for item in first.json["results"] if item["status"] == "CRITICAL"]
    assert outages and first.exit_code == 2
    assert len(smtp.messages) == len(outages) and len(webhook.posts) == len(outages)

    cli("--config", critical, "check", "host")  # still failing, too soon to remind
    assert len(smtp.messages) == len(outages)
    time.sleep(max(0.0, REMINDER_SECONDS + 0.2 - (time.monotonic() - announced)))
    cli("--config", critical, "check", "host")  # reminder
    healthy = notifying_config(NEVER, reminder_hours=REMINDER_SECONDS / 3600)
    recovered = cli("--config", healthy, "check", "host", "--format", "json")
    cli("--config", healthy, "check", "host")  # nothing left to say

    assert recovered.exit_code == 0
    subjects = [received.message["subject"] for received in smtp.messages]
    target = outages[0]
    assert subjects.count(f"[PA Uji] KRITIS: Ruang disk server pada {target}") == 1
    assert (
        subjects.count(f"[PA Uji] Pengingat: Ruang disk server pada {target} masih bermasalah") == 1
    )
    assert subjects.count(f"[PA Uji] Pulih: Ruang disk server pada {target}") == 1
    assert len(subjects) == 3 * len(outages)
    assert all(received.recipients == ["pj@pa-uji.go.id"] for received in smtp.messages)

    opened = smtp.messages[0].message
    html = opened.get_body(preferencelist=("html",)).get_content()
    assert "Laporan Situasi dan Kondisi" in html and "Alternatif solusi" in html
    name, pdf = attachment(opened)
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "PENGADILAN AGAMA UJI" in text
    assert "Ruang disk server" in text and target in text

    post = webhook.posts[0]
    assert post["title"] == subjects[0]
    assert post["message"].startswith(f"KRITIS: Ruang disk server pada {target} sejak ")
    [sent] = post["attachments"]
    assert base64.b64decode(sent["base64"]).startswith(b"%PDF")

    listed = cli("--config", healthy, "incidents", "--format", "json").json["data"]["incidents"]
    assert {item["state"] for item in listed} == {"resolved"}


def test_acknowledging_by_a_name_not_in_people_is_recorded_with_a_hint(
    cli, notifying_config
) -> None:
    config = notifying_config(DISK_FULL)
    assert cli("--config", config, "check", "host").exit_code == 2

    ack = ["--config", config, "incidents", "ack", "1", "--format", "json"]
    typo = cli(*ack, "--by", "Budi Santosa", "--note", "dicek")
    known = cli(*ack, "--by", "Budi Santoso", "--note", "dibersihkan")

    assert typo.exit_code == 0 and known.exit_code == 0
    hint = "note: 'Budi Santosa' is not in people[]; did you mean 'Budi Santoso'?"
    assert hint in typo.json["messages"]
    assert not any("not in people" in message for message in known.json["messages"])
    listed = cli("--config", config, "incidents", "--format", "json").json["data"]["incidents"]
    assert {item["id"]: item["acknowledged"] for item in listed}[1] is True


def test_refused_delivery_keeps_the_job_status_and_is_retried(
    cli, notifying_config, smtp: SmtpServer
) -> None:
    smtp.refuse = True
    config = notifying_config(DISK_FULL)

    refused = cli("--config", config, "check", "host", "--format", "json")
    outbox = cli("--config", config, "notify", "outbox", "--format", "json").json["data"][
        "deliveries"
    ]

    assert refused.exit_code == 2 and refused.json["status"] == "CRITICAL"
    assert [message for message in refused.json["messages"] if "deliveries failed" in message]
    assert any("see `opskit notify outbox`" in message for message in refused.json["messages"])
    failed = [item for item in outbox if item["channel"] == "email"]
    assert failed and all(item["state"] == "failed" and item["attempts"] == 1 for item in failed)
    assert all(item["next_attempt_at"] for item in failed)  # backing off, not retried every run
    assert smtp.messages == []

    smtp.refuse = False
    cli("--config", config, "check", "host")  # too soon: still waiting
    waiting = cli("--config", config, "notify", "outbox", "--format", "json").json["data"]
    assert all(
        item["state"] == "failed" for item in waiting["deliveries"] if item["channel"] == "email"
    )
    retry = cli("--config", config, "notify", "retry", "--format", "json")
    retried = cli("--config", config, "notify", "outbox", "--format", "json").json["data"][
        "deliveries"
    ]

    assert retry.exit_code == 0
    assert all(item["state"] == "sent" for item in retried)
    assert {item["attempts"] for item in retried if item["channel"] == "email"} == {2}
    assert len(smtp.messages) == len(failed)


def test_notify_test_reports_each_channel(
    cli, notifying_config, smtp: SmtpServer, webhook: WebhookReceiver
) -> None:
    config = notifying_config(NEVER)
    webhook.status = 500

    run = cli("--config", config, "notify", "test", "Rahmat Hidayat", "--format", "json")

    statuses = {result["target"]: result["status"] for result in run.json["results"]}
    assert {result["check_id"] for result in run.json["results"]} == {"notify.delivery"}
    assert statuses == {"Rahmat Hidayat via email": "OK", "Rahmat Hidayat via chat": "CRITICAL"}
    assert run.exit_code == 2
    assert smtp.messages[0].message["subject"] == "[PA Uji] Uji notifikasi opskit"
    assert smtp.messages[0].recipients == ["pj@pa-uji.go.id"]


def test_an_incident_is_announced_even_when_its_report_cannot_be_written(
    cli, notifying_config, smtp: SmtpServer, tmp_path: Path
) -> None:
    config = notifying_config(DISK_FULL)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the reports should go")
    text = config.read_text().replace("paths:", f"paths:\n  output_dir: {blocker}", 1)
    config.write_text(text)

    run = cli("--config", config, "check", "host", "--format", "json")

    assert run.exit_code == 2
    assert any("sent without the report" in message for message in run.json["messages"])
    subjects = [received.message["subject"] for received in smtp.messages]
    assert subjects and all(subject.startswith("[PA Uji] KRITIS:") for subject in subjects)
    assert not smtp.messages[0].message.is_multipart() or not list(
        smtp.messages[0].message.iter_attachments()
    )


def test_a_recovered_incident_report_still_names_the_problem(
    cli, notifying_config, tmp_path: Path
) -> None:
    cli("--config", notifying_config(DISK_FULL), "check", "host")
    healthy = notifying_config(NEVER)
    cli("--config", healthy, "check", "host")
    out = tmp_path / "reports"

    cli("--config", healthy, "report", "incident", "1", "--formats", "html", "--out", out)

    html = (out / "incident" / "incident-1-report.html").read_text()
    problem = html.split("4. Masalah</h2>", 1)[1].split("</p>", 1)[0]
    assert "used" in problem and "limits" in problem  # the CRITICAL summary, not the OK one
    assert "Sudah pulih" in html


def test_a_hanging_mail_server_stops_the_flush_at_its_budget(make_config, tmp_path: Path) -> None:
    import socket as sockets
    from datetime import UTC, datetime

    from opskit import notify
    from opskit.config.load import load
    from opskit.reports.render import Document
    from opskit.store import Store

    silent = sockets.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        config = load(
            make_config(
                {
                    "people": [
                        {
                            "name": "PJ",
                            "roles": ["penanggung_jawab"],
                            "email": "pj@pa-uji.go.id",
                            "notify": ["email"],
                        }
                    ],
                    "notifications": {
                        "timeout_seconds": 1,
                        "channels": [
                            {
                                "name": "email",
                                "url": f"mailto://127.0.0.1:{silent.getsockname()[1]}?from=o@pa-uji.go.id",
                            }
                        ],
                    },
                }
            )
        )
        store = Store.open(tmp_path / "history.sqlite")
        now = datetime.now(UTC)
        document = Document(
            kind="incident",
            template="",
            title="",
            number="",
            stem="",
            subject="S",
            chat_text="T",
            context={},
        )
        for _ in range(6):
            notify.queue_document(store, config, document, {}, reference="1", now=now)

        attempted = notify.flush(store, config, now, budget_seconds=2.5)
    finally:
        silent.close()

    assert 1 <= len(attempted) < 6  # stopped by the budget, the rest wait
    assert all(item.state == "failed" for item in attempted)


def test_an_acknowledged_incident_is_not_reminded_until_it_changes(
    cli, notifying_config, smtp: SmtpServer
) -> None:
    reminder_hours = 1 / 3600  # every second: each later run is past due
    critical = notifying_config(DISK_FULL, reminder_hours=reminder_hours)
    first = cli("--config", critical, "check", "host", "--format", "json")
    opened = len(smtp.messages)
    assert opened > 0, first.stdout
    listed = cli("--config", critical, "incidents", "--open", "--format", "json")
    for incident in listed.json["data"]["incidents"]:
        acknowledged = cli(
            "--config", critical, "incidents", "ack", str(incident["id"]),
            "--by", "Budi Santoso", "--note", "log lama dihapus",
        )  # fmt: skip
        assert acknowledged.exit_code == 0, acknowledged.stderr

    time.sleep(1.2)
    cli("--config", critical, "check", "host")  # due, but Budi is on it: nothing
    quiet = len(smtp.messages)
    warning = notifying_config(
        {**DISK_FULL, "disk_critical_percent": 100}, reminder_hours=reminder_hours
    )
    time.sleep(1.2)
    cli("--config", warning, "check", "host")  # CRITICAL became WARNING: worth a reminder

    assert quiet == opened
    subjects = [received.message["subject"] for received in smtp.messages[quiet:]]
    assert subjects and all("Pengingat" in subject for subject in subjects), subjects


def test_incidents_reaching_nobody_are_said_to_once_per_run(make_config) -> None:
    from support.cli import run_opskit

    config = make_config(
        {
            "host_checks": {
                **DISK_FULL,
                "memory_warning_percent": 0.1,
                "memory_critical_percent": 0.1,
            }
        }
    )

    run = run_opskit("--config", config, "check", "host", "local", "--format", "json")

    opened = [message for message in run.json["messages"] if " opened: " in message]
    assert len(opened) >= 2, run.json["messages"]  # a disk and the memory
    assert run.stderr.count("nobody receives incident documents") == 1, run.stderr
