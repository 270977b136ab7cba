"""A procedure as data: its states, the steps between them, who takes each, how long it may take.

Definitions are YAML under ``checks/procedures/`` (shipped), validated like
``opskit.yaml``: every problem at once with its line and path. An office's
own directory (``procedures.directory``) comes first, so a file there with a
built-in's name replaces it. The step table is the rule: the engine, the role
table (``opskit.permissions``) and both edges read it, nobody else decides.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from opskit import bounded_yaml
from opskit.config.load import (
    Problem,
    _duplicates,
    _line_map,
    _nearest_line,
    _problem_from_pydantic,
)
from opskit.config.schema import ROLES, Config, Name, Section
from opskit.errors import ConfigError, NotFoundError
from opskit.paths import checks_dir

SUFFIXES = (".yaml", ".yml")
# Roles that are relations to one instance rather than SOP roles of people[].
ANYONE = "anyone"  # every signed-in (or named) person
REQUESTER = "requester"  # the person the instance is for
ASSIGNEE = "assignee"  # the person it was passed to
PENDING = "pending"  # whoever holds the step the instance waits for
RELATIONS = (ANYONE, REQUESTER, ASSIGNEE, PENDING)
DURATION = re.compile(r"^(\d+)\s*(m|min|h|d)$")
Need = Literal["note", "reason"]


class Text(Section):
    """A text in both languages people read."""

    id: str = Field(min_length=1, description="In Bahasa Indonesia.")
    en: str = Field(min_length=1, description="In English.")

    def __call__(self, language: str) -> str:
        return self.id if language == "id" else self.en


class State(Section):
    title: Text = Field(description="What the state is called.")
    final: bool = Field(False, description="The procedure ends here; no step leaves it.")


@dataclass(frozen=True)
class Standard:
    """A time standard ("Mutu Baku"): office minutes, or whole working days."""

    minutes: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Standard:
        found = DURATION.match(text.strip())
        if not found or int(found.group(1)) == 0:
            raise ValueError(f"{text!r} is not a time standard; write e.g. 10m, 2h or 1d")
        amount, unit = int(found.group(1)), found.group(2)
        if unit == "d":
            return cls(days=amount)
        return cls(minutes=amount * 60 if unit == "h" else amount)

    def __str__(self) -> str:
        if self.days:
            return f"{self.days}d"
        return f"{self.minutes // 60}h" if self.minutes % 60 == 0 else f"{self.minutes}m"


class Step(Section):
    sop: str | None = Field(None, description="The SOP row this step is (B2, D6 ...).")
    title: Text = Field(description="What the step does.")
    roles: list[str] = Field(
        default_factory=list,
        description="SOP roles that may take it, or anyone, requester, assignee, pending.",
    )
    role_setting: str | None = Field(
        None,
        description="A config key naming the role instead (uat.approver_role); unset there: "
        "the roles above.",
    )
    from_: list[str] = Field(
        default_factory=list,
        alias="from",
        description="States it may be taken in; none: the step that starts an instance.",
    )
    to: str | None = Field(None, description="The state it leads to; unset: stays (a log entry).")
    time: str | None = Field(None, description="Time standard in office time: 10m, 2h, 1d.")
    needs: list[Need] = Field(default_factory=list, description="What it must carry.")
    decision: bool = Field(
        False,
        description="A decision the office may reserve to the console "
        "(console.require_console_approval).",
    )
    permission: Name | None = Field(
        None, description="The role table's action for it (default: the step's name)."
    )
    audit: str | None = Field(None, description="Its action in the audit trail.")
    words: str | None = Field(
        None, description="How a refusal names it, in English: 'NAME may not <words>'."
    )
    input: Text | None = Field(None, description="The document it needs.")
    output: Text | None = Field(None, description="The document or register it produces.")

    model_config = Section.model_config | {"populate_by_name": True}

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        unknown = [role for role in roles if role not in ROLES and role not in RELATIONS]
        if unknown:
            raise ValueError(
                f"unknown role {', '.join(unknown)} (SOP roles: {', '.join(ROLES)}; "
                f"relations: {', '.join(RELATIONS)})"
            )
        return roles

    @field_validator("time")
    @classmethod
    def _standard(cls, time: str | None) -> str | None:
        if time is not None:
            Standard.parse(time)
        return time

    @model_validator(mode="after")
    def _someone(self) -> Step:
        if not self.roles and self.role_setting is None:
            raise ValueError("give roles (or role_setting)")
        return self

    @property
    def standard(self) -> Standard | None:
        return Standard.parse(self.time) if self.time else None


class Definition(Section):
    title: Text = Field(description="The procedure's name.")
    sop: str | None = Field(None, description="The SOP section (B, E ...).")
    action: Name = Field(description="Prefix of its actions in the role table (requests).")
    states: dict[Name, State] = Field(min_length=1, description="Its states.")
    steps: dict[Name, Step] = Field(min_length=1, description="Its steps, in SOP order.")
    settings: dict[str, Any] = Field(
        default_factory=dict, description="What the procedure's own module reads."
    )


@dataclass(frozen=True)
class Procedure:
    """A valid definition with its name and file, and the questions the engine asks of it."""

    name: str
    path: Path
    definition: Definition

    @property
    def states(self) -> dict[str, State]:
        return self.definition.states

    @property
    def steps(self) -> dict[str, Step]:
        return self.definition.steps

    def step(self, name: str) -> Step:
        if name not in self.steps:
            raise NotFoundError(
                f"procedure {self.name} has no step {name!r} (steps: {', '.join(self.steps)})"
            )
        return self.steps[name]

    @property
    def start(self) -> str:
        return next(name for name, step in self.steps.items() if not step.from_)

    def action(self, step: str) -> str:
        """The role table's name for taking ``step`` (``requests.dispose``)."""
        return f"{self.definition.action}.{self.steps[step].permission or step}"

    def due(self, state: str) -> str | None:
        """The step an instance in ``state`` waits for: the timed one leaving it (the first of
        alternatives of one SOP row, which share their standard)."""
        return next(
            (
                name
                for name, step in self.steps.items()
                if state in step.from_ and step.time is not None
            ),
            None,
        )

    def possible(self, state: str) -> list[str]:
        """The steps that may be taken in ``state``, in definition order."""
        return [name for name, step in self.steps.items() if state in step.from_]

    def roles(self, config: Config, step: str) -> frozenset[str]:
        """The roles written for ``step``, the config's setting standing in where named."""
        chosen = self.steps[step]
        if chosen.role_setting is not None:
            section, _, key = chosen.role_setting.partition(".")
            value = getattr(getattr(config, section), key)
            if value is not None:
                return frozenset({str(value)})
        return frozenset(chosen.roles)


