"""The catalogue of public information a court's website must carry, and its validation.

The shipped catalogue is ``checks/web/public-information.yaml``; an office
may use its own copy (items added, dropped or reworded). Either is checked
like ``opskit.yaml``: every problem at once, each with its line and path
(``mine.yaml:120: items[14].renew: must be ...``), including references
between parts (an item's category, its sources, its external hosts).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, Field, ValidationError, model_validator

from opskit import bounded_yaml
from opskit.config.load import (
    Problem,
    _duplicates,
    _line_map,
    _nearest_line,
    _problem_from_pydantic,
)
from opskit.config.schema import Section
from opskit.errors import ConfigError
from opskit.paths import checks_dir
from opskit.web.publicinfo.periods import PERIODIC

BUILTIN_NAME = "web/public-information.yaml"
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"not a valid regular expression ({error})") from None
    return value


Regex = Annotated[str, AfterValidator(_regex)]
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
Share = Annotated[float, Field(ge=0, le=1)]


class Words(Section):
    id: str = Field(min_length=1, description="Bahasa Indonesia.")
    en: str = Field(min_length=1, description="English.")

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.id


class Basis(Section):
    source: Identifier = Field(description="Key of the instrument under sources.")
    part: str = Field(min_length=1, description="The part of the instrument (E.1.a.1), Pasal 12).")
    quote: str = Field("", description="Its wording, as read.")
    confidence: Literal["confirmed", "secondary", "practice", "inferred"]


class Match(Section):
    link_text: list[str] = Field(default_factory=list, description="Words of a link's text.")
    url: list[Regex] = Field(default_factory=list, description="Regexes on the address' last part.")
    title: list[Regex] = Field(default_factory=list, description="Regexes on <title> and <h1>.")
    content: list[Regex] = Field(default_factory=list, description="Regexes all on one page.")
    exclude: list[str] = Field(default_factory=list, description="Words that rule a link out.")

    @model_validator(mode="after")
    def _something(self) -> Match:
        if not (self.link_text or self.url or self.title or self.content):
            raise ValueError("give at least one of link_text, url, title or content")
        return self


class Item(Section):
    id: Identifier
    category: Identifier
    title: Words
    basis: list[Basis] = Field(min_length=1)
    renew: Literal["always", "on-change", "monthly", "quarterly", "semester", "yearly",
                   "five-yearly"]  # fmt: skip
    period_of: Literal["previous", "current"] | None = None
    due_days: int = Field(0, ge=0, le=730)
    form: Literal["page", "document", "link", "any"] = "any"
    external_ok: list[Identifier] = Field(default_factory=list)
    match: Match
    weight: float = Field(1, ge=0)
    advice: Words | None = None

    @model_validator(mode="after")
    def _period_rule(self) -> Item:
        if self.periodic and self.period_of is None:
            raise ValueError(f"renew: {self.renew} needs period_of: previous or current")
        if not self.periodic and (self.period_of is not None or self.due_days):
            raise ValueError(f"renew: {self.renew} takes no period_of or due_days")
        return self

    @property
    def periodic(self) -> bool:
        return self.renew in PERIODIC


class Category(Section):
    id: Identifier
    title: Words
    basis: str = Field(min_length=1)
    weight: float = Field(1, ge=0)


class Credit(Section):
    found: Share = 1.0
    stale: Share = 0.5
    missing: Share = 0.0


class Scoring(Section):
    credit: Credit = Field(default_factory=Credit)
    warning_below: float = Field(90, ge=0, le=100)
    critical_below: float = Field(50, ge=0, le=100)

    @model_validator(mode="after")
    def _order(self) -> Scoring:
        if self.critical_below > self.warning_below:
            raise ValueError("critical_below must not be above warning_below")
        return self


class Source(Section):
    short: str = Field(min_length=1, description="How documents cite it (UU 14/2008).")
    title: str = Field(min_length=1)
    found_in: list[str] = Field(default_factory=list)


class ExternalHost(Section):
    host: Regex
    live: bool = False


class Documents(Section):
    extensions: list[str] = Field(min_length=1)
    download_urls: list[Regex] = Field(default_factory=list)


class Catalogue(Section):
    version: Literal[1] = 1
    title: Words
    scoring: Scoring = Field(default_factory=Scoring)
    sources: dict[Identifier, Source]
    external_hosts: dict[Identifier, ExternalHost] = Field(default_factory=dict)
    documents: Documents
    categories: list[Category] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    def category(self, category_id: str) -> Category | None:
        return next((item for item in self.categories if item.id == category_id), None)


def builtin_path() -> Path:
    return checks_dir() / BUILTIN_NAME


def load(path: Path | None = None) -> Catalogue:
    """The valid catalogue at ``path`` (default: the shipped one).

    Raises ConfigError listing every problem with its line.
    """
    chosen = path or builtin_path()
    try:
        stamp = chosen.stat().st_mtime_ns
    except OSError as error:
        raise ConfigError(
            f"cannot read the public-information catalogue {chosen}: {error.strerror or error}"
        ) from None
    return _load(str(chosen), stamp)


@functools.cache
def _load(path_text: str, stamp: int) -> Catalogue:
    path = Path(path_text)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the public-information catalogue {path}: {error}") from None
    catalogue, problems = validate_text(text)
    if catalogue is None:
        count = f"{len(problems)} error{'s' if len(problems) != 1 else ''}"
        raise ConfigError(
            f"public-information catalogue {path}: {count}",
            details=[problem.render(path) for problem in problems],
        )
    return catalogue


def validate_text(text: str) -> tuple[Catalogue | None, list[Problem]]:
    """The catalogue in ``text`` and every problem, each with its line."""
    # Within bounds, as every file people write (libyaml's parser there when present).
    try:
        root, raw = bounded_yaml.compose_and_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem((), f"not valid YAML: {reason}", mark.line + 1 if mark else None)]
    lines = _line_map(root)
    problems = [Problem(where, "duplicate key") for where in _duplicates(root)]
    catalogue: Catalogue | None = None
    if not isinstance(raw, dict):
        problems.append(Problem((), "a catalogue is a mapping (title:, categories:, items: ...)"))
    else:
        problems += _references(raw)
        try:
            catalogue = Catalogue.model_validate(raw)
        except ValidationError as error:
            problems += [_problem_from_pydantic(item, Catalogue) for item in error.errors()]
    located = [
        Problem(item.location, item.message, item.line or _nearest_line(lines, item.location))
        for item in problems
    ]
    located.sort(key=lambda item: (item.line or 0, item.path))
    return (catalogue if not located else None), located


def _references(raw: dict[str, Any]) -> list[Problem]:
    """Ids given twice, and names an item uses that the catalogue does not define."""
    problems: list[Problem] = []
    categories = _ids(raw, "categories", problems)
    _ids(raw, "items", problems)
    sources = set(raw.get("sources") or {}) if isinstance(raw.get("sources"), dict) else set()
    hosts = raw.get("external_hosts")
    hosts = set(hosts) if isinstance(hosts, dict) else set()
    for index, item in _entries(raw, "items"):
        category = item.get("category")
        if isinstance(category, str) and category not in categories:
            problems.append(_unknown(("items", index, "category"), category, categories))
        for number, basis in enumerate(item.get("basis") or []):
            source = basis.get("source") if isinstance(basis, dict) else None
            if isinstance(source, str) and source not in sources:
                problems.append(
                    _unknown(("items", index, "basis", number, "source"), source, sources)
                )
        for number, host in enumerate(item.get("external_ok") or []):
            if isinstance(host, str) and host not in hosts:
                problems.append(_unknown(("items", index, "external_ok", number), host, hosts))
    return problems


def _ids(raw: dict[str, Any], key: str, problems: list[Problem]) -> set[str]:
    seen: set[str] = set()
    for index, entry in _entries(raw, key):
        value = entry.get("id")
        if isinstance(value, str):
            if value in seen:
                problems.append(Problem((key, index, "id"), f"duplicate id {value!r}"))
            seen.add(value)
    return seen


def _entries(raw: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    found = raw.get(key)
    return [
        (index, entry)
        for index, entry in enumerate(found if isinstance(found, list) else [])
        if isinstance(entry, dict)
    ]


def _unknown(location: tuple[str | int, ...], value: str, known: set[str]) -> Problem:
    return Problem(
        location, f"unknown name {value!r} (defined: {', '.join(sorted(known)) or 'none'})"
    )
