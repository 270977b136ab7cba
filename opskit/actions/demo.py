"""``opskit demo``: the whole product on a self-contained workspace.

The workspace holds its own config, state directory and outputs, and every
step runs the same command an admin would type, through the same dispatch,
against this machine only. Each step's JSON envelope is written to
``output/`` so the demo leaves something to read.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opskit.actions.setup import write_config
from opskit.config.sample import sample_config
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Status, worst

if TYPE_CHECKING:
    from opskit.web.demo_site import DemoSite

logger = logging.getLogger(__name__)

DEMO_DOMAIN = "pa-demo.test"

DEMO_PEOPLE = [
    {
        "name": "Rahmat Hidayat",
        "roles": ["penanggung_jawab"],
        "position": "Panitera",
        "email": "penanggungjawab@demo.example",
        "notify": ["email"],
    },
    {
        "name": "Siti Aminah",
        "roles": ["kasubbag_ti"],
        "position": "Kasubbag Perencanaan, TI dan Pelaporan",
        "email": "ti@demo.example",
        "notify": ["email"],
    },
    {
        "name": "Dewi Lestari",
        "roles": ["sekretaris"],
        "position": "Sekretaris",
        "email": "sekretaris@demo.example",
        "notify": ["email"],
    },
    {"name": "Ahmad Fauzi", "roles": ["ketua"], "position": "Ketua"},
    {
        "name": "Budi Santoso",
        "roles": ["operator"],
        "position": "Pranata Komputer",
        "nip": "198501012010121001",
    },
    {
        "name": "CV Mitra Hosting",
        "roles": ["provider"],
        "email": "support@provider.example",
        "phone": "+62 811 0000 000",
        "notify": ["email"],
    },
]


MARKER = ".opskit-demo"


@dataclass(frozen=True)
class Step:
    """One demo step: a title and the opskit command line it runs."""

    name: str
    argv: list[str]


def demo_config(mail_port: int, site: DemoSite | None = None) -> str:
    sites: list[dict[str, Any]] = []
    web: dict[str, Any] = {}
    if site is not None:
        sites = [
            {
                "name": "demo-site",
                "url": site.url,
                "domain": DEMO_DOMAIN,
                "must_contain": ["Pengadilan Agama Demo"],
                "pages": ["/berita"],
                "skip": ["dns"],
                "timeout_seconds": 5,
            }
        ]
        web = {
            "ca_bundle": str(site.ca_file),
            "rdap_servers": {DEMO_DOMAIN.rpartition(".")[2]: site.rdap_url},
            "domain_sources": ["rdap"],
        }
    return sample_config(
        {
            "organisation": {
                "name": "Pengadilan Agama Demo",
                "short_name": "PA Demo",
                "address": "Jl. Contoh No. 1",
                "timezone": "Asia/Makassar",
                "language": "id",
            },
            "reports": {"place": "Penajam", "number_prefix": "W17-A00"},
            "people": DEMO_PEOPLE,
            "notifications": {
                "channels": [
                    {
                        "name": "email",
                        "url": f"mailto://127.0.0.1:{mail_port}?from=opskit@demo.example",
                    }
                ]
            },
            "paths": {"state_dir": "state", "output_dir": "output"},
            "uat": {"checklists_dir": "checklists", "reviewer_role": "kasubbag_ti"},
            "hosts": [{"name": "local", "local": True, "description": "The demo machine itself."}],
            "sites": sites,
            "web": web,
            "schedule": {
                "jobs": [
                    {"name": "website", "cron": "*/15 * * * *", "run": "check web"},
                    {"name": "host-checks", "cron": "*/30 * * * *", "run": "check host"},
                    {"name": "daily-report", "cron": "0 16 * * *", "run": "report daily --send"},
                    {"name": "monthly-recap", "cron": "0 8 1 * *", "run": "report recap --send"},
                ]
            },
        }
    )


def steps(workspace: Path) -> list[Step]:
    return [
        Step("config validate", ["config", "validate"]),
        Step("hosts list", ["hosts", "list"]),
        Step("hosts ping", ["hosts", "ping"]),
        Step("check host", ["check", "host"]),
        Step("check web --accept-baseline", ["check", "web", "--accept-baseline"]),
        Step("check web", ["check", "web"]),
        Step("incidents", ["incidents"]),
        Step("report daily --send", ["report", "daily", "--send"]),
        Step("report recap --send", ["report", "recap", "--send"]),
        Step("report handoff --send", ["report", "handoff", "--send"]),
        Step("report schedule --send", ["report", "schedule", "--send"]),
        Step("uat checklists", ["uat", "checklists"]),
        Step(
            f"uat run {DEMO_CHECKLIST} --answers uat-answers.yaml",
            [
                "uat",
                "run",
                DEMO_CHECKLIST,
                "--answers",
                str(workspace / "uat-answers.yaml"),
                "--app-version",
                "2.4.0",
            ],
        ),
        Step(
            "uat review 1",
            [
                "uat",
                "review",
                "1",
                "--reviewer",
                "Siti Aminah",
                "--recommend",
                "approve",
                "--note",
                "Semua langkah lulus; formulir pengaduan menolak isian kosong.",
            ],
        ),  # fmt: skip
        Step("uat approve 1", ["uat", "approve", "1", "--approver", "Ahmad Fauzi"]),
        Step("report uat 1 --send", ["report", "uat", "1", "--send"]),
        Step("notify outbox", ["notify", "outbox"]),
        Step("schedule show", ["schedule", "show"]),
        Step(
            "run --job host-checks --metrics output/opskit.prom",
            ["run", "--job", "host-checks", "--metrics", str(workspace / "output" / "opskit.prom")],
        ),
        Step("check schedule", ["check", "schedule"]),
        Step("history", ["history"]),
    ]


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


def prepare(workspace: Path) -> None:
    """Start from a clean demo workspace; never touch a directory the demo did not make."""
    if workspace.exists() and any(workspace.iterdir()) and not (workspace / MARKER).exists():
        raise OpskitError(
            f"{workspace} exists and is not an opskit demo workspace; choose another --dir"
        )
    for name in ("state", "output"):
        if (workspace / name).exists():
            shutil.rmtree(workspace / name)
    (workspace / "output").mkdir(parents=True)
    (workspace / MARKER).touch()


def demo(directory: str, run_step: Callable[[Path, list[str]], Outcome] | None = None) -> Outcome:
    """Build the workspace in ``directory``, run every step; a failed step does not stop others."""
    from opskit.web.demo_site import serve

    workspace = Path(directory).expanduser().resolve()
    prepare(workspace)
    config_path = workspace / "opskit.yaml"
    output_dir = workspace / "output"
    mailbox = MailCatcher(output_dir / "mail").start()
    try:
        with serve(workspace / "state" / "demo-site") as site:
            write_config(config_path, demo_config(mailbox.port, site), force=True)
            write_uat_files(workspace, site.url)
            rows, statuses = _run_steps(workspace, config_path, run_step or _dispatch)
    finally:
        mailbox.stop()
    failed = [row for row in rows if row["status"] == Status.UNKNOWN.value]
    return Outcome(
        command="demo",
        data={
            "title": f"opskit demo in {workspace}",
            "workspace": str(workspace),
            "steps": rows,
            "mail": mailbox.count,
        },
        view="steps",
        status=Status.UNKNOWN if failed else Status.OK,
        messages=[
            f"workspace: {workspace}",
            f"config:    {config_path}",
            f"outputs:   {output_dir} (step results as JSON, documents by kind)",
            f"mail:      {mailbox.count} messages caught by the demo's mail server in "
            f"{output_dir / 'mail'}",
            f"try:       opskit --config {config_path} history",
            f"uat:       the demo site went through UAT run 1, a review and an approval; "
            f"its Berita Acara is in {output_dir / 'uat'} (opskit --config {config_path} uat "
            "show 1)",
            f"worst check status seen: {worst(statuses).value}",
            f"demo site: {site.url} (served by the demo, now stopped); its CRITICAL web results "
            "are planted on purpose: gambling spam shown only to search-engine crawlers",
        ],
    )


def _run_steps(
    workspace: Path, config_path: Path, runner: Callable[[Path, list[str]], Outcome]
) -> tuple[list[dict[str, str]], list[Status]]:
    rows, statuses = [], []
    for number, step in enumerate(steps(workspace), start=1):
        words = [word for word in step.argv[:2] if not word.startswith("-")]
        target = workspace / "output" / f"{number:02d}-{'-'.join(words)}.json"
        try:
            outcome = runner(config_path, step.argv)
            status = outcome.final_status
            _write_envelope(target, " ".join(step.argv), outcome, None)
        except OpskitError as error:
            logger.error("demo step %r failed: %s", step.name, error.message)
            status = Status.UNKNOWN
            _write_envelope(target, " ".join(step.argv), None, error)
        except Exception as error:  # noqa: BLE001 - one broken step must not end the demo
            logger.debug("demo step %r failed", step.name, exc_info=True)
            logger.error("demo step %r failed: %s: %s", step.name, error.__class__.__name__, error)
            status = Status.UNKNOWN
            _write_envelope(
                target,
                " ".join(step.argv),
                None,
                OpskitError(f"internal error: {error.__class__.__name__}: {error}"),
            )
        statuses.append(status)
        rows.append(
            {
                "name": f"opskit {step.name}",
                "status": status.value,
                "output": str(target.relative_to(workspace)),
            }
        )
    return rows, statuses


class MailCatcher:
    """An SMTP server on loopback that saves every message it gets as an .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0
        self.port = 0
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.count += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / f"{self.count:03d}.eml").write_bytes(
            envelope.original_content or envelope.content
        )
        return "250 OK"

    def start(self) -> MailCatcher:
        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()


def _dispatch(config_path: Path, argv: list[str]) -> Outcome:
    from opskit.cli import build_parser, dispatch
    from opskit.context import AppContext

    args = build_parser().parse_args(argv)
    context = AppContext(str(config_path), interactive=False)
    try:
        return dispatch(context, args)
    finally:
        context.close()


def _write_envelope(
    target: Path, command: str, outcome: Outcome | None, error: OpskitError | None
) -> None:
    from opskit.output import envelope

    target.write_text(
        json.dumps(envelope(command, outcome, error), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