def validate_text(text: str, path: Path) -> tuple[Definition | None, list[Problem]]:
    """The definition in ``text`` and every problem found, each with its line."""
    try:
        root, raw = bounded_yaml.compose_and_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem((), f"not valid YAML: {reason}", mark.line + 1 if mark else None)]
    lines = _line_map(root)
    problems = [Problem(where, "duplicate key") for where in _duplicates(root)]
    definition: Definition | None = None
    if not isinstance(raw, dict):
        problems.append(Problem((), "a procedure is a mapping (title:, states:, steps:)"))
    else:
        try:
            definition = Definition.model_validate(raw)
        except ValidationError as error:
            problems += [_problem_from_pydantic(item, Definition) for item in error.errors()]
        if definition is not None:
            problems += cross_check(definition)
    located = [
        Problem(item.location, item.message, item.line or _nearest_line(lines, item.location))
        for item in problems
    ]
    located.sort(key=lambda item: (item.line or 0, item.path))
    return (definition if not located else None), located


def cross_check(definition: Definition) -> list[Problem]:
    """The rules between steps and states the schema alone cannot say."""
    starts = [name for name, step in definition.steps.items() if not step.from_]
    problems = (
        []
        if len(starts) == 1
        else [
            Problem(("steps",), f"exactly one step starts an instance (no from:); found {starts}")
        ]
    )
    return problems + _step_problems(definition) + _state_problems(definition)


