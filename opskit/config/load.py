"""Finding, reading and validating ``opskit.yaml``.

Validation reports every problem at once, each with its path and line
(``opskit.yaml:14: sites[0].url: not a valid http(s) URL``): YAML syntax,
duplicate keys, ``${VAR}`` interpolation, the schema, and cross-field
rules (a site naming a host that does not exist). Cross-field rules run on
the raw data so they are reported together with schema errors.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from opskit.config.schema import Config, field_extra
from opskit.errors import ConfigError
from opskit.masking import register_secret
from opskit.paths import config_candidates

Location = tuple[str | int, ...]

INTERPOLATION = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a config file."""

    location: Location
    message: str
    line: int | None = None
    severity: str = "error"

    @property
    def path(self) -> str:
        return format_location(self.location)

    def render(self, file: Path | str) -> str:
        where = f"{file}:{self.line}" if self.line else str(file)
        path = f" {self.path}:" if self.location else ""
        return f"{where}:{path} {self.message}"


@dataclass
class Validation:
    """The outcome of reading a config file: the config if valid, and every problem."""

    path: Path
    config: Config | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]


def format_location(location: Location) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def locate(explicit: str | None) -> Path:
    """The config file to use; raises ConfigError listing where it looked."""
    candidates = config_candidates(explicit)
    for _, path in candidates:
        if path.is_file():
            return path
    if explicit:
        raise ConfigError(f"config file {candidates[0][1]} does not exist")
    looked = [f"{path} ({why})" for why, path in candidates]
    raise ConfigError(
        "no opskit.yaml found; run `opskit init` to create one, or pass --config PATH",
        details=["looked in: " + "; ".join(looked)],
    )


def load(path: Path) -> Config:
    """The validated config from ``path``; raises ConfigError with every problem."""
    validation = validate_file(path)
    if validation.config is None or validation.errors:
        errors = validation.errors
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        raise ConfigError(
            f"{path}: {count} in configuration (run `opskit config validate` for details)",
            details=[problem.render(path) for problem in errors],
        )
    return validation.config


