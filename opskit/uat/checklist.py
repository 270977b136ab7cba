"""UAT checklists: a title, the application, and steps, each automated or manual.

A checklist is YAML, validated like ``opskit.yaml``: every problem at once,
each with its line and path (``website.yaml:14: steps[2].http.status: ...``).
Built-in checklists ship in ``checks/uat/``; an admin's own directory
(``uat.checklists_dir``) comes first, so a file there with a built-in's
name replaces it.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from opskit import bounded_yaml
from opskit.config.load import (
    Problem,
    _duplicates,
    _line_map,
    _nearest_line,
    _problem_from_pydantic,
)
from opskit.config.schema import (
    Config,
    Days,
    EnvName,
    HttpUrl,
    Milliseconds,
    Name,
    Seconds,
    SecretFile,
    Section,
)
from opskit.errors import ConfigError, NotFoundError
from opskit.paths import checks_dir

STEP_KINDS = ("http", "form", "tls", "links", "command", "manual")
AUTOMATED_KINDS = ("http", "form", "tls", "links", "command")
SUFFIXES = (".yaml", ".yml")


class Expectations(Section):
    """What an HTTP answer must look like for the step to pass."""

    status: list[int] = Field(
        default_factory=lambda: [200], description="Status codes that pass (after redirects)."
    )
    contains: list[str] = Field(default_factory=list, description="Text the answer must contain.")
    absent: list[str] = Field(default_factory=list, description="Text the answer must not contain.")
    max_ms: Milliseconds | None = Field(
        None, description="The answer must arrive within this many milliseconds."
    )
    follow_redirects: bool = Field(True, description="Follow redirects before judging.")
    timeout_seconds: Seconds | None = Field(
        None, description="Give up after this long (default uat.timeout_seconds)."
    )


class HttpStep(Expectations):
    path: str = Field("/", description="Path under the target (/berita) or a full URL.")
    method: Literal["GET", "HEAD"] = Field("GET", description="Request method.")


class FormStep(Expectations):
    path: str = Field(description="Where the form is sent (its action), under the target.")
    method: Literal["POST", "GET"] = Field("POST", description="How the form is sent.")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Field values sent as written."
    )
    fields_env: dict[str, EnvName] = Field(
        default_factory=dict,
        description="Fields whose value (a password) comes from an environment variable.",
    )
    fields_file: dict[str, SecretFile] = Field(
        default_factory=dict, description="Fields whose value comes from a 0600 file."
    )

    @model_validator(mode="after")
    def _each_field_once(self) -> FormStep:
        names = [*self.fields, *self.fields_env, *self.fields_file]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(
                f"field {', '.join(repeated)} given more than once (fields, fields_env, "
                "fields_file)"
            )
        return self


class TlsStep(Section):
    path: str = Field("/", description="Page whose server certificate is checked.")
    min_days: Days = Field(14, description="The certificate must stay valid at least this long.")
    timeout_seconds: Seconds | None = Field(None, description="Give up after this long.")


class LinksStep(Section):
    path: str = Field("/", description="Page whose links (same site) must all work.")
    max_links: int = Field(50, ge=1, le=2000, description="Check at most this many links.")
    timeout_seconds: Seconds | None = Field(None, description="Give up on one link after this.")


class CommandStep(Section):
    host: Name = Field("local", description="Inventory host the command runs on.")
    argv: list[str] = Field(
        min_length=1,
        description="The command and its arguments, one per item (no shell).",
        examples=[["systemctl", "is-active", "nginx"]],
    )
    exit_code: int = Field(0, ge=0, le=255, description="Exit code that passes.")
    contains: list[str] = Field(default_factory=list, description="Text the output must contain.")
    absent: list[str] = Field(default_factory=list, description="Text the output must not contain.")
    timeout_seconds: Seconds = Field(60, description="Stop the command after this long.")


class ManualStep(Section):
    instruction: str = Field(min_length=1, description="What the tester does.")
    expected: str = Field(min_length=1, description="What the tester should see.")


class Step(Section):
    id: Name | None = Field(
        None, description="Short name used in answer files (default: step-N by position)."
    )
    title: str = Field(min_length=1, description="One line saying what is tested.")
    required: bool = Field(True, description="Whether the run can pass without this step.")
    http: HttpStep | None = Field(None, description="Request a page and judge the answer.")
    form: FormStep | None = Field(None, description="Submit a form and judge the answer.")
    tls: TlsStep | None = Field(None, description="Check the site's TLS certificate.")
    links: LinksStep | None = Field(None, description="Check the links on a page.")
    command: CommandStep | None = Field(None, description="Run a command on a host.")
    manual: ManualStep | None = Field(None, description="A tester does something and answers.")

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        given = [kind for kind in STEP_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(STEP_KINDS)}")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in STEP_KINDS if getattr(self, kind) is not None)

    @property
    def check(self) -> Any:
        """The step's own settings (an HttpStep, a ManualStep ...)."""
        return getattr(self, self.kind)

    @property
    def automated(self) -> bool:
        return self.kind in AUTOMATED_KINDS


