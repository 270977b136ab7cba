"""The security policy: the built-in baseline ``checks/security.yaml`` and its overrides.

The effective policy of a host is the baseline, then ``security.policy_file``,
then ``security.policy``, then ``hosts[].security``, each replacing the keys
it sets. One model validates all of them, so a typo in an override is an
error with its path, and the shipped baseline must give every key.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from opskit import bounded_yaml
from opskit.errors import ConfigError
from opskit.paths import checks_dir

PORT_SPEC = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?/(tcp|udp)$")


@dataclass(frozen=True, order=True)
class PortRange:
    """``22/tcp`` or ``8000-8010/tcp``."""

    protocol: str
    first: int
    last: int

    def __contains__(self, item: tuple[str, int]) -> bool:
        protocol, port = item
        return protocol == self.protocol and self.first <= port <= self.last

    def __str__(self) -> str:
        ports = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{ports}/{self.protocol}"


def parse_port(text: str) -> PortRange:
    """A PortRange from ``PORT/PROTO`` or ``FIRST-LAST/PROTO``; raises ValueError."""
    match = PORT_SPEC.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not PORT/tcp, PORT/udp or FIRST-LAST/tcp")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not 0 < first <= last <= 65535:
        raise ValueError(f"{text!r}: ports must be 1-65535, the first not above the last")
    return PortRange(match.group(3), first, last)


def _port(value: Any) -> str:
    parse_port(str(value))
    return str(value)


def _yaml_word(value: Any) -> Any:
    """YAML reads a bare ``no``/``yes`` as a boolean; sshd values are words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


Port = Annotated[str, AfterValidator(_port)]
SshWord = Annotated[str, BeforeValidator(_yaml_word)]
Days = Annotated[float, Field(ge=0)]
Level = Literal["low", "medium", "high"]


class PolicySection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NetworkPolicy(PolicySection):
    allowed_ports: list[Port]
    ignored_listeners: list[Port]

    def allows(self, protocol: str, port: int) -> bool:
        return any((protocol, port) in parse_port(spec) for spec in self.allowed_ports)

    def ignores(self, protocol: str, port: int) -> bool:
        return any((protocol, port) in parse_port(spec) for spec in self.ignored_listeners)


class FirewallPolicy(PolicySection):
    required: bool


class SshPolicy(PolicySection):
    config_file: str = Field(min_length=1)
    permit_root_login: list[SshWord] = Field(min_length=1)
    password_authentication: bool
    kbd_interactive_authentication: bool
    permit_empty_passwords: bool
    x11_forwarding: bool
    max_auth_tries: int = Field(ge=1)
    weak_ciphers: list[str]
    weak_macs: list[str]
    weak_kex: list[str]


class AntivirusPolicy(PolicySection):
    required: bool
    daemon_required: bool
    clamd_config: str = Field(min_length=1)
    database_dir: str = Field(min_length=1)
    signatures_warning_days: Days
    signatures_critical_days: Days
    scan_log: str = Field(min_length=1)
    scan_interval_days: Days


class UpdatesPolicy(PolicySection):
    security_status: Literal["warning", "critical"]
    other_updates_warning: int = Field(ge=0)
    lists_max_age_days: Days
    reboot_status: Literal["ok", "warning", "critical"]


class WebFilesPolicy(PolicySection):
    roots: list[str]
    upload_dirs: list[str]
    executable_extensions: list[str]
    suspicious_names: list[str]
    ignore: list[str]
    hash_max_megabytes: float = Field(gt=0)

    def is_executable(self, relative_path: str) -> bool:
        """Whether any ending of the name is executable (``shell.php.jpg`` counts)."""
        name = relative_path.rsplit("/", 1)[-1].lower()
        parts = name.split(".")[1:]
        endings = {f".{part}" for part in parts}
        return bool(endings & {ending.lower() for ending in self.executable_extensions})

    def is_suspicious_name(self, relative_path: str) -> bool:
        return relative_path.rsplit("/", 1)[-1] in self.suspicious_names

    def in_upload_dir(self, relative_path: str) -> bool:
        directories = relative_path.split("/")[:-1]
        prefixes = ["/".join(directories[: depth + 1]) for depth in range(len(directories))]
        return any(
            fnmatch.fnmatchcase(prefix, pattern)
            for prefix in prefixes
            for pattern in self.upload_dirs
        )

    def is_ignored(self, relative_path: str) -> bool:
        return any(fnmatch.fnmatchcase(relative_path, pattern) for pattern in self.ignore)


