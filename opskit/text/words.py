"""Messages, and the words that say them in Bahasa Indonesia (default) or English.

A finding is not a sentence but ``Message("fw.active.none")`` or
``Message("web.tls.expires", days=12, date=...)``: a catalogue id with
parameters. Every edge (terminal, document, mail, console) says it in its
reader's language through ``Words.say``. A Message is also a ``str`` holding
its English text, so logs, the JSON ``summary`` and code that treats a
summary as text keep working.

Parameters are plain data (text, numbers, booleans, dates and times, other
messages, lists of these, or a text given in each language as
``{"id": ..., "en": ...}``), so a message is stored as JSON and said again
later, in either language, exactly as it was found.

Templates are ``str.format`` text with typed fields: ``{count:n}`` a whole
number, ``{share:pct}``, ``{when:datetime}``, ``{size:bytes}``,
``{seconds:dur}``, ``{files:count:file|files}`` ("3 files"; one form in
Indonesian), ``{names:and}`` ("a, b dan c"), ``{names:first:5}`` ("a, b ...
dan 3 lainnya"), ``{phrase:q}`` (“phrase”, 'phrase' in English),
``{host:target}`` ("server ini" for ``local``), ``{part:cap}`` (first letter
upper case).
"""

from __future__ import annotations

import functools
import json
import string
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from opskit.masking import mask_data
from opskit.text.catalogue import lookup
from opskit.text.forms import LANGUAGES, Forms

LOCAL_HOST = "local"


class Message(str):
    """A catalogue id with parameters; its ``str`` value is the English text."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> Message:
        clean = {name: _clean(value, f"{key}.{name}") for name, value in params.items()}
        self = super().__new__(cls, english().text(key, clean))
        self.key = key
        self.params = clean
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.key, self.params))

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.params!r})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"id": ..., "params": {...}}``, dates as ``{"iso": ...}``."""
        return {
            "id": self.key,
            "params": {name: _plain(value) for name, value in self.params.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        params = data.get("params") or {}
        return cls(str(data["id"]), **{name: _revive(value) for name, value in params.items()})


def message_from(data: Any) -> Message | None:
    """A stored message (its dict, or JSON text of it), or None when there is none."""
    if data is None or data == "":
        return None
    if isinstance(data, str):
        data = json.loads(data)
    return Message.from_dict(data) if isinstance(data, dict) and "id" in data else None


def message_json(value: object) -> str | None:
    """The JSON to store for a summary (secrets masked): its message, or None for plain text."""
    if not isinstance(value, Message):
        return None
    return json.dumps(mask_data(value.to_dict()), ensure_ascii=False)


def _rebuild(key: str, params: dict[str, Any]) -> Message:
    return Message(key, **params)


def _clean(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (Message, bool, int, float, datetime, date)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_clean(item, where) for item in value]
    if isinstance(value, dict) and value and set(value) <= set(LANGUAGES):
        return {language: str(text) for language, text in value.items()}
    raise TypeError(f"message parameter {where}: {type(value).__name__} is not plain data")


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, (datetime, date)):
        return {"iso": value.isoformat()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {"lang": value}
    return value


def _revive(value: Any) -> Any:
    if isinstance(value, dict) and "id" in value:
        return Message.from_dict(value)
    if isinstance(value, dict) and isinstance(value.get("lang"), dict):
        return dict(value["lang"])
    if isinstance(value, dict) and "iso" in value:
        text = str(value["iso"])
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    if isinstance(value, list):
        return [_revive(item) for item in value]
    return value


class _Formatter(string.Formatter):
    """``str.format`` whose fields are said by ``Words.form`` (typed specs, messages, lists)."""

    def __init__(self, words: Words) -> None:
        self.words = words

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), "-")

    def format_field(self, value: Any, format_spec: str) -> str:
        return self.words.form(value, format_spec)


