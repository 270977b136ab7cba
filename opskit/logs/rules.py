"""Detection rules: YAML in ``checks/logs/rules.yaml`` (or the admin's own file),
validated with path-style errors and compiled to plain, picklable data.

The compiled rules travel to scanner processes, so they hold pattern text,
not compiled regular expressions; each process compiles them once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from opskit.errors import ConfigError
from opskit.paths import checks_dir

SEVERITIES = ("medium", "high")
TEXT_FIELDS = ("path", "request", "user_agent", "referer")
ERROR_KINDS = ("auth", "denied", "limit", "missing")
SPREADS = ("agent", "query")
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
STATUS = re.compile(r"^[1-5](\d\d|xx)$")


@dataclass(frozen=True)
class Window:
    threshold: int
    seconds: float


@dataclass(frozen=True)
class Rule:
    """One detection, ready for the scanner and the detector."""

    id: str
    kind: str
    description: dict[str, str]
    severity: str
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    statuses: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    static: bool | None = None
    distinct: bool = False
    distinct_by: str = "path"  # what distinct counts: the path, or the catalog entry (tag)
    windows: tuple[Window, ...] = ()
    escalate_statuses: tuple[str, ...] = ()
    escalate_severity: str = "high"
    sustained_seconds: float = 0.0
    factor: float = 0.0
    minimum: int = 0
    high_ratio: float = 1.0
    errors: tuple[str, ...] = ()
    spread: str = ""
    # (tag, field, pattern) of a catalog's entries: what exactly matched, for the evidence
    tags: tuple[tuple[str, str, str], ...] = ()

    @property
    def check_id(self) -> str:
        return f"logs.{self.id}"

    @property
    def has_text(self) -> bool:
        return any(self.patterns.values()) or bool(self.errors)


def event_rules(rules: list[Rule] | tuple[Rule, ...]) -> list[Rule]:
    """The rules whose matches travel as events (bit N of an event is rule N of this list)."""
    return [rule for rule in rules if rule.kind in ("window", "site-form")]


def status_matches(status: int, wanted: tuple[str, ...]) -> bool:
    """Whether ``status`` is one of ``wanted`` (``401``, ``4xx``)."""
    text = str(status)
    return any(item == text or (item.endswith("xx") and item[0] == text[0]) for item in wanted)


def seconds(text: str | float) -> float:
    """``10s``, ``0.5s``, ``10m``, ``1h``, ``7d`` or a number of seconds; ValueError otherwise."""
    if isinstance(text, int | float):
        return float(text)
    match = DURATION.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration (for example 10s, 0.5s, 10m, 1h)")
    return float(match.group(1)) * DURATION_UNITS[match.group(2)]


def default_rules_file() -> Path:
    return checks_dir() / "logs" / "rules.yaml"


def load_rules(path: Path | None = None, login_paths: tuple[str, ...] = ()) -> list[Rule]:
    """The rules in ``path`` (default: the shipped file); raises ConfigError with every problem.

    ``login_paths`` are extra login URL prefixes for ``login-bruteforce``.
    """
    import yaml

    from opskit import bounded_yaml

    path = path or default_rules_file()
    try:
        text = path.read_text(encoding="utf-8")
        data = bounded_yaml.load(text)
    except OSError as error:
        raise ConfigError(f"cannot read rules file {path}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    problems: list[str] = []
    rules = parse_rules(data, problems, path.parent)
    if problems:
        raise ConfigError(
            f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''} in the rules",
            details=[f"{path.name}: {problem}" for problem in problems],
        )
    if login_paths:
        rules = [_with_login_paths(rule, login_paths) for rule in rules]
    return rules


def parse_rules(data: Any, problems: list[str], folder: Path | None = None) -> list[Rule]:
    """Rules from parsed YAML; every problem is appended as ``rules[3].threshold: ...``."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        problems.append("rules: the file needs a list under 'rules:'")
        return []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["rules"]):
        where = f"rules[{index}]"
        rule = _parse_rule(entry, where, problems, folder or default_rules_file().parent)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(f"{where}.id: duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return rules


KEYS = {
    "id",
    "kind",
    "description",
    "match",
    "distinct",
    "threshold",
    "window",
    "windows",
    "severity",
    "escalate",
    "sustained",
    "factor",
    "minimum",
    "high_ratio",
    "catalog",
}
MATCH_KEYS = {*TEXT_FIELDS, "status", "method", "static", "error"}
Kind = Literal["window", "rate", "site-relative", "site-burst", "spread", "site-form"]
KINDS = ("window", "rate", "site-relative", "site-burst", "spread", "site-form")


def _parse_rule(entry: Any, where: str, problems: list[str], folder: Path) -> Rule | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a mapping (id:, match:, threshold: ...)")
        return None
    before = len(problems)
    for key in sorted(set(entry) - KEYS):
        problems.append(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(KEYS))})")
    rule_id, kind, description, severity = _identity(entry, where, problems)
    patterns, statuses, methods, static = _parse_match(entry.get("match") or {}, where, problems)
    errors = _errors((entry.get("match") or {}), where, problems)
    tags: tuple[tuple[str, str, str], ...] = ()
    if "catalog" in entry:
        tags = load_catalog(folder, entry["catalog"], f"{where}.catalog", problems)
        for name in TEXT_FIELDS:
            extra = tuple(pattern for _, field_name, pattern in tags if field_name == name)
            if extra:
                patterns[name] = (*patterns.get(name, ()), *extra)
    distinct = entry.get("distinct")
    if distinct is not None and distinct not in ("path", "tag", *SPREADS):
        problems.append(f"{where}.distinct: must be path, tag, agent or query")
    if distinct == "tag" and not tags:
        problems.append(f"{where}.distinct: tag needs a catalog (the entries are the tags)")
    if kind == "spread" and distinct not in SPREADS:
        problems.append(f"{where}.distinct: a spread rule counts distinct agent or query")
    windows = _windows(entry, kind, where, problems)
    escalate_statuses, escalate_severity = _escalate(entry, where, problems)
    numbers, sustained = _limits(entry, kind, where, problems)
    if len(problems) > before:
        return None
    return Rule(
        id=rule_id,
        kind=kind,
        description=description,
        severity=severity,
        patterns=patterns,
        statuses=statuses,
        methods=methods,
        static=static,
        distinct=distinct in ("path", "tag"),
        distinct_by="tag" if distinct == "tag" else "path",
        windows=windows,
        escalate_statuses=escalate_statuses,
        escalate_severity=escalate_severity,
        sustained_seconds=sustained,
        factor=float(numbers.get("factor", 0.0)),
        minimum=int(numbers.get("minimum", 0)),
        high_ratio=float(numbers.get("high_ratio", 1.0)),
        errors=errors,
        spread=distinct if kind == "spread" and isinstance(distinct, str) else "",
        tags=tags,
    )


