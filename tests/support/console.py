"""A court for console tests: people in every SOP role with passwords, and a history
with an incident, a UAT run waiting for review and a written document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from opskit import accounts, incidents
from opskit.config.load import load
from opskit.config.schema import Config
from opskit.reports import written
from opskit.reports.render import Document, Rendered
from opskit.result import Result, Status
from opskit.store import Store
from opskit.uat import records
from opskit.uat.model import NewRun, StepRecord, verdict

PASSWORD = "Kata-Sandi-Uji-2026"
PEOPLE = [
    {
        "name": "Budi Santoso",
        "roles": ["operator"],
        "login": "budi",
        "position": "Pranata Komputer",
    },
    {"name": "Siti Aminah", "roles": ["kasubbag_ti"], "login": "siti", "position": "Kasubbag TI"},
    {"name": "Dewi Lestari", "roles": ["sekretaris"], "login": "dewi", "position": "Sekretaris"},
    {
        "name": "Ahmad Fauzi",
        "roles": ["ketua"],
        "login": "ahmad",
        "position": "Ketua",
        "nip": "197001011990031001",
    },
    {"name": "Rahmat Hidayat", "roles": ["penanggung_jawab"], "login": "rahmat"},
    {"name": "Nur Aini", "roles": ["redaktur"], "login": "nur"},
    {"name": "Fajar Pratama", "roles": ["editor"], "login": "fajar"},
    {"name": "CV Teknologi Nusantara", "roles": ["provider"], "login": "provider"},
    {
        "name": "Rina Wulandari",
        "roles": ["pegawai"],
        "login": "rina",
        "position": "Staf Kepaniteraan",
    },
    {"name": "Hakim Tinggi Pengawas", "roles": ["pengawas"], "login": "pengawas"},
]
ROLE_LOGINS = {person["roles"][0]: person["login"] for person in PEOPLE}
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrftoken" value="([^"]+)"')


def court(make_config: Any, **extra: Any) -> Config:
    """A config with every role and a site, validated as opskit would load it."""
    data = {
        "people": PEOPLE,
        "sites": [{"name": "website", "url": "https://www.pa-uji.example/"}],
        "uat": {"reviewer_role": "kasubbag_ti"},
        **extra,
    }
    return load(make_config(data))


def seed(config: Config, now: datetime = NOW) -> dict[str, int]:
    """Passwords for everyone, a CRITICAL site with its incident, a UAT run, a document."""
    with Store.open(config.history_db) as store:
        for person in PEOPLE:
            accounts.set_password(store, person["login"], PASSWORD, now)
        down = Result(
            "web.http", "website", Status.CRITICAL, "DOWN: connection refused", observed_at=now
        )
        store.record_run("check web", now, now, [down], Status.CRITICAL)
        opened = incidents.process(store, [down], now, timedelta(hours=4))
        run_id = records.save(store, uat_run(now))
        document_id = write_document(store, config, "incident", str(opened[0].incident.id), now)
        request = service_request(store, config, now)
        return {
            "incident": opened[0].incident.id,
            "uat": run_id,
            "document": document_id,
            "request": request.id,
            "attachment": request.records[0].attachments[0].id,
            "content": content_item(store, config, now),
            **content_with_photo(store, config, now),
            "policy": policy_document(store, config, now),
        }


def content_item(store: Store, config: Config, now: datetime) -> int:
    """A news item Budi (operator) gathered, with a text Nur (redaktur) drafted."""
    from opskit.content import records as content
    from opskit.identity import console_actor
    from opskit.procedures.definition import procedure

    chosen = procedure(config, "content")
    budi = console_actor(config, "budi", "127.0.0.1")
    nur = console_actor(config, "nur", "127.0.0.1")
    assert budi is not None and nur is not None
    item = content.create(
        store, config, chosen, actor=budi, kind="news", title="Sidang keliling",
        material="Laporan panitera", files=[], now=now,
    )  # fmt: skip
    content.take_step(store, config, chosen, item.id, step="validate", actor=budi, now=now)
    content.take_step(
        store, config, chosen, item.id, step="draft", actor=nur, now=now,
        text=("Sidang keliling di Babulu", "Sidang keliling digelar di Babulu."),
    )  # fmt: skip
    return item.id


def content_with_photo(store: Store, config: Config, now: datetime) -> dict[str, int]:
    """An announcement Budi (operator) gathered with a photo: ``content_photo`` is the item,
    ``content_attachment`` the photo's id."""
    import io

    from PIL import Image

    from opskit.content import files
    from opskit.content import records as content
    from opskit.helpdesk.attachments import Upload
    from opskit.identity import console_actor
    from opskit.procedures.definition import procedure

    budi = console_actor(config, "budi", "127.0.0.1")
    assert budi is not None
    picture = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 160)).save(picture, format="PNG")
    photo = Upload("pelantikan.png", picture.getvalue())
    item = content.create(
        store, config, procedure(config, "content"), actor=budi, kind="news",
        title="Pelantikan pegawai", material="Foto pelantikan",
        files=[(photo, files.judge(photo, config))], now=now,
    )  # fmt: skip
    return {"content_photo": item.id, "content_attachment": item.files()[0].id}


