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
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opskit.actions.setup import write_config
from opskit.config.sample import sample_config
from opskit.config.schema import DEFAULT_JOBS
from opskit.demo.backup import backup_section, demo_database
from opskit.demo.logs import write_demo_log
from opskit.demo.mail import MailCatcher
from opskit.demo.uat import DEMO_CHECKLIST, write_uat_files
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Status, worst

if TYPE_CHECKING:
    from opskit.demo.site import DemoSite

logger = logging.getLogger(__name__)

DEMO_DOMAIN = "pa-demo.test"

DEMO_PEOPLE = [
    {
        "name": "Rahmat Hidayat",
        "login": "rahmat",
        "roles": ["penanggung_jawab"],
        "position": "Panitera",
        "nip": "197205121998031003",
        "email": "penanggungjawab@demo.example",
        "notify": ["email"],
    },
    {
        "name": "Siti Aminah",
        "login": "siti",
        "roles": ["kasubbag_ti"],
        "position": "Kepala Subbagian Perencanaan, Teknologi Informasi dan Pelaporan",
        "nip": "198103152006042002",
        "email": "ti@demo.example",
        "notify": ["email"],
    },
    {
        "name": "Dewi Lestari",
        "login": "dewi",
        "roles": ["sekretaris"],
        "position": "Sekretaris",
        "nip": "197609202000032001",
        "email": "sekretaris@demo.example",
        "notify": ["email"],
    },
    {
        "name": "Ahmad Fauzi",
        "login": "ahmad",
        "roles": ["ketua"],
        "position": "Ketua",
        "nip": "197001011990031001",
    },
    {
        "name": "Budi Santoso",
        "login": "budi",
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


def emblem(workspace: Path) -> Path:
    """The demo letterhead's emblem, copied into the workspace (an office uses its own)."""
    from opskit.paths import checks_dir

    target = workspace / "emblem.svg"
    target.write_bytes((checks_dir() / "demo" / "emblem.svg").read_bytes())
    return target


@dataclass(frozen=True)
class Step:
    """One demo step: a title and the opskit command line it runs."""

    name: str
    argv: list[str]


def demo_config(
    workspace: Path,
    *,
    mail_url: str,
    site: DemoSite | None = None,
    backup: dict[str, Any] | None = None,
) -> str:
    """The demo's opskit.yaml: this machine, the demo site, its backup, the mail catcher."""
    from opskit.demo.security import prepare as prepare_security

    security = prepare_security(workspace)
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
                "logs": [{"path": str(workspace / "logs" / "access.log")}],
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
                "hierarchy": [
                    "Mahkamah Agung Republik Indonesia",
                    "Direktorat Jenderal Badan Peradilan Agama",
                    "Pengadilan Tinggi Agama Demo",
                ],
                "emblem": str(emblem(workspace)),
                "address": "Jl. Contoh No. 1, Kelurahan Contoh, Kabupaten Contoh 76141",
                "telephone": "(0542) 000000",
                "email": "info@pa-demo.test",
                "website": "www.pa-demo.test",
                "place": "Penajam",
                "timezone": "Asia/Makassar",
                "language": "id",
            },
            "reports": {
                "number_prefix": "W17-A00",
                "numbering": {"incident": "W17-A00/{seq}/HK.05/{month_roman}/{year}"},
            },
            "people": DEMO_PEOPLE,
            "notifications": {"channels": [{"name": "email", "url": mail_url}]},
            "paths": {"state_dir": "state", "output_dir": "output"},
            "uat": {"checklists_dir": "checklists", "reviewer_role": "kasubbag_ti"},
            "hosts": [
                {
                    "name": "local",
                    "local": True,
                    "description": "The demo machine itself.",
                    **security["host"],
                }
            ],
            "sites": sites,
            "web": web,
            "security": {"code": security["code"]},
            **({"backup": backup} if backup else {}),
            # The same SOP defaults `opskit init` writes.
            "schedule": {"jobs": DEFAULT_JOBS},
        }
    )


