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
from dataclasses import dataclass, field
from pathlib import Path

from opskit.actions.demo_backup import backup_section, demo_database
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


def demo_config(workspace: Path, backup: dict[str, object] | None = None) -> str:
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
            "sites": [],
            **({"backup": backup} if backup else {}),
        }
    )


def steps(workspace: Path) -> list[Step]:
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
            "backup restore",
            ["backup", "restore", "website", "--target", str(workspace / "restored"), "--force"],
        ),
        Step("check backup", ["check", "backup"]),
        Step("history", ["history"]),
    ]


def demo(directory: str, run_step: Callable[[Path, list[str]], Outcome] | None = None) -> Outcome:
    """Build the workspace in ``directory``, run every step; a failed step does not stop others."""
    workspace = Path(directory).expanduser().resolve()
    config_path = workspace / "opskit.yaml"
    output_dir = workspace / "output"
    output_dir.mkdir(parents=True, exist_ok=True)
    done = _Steps(workspace, output_dir, config_path, run_step or _dispatch)
    with demo_database(workspace) as database:
        write_config(config_path, demo_config(workspace, backup_section(workspace, database)), True)
        for number, step in enumerate(steps(workspace), start=1):
            done.run(number, step)
    rows, statuses = done.rows, done.statuses
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


@dataclass
class _Steps:
    """Runs demo steps one by one, writing each envelope and keeping a row per step."""

    workspace: Path
    output_dir: Path
    config_path: Path
    runner: Callable[[Path, list[str]], Outcome]
    rows: list[dict[str, str]] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)

    def run(self, number: int, step: Step) -> None:
        target = self.output_dir / f"{number:02d}-{step.name.replace(' ', '-')}.json"
        try:
            outcome = self.runner(self.config_path, step.argv)
            status = outcome.final_status
            _write_envelope(target, " ".join(step.argv), outcome, None)
        except OpskitError as error:
            logger.error("demo step %r failed: %s", step.name, error.message)
            status = Status.UNKNOWN
            _write_envelope(target, " ".join(step.argv), None, error)
        self.statuses.append(status)
        self.rows.append(
            {
                "name": f"opskit {' '.join(step.argv)}",
                "status": status.value,
                "output": str(target.relative_to(self.workspace)),
            }
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
