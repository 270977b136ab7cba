"""The commented sample ``opskit.yaml``, generated from the schema.

Every key is preceded by its description. Keys with an example get it as
their value; keys with a default are shown commented out with that
default; ``commented_examples`` (an SSH host, a Telegram channel) are
shown commented out so the file validates as written.
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from opskit.config.load import _inner_model
from opskit.config.schema import Config, field_extra

WIDTH = 88

HEADER = """\
# opskit configuration.
#
# Check it with `opskit config validate`; see the effective values (secrets
# masked) with `opskit config show`. Secrets never go in this file: use a
# *_file key (a file with mode 0600), a *_env key (an environment variable),
# or ${VAR} interpolation.
"""


def sample_config(overrides: dict[str, Any] | None = None) -> str:
    """The sample config text; ``overrides`` replace top-level examples (e.g. for the demo)."""
    lines = HEADER.splitlines()
    lines.append("")
    lines += _model_lines(Config, overrides or {}, indent=0, top=True)
    return "\n".join(lines).rstrip() + "\n"


def _model_lines(
    model: type[BaseModel],
    values: dict[str, Any],
    indent: int,
    *,
    top: bool = False,
    only_given: bool = False,
    comments: bool = True,
) -> list[str]:
    lines: list[str] = []
    for name, field in model.model_fields.items():
        if only_given and name not in values:
            continue
        block = _field_lines(name, field, model, values, indent=indent, comments=comments)
        if top and lines:
            lines.append("")
        lines += block
    return lines


def _field_lines(
    name: str,
    field: FieldInfo,
    model: type[BaseModel],
    values: dict[str, Any],
    *,
    indent: int,
    comments: bool = True,
) -> list[str]:
    pad = " " * indent
    lines = _comment(field.description or "", pad) if comments else []
    nested = _inner_model(field.annotation)
    is_list = _is_list(field)
    extra = field_extra(model, name)
    if name in values:
        value, given = values[name], True
    elif field.examples:
        value, given = field.examples[0], True
    else:
        value, given = None, False

    if nested is not None and is_list:
        return lines + _list_lines(name, nested, value if given else [], extra, pad)
    if nested is not None:
        inner = _model_lines(nested, value if isinstance(value, dict) else {}, indent + 2)
        return [*lines, f"{pad}{name}:", *inner]
    if given:
        return [*lines, f"{pad}{name}: {_scalar(value)}"]
    return lines + _default_lines(name, field, extra, pad)


def _list_lines(
    name: str, model: type[BaseModel], items: list[dict[str, Any]], extra: dict[str, Any], pad: str
) -> list[str]:
    # An example given as YAML text is read only here, when a sample is written.
    commented = [
        yaml.safe_load(example) if isinstance(example, str) else example
        for example in extra.get("commented_examples", [])
    ]
    if not items and not commented:
        return [f"{pad}{name}: []"]
    lines = [f"{pad}{name}:" if items else f"{pad}{name}: []"]
    indent = len(pad)
    for position, item in enumerate(items):
        lines += _list_item(model, item, indent + 2, comments=position == 0)
    return lines + _commented_items(model, commented, pad, after_items=bool(items))


def _default_lines(name: str, field: FieldInfo, extra: dict[str, Any], pad: str) -> list[str]:
    """A commented-out key showing its default (a dict default as a commented block)."""
    default = field.get_default(call_default_factory=True)
    if default is None and "shown_default" in extra:
        default = extra["shown_default"]
    if default is PydanticUndefined or default is None:
        return [f"{pad}# {name}:"]
    if isinstance(default, dict) and default:
        return [
            f"{pad}# {name}:",
            *(f"{pad}#   {key}: {_scalar(value)}" for key, value in default.items()),
        ]
    return [f"{pad}# {name}: {_scalar(default)}"]


def _commented_items(
    model: type[BaseModel], commented: list[dict[str, Any]], pad: str, *, after_items: bool
) -> list[str]:
    if not commented:
        return []
    lines = [
        f"{pad}  # More examples:"
        if after_items
        else f"{pad}  # For example (remove the [] above when you add one):"
    ]
    for item in commented:
        lines += [
            f"{pad}  # {text}" if text.strip() else "" for text in _list_item_text(model, item)
        ]
    return lines


def _list_item(
    model: type[BaseModel], item: dict[str, Any], indent: int, comments: bool
) -> list[str]:
    lines = _model_lines(model, item, indent + 2, only_given=True, comments=comments)
    # The first key line takes the "- " marker; comments above it move out to the marker.
    for index, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            lines[index] = " " * indent + line.lstrip()
        else:
            lines[index] = " " * indent + "- " + line[indent + 2 :]
            break
    return lines


def _list_item_text(model: type[BaseModel], item: dict[str, Any]) -> list[str]:
    return _list_item(model, item, 0, comments=False)


def _is_list(field: FieldInfo) -> bool:
    import typing

    return typing.get_origin(field.annotation) is list


def _scalar(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _comment(text: str, pad: str) -> list[str]:
    if not text:
        return []
    return [f"{pad}# {line}" for line in textwrap.wrap(text, WIDTH - len(pad) - 2)]