class Checklist(Section):
    title: str = Field(min_length=1, description="What this checklist accepts.")
    application: str = Field(min_length=1, description="The application tested.")
    version: str | None = Field(None, description="Version tested (or --app-version).")
    description: str | None = Field(None, description="Why and when to use it.")
    target: HttpUrl | None = Field(None, description="Address of the application (or --target).")
    steps: list[Step] = Field(min_length=1, description="The steps, in order.")

    def step_ids(self) -> list[str]:
        return [step.id or f"step-{index}" for index, step in enumerate(self.steps, start=1)]


@dataclass(frozen=True)
class Loaded:
    """A valid checklist with where it came from."""

    name: str
    path: Path
    checklist: Checklist
    sha256: str


def validate_text(text: str, path: Path) -> tuple[Checklist | None, list[Problem]]:
    """The checklist in ``text`` and every problem found, each with its line."""
    try:
        root, raw = bounded_yaml.compose_and_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem((), f"not valid YAML: {reason}", mark.line + 1 if mark else None)]
    lines = _line_map(root)
    problems = [Problem(where, "duplicate key") for where in _duplicates(root)]
    checklist: Checklist | None = None
    if not isinstance(raw, dict):
        problems.append(Problem((), "a checklist is a mapping (title:, application:, steps:)"))
    else:
        problems += _repeated_ids(raw)
        try:
            checklist = Checklist.model_validate(raw, context={"base_dir": path.parent.resolve()})
        except ValidationError as error:
            problems += [_problem_from_pydantic(item, Checklist) for item in error.errors()]
    located = [
        Problem(item.location, item.message, item.line or _nearest_line(lines, item.location))
        for item in problems
    ]
    located.sort(key=lambda item: (item.line or 0, item.path))
    return (checklist if not located else None), located


def read_text(path: Path) -> str:
    """The checklist file's text; raises ConfigError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"cannot read checklist {path}: not UTF-8 text (a checklist is a YAML file)"
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read checklist {path}: {error.strerror or error}") from None


def load(path: Path, name: str | None = None) -> Loaded:
    """The valid checklist at ``path``; raises ConfigError listing every problem."""
    text = read_text(path)
    checklist, problems = validate_text(text, path)
    if checklist is None:
        count = f"{len(problems)} error{'s' if len(problems) != 1 else ''}"
        raise ConfigError(
            f"checklist {path}: {count}",
            details=[problem.render(path) for problem in problems],
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Loaded(name or _stem(path), path, checklist, digest)


def available(config: Config) -> dict[str, Path]:
    """Every checklist by name: the built-in ones, replaced by the admin's own of that name."""
    found: dict[str, Path] = {}
    directories = [checks_dir() / "uat"]
    if config.uat.checklists_dir is not None:
        directories.append(config.uat.checklists_dir)
    for directory in directories:
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if path.suffix in SUFFIXES and path.is_file():
                    found[_stem(path)] = path
    return dict(sorted(found.items()))


def find(config: Config, reference: str) -> tuple[str, Path]:
    """A checklist by name (``website-release``) or by file path; raises NotFoundError."""
    path = Path(reference).expanduser()
    if path.suffix in SUFFIXES or "/" in reference:
        if not path.is_file():
            raise NotFoundError(f"checklist file {path} does not exist")
        return _stem(path), path
    known = available(config)
    if reference in known:
        return reference, known[reference]
    hint = difflib.get_close_matches(reference, list(known), n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise NotFoundError(
        f"no checklist named {reference!r}{suggestion}",
        details=[f"checklists: {', '.join(known) or 'none'} (see `opskit uat checklists`)"],
    )


def _stem(path: Path) -> str:
    return path.name.removesuffix(path.suffix)


def _repeated_ids(raw: dict[str, Any]) -> list[Problem]:
    steps = raw.get("steps")
    seen: set[str] = set()
    problems = []
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        given = step.get("id") if isinstance(step, dict) else None
        step_id = given if isinstance(given, str) else f"step-{index + 1}"
        if step_id in seen:
            problems.append(Problem(("steps", index, "id"), f"duplicate step id {step_id!r}"))
        seen.add(step_id)
    return problems