def _step_problems(definition: Definition) -> list[Problem]:
    """Each step's states exist and can be left, its role setting exists, shared actions agree."""
    problems: list[Problem] = []
    states = definition.states
    permissions: dict[str, tuple[str, list[str], str | None]] = {}
    for name, step in definition.steps.items():
        where = ("steps", name)
        for state in step.from_:
            if state not in states:
                problems.append(Problem((*where, "from"), f"unknown state {state!r}"))
            elif states[state].final:
                problems.append(Problem((*where, "from"), f"{state} is final; nothing leaves it"))
        if step.to is not None and step.to not in states:
            problems.append(Problem((*where, "to"), f"unknown state {step.to!r}"))
        if not step.from_ and step.to is None:
            problems.append(Problem((*where, "to"), "the starting step needs to:"))
        if step.role_setting is not None and not _is_role_setting(step.role_setting):
            problems.append(
                Problem(
                    (*where, "role_setting"), f"{step.role_setting} is not a role in the config"
                )
            )
        action = step.permission or name
        known = permissions.setdefault(action, (name, step.roles, step.role_setting))
        if (known[1], known[2]) != (step.roles, step.role_setting):
            message = f"shares the action {action} with {known[0]}, so it needs the same roles"
            problems.append(Problem((*where, "roles"), message))
        if PENDING in step.roles:
            untimed = [state for state in step.from_ if _timed(definition, state) == []]
            if untimed:
                message = f"pending: no timed step waits in {', '.join(untimed)}"
                problems.append(Problem((*where, "roles"), message))
    return problems


def _state_problems(definition: Definition) -> list[Problem]:
    """A state waits for one timed step at most (or for alternatives of one SOP row with one
    standard, such as E5's submission to the penanggung jawab or to the ketua), and a state
    nothing leaves is final."""
    problems = []
    for state, details in definition.states.items():
        timed = _timed(definition, state)
        standards = {(definition.steps[name].sop, definition.steps[name].time) for name in timed}
        if len(timed) > 1 and (len(standards) > 1 or None in {sop for sop, _ in standards}):
            problems.append(
                Problem(("states", state), f"waits for one timed step, not {', '.join(timed)}")
            )
        if not details.final and not any(state in step.from_ for step in definition.steps.values()):
            problems.append(Problem(("states", state), "no step leaves it; mark it final: true"))
    return problems


def _timed(definition: Definition, state: str) -> list[str]:
    return [
        name
        for name, step in definition.steps.items()
        if state in step.from_ and step.time is not None
    ]


def _is_role_setting(setting: str) -> bool:
    section, _, key = setting.partition(".")
    fields = Config.model_fields
    if section not in fields:
        return False
    model = fields[section].annotation
    return key in getattr(model, "model_fields", {}) and key.endswith("_role")


def available(config: Config) -> dict[str, Path]:
    """Every procedure by name: the built-in ones, replaced by the office's own of that name
    (looked for once per config)."""
    found: dict[str, Path] = config.derived("procedure-files", lambda: _available(config))
    return found


def _available(config: Config) -> dict[str, Path]:
    found: dict[str, Path] = {}
    directories = [checks_dir() / "procedures"]
    if config.procedures.directory is not None:
        directories.append(config.procedures.directory)
    for directory in directories:
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if path.suffix in SUFFIXES and path.is_file():
                    found[path.name.removesuffix(path.suffix)] = path
    return dict(sorted(found.items()))


def procedure(config: Config, name: str) -> Procedure:
    """The procedure ``name``; raises NotFoundError, or ConfigError listing every problem."""
    known = available(config)
    if name not in known:
        raise NotFoundError(
            f"no procedure named {name!r}",
            details=[
                f"procedures: {', '.join(known) or 'none'} (checks/procedures/, "
                "procedures.directory)"
            ],
        )
    path = known[name]
    try:
        stat = path.stat()
    except OSError as error:
        raise ConfigError(f"cannot read procedure {path}: {error.strerror or error}") from None
    return _load(name, str(path), stat.st_mtime_ns, stat.st_size)


def builtin(name: str) -> Procedure:
    """A shipped procedure as written in ``checks/procedures/`` (no office override)."""
    path = checks_dir() / "procedures" / f"{name}.yaml"
    stat = path.stat()
    return _load(name, str(path), stat.st_mtime_ns, stat.st_size)


def procedures(config: Config) -> list[Procedure]:
    """Every procedure this installation knows, each valid or raising ConfigError."""
    return [procedure(config, name) for name in available(config)]


@functools.lru_cache(maxsize=32)
def _load(name: str, path_text: str, modified_ns: int, size: int) -> Procedure:
    """Read and validate once per version of the file (its time and size are in the key)."""
    path = Path(path_text)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise ConfigError(f"cannot read procedure {path}: {reason}") from None
    definition, problems = validate_text(text, path)
    if definition is None:
        count = f"{len(problems)} error{'s' if len(problems) != 1 else ''}"
        raise ConfigError(
            f"procedure {path}: {count}", details=[problem.render(path) for problem in problems]
        )
    return Procedure(name, path, definition)
