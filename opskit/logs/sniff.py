"""Finding a log's format from its first readable lines, so the admin need not name it.

Each candidate layout is tried on up to SNIFF_LINES lines; the one that reads
the most wins. What was found is said in the output (with the time zone used
when the times carry none); an explicit ``--log-format`` skips this.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from opskit.logs.errorlog import is_error_line
from opskit.logs.formats import CLF_LINE, LogFormat, clf_format
from opskit.text import Message

SNIFF_LINES = 200
CLF = re.compile(CLF_LINE)
SYSLOG_START = re.compile(r"^(?:<[0-9]{1,3}>)?(?:[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}|[0-9]{4}-)")
ZONED_TIME = re.compile(r"(?:[+-][0-9]{2}:?[0-9]{2}|Z)$")
# JSON access logs: which keys name each field, per server (first found wins).
JSON_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "client": (
        ("remote_addr",), ("client_ip",), ("ClientHost",), ("request", "client_ip"),
        ("request", "remote_ip"), ("ip",), ("remote_ip",),
    ),
    "time": (
        ("time_local",), ("time_iso8601",), ("StartUTC",), ("StartLocal",), ("ts",),
        ("@timestamp",), ("timestamp",), ("time",),
    ),
    "request": (("request",),),
    "method": (("request_method",), ("RequestMethod",), ("request", "method"), ("method",)),
    "path": (("request_uri",), ("RequestPath",), ("request", "uri"), ("uri",)),
    "protocol": (("server_protocol",), ("RequestProtocol",), ("request", "proto")),
    "status": (("status",), ("DownstreamStatus",), ("OriginStatus",)),
    "referer": (
        ("http_referer",), ("referer",), ("request_Referer",), ("request", "headers", "Referer"),
    ),
    "agent": (
        ("http_user_agent",), ("user_agent",), ("request_User-Agent",),
        ("request", "headers", "User-Agent"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Sniffed:
    """The format found, and how many of the sampled lines it read."""

    log_format: LogFormat | None
    read: int
    sampled: int
    hint: str = ""


def sniff(lines: list[bytes]) -> Sniffed:
    """The format of the first readable ``lines`` (None if no known layout reads them)."""
    texts = [line.decode("utf-8", "replace").rstrip("\r") for line in lines if line.strip()]
    texts = texts[:SNIFF_LINES]
    if not texts:
        return Sniffed(None, 0, 0)
    candidates = [_clf(texts), _json(texts), _error(texts)]
    best = max(candidates, key=lambda item: item.read)
    if not best.read:
        return Sniffed(None, 0, len(texts), hint=looks_like(texts[0]))
    return best


def _clf(texts: list[str]) -> Sniffed:
    layouts: Counter[tuple[int, str, bool]] = Counter()
    for text in texts:
        match = CLF.match(_unwrapped(text))
        if match is None:
            continue
        quotes = 6 if match.group("agent") is not None else 2
        prefix = "syslog" if SYSLOG_START.match(text) and text[:1] != '"' else ""
        prefix = prefix or ("vhost" if match.group("vhost") else "")
        layouts[(quotes, prefix, bool(ZONED_TIME.search(match.group("time"))))] += 1
    if not layouts:
        return Sniffed(None, 0, len(texts))
    (quotes, prefix, zone), _ = layouts.most_common(1)[0]
    name = "combined" if quotes == 6 else "common"
    words = {"vhost": f"{name} with virtual host", "syslog": f"{name} with syslog prefix"}
    label = words.get(prefix, name) + ("" if zone else ", times without zone")
    return Sniffed(clf_format(quotes, prefix, zone, label), sum(layouts.values()), len(texts))


def _unwrapped(text: str) -> str:
    """A line some exporters wrapped in quotes, without them."""
    if text.startswith('"') and text.endswith('""'):
        return text[1:-1]
    return text


def _json(texts: list[str]) -> Sniffed:
    paths: dict[str, tuple[str, ...]] = {}
    read = 0
    for text in texts:
        if not text.startswith("{"):
            continue
        try:
            record = json.loads(text)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        found = {name: _first_path(record, options) for name, options in JSON_KEYS.items()}
        if found["client"] and found["time"] and found["status"]:
            read += 1
            for name, path in found.items():
                if path and name not in paths:
                    paths[name] = path
    if not read or not (paths.get("request") or paths.get("path")):
        return Sniffed(None, 0, len(texts))
    server = "Caddy" if paths["client"][0] == "request" else "Traefik"
    if paths["client"] == ("remote_addr",):
        server = "nginx"
    log_format = LogFormat(
        name="json",
        source="json",
        pattern="",
        kind="json",
        json_fields=tuple(paths.items()),
        label=f"JSON lines ({server})",
    )
    return Sniffed(log_format, read, len(texts))


def _first_path(record: dict[str, object], options: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    for path in options:
        value = _get(record, path)
        if value is not None and not isinstance(value, dict):
            return path
    return ()


def _get(record: object, path: tuple[str, ...]) -> object:
    for key in path:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def _error(texts: list[str]) -> Sniffed:
    read = sum(1 for text in texts if is_error_line(text))
    if not read:
        return Sniffed(None, 0, len(texts))
    log_format = LogFormat(name="error", source="error", pattern="", kind="error",
                           zone=False, label="Apache/nginx error log")  # fmt: skip
    return Sniffed(log_format, read, len(texts))


def looks_like(text: str) -> Message:
    """What an unreadable line looks like, and the option that would read it."""
    if text.startswith("{"):
        return Message("logs.looks.json")
    if '"' in text and "[" in text:
        return Message("logs.looks.custom")
    return Message("logs.looks.other")