class Words(Forms):
    """The texts, dates and numbers of one language and time zone."""

    def __init__(self, language: str, zone: tzinfo) -> None:
        super().__init__(language, zone)
        self._formatter = _Formatter(self)

    def __call__(self, key: str, **values: Any) -> str:
        """The text at dotted ``key`` with its ``{fields}`` filled."""
        return self.text(key, values)

    def text(self, key: str, values: Mapping[str, Any]) -> str:
        template = lookup(self.language, key)
        if template is None:
            template = lookup("en", key)
        if template is None:
            raise KeyError(f"no text {key!r} in the catalogue")
        if not values and "{" not in template:
            return template
        return self._formatter.vformat(template, (), values)

    def say(self, value: Any) -> str:
        """Anything people read, in this language: a Message, a list of them, or plain text."""
        return self.form(value, "")

    def sentence(self, value: Any) -> str:
        """``say`` with the first letter upper case: a finding shown on its own."""
        said = self.say(value)
        return said[:1].upper() + said[1:]

    def form(self, value: Any, spec: str = "") -> str:
        """``value`` written as ``spec`` asks (see the module docstring)."""
        kind, _, argument = spec.partition(":")
        if isinstance(value, list):
            return self._list(value, kind, argument)
        if kind == "cap":
            said = self.say(value)
            return said[:1].upper() + said[1:]
        special = _SPECS.get(kind)
        if special is not None and value is not None and not isinstance(value, (Message, dict)):
            return str(special(self, value, argument))
        return self._plain(value)

    def _plain(self, value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, Message):
            return self.text(value.key, value.params)
        if isinstance(value, dict):  # the caller's own text in each language
            return str(value.get(self.language) or value.get("en") or "")
        if isinstance(value, bool):
            return self("words.yes" if value else "words.no")
        return self._scalar(value)

    def _scalar(self, value: Any) -> str:
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else self.number(value, 1)
        if isinstance(value, datetime):
            return self.datetime(value)
        if isinstance(value, date):
            return self.date(value)
        return str(value)

    def _list(self, items: list[Any], kind: str, argument: str) -> str:
        said = [self.say(item) for item in items]
        if kind in ("qand", "qor"):  # each item quoted: values of a setting, not words
            said = [self("words.quote", text=item) for item in said]
            kind = kind[1:]
        if kind == "first":
            shown = int(argument or 5)
            if len(said) > shown:
                return self("words.and_more", items=", ".join(said[:shown]), more=len(said) - shown)
            return ", ".join(said)
        if kind in ("and", "or") and len(said) > 1:
            return self(f"words.{kind}", items=", ".join(said[:-1]), last=said[-1])
        separator = {"semi": "; ", "lines": "\n"}.get(kind, ", ")
        return separator.join(said)

    def status(self, status: str) -> str:
        return self(f"status.{status}")

    def role(self, role: str) -> str:
        return self(f"roles.{role}")

    def target(self, target: str) -> str:
        """A target as people name it: ``local`` is "server ini" / "this machine"."""
        if target == LOCAL_HOST:
            return self("words.local")
        if target.startswith(f"{LOCAL_HOST}:"):
            return self("words.on_local", what=target[len(LOCAL_HOST) + 1 :])
        return target


def _moment(value: Any) -> Any:
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value


def _count(words: Words, value: Any, argument: str) -> str:
    one, _, many = argument.partition("|")
    noun = one if (value == 1 or not many) else many
    return f"{words.count(float(value))} {noun}".rstrip()


_SPECS: dict[str, Any] = {
    "n": lambda words, value, _: words.count(float(value)),
    "n0": lambda words, value, _: words.number(float(value), 0),
    "n1": lambda words, value, _: words.number(float(value), 1),
    "n2": lambda words, value, _: words.number(float(value), 2),
    "pct": lambda words, value, _: words.percent(float(value), 1),
    "pct0": lambda words, value, _: words.percent(float(value), 0),
    "date": lambda words, value, _: words.date(_moment(value)),
    "datetime": lambda words, value, _: words.datetime(_moment(value)),
    "time": lambda words, value, _: words.time(_moment(value)),
    "day": lambda words, value, _: words.weekday_date(_moment(value)),
    "dur": lambda words, value, _: words.duration(float(value)),
    "span": lambda words, value, _: words.span(float(value)),
    "bytes": lambda words, value, _: words.size(float(value)),
    "count": _count,
    "plural": lambda words, value, argument: _count(words, value, argument).split(" ", 1)[-1],
    "q": lambda words, value, _: words("words.quote", text=words._plain(value)),
    "target": lambda words, value, _: words.target(str(value)),
    "status": lambda words, value, _: words.status(str(value)),
}


@functools.cache
def english() -> Words:
    """The English words, in UTC: the ``str`` text of every Message."""
    return Words("en", UTC)