def validate_file(path: Path) -> Validation:
    """Read and check ``path`` completely, collecting every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read config file {path}: {error.__class__.__name__}: {error}"
        ) from None
    return validate_text(text, path)


def validate_text(text: str, path: Path) -> Validation:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return Validation(path, None, [Problem((), f"not valid YAML: {reason}", line)])
    if raw is None:
        raw = {}
    lines = _line_map(root)
    problems = [
        Problem(location, "duplicate key", lines.get(location)) for location in _duplicates(root)
    ]
    if not isinstance(raw, dict):
        problems.append(
            Problem((), "the file must be a mapping of sections (organisation:, hosts: ...)", 1)
        )
        return Validation(path, None, problems)

    raw, interpolated, interpolation_problems = interpolate(raw)
    problems += interpolation_problems
    problems += cross_check(raw)
    config: Config | None = None
    try:
        config = Config.model_validate(raw, context={"base_dir": path.parent.resolve()})
    except ValidationError as error:
        problems += [_problem_from_pydantic(item) for item in error.errors()]
    for location, value in interpolated:
        if _is_secret_field(location):
            register_secret(value, format_location(location))
    if config is not None:
        config._source = path
        problems += _environment_warnings(config)
    problems = [
        Problem(
            problem.location,
            problem.message,
            problem.line or _nearest_line(lines, problem.location),
            problem.severity,
        )
        for problem in problems
    ]
    problems.sort(
        key=lambda problem: (problem.severity != "error", problem.line or 0, problem.path)
    )
    return Validation(
        path, config if not any(p.severity == "error" for p in problems) else None, problems
    )


def interpolate(raw: Any) -> tuple[Any, list[tuple[Location, str]], list[Problem]]:
    """Replace ``${VAR}`` (and ``${VAR:-default}``) in every string; ``$${`` is a literal ``${``.

    Returns the new data, each location where a value was substituted, and
    problems for unset variables.
    """
    substituted: list[tuple[Location, str]] = []
    problems: list[Problem] = []

    def replace_in(text: str, location: Location) -> str:
        def one(match: re.Match[str]) -> str:
            escaped, name, default = match.groups()
            if escaped:
                return match.group(0)[1:]
            value = os.environ.get(name)
            if value is None:
                if default is not None:
                    return default
                problems.append(
                    Problem(
                        location, f"environment variable {name} is not set (used as ${{{name}}})"
                    )
                )
                return ""
            substituted.append((location, value))
            return value

        return INTERPOLATION.sub(one, text)

    def walk(node: Any, location: Location) -> Any:
        if isinstance(node, str):
            return replace_in(node, location)
        if isinstance(node, dict):
            return {key: walk(value, (*location, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value, (*location, index)) for index, value in enumerate(node)]
        return node

    return walk(raw, ()), substituted, problems


def cross_check(raw: dict[str, Any]) -> list[Problem]:
    """Rules between fields, on raw data so they join the schema errors."""
    problems: list[Problem] = []

    def items(*keys: str) -> Iterator[tuple[int, dict[str, Any]]]:
        node: Any = raw
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, dict):
                    yield index, item

    def names(*keys: str) -> set[str]:
        found: set[str] = set()
        for index, item in items(*keys):
            name = item.get("name")
            if isinstance(name, str):
                if name in found:
                    problems.append(Problem((*keys, index, "name"), f"duplicate name {name!r}"))
                found.add(name)
        return found

    def refer(location: Location, value: Any, known: set[str], what: str) -> None:
        if isinstance(value, str) and value not in known:
            hint = difflib.get_close_matches(value, sorted(known), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            known_list = ", ".join(sorted(known)) or "none defined"
            problems.append(
                Problem(
                    location, f"{what} {value!r} does not exist{suggestion}; known: {known_list}"
                )
            )

    host_names = names("hosts") | {"local"}
    for index, host in items("hosts"):
        if host.get("name") == "local" and host.get("local") is not True:
            problems.append(
                Problem(("hosts", index, "name"), "the name 'local' is reserved for this machine")
            )
    names("sites")
    names("people")
    channel_names = names("notifications", "channels")
    repository_names = names("backup", "repositories")
    names("backup", "sets")
    names("schedule", "jobs")
    for index, site in items("sites"):
        refer(("sites", index, "host"), site.get("host"), host_names, "host")
        logs = site.get("logs")
        for position, log in enumerate(logs if isinstance(logs, list) else []):
            if isinstance(log, dict):
                refer(
                    ("sites", index, "logs", position, "host"), log.get("host"), host_names, "host"
                )
                problems.extend(_log_format_problem(("sites", index, "logs", position), log))
    logs_section = raw.get("logs")
    if isinstance(logs_section, dict):
        allowed = logs_section.get("allow_addresses")
        for position, item in enumerate(allowed if isinstance(allowed, list) else []):
            problems.extend(_network_problem(("logs", "allow_addresses", position), item))
    for index, person in items("people"):
        notify = person.get("notify")
        for position, channel in enumerate(notify if isinstance(notify, list) else []):
            refer(("people", index, "notify", position), channel, channel_names, "channel")
    for index, backup_set in items("backup", "sets"):
        refer(("backup", "sets", index, "host"), backup_set.get("host"), host_names, "host")
        targets = backup_set.get("repositories")
        for position, repository in enumerate(targets if isinstance(targets, list) else []):
            refer(
                ("backup", "sets", index, "repositories", position),
                repository,
                repository_names,
                "repository",
            )
    return problems


def _log_format_problem(location: Location, log: dict[str, Any]) -> list[Problem]:
    value = log.get("format")
    if not isinstance(value, str):
        return []
    from opskit.errors import UsageError
    from opskit.logs.formats import compile_format

    try:
        compile_format(value)
    except UsageError as error:
        return [Problem((*location, "format"), error.message)]
    return []


def _network_problem(location: Location, value: Any) -> list[Problem]:
    import ipaddress

    try:
        ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return [Problem(location, f"{value!r} is not an address or network (e.g. 10.0.0.0/8)")]
    return []


def _environment_warnings(config: Config) -> list[Problem]:
    """Secret references to variables unset here (they may be set by the scheduler)."""
    warnings = []
    for location, value in _walk_model(config, ()):
        if (
            isinstance(location[-1], str)
            and location[-1].endswith("_env")
            and value
            and value not in os.environ
        ):
            warnings.append(
                Problem(
                    location,
                    f"environment variable {value} is not set in this shell",
                    severity="warning",
                )
            )
    roles = {role for person in config.people for role in person.roles}
    for role, needed_for in (("penanggung_jawab", "incident reports"), ("ketua", "UAT approval")):
        if role not in roles:
            warnings.append(
                Problem(
                    ("people",),
                    f"nobody has the role {role}; {needed_for} have no recipient",
                    severity="warning",
                )
            )
    return warnings


def _walk_model(node: Any, location: Location) -> Iterator[tuple[Location, Any]]:
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk_model(getattr(node, name), (*location, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_model(item, (*location, index))
    else:
        yield location, node


def _problem_from_pydantic(error: Any) -> Problem:
    location: Location = tuple(
        part for part in error["loc"] if isinstance(part, int) or "[" not in part
    )
    kind = error["type"]
    message = error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        model = _model_at(location[:-1])
        allowed = sorted(model.model_fields) if model else []
        hint = difflib.get_close_matches(str(location[-1]), allowed, n=1)
        suggestion = f"did you mean {hint[0]!r}? " if hint else ""
        message = f"unknown key ({suggestion}allowed: {', '.join(allowed)})"
    elif kind == "missing":
        message = "required key is missing"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = "must be a mapping of keys (key: value lines)"
    elif kind == "list_type":
        message = "must be a list (lines starting with '- ')"
    elif kind == "literal_error":
        message = message.replace("Input should be", "must be")
    return Problem(location, message)


def _model_at(location: Location) -> type[BaseModel] | None:
    """The config model class found at ``location`` (indexes skipped)."""
    model: type[BaseModel] | None = Config
    for part in location:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _inner_model(model.model_fields[part].annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_model(typing.get_args(annotation)[0])
    if origin in (list, dict, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _inner_model(argument)
            if found is not None:
                return found
    return None


def _is_secret_field(location: Location) -> bool:
    names = [part for part in location if isinstance(part, str)]
    if not names:
        return False
    model = _model_at(
        tuple(location[:-1]) if isinstance(location[-1], str) else tuple(location[:-2])
    )
    field = names[-1]
    return (
        model is not None
        and field in model.model_fields
        and bool(field_extra(model, field).get("sensitive"))
    )


def _line_map(root: yaml.Node | None) -> dict[Location, int]:
    lines: dict[Location, int] = {}

    def walk(node: yaml.Node, location: Location) -> None:
        lines[location] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                lines[(*location, key)] = key_node.start_mark.line + 1
                walk(value_node, (*location, key))
                lines[(*location, key)] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*location, index))

    if root is not None:
        walk(root, ())
    return lines


def _duplicates(root: yaml.Node | None) -> list[Location]:
    found: list[Location] = []

    def walk(node: yaml.Node, location: Location) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    found.append((*location, key))
                seen.add(key)
                walk(value_node, (*location, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*location, index))

    if root is not None:
        walk(root, ())
    return found


def _nearest_line(lines: dict[Location, int], location: Location) -> int | None:
    for length in range(len(location), -1, -1):
        if location[:length] in lines:
            return lines[location[:length]]
    return None
