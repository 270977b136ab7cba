"""What is a service request's own in its procedure file: categories (B4) and the
urgency x impact matrix that gives the priority (B6).

Read from the ``settings:`` of the procedure definition and validated like the
rest of it, each problem with its line.
"""

from __future__ import annotations

import yaml
from pydantic import Field, ValidationError, model_validator

from opskit import bounded_yaml
from opskit.config.load import Problem, _line_map, _nearest_line, _problem_from_pydantic
from opskit.config.schema import Name, Section
from opskit.errors import ConfigError
from opskit.procedures.definition import Procedure, Text

PRIORITY_PATTERN = r"^P[1-9]$"


class RequestSettings(Section):
    categories: dict[Name, Text] = Field(min_length=1, description="Request categories (B4).")
    urgency: dict[Name, Text] = Field(min_length=1, description="Levels of urgency (B6).")
    impact: dict[Name, Text] = Field(min_length=1, description="Levels of impact (B6).")
    priorities: dict[str, Text] = Field(min_length=1, description="Priorities, P1 first.")
    matrix: dict[Name, dict[Name, str]] = Field(
        description="urgency -> impact -> priority, for every pair."
    )

    @model_validator(mode="after")
    def _complete(self) -> RequestSettings:
        problems = []
        for priority in self.priorities:
            if not _is_priority(priority):
                problems.append(f"priority {priority!r} is not P1 ... P9")
        for urgency in self.urgency:
            row = self.matrix.get(urgency, {})
            for impact in self.impact:
                value = row.get(impact)
                if value is None:
                    problems.append(f"matrix.{urgency}.{impact} is missing")
                elif value not in self.priorities:
                    problems.append(f"matrix.{urgency}.{impact}: {value} is not in priorities")
        for urgency, row in self.matrix.items():
            if urgency not in self.urgency:
                problems.append(f"matrix.{urgency}: no such urgency")
            problems += [
                f"matrix.{urgency}.{impact}: no such impact"
                for impact in row
                if impact not in self.impact
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def priority(self, urgency: str, impact: str) -> str:
        return self.matrix[urgency][impact]


def _is_priority(text: str) -> bool:
    import re

    return re.fullmatch(PRIORITY_PATTERN, text) is not None


def request_settings(procedure: Procedure) -> RequestSettings:
    """The request settings of ``procedure``; raises ConfigError with each problem's line."""
    try:
        return RequestSettings.model_validate(procedure.definition.settings)
    except ValidationError as error:
        problems = [_problem_from_pydantic(item, RequestSettings) for item in error.errors()]
    try:
        lines = _line_map(bounded_yaml.compose_and_load(procedure.path.read_text("utf-8"))[0])
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        lines = {}
    located = [Problem(("settings", *item.location), item.message) for item in problems]
    details = [
        Problem(item.location, item.message, _nearest_line(lines, item.location)).render(
            procedure.path
        )
        for item in located
    ]
    raise ConfigError(f"procedure {procedure.path}: settings are not valid", details=details)
