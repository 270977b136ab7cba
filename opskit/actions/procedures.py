"""``opskit procedures list|show|validate``: the SOP's procedures as this office runs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opskit.context import AppContext
from opskit.errors import ConfigError, OpskitError
from opskit.outcome import Outcome
from opskit.paths import checks_dir
from opskit.procedures.definition import Procedure, available, procedure, validate_text
from opskit.procedures.table import table_roles
from opskit.result import Status

# Procedure modules that read their own part of a definition (``settings:``).
SETTINGS_CHECKS = {"requests": "opskit.helpdesk.settings:request_settings"}


def list_procedures(context: AppContext) -> Outcome:
    """Every procedure, built-in or the office's own, valid or with its first problems."""
    builtin = checks_dir() / "procedures"
    rows = []
    for name, path in available(context.config).items():
        row: dict[str, Any] = {"name": name, "path": str(path), "builtin": path.parent == builtin}
        try:
            chosen = procedure(context.config, name)
            _check_settings(chosen)
        except OpskitError as error:
            row.update(valid=False, title="", steps=0, problems=error.details or [error.message])
        else:
            row.update(
                valid=True, title=chosen.definition.title.en, steps=len(chosen.steps), problems=[]
            )
        rows.append(row)
    text = "".join(
        f"{row['name']:<18} {'valid' if row['valid'] else 'INVALID'}  {row['title']}"
        f"  ({'built-in' if row['builtin'] else row['path']})\n"
        + "".join(f"    {problem}\n" for problem in row["problems"][:5])
        for row in rows
    )
    invalid = any(not row["valid"] for row in rows)
    return Outcome(
        command="procedures list",
        data={"procedures": rows, "text": text},
        view="text",
        status=Status.UNKNOWN if invalid else Status.OK,
    )


def show_procedure(context: AppContext, name: str) -> Outcome:
    """The transition table: each step with its SOP row, roles, states and time standard."""
    config = context.config
    chosen = procedure(config, name)
    steps = []
    lines = [f"{chosen.definition.title.en} ({chosen.path})", ""]
    for step_name, step in chosen.steps.items():
        roles = sorted(chosen.roles(config, step_name))
        table = sorted(table_roles(config, chosen, step_name)) or ["anyone"]
        steps.append(
            {
                "step": step_name,
                "sop": step.sop,
                "title": step.title.en,
                "roles": roles,
                "table_roles": table,
                "from": step.from_,
                "to": step.to,
                "time": step.time,
                "needs": step.needs,
                "decision": step.decision,
                "action": chosen.action(step_name),
            }
        )
        source = ", ".join(step.from_) or "(start)"
        lines.append(
            f"{step.sop or '-':<4} {step_name:<11} {source} -> {step.to or '(stays)'}"
            f"  by {', '.join(roles)}  within {step.time or '-'}"
            + (f"  needs {', '.join(step.needs)}" if step.needs else "")
        )
    lines += [
        "",
        "states: "
        + ", ".join(
            f"{state}{' (final)' if details.final else ''}"
            for state, details in chosen.states.items()
        ),
    ]
    return Outcome(
        command="procedures show",
        view="text",
        data={"name": name, "steps": steps, "text": "\n".join(lines) + "\n"},
    )


def validate_procedure(context: AppContext, reference: str) -> Outcome:
    """Check a procedure file (or a procedure by name): every problem with its line."""
    path = Path(reference).expanduser()
    if not path.is_file():
        path = procedure(context.config, reference).path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read procedure {path}: {error}") from None
    definition, problems = validate_text(text, path)
    texts = [problem.render(path) for problem in problems]
    if definition is not None:
        try:
            _check_settings(Procedure(path.name.removesuffix(path.suffix), path, definition))
        except ConfigError as error:
            texts += error.details
    return Outcome(
        command="procedures validate",
        data={
            "path": str(path),
            "problems": [{"severity": "error", "text": text} for text in texts],
        },
        view="problems",
        status=Status.UNKNOWN if texts else Status.OK,
    )


def _check_settings(chosen: Procedure) -> None:
    import importlib

    target = SETTINGS_CHECKS.get(chosen.definition.action)
    if target is None:
        return
    module, _, function = target.partition(":")
    getattr(importlib.import_module(module), function)(chosen)
