"""Log formats: ``combined``, ``common``, or the admin's own nginx ``log_format`` /
Apache ``LogFormat`` string, compiled to one bytes regular expression.

Every compiled format yields the same fields (client, time prefix and
seconds and zone, method, path, status, referer, user agent), so the scanner
does not care which server wrote the log. Times are ``$time_local`` /
``%t`` (``06/May/2024:10:00:01 +0800``) or ``$time_iso8601``; both carry
their zone, so log time is exact without knowing the server's timezone.
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

FIELDS = ("client", "time", "request", "method", "path", "status", "referer", "agent")

# Escape-aware text inside double quotes (Apache writes \", nginx \x22); never crosses a line.
QUOTED = rb'[^"\\\n]*(?:\\.[^"\\\n]*)*'
# The fast pattern uses plain classes, and ``.*`` for a last quoted field (the engine
# runs ``.*`` several times faster); lines it misses go through the robust pattern.
QUOTED_FAST = rb'[^"\n]*'
TOKEN = rb"[^ \n]*"
# Each variable: the fields its groups fill, and its regex. Patterns avoid \S, \d and
# small alternations: Python's regex engine is several times faster on plain classes.
TIME_LOCAL = (("time",), rb"([^\]\n]*)")
NGINX = {
    "remote_addr": (("client",), rb"([^ \n]+)"),
    "realip_remote_addr": (("client",), rb"([^ \n]+)"),
    "http_x_forwarded_for": (("client",), rb"([^ \n,\"]+)[^ \n\"]*"),
    "time_local": TIME_LOCAL,
    "time_iso8601": (("time",), rb"([0-9T:.+Z-]{19,35})"),
    "request": (("request",), rb"(" + QUOTED + rb")"),
    "status": (("status",), rb"([0-9][0-9][0-9])"),
    "http_referer": (("referer",), rb"(" + QUOTED + rb")"),
    "http_user_agent": (("agent",), rb"(" + QUOTED + rb")"),
    "request_method": (("method",), rb"([A-Z]{1,20})"),
    "request_uri": (("path",), rb"([^ \n\"]*)"),
}
APACHE = {
    "h": NGINX["remote_addr"],
    "a": NGINX["remote_addr"],
    "{X-Forwarded-For}i": NGINX["http_x_forwarded_for"],
    "t": (("time",), rb"\[([^\]\n]*)\]"),
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


# The combined format as nginx and Apache write it; logs in it can take the reader's shortcut.
COMBINED_SOURCES = (
    PRESETS["combined"],
    '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
    '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
)


@dataclass(frozen=True)
class LogFormat:
    """A compiled format: the line regex and which group holds each field.

    ``pattern`` runs over a chunk with a newline put in front of every line
    (``b"\\n" + chunk``): starting each match with a literal newline lets
    the engine jump from line to line instead of trying every position, and
    it stops after the last field opskit needs.
    """

    name: str
    source: str
    pattern: bytes
    robust_pattern: bytes
    groups: dict[str, int] = field(default_factory=dict)
    tail_field: str | None = None
    combined: bool = False

    def regex(self) -> re.Pattern[bytes]:
        return re.compile(self.pattern)

    def robust_regex(self) -> re.Pattern[bytes]:
        return re.compile(self.robust_pattern)


def cut_tail(value: bytes) -> bytes:
    """The last quoted field captured by ``.*``, without its closing quote and what follows."""
    match = TAIL.match(value)
    return match.group(1) if match else value


TAIL = re.compile(rb'((?:[^"\\]|\\.)*)"', re.DOTALL)


@dataclass
class _Fragments:
    """The regex pieces of a format in order, and which group holds each field."""

    parts: list[bytes] = field(default_factory=list)
    groups: dict[str, int] = field(default_factory=dict)
    count: int = 0
    last_needed: int = 0


def compile_format(spec: str) -> LogFormat:
    """A preset name or a format string; raises UsageError saying what is missing."""
    source = PRESETS.get(spec, spec)
    name = spec if spec in PRESETS else "custom"
    if "$" in source:
        pieces = _split(source, NGINX_VARIABLE, lambda match: match.group(2), NGINX)
    elif "%" in source:
        pieces = _split(source, APACHE_DIRECTIVE, lambda match: match.group(1), APACHE)
    else:
        known = ", ".join(PRESETS)
        raise UsageError(
            f"log format {spec!r} is neither a preset ({known}) nor an nginx/Apache format string"
        )
    fragments = _fragments(pieces)
    _require_fields(spec, fragments.groups)
    robust, fast, tail_field = _patterns(fragments)
    return LogFormat(
        name=name,
        source=source,
        pattern=fast,
        robust_pattern=robust,
        groups=fragments.groups,
        tail_field=tail_field,
        combined=source in COMBINED_SOURCES,
    )


def _fragments(pieces: list[tuple[str, tuple[tuple[str, ...], bytes] | None]]) -> _Fragments:
    found = _Fragments()
    previous_literal = b""
    for literal, variable in pieces:
        if literal:
            previous_literal = literal.encode()
            found.parts.append(re.escape(previous_literal))
        if variable is None:
            continue
        names, fragment = variable
        if not names or any(name in found.groups for name in names):
            # Unknown or repeated variables: text up to the closing quote, or one token.
            fragment = QUOTED if previous_literal.endswith(b'"') else TOKEN
            fragment = re.sub(rb"\((?!\?)", b"(?:", fragment)
            names = ()
        for position, field_name in enumerate(names):
            found.groups[field_name] = found.count + position + 1
        found.count += len(names)
        found.parts.append(fragment)
        if names:
            found.last_needed = len(found.parts)
    return found


def _require_fields(spec: str, groups: dict[str, int]) -> None:
    missing = [needed for needed in ("client", "time", "status") if needed not in groups]
    if "request" not in groups and "path" not in groups:
        missing.append("request")
    if missing:
        raise UsageError(
            f"log format {spec!r} lacks {', '.join(missing)}: opskit needs the client address, "
            "the time ($time_local/%t or $time_iso8601), the request and the status"
        )


def _patterns(fragments: _Fragments) -> tuple[bytes, bytes, str | None]:
    """The robust pattern, the fast one, and the field the fast one reads with ``.*``."""
    parts, last_needed = fragments.parts, fragments.last_needed
    # The robust pattern includes the literal after the last field (a closing quote).
    end = min(last_needed + 1, len(parts))
    if end > last_needed and parts[end - 1].startswith(b"("):
        end = last_needed
    robust = rb"\n" + b"".join(parts[:end])
    fast = [part.replace(QUOTED, QUOTED_FAST) for part in parts[:last_needed]]
    tail_field = None
    if parts[last_needed - 1] == b"(" + QUOTED + b")":
        fast[-1] = b"(.*)"
        groups = fragments.groups
        tail_field = next(name for name, index in groups.items() if index == fragments.count)
    else:
        fast += parts[last_needed:end]
    return robust, rb"\n" + b"".join(fast), tail_field


def _split(
    source: str,
    syntax: re.Pattern[str],
    variable_name: object,
    table: Mapping[str, tuple[tuple[str, ...], bytes]],
) -> list[tuple[str, tuple[tuple[str, ...], bytes] | None]]:
    """Literal text and the fragment of each variable after it, in order."""
    pieces: list[tuple[str, tuple[tuple[str, ...], bytes] | None]] = []
    position = 0
    for match in syntax.finditer(source):
        name = variable_name(match)  # type: ignore[operator]
        literal = source[position : match.start()]
        if name == "%":
            pieces.append((literal + "%", None))
        else:
            pieces.append((literal, table.get(name, ((), b""))))
        position = match.end()
    pieces.append((source[position:], None))
    return pieces


def parse_time(text: bytes) -> float | None:
    """Epoch seconds of ``06/May/2024:10:00:01 +0800`` or an ISO 8601 time; None if neither."""
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
    """``06/May/2024:10:00:01 +0800``: the minute is worked out once, the seconds each time.

    Logs have many lines per second and seconds per minute, so this runs once
    per distinct second and the calendar arithmetic once per minute.
    """
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
        return _day_start(date) + int(hour) * 3600 + int(minutes) * 60 - offset
    except (ValueError, KeyError, UnicodeDecodeError):
        return None


@functools.lru_cache(maxsize=64)
def _day_start(date: bytes) -> float:
    """Epoch seconds of midnight UTC of ``06/May/2024``; ValueError or KeyError if not a day."""
    day, month, year = date.split(b"/")
    return datetime(int(year), MONTHS[month.decode("ascii")], int(day), tzinfo=UTC).timestamp()
