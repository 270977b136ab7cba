"""Log formats: the layouts opskit recognises by itself, and the admin's own format strings.

A format tells the reader how to cut a line into the fields every detection
uses: client, time, request, status, referer, user agent. The common layouts
(combined, common, a virtual host in front with or without its port, a
syslog prefix in front of any of them) share one general pattern and a fast
path that splits lines on their quotes; an nginx ``log_format`` or Apache
``LogFormat`` string compiles to its own pattern; JSON lines name their
fields. Patterns are written in the syntax shared by Python's ``re`` and the
Rust engine the reader runs them in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from opskit.errors import UsageError

PRESETS = {
    "combined": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent"',
    "common": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
    "vhost_combined": '$host:$server_port $remote_addr - $remote_user [$time_local] "$request" '
    '$status $body_bytes_sent "$http_referer" "$http_user_agent"',
}
AUTO = "auto"
FIELDS = ("client", "time", "request", "method", "path", "status", "referer", "agent")

# Escape-aware text inside double quotes (Apache writes \", nginx \x22).
QUOTED = r'[^"\\\n]*(?:\\.[^"\\\n]*)*'
WORD = r"[^ \n]*"
# A syslog prefix: an optional priority, a BSD or ISO time, the host and the program.
SYSLOG = (
    r"(?:<[0-9]{1,3}>)?(?:[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+) [^ ]+ [^ :]+: "
)
# Every layout of the combined family: syslog prefix, virtual host (with or without its
# port), client, identity, user, [time], "request", status, size, then "referer" "agent".
CLF_LINE = (
    r"^(?:" + SYSLOG + r")?(?:(?P<vhost>[^ \"]+) )?(?P<client>[^ \"]+) [^ ]+ "
    r'(?:[^ "]+|"[^"]*") \[(?P<time>[^\]\n]+)\] "(?P<request>' + QUOTED + r')" '
    r"(?P<status>[0-9]{3}) [^ ]+"
    r'(?: "(?P<referer>' + QUOTED + r')" "(?P<agent>' + QUOTED + r')")?'
)
TIME_LOCAL = (("time",), r"([^\]\n]*)")
NGINX = {
    "remote_addr": (("client",), r"([^ \n]+)"),
    "realip_remote_addr": (("client",), r"([^ \n]+)"),
    "http_x_forwarded_for": (("client",), r'([^ \n,"]+)[^ \n"]*'),
    "time_local": TIME_LOCAL,
    "time_iso8601": (("time",), r"([0-9T:.+Z-]{19,35})"),
    "request": (("request",), r"(" + QUOTED + r")"),
    "status": (("status",), r"([0-9][0-9][0-9])"),
    "http_referer": (("referer",), r"(" + QUOTED + r")"),
    "http_user_agent": (("agent",), r"(" + QUOTED + r")"),
    "request_method": (("method",), r"([A-Z]{1,20})"),
    "request_uri": (("path",), r'([^ \n"]*)'),
}
APACHE = {
    "h": NGINX["remote_addr"],
    "a": NGINX["remote_addr"],
    "{X-Forwarded-For}i": NGINX["http_x_forwarded_for"],
    "t": (("time",), r"\[([^\]\n]*)\]"),
    "r": NGINX["request"],
    "s": NGINX["status"],
    "{Referer}i": NGINX["http_referer"],
    "{User-Agent}i": NGINX["http_user_agent"],
    "{User-agent}i": NGINX["http_user_agent"],
    "m": NGINX["request_method"],
    "U": NGINX["request_uri"],
}
NGINX_VARIABLE = re.compile(r"\$(\{)?([a-z_][a-z0-9_]*)(?(1)\})")
APACHE_DIRECTIVE = re.compile(r"%(?:[<>]|!?[\d,]+)*(\{[^}]*\}[a-zA-Z]|>?[a-zA-Z%])")
MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
# The combined format as nginx and Apache write it.
COMBINED_SOURCES = (
    PRESETS["combined"],
    '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
    '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
)
COMMON_SOURCES = (PRESETS["common"], '%h %l %u %t "%r" %>s %b', '%h %l %u %t "%r" %>s %O')
# Characters that are special in a regular expression (both engines).
SPECIAL = re.compile(r"([\\.+*?()|\[\]{}^$#&\-~])")


@dataclass(frozen=True)
class LogFormat:
    """How to cut lines into fields.

    ``kind`` is ``clf`` (the combined family: split on quotes, the general
    pattern for the rest), ``regex`` (an admin's format string), ``json``
    (JSON lines; ``json_fields`` maps each field to its key path) or ``error``
    (an Apache or nginx error log). ``quotes`` is how many quotes a line of
    the fast path holds (6 combined, 2 common), ``prefix`` what stands before
    the client (``""``, ``vhost``, ``syslog``), ``zone`` whether times carry
    their zone. ``label`` says in words what was detected.
    """

    name: str
    source: str
    pattern: str
    kind: str = "regex"
    quotes: int = 0
    prefix: str = ""
    zone: bool = True
    json_fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    label: str = ""

    @property
    def described(self) -> str:
        return self.label or self.name


def clf_format(quotes: int = 6, prefix: str = "", zone: bool = True, label: str = "") -> LogFormat:
    """A layout of the combined family (``quotes``: 6 combined, 2 common)."""
    name = "combined" if quotes == 6 else "common"
    return LogFormat(
        name=name,
        source=PRESETS[name],
        pattern=CLF_LINE,
        kind="clf",
        quotes=quotes,
        prefix=prefix,
        zone=zone,
        label=label or name,
    )


@dataclass
class _Fragments:
    """The regex pieces of a format in order, and which named group holds each field."""

    parts: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    last_needed: int = 0


def compile_format(spec: str) -> LogFormat:
    """``auto``, a preset name or a format string; raises UsageError saying what is missing."""
    if spec == AUTO:
        return clf_format(label="auto")
    if spec == "error":
        return LogFormat(name="error", source="error", pattern="", kind="error", zone=False,
                         label="Apache/nginx error log")  # fmt: skip
    source = PRESETS.get(spec, spec)
    if source in COMBINED_SOURCES:
        return clf_format(6)
    if source in COMMON_SOURCES:
        return clf_format(2)
    if spec == "vhost_combined":
        return clf_format(6, prefix="vhost", label="vhost_combined")
    if "$" in source:
        pieces = _split(source, NGINX_VARIABLE, lambda match: match.group(2), NGINX)
    elif "%" in source:
        pieces = _split(source, APACHE_DIRECTIVE, lambda match: match.group(1), APACHE)
    else:
        known = ", ".join((AUTO, *PRESETS, "error"))
        raise UsageError(
            f"log format {spec!r} is neither a preset ({known}) nor an nginx/Apache format string"
        )
    fragments = _fragments(pieces)
    _require_fields(spec, fragments.names)
    end = min(fragments.last_needed + 1, len(fragments.parts))
    if end > fragments.last_needed and fragments.parts[end - 1].startswith("("):
        end = fragments.last_needed
    return LogFormat(
        name="custom", source=source, pattern="^" + "".join(fragments.parts[:end]), label="custom"
    )


def escape(text: str) -> str:
    """``text`` as a literal in a pattern both regex engines read the same way."""
    return SPECIAL.sub(r"\\\1", text)


def _fragments(pieces: list[tuple[str, tuple[tuple[str, ...], str] | None]]) -> _Fragments:
    found = _Fragments()
    previous_literal = ""
    for literal, variable in pieces:
        if literal:
            previous_literal = literal
            found.parts.append(escape(literal))
        if variable is None:
            continue
        names, fragment = variable
        if not names or any(name in found.names for name in names):
            # Unknown or repeated variables: text up to the closing quote, or one token.
            fragment = QUOTED if previous_literal.endswith('"') else WORD
            names = ()
        else:
            fragment = fragment.replace("(", f"(?P<{names[0]}>", 1)
        found.names.update(names)
        found.parts.append(fragment)
        if names:
            found.last_needed = len(found.parts)
    return found


def _require_fields(spec: str, names: set[str]) -> None:
    missing = [needed for needed in ("client", "time", "status") if needed not in names]
    if "request" not in names and "path" not in names:
        missing.append("request")
    if missing:
        raise UsageError(
            f"log format {spec!r} lacks {', '.join(missing)}: opskit needs the client address, "
            "the time ($time_local/%t or $time_iso8601), the request and the status"
        )


def _split(
    source: str,
    syntax: re.Pattern[str],
    variable_name: object,
    table: Mapping[str, tuple[tuple[str, ...], str]],
) -> list[tuple[str, tuple[tuple[str, ...], str] | None]]:
    """Literal text and the fragment of each variable after it, in order."""
    pieces: list[tuple[str, tuple[tuple[str, ...], str] | None]] = []
    position = 0
    for match in syntax.finditer(source):
        name = variable_name(match)  # type: ignore[operator]
        literal = source[position : match.start()]
        if name == "%":
            pieces.append((literal + "%", None))
        else:
            pieces.append((literal, table.get(name, ((), ""))))
        position = match.end()
    pieces.append((source[position:], None))
    return pieces


def parse_time(text: bytes) -> float | None:
    """Epoch seconds of ``06/May/2024:10:00:01 +0800`` or an ISO 8601 time; None if neither.

    Times without a zone are not read here (the reader gives them the configured zone).
    """
    try:
        if text[2:3] == b"/":
            return _local_time(text)
        moment = datetime.fromisoformat(text.decode("ascii").replace("Z", "+00:00"))
        if moment.tzinfo is None:
            return None
        return moment.timestamp()
    except (ValueError, KeyError, IndexError, UnicodeDecodeError):
        return None


def _local_time(text: bytes) -> float | None:
    if text[17:18] != b":":
        return None
    second, _, zone = text[18:].partition(b" ")
    seconds = float(second)
    if not 0 <= seconds < 61:
        return None
    start = _minute_start(text[:17], zone)
    return None if start is None else start + seconds


@functools.lru_cache(maxsize=4096)
def _minute_start(minute: bytes, zone: bytes) -> float | None:
    """Epoch seconds of ``06/May/2024:10:00`` in ``+0800``; None if either is not valid."""
    try:
        date, hour, minutes = minute.rsplit(b":", 2)
        if len(zone) != 5 or zone[:1] not in (b"+", b"-") or not zone[1:].isdigit():
            return None
        if not (0 <= int(hour) < 24 and 0 <= int(minutes) < 60):
            return None
        offset = int(zone[1:3]) * 3600 + int(zone[3:5]) * 60
        if zone[:1] == b"-":
            offset = -offset
        day, month, year = date.split(b"/")
        midnight = datetime(int(year), MONTHS[month.decode("ascii")], int(day), tzinfo=UTC)
        return midnight.timestamp() + int(hour) * 3600 + int(minutes) * 60 - offset
    except (ValueError, KeyError, UnicodeDecodeError):
        return None
