"""``opskit config validate`` and ``opskit config show``."""

from __future__ import annotations

from typing import Any

import yaml

from opskit.config.load import validate_file
from opskit.context import AppContext
from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.result import Status


def validate(context: AppContext) -> Outcome:
    """Every problem in the config at once; UNKNOWN (exit 3) if any is an error."""
    path = context.config_file
    validation = validate_file(path)
    problems = [
        {
            "severity": problem.severity,
            "path": problem.path,
            "line": problem.line,
            "message": problem.message,
            "text": problem.render(path),
        }
        for problem in validation.problems
    ]
    return Outcome(
        command="config validate",
        data={"path": str(path), "valid": not validation.errors, "problems": problems},
        view="problems",
        status=Status.UNKNOWN if validation.errors else Status.OK,
    )


def show(context: AppContext) -> Outcome:
    """The effective config (defaults filled in, paths resolved), every secret masked."""
    config = context.config
    data: dict[str, Any] = config.model_dump(mode="json")
    data["paths"] = {
        "state_dir": str(config.state_dir),
        "history_db": str(config.history_db),
        "output_dir": str(config.output_dir),
    }
    text = f"# effective configuration from {context.config_file}\n"
    text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return Outcome(command="config show", data={"config": data, "text": mask(text)}, view="text")