def policy_document(store: Store, config: Config, now: datetime) -> int:
    """A decree of the IT team Siti (kasubbag TI) drafted, planned and proposed to the ketua."""
    from opskit.identity import console_actor
    from opskit.policy import records as policy
    from opskit.procedures.definition import procedure

    chosen = procedure(config, "policy")
    siti = console_actor(config, "siti", "127.0.0.1")
    assert siti is not None
    document = policy.create(
        store, config, chosen, actor=siti, kind="decree", title="SK Tim IT 2027",
        body="Menetapkan susunan Tim IT.", now=now,
    )  # fmt: skip
    for step in ("plan", "propose"):
        policy.take_step(store, config, chosen, document.id, step=step, actor=siti, now=now)
    return document.id


def service_request(store: Store, config: Config, now: datetime) -> Any:
    """An IT service request Rina (pegawai) sent from the console with a photo attached."""
    from opskit.helpdesk import records as requests
    from opskit.helpdesk.attachments import Upload
    from opskit.helpdesk.records import NewRequest
    from opskit.identity import console_actor
    from opskit.procedures.definition import procedure

    rina = console_actor(config, "rina", "127.0.0.1")
    assert rina is not None
    form = NewRequest(
        requester=rina.name,
        requester_login=rina.login,
        unit="Kepaniteraan",
        contact="0812-5555-0101",
        subject="Printer ruang sidang 2 macet",
        description="Printer tidak menarik kertas.",
    )
    photo = Upload("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    return requests.create(
        store,
        config,
        procedure(config, "service-request"),
        actor=rina,
        new=form,
        uploads=[photo],
        now=now,
    )


def uat_run(now: datetime, outcome: str = "passed") -> NewRun:
    steps = [
        StepRecord(
            position=1,
            step_id="beranda",
            title="Halaman awal",
            kind="manual",
            required=True,
            definition={"instruction": "Buka beranda", "expected": "Tampil"},
            outcome=outcome,  # type: ignore[arg-type]
            summary="",
            at=now,
            tester="Budi Santoso",
        )
    ]
    return NewRun(
        checklist="uji",
        checklist_title="Uji rilis",
        checklist_source="/tmp/uji.yaml",
        checklist_sha256="0" * 64,
        application="E-Pengaduan",
        version="2.1",
        target=None,
        tester="Budi Santoso",
        started_at=now,
        finished_at=now + timedelta(minutes=5),
        result=verdict(steps),
        steps=steps,
    )


def write_document(store: Store, config: Config, kind: str, reference: str, now: datetime) -> int:
    """A document file as the renderer leaves it, recorded as written."""
    directory = config.output_dir / kind
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}-{reference}.html"
    path.write_text(f"<html><body>{kind} {reference}</body></html>")
    document = Document(
        kind=kind,
        template=f"{kind}.html.j2",
        title=f"Dokumen {kind} {reference}",
        number=f"{reference}/2026",
        stem=path.stem,
        subject="",
        chat_text="",
        context={},
    )
    written.record(
        store, Rendered(document, {"html": path}, ""), reference=reference, language="id", now=now
    )
    return int(written.listing(store, {kind})[0].id)


class Browserless:
    """The console in-process (Starlette's test client): sign in, post forms with their token."""

    def __init__(self, config: Config, https: bool = False) -> None:
        from starlette.testclient import TestClient

        from opskit.console.app import create_app

        self.client = TestClient(
            create_app(config, https=https),
            base_url="https://testserver" if https else "http://testserver",
            follow_redirects=False,
        )

    def token(self, path: str = "/signin") -> str:
        page = self.client.get(path)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path} ({page.status_code})"
        return found.group(1)

    def sign_in(self, login: str, password: str = PASSWORD) -> Any:
        return self.client.post(
            "/signin",
            data={"login": login, "password": password, "csrftoken": self.token()},
        )

    def post(self, path: str, data: dict[str, str] | None = None) -> Any:
        token = self.token("/signin") if not self.signed_in else self.token("/account")
        return self.client.post(path, data={**(data or {}), "csrftoken": token})

    @property
    def signed_in(self) -> bool:
        return "opskit_session" in self.client.cookies

    def close(self) -> None:
        self.client.close()


@contextmanager
def console_for(config: Config, login: str | None = None) -> Iterator[Browserless]:
    browserless = Browserless(config)
    try:
        if login:
            answer = browserless.sign_in(login)
            assert answer.status_code == 303, answer.text
        yield browserless
    finally:
        browserless.close()


def history_path(config: Config) -> Path:
    return config.history_db