def _errors(match: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(match, dict):
        return ()
    items = match.get("error") or []
    if not isinstance(items, list) or not all(item in ERROR_KINDS for item in items):
        problems.append(f"{where}.match.error: must be a list of {', '.join(ERROR_KINDS)}")
        return ()
    return tuple(items)


def load_catalog(
    folder: Path, name: Any, where: str, problems: list[str]
) -> tuple[tuple[str, str, str], ...]:
    """A rule's catalog (``cves.yaml``): entries with an id and patterns per field.

    Each entry gives ``(tag, field, pattern)`` triples; the tag (``CVE-2021-41773
    Apache 2.4.49 path traversal``) goes into the evidence of what matched.
    """
    import yaml

    from opskit import bounded_yaml

    if not isinstance(name, str) or "/" in name:
        problems.append(f"{where}: must name a file next to the rules file, e.g. cves.yaml")
        return ()
    path = folder / name
    try:
        data = bounded_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problems.append(f"{where}: cannot read {path}: {error}")
        return ()
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        problems.append(f"{where}: {name} needs a list under 'entries:'")
        return ()
    found: list[tuple[str, str, str]] = []
    for position, entry in enumerate(entries):
        place = f"{name}: entries[{position}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            problems.append(f"{place}: needs a name")
            continue
        ids = entry.get("cve") or []
        ids = [ids] if isinstance(ids, str) else ids
        tag = " ".join([*(str(item) for item in ids), entry["name"]]).strip()
        for field_name in TEXT_FIELDS:
            for pattern in entry.get(field_name) or []:
                try:
                    re.compile(pattern)
                except (re.error, TypeError) as error:
                    problems.append(
                        f"{place}.{field_name}: not a valid regular expression: {error}"
                    )
                    continue
                found.append((tag, field_name, pattern))
    return tuple(found)


def _identity(
    entry: dict[str, Any], where: str, problems: list[str]
) -> tuple[str, str, dict[str, str], str]:
    """The id, kind, description (id and en) and severity of a rule."""
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", rule_id):
        problems.append(f"{where}.id: needs a short lower-case id such as 'probing'")
        rule_id = "?"
    kind = entry.get("kind", "window")
    if kind not in KINDS:
        problems.append(f"{where}.kind: must be one of {', '.join(KINDS)}")
    description = entry.get("description")
    if not isinstance(description, dict) or not all(
        isinstance(description.get(language), str) and description[language].strip()
        for language in ("id", "en")
    ):
        problems.append(f"{where}.description: needs text in both 'id' and 'en'")
        description = {"id": rule_id, "en": rule_id}
    severity = entry.get("severity", "medium")
    if severity not in SEVERITIES:
        problems.append(f"{where}.severity: must be medium or high")
    texts = {language: description[language].strip() for language in ("id", "en")}
    return rule_id, kind, texts, severity


def _windows(
    entry: dict[str, Any], kind: str, where: str, problems: list[str]
) -> tuple[Window, ...]:
    """threshold/window and the extra ``windows:`` pairs of window and rate rules."""
    if kind not in ("window", "rate", "spread", "site-form"):
        return ()
    windows = [_window(entry, where, problems)]
    extra = entry.get("windows") or []
    if not isinstance(extra, list):
        problems.append(f"{where}.windows: must be a list of threshold/window pairs")
        extra = []
    windows += [
        _window(item, f"{where}.windows[{position}]", problems)
        for position, item in enumerate(extra)
    ]
    return tuple(windows)


def _escalate(
    entry: dict[str, Any], where: str, problems: list[str]
) -> tuple[tuple[str, ...], str]:
    escalate = entry.get("escalate") or {}
    if not isinstance(escalate, dict):
        problems.append(f"{where}.escalate: must be a mapping (status:, severity:)")
        return (), "high"
    statuses = _statuses(escalate.get("status") or [], f"{where}.escalate", problems)
    severity = escalate.get("severity", "high")
    if severity not in SEVERITIES:
        problems.append(f"{where}.escalate.severity: must be medium or high")
    return statuses, severity


def _limits(
    entry: dict[str, Any], kind: str, where: str, problems: list[str]
) -> tuple[dict[str, float], float]:
    """factor/minimum/high_ratio and how long a rate must be sustained, checked for the kind."""
    numbers: dict[str, float] = {
        name: _number(entry, name, where, problems)
        for name in ("factor", "minimum", "high_ratio")
        if name in entry
    }
    sustained = 0.0
    if "sustained" in entry:
        try:
            sustained = seconds(entry["sustained"])
        except ValueError as error:
            problems.append(f"{where}.sustained: {error}")
    if kind in ("site-relative", "site-burst") and not {"factor", "minimum"} <= set(numbers):
        problems.append(f"{where}: a {kind} rule needs factor and minimum")
    if kind == "rate" and sustained <= 0:
        problems.append(f"{where}.sustained: a rate rule needs how long the rate must hold")
    return numbers, sustained


def _parse_match(
    match: Any, where: str, problems: list[str]
) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...], bool | None]:
    where = f"{where}.match"
    if not isinstance(match, dict):
        problems.append(f"{where}: must be a mapping (path:, status: ...)")
        return {}, (), (), None
    for key in sorted(set(match) - MATCH_KEYS):
        problems.append(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(MATCH_KEYS))})")
    patterns: dict[str, tuple[str, ...]] = {}
    for name in TEXT_FIELDS:
        items = match.get(name) or []
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            problems.append(f"{where}.{name}: must be a list of regular expressions")
            continue
        for position, item in enumerate(items):
            try:
                re.compile(item.encode())
            except re.error as error:
                problems.append(
                    f"{where}.{name}[{position}]: not a valid regular expression: {error}"
                )
        if items:
            patterns[name] = tuple(items)
    methods = match.get("method") or []
    if not isinstance(methods, list) or not all(isinstance(item, str) for item in methods):
        problems.append(f"{where}.method: must be a list such as [POST]")
        methods = []
    static = match.get("static")
    if static is not None and not isinstance(static, bool):
        problems.append(f"{where}.static: must be true or false")
        static = None
    statuses = _statuses(match.get("status") or [], where, problems)
    return patterns, statuses, tuple(item.upper() for item in methods), static