def steps(workspace: Path) -> list[Step]:
    from opskit.demo.security import can_scan

    return [
        Step("config validate", ["config", "validate"]),
        Step("hosts list", ["hosts", "list"]),
        Step("hosts ping", ["hosts", "ping"]),
        Step("check host", ["check", "host"]),
        Step("backup init", ["backup", "init"]),
        Step("backup run", ["backup", "run"]),
        Step("backup verify", ["backup", "verify"]),
        Step("backup snapshots", ["backup", "snapshots"]),
        Step(
            "backup restore website --target restored --force",
            ["backup", "restore", "website", "--target", str(workspace / "restored"), "--force"],
        ),
        Step("check backup", ["check", "backup"]),
        Step("check web --accept-baseline", ["check", "web", "--accept-baseline"]),
        Step("check web", ["check", "web"]),
        Step("check security", ["check", "security"]),
        *([Step("antivirus scan local", ["antivirus", "scan", "local"])] if can_scan() else []),
        Step(
            "logs analyze logs/access.log",
            ["logs", "analyze", str(workspace / "logs" / "access.log")],
        ),
        Step("check logs", ["check", "logs"]),
        Step("incidents", ["incidents"]),
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
        Step(
            f"uat run {DEMO_CHECKLIST} (version 2.5.0, left for review in the console)",
            [
                "uat",
                "run",
                DEMO_CHECKLIST,
                "--answers",
                str(workspace / "uat-answers.yaml"),
                "--app-version",
                "2.5.0",
            ],
        ),
        Step("report uat 1 --send", ["report", "uat", "1", "--send"]),
        *request_steps(),
        Step("report daily --send", ["report", "daily", "--send"]),
        Step("report recap --send", ["report", "recap", "--send"]),
        Step("report handoff --send", ["report", "handoff", "--send"]),
        Step("report schedule --send", ["report", "schedule", "--send"]),
        Step("notify outbox", ["notify", "outbox"]),
        Step("schedule show", ["schedule", "show"]),
        Step(
            "run --job host-checks --metrics output/opskit.prom",
            ["run", "--job", "host-checks", "--metrics", str(workspace / "output" / "opskit.prom")],
        ),
        Step("check schedule", ["check", "schedule"]),
        Step("history", ["history"]),
    ]


def request_steps() -> list[Step]:
    """An IT service request (SOP B) taken to its examination; the kasubbag classifies it
    next, in the console's inbox."""
    return [
        Step(
            "request new (Formulir Permintaan Layanan TI)",
            ["request", "new", "--by", "Budi Santoso", "--requester", "Rahmat Hidayat",
             "--unit", "Kepaniteraan", "--contact", "penanggungjawab@demo.example",
             "--subject", "Printer ruang sidang 2 macet",
             "--description", "Printer tidak menarik kertas sejak pagi; sidang pukul 13.00."],
        ),
        Step(
            "request dispose 1",
            ["request", "dispose", "1", "--by", "Dewi Lestari", "--to", "Siti Aminah",
             "--note", "Mohon ditelaah dan ditindaklanjuti hari ini."],
        ),
        Step(
            "request study 1",
            ["request", "study", "1", "--by", "Siti Aminah", "--note",
             "Roller penarik kertas aus; stok suku cadang ada."],
        ),
        Step("report request-form 1", ["report", "request-form", "1"]),
        Step("check requests", ["check", "requests"]),
    ]  # fmt: skip


def prepare(workspace: Path) -> None:
    """Start from a clean demo workspace; never touch a directory the demo did not make."""
    try:
        if workspace.exists() and any(workspace.iterdir()) and not (workspace / MARKER).exists():
            raise OpskitError(
                f"{workspace} exists and is not an opskit demo workspace; choose another --dir"
            )
        for name in ("state", "output", "restored"):
            if (workspace / name).exists():
                shutil.rmtree(workspace / name)
        (workspace / "output").mkdir(parents=True)
        (workspace / MARKER).touch()
    except OSError as error:
        raise OpskitError(
            f"cannot prepare the demo in {workspace}: {error.strerror or error}"
        ) from None


