"""``opskit demo``: the whole product on a self-contained workspace.

The workspace holds its own config, state directory and outputs, and every
step runs the same command an admin would type, through the same dispatch,
against this machine only. Each step's JSON envelope is written to
``output/`` so the demo leaves something to read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from opskit.actions.setup import write_config
from opskit.config.sample import sample_config
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Status, worst

logger = logging.getLogger(__name__)

DEMO_PEOPLE = [
    {
        "name": "Rahmat Hidayat",
        "roles": ["penanggung_jawab"],
        "position": "Panitera",
        "email": "penanggungjawab@demo.example",
    },
    {
        "name": "Siti Aminah",
        "roles": ["kasubbag_ti"],
        "position": "Kasubbag Perencanaan, TI dan Pelaporan",
        "email": "ti@demo.example",
    },
    {"name": "Dewi Lestari", "roles": ["sekretaris"], "position": "Sekretaris"},
    {"name": "Ahmad Fauzi", "roles": ["ketua"], "position": "Ketua"},
    {"name": "Budi Santoso", "roles": ["operator"], "position": "Pranata Komputer"},
]


@dataclass(frozen=True)
class Step:
    """One demo step: a title and the opskit command line it runs."""

    name: str
    argv: list[str]


def demo_config(workspace: Path) -> str:
    return sample_config(
        {
            "organisation": {
                "name": "Pengadilan Agama Demo",
                "short_name": "PA Demo",
                "address": "Jl. Contoh No. 1",
                "timezone": "Asia/Makassar",
                "language": "id",
            },
            "people": DEMO_PEOPLE,
            "paths": {"state_dir": "state", "output_dir": "output"},
            "hosts": [{"name": "local", "local": True, "description": "The demo machine itself."}],
            "sites": [
                {
                    "name": "website",
                    "url": "https://www.pa-demo.example/",
                    "logs": [{"path": str(workspace / "logs" / "access.log")}],
                }
            ],
        }
    )


def write_demo_log(workspace: Path) -> Path:
    """A demo access log: visitors and their assets, with a few attacks among them."""
    path = workspace / "logs" / "access.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    start = datetime(2024, 5, 6, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    agent = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
    lines = []

    def add(seconds: float, client: str, request: str, status: int, ua: str = agent) -> None:
        stamp = (start + timedelta(seconds=seconds)).strftime("%d/%b/%Y:%H:%M:%S %z")
        lines.append(f'{client} - - [{stamp}] "{request} HTTP/1.1" {status} 900 "-" "{ua}"\n')

    for visitor in range(200):
        client = f"198.51.100.{visitor % 250 + 1}"
        for page in ("/", "/berita", "/jadwal-sidang"):
            add(visitor * 15, client, f"GET {page}", 200)
            add(visitor * 15, client, "GET /assets/css/style.css", 304)
    # The first probe is answered 200: a leaked file, which makes this client high severity.
    probes = ("/.env", "/.git/config", "/backup.sql.gz", "/wp-config.php.bak")
    for number, probe in enumerate(probes):
        add(600 + number, "203.0.113.45", f"GET {probe}", 404 if number else 200)
    for number in range(12):
        add(900 + number, "203.0.113.77", f"GET /berita?id={number}' UNION SELECT password--", 500)
    for number in range(8):
        add(1200 + number, "192.0.2.9", "POST /wp-login.php", 200, "python-requests/2.31")
    lines.sort(key=lambda text: text.split("[", 1)[1][:20])
    path.write_text("".join(lines), encoding="utf-8")
    return path


def steps() -> list[Step]:
    return [
        Step("config validate", ["config", "validate"]),
        Step("hosts list", ["hosts", "list"]),
        Step("hosts ping", ["hosts", "ping"]),
        Step("check host", ["check", "host"]),
        Step("logs analyze", ["logs", "analyze", "{workspace}/logs/access.log"]),
        Step("check logs", ["check", "logs"]),
        Step("history", ["history"]),
    ]


def demo(directory: str, run_step: Callable[[Path, list[str]], Outcome] | None = None) -> Outcome:
    """Build the workspace in ``directory``, run every step; a failed step does not stop others."""
    workspace = Path(directory).expanduser().resolve()
    config_path = workspace / "opskit.yaml"
    output_dir = workspace / "output"
    write_config(config_path, demo_config(workspace), force=True)
    write_demo_log(workspace)
    output_dir.mkdir(parents=True, exist_ok=True)
    runner = run_step or _dispatch
    rows = []
    statuses = []
    for number, step in enumerate(steps(), start=1):
        target = output_dir / f"{number:02d}-{step.name.replace(' ', '-')}.json"
        try:
            argv = [part.replace("{workspace}", str(workspace)) for part in step.argv]
            outcome = runner(config_path, argv)
            status = outcome.final_status
            _write_envelope(target, " ".join(step.argv), outcome, None)
        except OpskitError as error:
            logger.error("demo step %r failed: %s", step.name, error.message)
            status = Status.UNKNOWN
            _write_envelope(target, " ".join(step.argv), None, error)
        statuses.append(status)
        rows.append(
            {
                "name": f"opskit {' '.join(argv)}",
                "status": status.value,
                "output": str(target.relative_to(workspace)),
            }
        )
    failed = [row for row in rows if row["status"] == Status.UNKNOWN.value]
    return Outcome(
        command="demo",
        data={"title": f"opskit demo in {workspace}", "workspace": str(workspace), "steps": rows},
        view="steps",
        status=Status.UNKNOWN if failed else Status.OK,
        messages=[
            f"workspace: {workspace}",
            f"config:    {config_path}",
            f"outputs:   {output_dir}",
            f"try:       opskit --config {config_path} history",
            f"worst check status seen: {worst(statuses).value}",
        ],
    )


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