def _statuses(items: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(items, list):
        problems.append(f"{where}.status: must be a list such as [401] or [4xx]")
        return ()
    found = []
    for position, item in enumerate(items):
        text = str(item).lower()
        if not STATUS.match(text):
            problems.append(f"{where}.status[{position}]: {item!r} is not a status like 401 or 4xx")
        found.append(text)
    return tuple(found)


def _window(entry: Any, where: str, problems: list[str]) -> Window:
    threshold = entry.get("threshold") if isinstance(entry, dict) else None
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        problems.append(f"{where}.threshold: must be a whole number of 1 or more")
        threshold = 1
    try:
        window = seconds(entry.get("window", "1s") if isinstance(entry, dict) else "?")
        if window <= 0:
            raise ValueError("must be more than 0")
    except ValueError as error:
        problems.append(f"{where}.window: {error}")
        window = 1.0
    return Window(threshold=threshold, seconds=window)


def _number(entry: dict[str, Any], name: str, where: str, problems: list[str]) -> float:
    value = entry[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        problems.append(f"{where}.{name}: must be a number above 0")
        return 1.0
    return float(value)


def _with_login_paths(rule: Rule, login_paths: tuple[str, ...]) -> Rule:
    if rule.id != "login-bruteforce":
        return rule
    extra = tuple(re.escape(path.lower()) for path in login_paths)
    patterns = dict(rule.patterns)
    patterns["path"] = (*patterns.get("path", ()), *extra)
    return Rule(**{**rule.__dict__, "patterns": patterns})