def demo(directory: str, run_step: Callable[[Path, list[str]], Outcome] | None = None) -> Outcome:
    """Build the workspace in ``directory``, run every step; a failed step does not stop others."""
    from opskit.demo.site import serve

    workspace = Path(directory).expanduser().resolve()
    prepare(workspace)
    config_path = workspace / "opskit.yaml"
    output_dir = workspace / "output"
    done = _Steps(workspace, config_path, run_step or _dispatch)
    with ExitStack() as stack:
        mailbox = stack.enter_context(MailCatcher(output_dir / "mail"))
        site = stack.enter_context(serve(workspace / "state" / "demo-site"))
        database = stack.enter_context(demo_database(workspace))
        text = demo_config(
            workspace, mail_url=mailbox.url, site=site, backup=backup_section(workspace, database)
        )
        write_config(config_path, text, force=True)
        write_uat_files(workspace, site.url)
        write_demo_log(workspace)
        for number, step in enumerate(steps(workspace), start=1):
            done.run(number, step)
    console = demo_console(config_path, workspace / PASSWORDS_FILE)
    failed = [row for row in done.rows if row["status"] == Status.UNKNOWN.value]
    return Outcome(
        command="demo",
        data={
            "title": f"opskit demo in {workspace}",
            "workspace": str(workspace),
            "steps": done.rows,
            "mail": mailbox.count,
            "console": console,
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
            f"requests:  IT service request 1 was registered, disposed and examined; it waits "
            f"for the kasubbag in the console (opskit --config {config_path} request show 1)",
            f"worst check status seen: {worst(done.statuses).value}",
            f"demo site: {site.url} (served by the demo, now stopped); its CRITICAL web results "
            "are planted on purpose: gambling spam shown only to search-engine crawlers",
            "security: `check security` and `antivirus scan` judge THIS machine for real (its "
            "firewall, open ports, updates) plus a planted web shell (EICAR) in the demo's www/",
            *console_messages(console, config_path),
        ],
    )


# The demo's people who sign in to the console, in the order they are shown.
CONSOLE_LOGINS = ("budi", "siti", "ahmad", "dewi", "rahmat")
PASSWORDS_FILE = "console-passwords.txt"


def demo_console(config_path: Path, passwords_file: Path) -> dict[str, Any]:
    """Passwords for the demo's people (in a 0600 file, never in output data or logs),
    and proof the console answers."""
    import os
    import secrets

    import requests

    from opskit import accounts
    from opskit.config.load import load
    from opskit.console.server import Background, Listen
    from opskit.result import utc_now
    from opskit.store import Store

    config = load(config_path)
    passwords = {login: f"demo-{secrets.token_urlsafe(9)}" for login in CONSOLE_LOGINS}
    with Store.open(config.store_location) as store:
        for login, password in passwords.items():
            accounts.set_password(store, login, password, utc_now())
    descriptor = os.open(passwords_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.writelines(f"{login} {password}\n" for login, password in passwords.items())
    console = Background(config, Listen("127.0.0.1", 0)).start()
    try:
        healthy = requests.get(console.url + "healthz", timeout=10).text == "ok"
    finally:
        console.stop()
    return {"answered": healthy, "logins": list(passwords), "passwords_file": str(passwords_file)}


def console_messages(console: dict[str, Any], config_path: Path) -> list[str]:
    state = "it answered" if console["answered"] else "it did NOT answer"
    return [
        f"console:   opskit --config {config_path} serve  ({state} in the demo); sign in as "
        "budi (operator), siti (kasubbag), ahmad (ketua), dewi (sekretaris), rahmat "
        "(penanggung jawab): UAT run 2 waits for siti's review and ahmad's approval",
        f"passwords: in {console['passwords_file']} (mode 0600; change one with `opskit "
        f"--config {config_path} users passwd LOGIN`)",
    ]


@dataclass
class _Steps:
    """Runs demo steps one by one, writing each envelope and keeping a row per step."""

    workspace: Path
    config_path: Path
    runner: Callable[[Path, list[str]], Outcome]
    rows: list[dict[str, str]] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)

    def run(self, number: int, step: Step) -> None:
        words = [word for word in step.argv[:2] if not word.startswith("-")]
        target = self.workspace / "output" / f"{number:02d}-{'-'.join(words)}.json"
        command = " ".join(step.argv)
        try:
            outcome = self.runner(self.config_path, step.argv)
            status = outcome.final_status
            _write_envelope(target, command, outcome, None)
        except OpskitError as error:
            logger.error("demo step %r failed: %s", step.name, error.message)
            status = Status.UNKNOWN
            _write_envelope(target, command, None, error)
        except Exception as error:  # noqa: BLE001 - one broken step must not end the demo
            logger.debug("demo step %r failed", step.name, exc_info=True)
            logger.error("demo step %r failed: %s: %s", step.name, error.__class__.__name__, error)
            status = Status.UNKNOWN
            internal = OpskitError(f"internal error: {error.__class__.__name__}: {error}")
            _write_envelope(target, command, None, internal)
        self.statuses.append(status)
        self.rows.append(
            {
                "name": f"opskit {step.name}",
                "status": status.value,
                "output": str(target.relative_to(self.workspace)),
            }
        )


def _dispatch(config_path: Path, argv: list[str]) -> Outcome:
    from opskit.cli import dispatch
    from opskit.context import AppContext
    from opskit.grammar import build_parser

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
