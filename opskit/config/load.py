"""Finding, reading and validating ``opskit.yaml``.

Validation reports every problem at once, each with its path and line
(``opskit.yaml:14: sites[0].url: not a valid http(s) URL``): YAML syntax,
duplicate keys, ``${VAR}`` interpolation, the schema, and cross-field
rules (a site naming a host that does not exist). Cross-field rules run on
the raw data so they are reported together with schema errors.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import os
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from opskit.config.schema import Config, field_extra
from opskit.config.variables import names_in, substitute
from opskit.errors import ConfigError
from opskit.masking import register_secret, register_url, url_tokens

if TYPE_CHECKING:
    import yaml

Location = tuple[str | int, ...]

# A secret to mask, as ``config.settings.register_masks`` redoes it: ("secret", where, the
# text as written, whose variables' values are secrets) or ("url", where, a channel URL as
# written, whose tokens are). Written text holds no secret: those come from the environment.
Mask = tuple[str, str, str]


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
    # The file's data as written (before interpolation), when it was a mapping.
    written: dict[str, Any] | None = None
    # Where the secrets masked for this config came from (see ``Mask``).
    masks: list[Mask] = field(default_factory=list)
    # The facts of this machine the schema relied on (``config.snapshot.Fact``).
    facts: list[tuple[str, str]] = field(default_factory=list)

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


def load(path: Path) -> Config:
    """The validated config from ``path``; raises ConfigError with every problem.

    Warnings about this shell's environment are left to ``config validate``.
    A file validated before with the same bytes is taken as validated then
    (``config.snapshot``); one read before skips YAML (``config.cache``).
    """
    from opskit.config import cache, snapshot

    data = _read(path)
    kept = snapshot.read(path, data)
    if kept is not None:
        return kept
    written = cache.read(data)
    if isinstance(written, dict):
        checked = _check(written, path, environment_warnings=False)
        if checked.config is not None and not any(p.severity == "error" for p in checked.problems):
            _keep(path, data, checked.config, written=written, checked=checked)
            return checked.config
    validation = validate_text(_decode(data, path), path, environment_warnings=False)
    if validation.config is None or validation.errors:
        errors = validation.errors
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        raise ConfigError(
            f"{path}: {count} in configuration (run `opskit config validate` for details)",
            details=[problem.render(path) for problem in errors],
        )
    cache.write(data, validation.written)
    _keep(path, data, validation.config, written=validation.written, checked=validation)
    return validation.config


def _keep(
    path: Path, data: bytes, config: Config, *, written: Any, checked: _Checked | Validation
) -> None:
    """Keep what the next commands may take instead of validating ``data`` again."""
    from opskit.config import settings, snapshot

    variables = names_in(written)
    settings.keep(path, data, config.settings, variables, checked.masks)
    snapshot.keep(path, data, config, variables=variables, facts=checked.facts, masks=checked.masks)


def validate_file(path: Path) -> Validation:
    """Read and check ``path`` completely, collecting every problem."""
    return validate_text(_decode(_read(path), path), path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory; give the YAML file in it") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror or error}") from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None


def validate_text(text: str, path: Path, *, environment_warnings: bool = True) -> Validation:
    # YAML is imported here, not by every load: a file read before skips it (config.cache).
    from yaml import YAMLError

    from opskit import bounded_yaml

    try:
        root, raw = bounded_yaml.compose_and_load(text)
    except YAMLError as error:
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
    checked = _check(raw, path, environment_warnings=environment_warnings)
    problems = [
        Problem(
            problem.location,
            problem.message,
            problem.line or _nearest_line(lines, problem.location),
            problem.severity,
        )
        for problem in problems + checked.problems
    ]
    problems.sort(
        key=lambda problem: (problem.severity != "error", problem.line or 0, problem.path)
    )
    valid = checked.config if not any(p.severity == "error" for p in problems) else None
    return Validation(path, valid, problems, written=raw, masks=checked.masks, facts=checked.facts)


class _Checked(typing.NamedTuple):
    config: Config | None
    problems: list[Problem]
    masks: list[Mask]
    facts: list[tuple[str, str]]


def _check(written: dict[str, Any], path: Path, *, environment_warnings: bool) -> _Checked:
    """Interpolation, the cross-field rules and the schema on the data as written.

    Registers every secret met (interpolated into a secret field, or in a
    channel URL) for masking, and returns where each came from as written
    (``Mask``), so that a command without the schema registers them too, and
    the facts of this machine the schema relied on (``config.snapshot``).
    """
    raw, interpolated, problems = interpolate(written)
    problems += cross_check(raw, written)
    config: Config | None = None
    facts: list[tuple[str, str]] = []
    try:
        config = Config.model_validate(
            raw, context={"base_dir": path.parent.resolve(), "facts": facts}
        )
    except ValidationError as error:
        problems += [_problem_from_pydantic(item) for item in error.errors()]
    masks: dict[Mask, None] = {}
    for location, value in interpolated:
        if _is_secret_field(location):
            origin = format_location(location)
            register_secret(value, origin)
            masks[("secret", origin, _written_at(written, location))] = None
    if config is not None:
        config._source = path
        if environment_warnings:
            problems += _environment_warnings(config)
        for index, channel in enumerate(config.notifications.channels):
            if channel.url:
                origin = f"notifications.channels.{channel.name}.url"
                register_url(channel.url, origin)
                where = ("notifications", "channels", index, "url")
                masks[("url", origin, _written_at(written, where))] = None
    return _Checked(config, problems, list(masks), facts)


def _written_at(written: Any, location: Location) -> str:
    """The text at ``location`` in the data as written (before interpolation)."""
    for part in location:
        written = written[part]
    return str(written)


def interpolate(raw: Any) -> tuple[Any, list[tuple[Location, str]], list[Problem]]:
    """Replace ``${VAR}`` (and ``${VAR:-default}``) in every string; ``$${`` is a literal ``${``.

    Returns the new data, each location where a value was substituted, and
    problems for unset variables.
    """
    substituted: list[tuple[Location, str]] = []
    problems: list[Problem] = []

    def walk(node: Any, location: Location) -> Any:
        if isinstance(node, str):
            return substitute(
                node,
                on_value=lambda name, value: substituted.append((location, value)),
                on_unset=lambda name: problems.append(
                    Problem(
                        location, f"environment variable {name} is not set (used as ${{{name}}})"
                    )
                ),
            )
        if isinstance(node, dict):
            return {key: walk(value, (*location, key)) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value, (*location, index)) for index, value in enumerate(node)]
        return node

    return walk(raw, ()), substituted, problems


def cross_check(raw: dict[str, Any], before: dict[str, Any] | None = None) -> list[Problem]:
    """Rules between fields, on raw data so they join the schema errors.

    ``before`` is the data as written, before ${VAR} interpolation.
    """
    rules = _Rules(raw)
    rules.channel_secrets(before if before is not None else raw)
    hosts = rules.names("hosts") | {"local"}
    sites = rules.names("sites")
    channels = rules.names("notifications", "channels")
    repositories = rules.names("backup", "repositories")
    for keys in (
        ("people",),
        ("backup", "sets"),
        ("schedule", "jobs"),
        ("security", "code"),
    ):
        rules.names(*keys)
    rules.hosts()
    rules.host_limits()
    rules.window_targets()
    rules.sites(hosts)
    rules.people(channels)
    rules.backup(hosts, repositories)
    rules.schedule()
    rules.security()
    rules.logs()
    rules.console(sites)
    rules.store()
    rules.problems += _uat_roles(raw.get("uat"))
    return rules.problems


class _Rules:
    """The cross-field rules, one method per area; every problem lands in ``problems``."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def items(self, *keys: str) -> Iterator[tuple[int, dict[str, Any]]]:
        node: Any = self.raw
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, dict):
                    yield index, item

    def store(self) -> None:
        """A shared store keeps each court apart by its code: one is needed."""
        store, organisation = self.raw.get("store"), self.raw.get("organisation")
        if not isinstance(store, dict) or not store.get("url"):
            return
        if isinstance(organisation, dict) and not organisation.get("code"):
            self.problems.append(
                Problem(
                    ("organisation", "code"),
                    "a shared store (store.url) needs the organisation's code, e.g. pa_penajam",
                )
            )

    def names(self, *keys: str | int) -> set[str]:
        """The names in a list of mappings, reporting duplicates."""
        found: set[str] = set()
        node: Any = self.raw
        for key in keys:
            if isinstance(key, int):
                node = node[key] if isinstance(node, list) and key < len(node) else None
            else:
                node = node.get(key) if isinstance(node, dict) else None
        for index, item in enumerate(node if isinstance(node, list) else []):
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str):
                if name in found:
                    self.problems.append(
                        Problem((*keys, index, "name"), f"duplicate name {name!r}")
                    )
                found.add(name)
        return found

    def refer(self, location: Location, value: Any, known: set[str], what: str) -> None:
        if isinstance(value, str) and value not in known:
            hint = difflib.get_close_matches(value, sorted(known), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            known_list = ", ".join(sorted(known)) or "none defined"
            self.problems.append(
                Problem(
                    location, f"{what} {value!r} does not exist{suggestion}; known: {known_list}"
                )
            )

    def hosts(self) -> None:
        for index, host in self.items("hosts"):
            if host.get("name") == "local" and host.get("local") is not True:
                self.problems.append(
                    Problem(
                        ("hosts", index, "name"), "the name 'local' is reserved for this machine"
                    )
                )

    def sites(self, hosts: set[str]) -> None:
        for index, site in self.items("sites"):
            self.refer(("sites", index, "host"), site.get("host"), hosts, "host")
            self.problems += _site_thresholds(index, site)
            logs = site.get("logs")
            for position, log in enumerate(logs if isinstance(logs, list) else []):
                if isinstance(log, dict):
                    location = ("sites", index, "logs", position)
                    self.refer((*location, "host"), log.get("host"), hosts, "host")
                    self.problems += _log_format_problem(location, log)

    def console(self, sites: set[str]) -> None:
        section = self.raw.get("console")
        page = section.get("status_page") if isinstance(section, dict) else None
        chosen = page.get("sites") if isinstance(page, dict) else None
        for position, name in enumerate(chosen if isinstance(chosen, list) else []):
            self.refer(("console", "status_page", "sites", position), name, sites, "site")

    def logs(self) -> None:
        section = self.raw.get("logs")
        allowed = section.get("allow_addresses") if isinstance(section, dict) else None
        for position, item in enumerate(allowed if isinstance(allowed, list) else []):
            self.problems += _network_problem(("logs", "allow_addresses", position), item)

    def host_limits(self) -> None:
        common = self.raw.get("host_checks")
        common = common if isinstance(common, dict) else {}
        self.problems += _threshold_order(("host_checks",), common, {}, HOST_THRESHOLDS)
        for index, host in self.items("hosts"):
            own = host.get("host_checks")
            if isinstance(own, dict):
                self.problems += _threshold_order(
                    ("hosts", index, "host_checks"), own, common, HOST_THRESHOLDS
                )

    def channel_secrets(self, before: dict[str, Any]) -> None:
        """A password written into a channel URL (not from ${VAR}) is a secret in the file."""
        section = before.get("notifications") if isinstance(before, dict) else None
        channels = section.get("channels") if isinstance(section, dict) else None
        for index, channel in enumerate(channels if isinstance(channels, list) else []):
            url = channel.get("url") if isinstance(channel, dict) else None
            if not isinstance(url, str):
                continue
            location = ("notifications", "channels", index, "url")
            if "${" not in url and urlsplit(url).password:
                self.problems.append(
                    Problem(
                        location,
                        "a password written in the URL is a secret in the file; use ${VAR} for it, "
                        "or url_env / url_file",
                    )
                )
            elif any("${" not in token for token in url_tokens(url)):
                # Masked in every output all the same; a warning, since the look can deceive.
                self.problems.append(
                    Problem(
                        location,
                        "the URL seems to hold a token written in the file; keep it out of the "
                        "file with ${VAR}, url_env or url_file",
                        severity="warning",
                    )
                )

    def window_targets(self) -> None:
        """A window target that names nothing known is probably a typo (it would cover nothing)."""
        known = {
            name
            for keys in (("hosts",), ("sites",))
            for _, item in self.items(*keys)
            if isinstance(name := item.get("name"), str)
        } | {"local"}
        for index, window in self.items("schedule", "maintenance_windows"):
            targets = window.get("targets")
            for position, pattern in enumerate(targets if isinstance(targets, list) else []):
                if not isinstance(pattern, str) or any(mark in pattern for mark in "*?["):
                    continue
                if pattern not in known and pattern.partition(":")[0] not in known:
                    hint = difflib.get_close_matches(pattern, sorted(known), n=1)
                    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                    self.problems.append(
                        Problem(
                            ("schedule", "maintenance_windows", index, "targets", position),
                            f"{pattern!r} is no host or site{suggestion}; the window would "
                            "cover nothing (use a pattern like web1:* for a host's mounts)",
                            severity="warning",
                        )
                    )

    def people(self, channels: set[str]) -> None:
        logins: dict[str, int] = {}
        for index, person in self.items("people"):
            login = person.get("login")
            if isinstance(login, str) and login in logins:
                self.problems.append(
                    Problem(
                        ("people", index, "login"),
                        f"login {login!r} is already people[{logins[login]}]'s; "
                        "every person signs in with their own",
                    )
                )
            elif isinstance(login, str):
                logins[login] = index
            notify = person.get("notify")
            for position, channel in enumerate(notify if isinstance(notify, list) else []):
                self.refer(("people", index, "notify", position), channel, channels, "channel")

    def backup(self, hosts: set[str], repositories: set[str]) -> None:
        for index, repository in self.items("backup", "repositories"):
            if repository.get("type") == "sftp":
                self.refer(
                    ("backup", "repositories", index, "host"), repository.get("host"), hosts, "host"
                )
        for index, backup_set in self.items("backup", "sets"):
            self.refer(("backup", "sets", index, "host"), backup_set.get("host"), hosts, "host")
            self.names("backup", "sets", index, "databases")
            targets = backup_set.get("repositories")
            for position, repository in enumerate(targets if isinstance(targets, list) else []):
                self.refer(
                    ("backup", "sets", index, "repositories", position),
                    repository,
                    repositories,
                    "repository",
                )
        self.repositories_outside_sets()

    def repositories_outside_sets(self) -> None:
        """A local repository must not sit in what its sets back up: it would back up itself."""
        paths = {
            repository["name"]: repository.get("path")
            for _, repository in self.items("backup", "repositories")
            if isinstance(repository.get("name"), str)
            and repository.get("type", "local") == "local"
        }
        for index, backup_set in self.items("backup", "sets"):
            targets = backup_set.get("repositories")
            for position, name in enumerate(targets if isinstance(targets, list) else []):
                if not isinstance(name, str):
                    continue  # the schema says what is wrong with it
                inside = _repository_inside(paths.get(name), backup_set)
                if inside is not None:
                    self.problems.append(
                        Problem(
                            ("backup", "sets", index, "repositories", position),
                            f"repository {name!r} at {paths[name]} is inside {inside}, which "
                            "this set backs up into it; choose a repository directory outside "
                            "the set's paths",
                        )
                    )

    def schedule(self) -> None:
        for index, job in self.items("schedule", "jobs"):
            if isinstance(job.get("run"), str):
                problem = job_command_problem(job["run"])
                if problem:
                    self.problems.append(Problem(("schedule", "jobs", index, "run"), problem))

    def security(self) -> None:
        """Overrides of the security policy, each checked over the baseline; the policy's
        models (a third of a small config's load) are imported only when there is one."""
        section = self.raw.get("security")
        overridden = isinstance(section, dict) and section.get("policy") is not None
        if not overridden and all(host.get("security") is None for _, host in self.items("hosts")):
            return
        from opskit.security.policy import override_problems

        self.problems += [
            Problem(location, message) for location, message in override_problems(self.raw)
        ]


def _repository_inside(repository_path: Any, backup_set: dict[str, Any]) -> str | None:
    """The set path holding ``repository_path`` (absolute paths only), unless excluded."""
    if not isinstance(repository_path, str) or not repository_path.startswith("/"):
        return None
    repository = PurePosixPath(os.path.normpath(repository_path))
    excludes = [item for item in backup_set.get("exclude") or [] if isinstance(item, str)]
    for raw in backup_set.get("paths") or []:
        if not isinstance(raw, str) or not raw.startswith("/"):
            continue
        source = PurePosixPath(os.path.normpath(raw))
        if repository != source and source not in repository.parents:
            continue
        # An exclude matching the repository or a folder between it and the source leaves it out.
        between = [repository, *[p for p in repository.parents if source in p.parents]]
        if not any(_excluded(path, excludes) for path in between):
            return str(source)
    return None


def _excluded(path: PurePosixPath, patterns: list[str]) -> bool:
    """Roughly restic's rule: a pattern without "/" matches a name, a relative one a tail."""
    for raw in patterns:
        pattern = raw.rstrip("/")
        text = str(path) if "/" in pattern else path.name
        if "/" in pattern and not pattern.startswith("/"):
            pattern = f"*/{pattern}"
        if fnmatch.fnmatchcase(text, pattern):
            return True
    return False


def _uat_roles(uat: Any) -> list[Problem]:
    """The UAT reviewer and approver hold different roles: SOP D3 and D6 are separate steps."""
    if not isinstance(uat, dict) or uat.get("reviewer_role") is None:
        return []
    if uat["reviewer_role"] != uat.get("approver_role", "ketua"):
        return []
    return [
        Problem(
            ("uat", "reviewer_role"),
            "must differ from approver_role: the consideration (D3) and the approval (D6) "
            "come from different people",
        )
    ]


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


NOT_SCHEDULABLE = ("run", "schedule", "demo", "init")
# Options opskit run gives every job itself.
RUNNER_OPTIONS = ("--config", "--format")


def job_command_problem(command: str) -> str | None:
    """Why ``command`` cannot be a scheduled job, or None if opskit would accept it."""
    import shlex

    from opskit.errors import UsageError

    try:
        arguments = shlex.split(command) or [""]
    except ValueError as error:
        return f"cannot read the command: {error}"
    problem = _job_words_problem(arguments)
    if problem:
        return problem
    try:
        args = _job_parser().parse_args(arguments)
    except (UsageError, SystemExit) as error:
        return f"not an opskit command ({getattr(error, 'message', 'see opskit --help')})"
    if args.command_name is None:
        return f"'{command}' is a group of commands; name one (see `opskit {arguments[0]} --help`)"
    return None


@functools.cache
def _job_parser() -> Any:
    """The command-line grammar, built once for all the jobs of a config (it is not cheap)."""
    from opskit.grammar import build_parser

    return build_parser()


def _job_words_problem(arguments: list[str]) -> str | None:
    """What opskit run cannot run as written, before the command itself is parsed."""
    if arguments[0].startswith("-"):
        return "a job starts with its command (e.g. 'check web'), not an option"
    if arguments[0] in NOT_SCHEDULABLE:
        return f"'{arguments[0]}' cannot be a scheduled job"
    runner_set = [word.split("=")[0] for word in arguments if word.split("=")[0] in RUNNER_OPTIONS]
    if runner_set:
        return f"{runner_set[0]} is set by opskit run itself (the same config, JSON); leave it out"
    return None


# (warning key, critical key, default warning, default critical, whether higher is worse)
SITE_THRESHOLDS = (
    ("response_warning_ms", "response_critical_ms", 2000, 5000, True),
    ("tls_warning_days", "tls_critical_days", 21, 7, False),
    ("domain_warning_days", "domain_critical_days", 45, 14, False),
    ("freshness_warning_days", "freshness_critical_days", 14, 30, True),
)


# Host limits: all rise (more used is worse).
HOST_THRESHOLDS = (
    ("disk_warning_percent", "disk_critical_percent", 80, 90, True),
    ("inode_warning_percent", "inode_critical_percent", 80, 90, True),
    ("memory_warning_percent", "memory_critical_percent", 90, 95, True),
    ("load_warning_per_cpu", "load_critical_per_cpu", 2, 4, True),
)


def _site_thresholds(index: int, site: dict[str, Any]) -> list[Problem]:
    """A site's CRITICAL threshold must lie beyond its WARNING threshold."""
    return _threshold_order(("sites", index), site, {}, SITE_THRESHOLDS)


def _threshold_order(
    location: Location,
    given: dict[str, Any],
    inherited: dict[str, Any],
    pairs: tuple[tuple[str, str, float, float, bool], ...],
) -> list[Problem]:
    """CRITICAL must lie beyond WARNING, counting values inherited from defaults."""
    problems = []
    for warning_key, critical_key, warning_default, critical_default, rising in pairs:
        warning = given.get(warning_key, inherited.get(warning_key, warning_default))
        critical = given.get(critical_key, inherited.get(critical_key, critical_default))
        if not all(isinstance(value, int | float) for value in (warning, critical)):
            continue
        if (critical < warning) if rising else (critical > warning):
            relation = "at or above" if rising else "at or below"
            problems.append(
                Problem(
                    (*location, critical_key if critical_key in given else warning_key),
                    f"{critical_key} ({critical:g}) must be {relation} {warning_key} ({warning:g})",
                )
            )
    return problems


def _environment_warnings(config: Config) -> list[Problem]:
    """Secret references to variables unset here (they may be set by the scheduler)."""
    warnings = []
    for location, value in _env_references(config):
        if value not in os.environ:
            warnings.append(
                Problem(
                    location,
                    f"environment variable {value} is not set in this shell",
                    severity="warning",
                )
            )
    warnings += _delivery_warnings(config)
    roles = {role for person in config.people for role in person.roles}
    needed = (
        ("penanggung_jawab", "incident reports have no recipient"),
        (config.uat.approver_role, "nobody can approve a UAT run"),
    )
    for role, consequence in needed:
        if role not in roles:
            warnings.append(
                Problem(
                    ("people",),
                    f"nobody has the role {role}; {consequence}",
                    severity="warning",
                )
            )
    return warnings


def _delivery_warnings(config: Config) -> list[Problem]:
    """Documents that would reach nobody: routed roles whose people have no channel."""
    channels = {channel.name for channel in config.notifications.channels}
    if not channels:
        return [
            Problem(
                ("notifications", "channels"),
                "no notification channel: reports are written "
                "but sent to nobody (add one, then people[].notify)",
                severity="warning",
            )
        ]
    warnings = []
    for document, roles in config.notifications.routes.items():
        reached = [
            person.name
            for person in config.people
            if set(person.roles) & set(roles) and set(person.notify) & channels
        ]
        if not reached:
            warnings.append(
                Problem(
                    ("notifications", "routes", document),
                    f"{document} documents reach nobody: no person with role "
                    f"{' or '.join(roles)} has a channel in notify",
                    severity="warning",
                )
            )
    return warnings


def _env_references(config: Config) -> list[tuple[Location, str]]:
    """Every ``*_env`` field set in ``config``, with its location.

    Only the fields that can lead to one are entered (``_env_layout``): a
    thousand sites hold tens of thousands of values and no ``*_env`` field.
    """
    found: list[tuple[Location, str]] = []

    def visit(node: Any, location: Location) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                visit(item, (*location, index))
        elif isinstance(node, BaseModel):
            names, nested = _env_layout(type(node))
            for name in names:
                value = getattr(node, name)
                if isinstance(value, str) and value:
                    found.append(((*location, name), value))
            for name in nested:
                visit(getattr(node, name), (*location, name))

    visit(config, ())
    return found


@functools.cache
def _env_layout(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of ``model`` naming a variable, and those whose models may hold one."""
    names = tuple(name for name in model.model_fields if name.endswith("_env"))
    nested = tuple(
        name
        for name, info in model.model_fields.items()
        if name not in names and _may_name_variables(info.annotation, set())
    )
    return names, nested


def _may_name_variables(annotation: Any, seen: set[Any]) -> bool:
    """Whether a value of ``annotation`` may hold a model with a ``*_env`` field."""
    if annotation is Any or annotation is object or isinstance(annotation, typing.TypeVar):
        return True  # could be anything: look
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return False
        seen.add(annotation)
        return any(
            name.endswith("_env") or _may_name_variables(info.annotation, seen)
            for name, info in annotation.model_fields.items()
        )
    return any(_may_name_variables(argument, seen) for argument in typing.get_args(annotation))


def _problem_from_pydantic(error: Any, root: type[BaseModel] = Config) -> Problem:
    """A pydantic error as a Problem; unknown keys list the keys ``root``'s model allows there."""
    kind = error["type"]
    raw = tuple(error["loc"])
    # pydantic names union members in the location ("function-after[...]"): left out, but
    # an unknown key is the key as written, brackets and all.
    keep = raw[:-1] if kind == "extra_forbidden" and raw else raw
    location: Location = tuple(part for part in keep if isinstance(part, int) or "[" not in part)
    if kind == "extra_forbidden" and raw:
        location = (*location, raw[-1])
    message = error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        model = _model_at(location[:-1], root)
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


def _model_at(location: Location, root: type[BaseModel] = Config) -> type[BaseModel] | None:
    """The model class found at ``location`` under ``root`` (indexes skipped)."""
    model: type[BaseModel] | None = root
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
    import yaml

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
    import yaml

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