class CodePolicy(PolicySection):
    min_severity: Level
    min_confidence: Level
    timeout_seconds: float = Field(gt=0)


class ScorePolicy(PolicySection):
    default_weight: float = Field(ge=0)
    weights: dict[str, Annotated[float, Field(ge=0)]]
    warning_below: float = Field(ge=0, le=100)
    critical_below: float = Field(ge=0, le=100)

    def weight(self, check_id: str) -> float:
        return self.weights.get(check_id, self.default_weight)


class SecurityPolicy(PolicySection):
    """The whole policy of one host."""

    network: NetworkPolicy
    firewall: FirewallPolicy
    ssh: SshPolicy
    antivirus: AntivirusPolicy
    updates: UpdatesPolicy
    web_files: WebFilesPolicy
    code: CodePolicy
    score: ScorePolicy


def merge(base: Any, change: Any) -> Any:
    """``base`` with the keys of ``change`` replacing its own; nested mappings merge."""
    if isinstance(base, dict) and isinstance(change, dict):
        merged = dict(base)
        for key, value in change.items():
            merged[key] = merge(base.get(key), value) if key in base else value
        return merged
    return change


@functools.cache
def baseline() -> dict[str, Any]:
    """The shipped ``checks/security.yaml`` as data; raises ConfigError if it is broken."""
    return _read_policy_file(checks_dir() / "security.yaml")


def _read_policy_file(path: Path) -> dict[str, Any]:
    try:
        data = bounded_yaml.load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read security policy {path}: {error}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a security policy is a mapping of sections (ssh:, ...)")
    return data


def validate(data: dict[str, Any], where: str) -> SecurityPolicy:
    """A SecurityPolicy from merged data; raises ConfigError listing every problem with its path."""
    try:
        return SecurityPolicy.model_validate(data)
    except ValidationError as error:
        raise ConfigError(
            f"{where}: the security policy is not valid",
            details=[f"{_dotted(path)}: {message}" for path, message in _problems(error)],
        ) from None


def override_problems(raw: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Problems in the overrides of a raw opskit.yaml (``security.policy``, ``hosts[].security``).

    Each override is merged over the baseline and checked, so an unknown
    key or a wrong type is reported at its place in opskit.yaml.
    """
    places: list[tuple[tuple[str | int, ...], Any]] = []
    security = raw.get("security")
    if isinstance(security, dict) and security.get("policy") is not None:
        places.append((("security", "policy"), security["policy"]))
    hosts = raw.get("hosts")
    for index, host in enumerate(hosts if isinstance(hosts, list) else []):
        if isinstance(host, dict) and host.get("security") is not None:
            places.append((("hosts", index, "security"), host["security"]))
    for location, change in places:
        if not isinstance(change, dict):
            yield location, "must be a mapping of policy sections (ssh:, network: ...)"
            continue
        try:
            SecurityPolicy.model_validate(merge(baseline(), change))
        except ValidationError as error:
            for path, message in _problems(error):
                yield (*location, *path), message


def _problems(error: ValidationError) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for item in error.errors():
        path = tuple(part for part in item["loc"] if isinstance(part, int | str))
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = f"unknown key (allowed: {', '.join(sorted(_allowed_keys(path[:-1])))})"
        elif item["type"] == "missing":
            message = "required key is missing"
        yield path, message


def _dotted(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(
        "."
    )


def _allowed_keys(path: tuple[str | int, ...]) -> list[str]:
    model: type[BaseModel] = SecurityPolicy
    for part in path:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


class PolicyBook:
    """The effective policy of each host: baseline, policy file, config, host overrides."""

    def __init__(self, common: dict[str, Any], where: str) -> None:
        self.common = common
        self.where = where
        self.default = validate(common, where)

    @classmethod
    def from_config(cls, config: Any) -> PolicyBook:
        data = baseline()
        where = str(checks_dir() / "security.yaml")
        security = config.security
        if security.policy_file is not None:
            data = merge(data, _read_policy_file(security.policy_file))
            where = str(security.policy_file)
        if security.policy:
            data = merge(data, security.policy)
            where = f"{config.source or 'opskit.yaml'}: security.policy"
        return cls(data, where)

    def for_host(self, host: Any) -> SecurityPolicy:
        change = getattr(host, "security", None)
        if not change:
            return self.default
        return validate(merge(self.common, change), f"hosts.{host.name}.security")
