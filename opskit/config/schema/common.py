"""Types, validators and the base model every section of the config shares."""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from opskit.config.secrets import check_secret_file

T = TypeVar("T")

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"


ENV_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    """Relative paths are relative to the config file's directory."""
    value = value.expanduser()
    base = (info.context or {}).get("base_dir")
    if not value.is_absolute() and base is not None:
        value = Path(base) / value
    return value


def _note(info: ValidationInfo, kind: str, what: str) -> None:
    """Note a fact of this machine that validation relied on, where the caller asked for them.

    ``config.snapshot`` keeps a validated config only with these, and checks each again
    before it trusts the config kept: a secret file's mode, an image, a time zone can change
    while the config's bytes do not.
    """
    facts = (info.context or {}).get("facts")
    if facts is not None:
        facts.append((kind, what))


IMAGE_TYPES = (".png", ".svg")


def _image_file(value: Path, info: ValidationInfo) -> Path:
    value = _resolve_path(value, info)
    if value.suffix.lower() not in IMAGE_TYPES:
        raise ValueError("must be a .png or .svg image")
    if not value.is_file():
        raise ValueError(f"no image file at {value}")
    _note(info, "image", str(value))
    return value


def _secret_file(value: Path, info: ValidationInfo) -> Path:
    value = _resolve_path(value, info)
    problem = check_secret_file(value)
    if problem:
        raise ValueError(problem)
    _note(info, "secret", str(value))
    return value


def _not_a_boolean(value: object) -> object:
    """YAML reads ``yes``/``true`` as booleans, which would otherwise pass as port 1."""
    if isinstance(value, bool):
        raise ValueError("a port number is needed, not true/false")
    return value


def _timezone(value: str, info: ValidationInfo) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (for example Asia/Makassar)") from None
    _note(info, "zone", value)
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not a valid http(s) URL (for example https://www.pa-penajam.go.id/)")
    if parts.password:
        raise ValueError("a password in a URL is a secret in the file; use ${VAR} interpolation")
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("not a valid e-mail address")
    return value


ConfigPath = Annotated[Path, AfterValidator(_resolve_path)]


SecretFile = Annotated[Path, AfterValidator(_secret_file)]


ImageFile = Annotated[Path, AfterValidator(_image_file)]


Port = Annotated[int, BeforeValidator(_not_a_boolean), Field(ge=1, le=65535)]


EnvName = Annotated[str, Field(pattern=ENV_PATTERN)]


Name = Annotated[str, Field(pattern=NAME_PATTERN)]


TimeZone = Annotated[str, AfterValidator(_timezone)]


HttpUrl = Annotated[str, AfterValidator(_http_url)]


Email = Annotated[str, AfterValidator(_email)]


Percent = Annotated[float, Field(gt=0, le=100)]


Seconds = Annotated[float, Field(gt=0, le=86400)]


class Section(BaseModel):
    """Base of every config section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """A key written with no value (``security:``) takes its default."""
        if not isinstance(data, dict) or None not in data.values():
            return data  # nothing to drop: most of a thousand sites' models
        return {
            key: value
            for key, value in data.items()
            if not (
                value is None
                and key in cls.model_fields
                and not cls.model_fields[key].is_required()
                and cls.model_fields[key].get_default(call_default_factory=True) is not None
            )
        }

    def _one_secret(self, stem: str, *, required: bool = False) -> None:
        given = [
            name for name in (f"{stem}_file", f"{stem}_env") if getattr(self, name) is not None
        ]
        if len(given) > 1:
            raise ValueError(f"give either {stem}_file or {stem}_env, not both")
        if required and not given:
            raise ValueError(f"{stem}_file or {stem}_env is required")


def shared_default(model: Callable[[], T]) -> Callable[[], T]:
    """A ``default_factory`` that makes its default once: the models are frozen, so every
    site (of a thousand) can share its unset sub-sections instead of validating its own."""
    return functools.cache(model)


Days = Annotated[float, Field(ge=0, le=3650)]


Milliseconds = Annotated[int, Field(gt=0, le=600_000)]


def split_address(value: str, default_port: int) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address as (host, port).

    Raises ValueError when the port is not a number from 1 to 65535.
    """
    text = value.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host:
        raise ValueError("an address is needed, e.g. 192.0.2.53 or 192.0.2.53:5353")
    if not port_text:
        return host, default_port
    if not (port_text.isdigit() and 0 < int(port_text) < 65536):
        raise ValueError(f"{value!r}: the port must be a number from 1 to 65535")
    return host, int(port_text)


def _server_address(value: str) -> str:
    split_address(value, 0)
    return value


ServerAddress = Annotated[str, AfterValidator(_server_address)]


def _ip_server_address(value: str) -> str:
    """DNS servers are asked by address: a name here would fail only when a query is sent."""
    import ipaddress

    host, _ = split_address(value, 0)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address (ip or ip:port)") from None
    return value


def _ip_address(value: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address") from None
    return value


# A DNS server as ip or ip:port ([v6]:port), and one as a bare ip (its port set apart).
IpServerAddress = Annotated[str, AfterValidator(_ip_server_address)]


IpAddress = Annotated[str, AfterValidator(_ip_address)]


def field_extra(model: type[BaseModel], name: str) -> dict[str, Any]:
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}
