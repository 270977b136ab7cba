"""Apache (2.2, 2.4) and nginx error logs: failed logins, refusals, rate limits, missing files.

Error logs record what access logs do not: which user name failed basic
auth, that a request was denied by the configuration, that nginx limited a
client, that a probed script does not exist. Each such line becomes an event
for the error rules (``match: {error: [auth]}``), keyed on the client
address, so its findings join the access log's for the same address. Error
logs are small next to access logs: they are read line by line.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, tzinfo

from opskit.logs.chunk import ChunkReport, Event
from opskit.logs.rules import Rule, event_rules

APACHE = re.compile(
    r"^\[(?P<time>[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]?[0-9] [0-9:]{8}(?:\.[0-9]+)? [0-9]{4})\] "
    r"\[(?P<level>[^\]]*)\](?: \[pid [^\]]*\])?(?: \[client (?P<client>[^\]]+)\])? (?P<message>.*)$"
)
NGINX = re.compile(
    r"^(?P<time>[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}) \[(?P<level>[a-z]+)\] "
    r"[0-9]+#[0-9]+: (?:\*[0-9]+ )?(?P<message>.*?)(?:, client: (?P<client>[^,]+)(?P<rest>,.*)?)?$"
)
# What a message says happened; the first that matches wins.
KINDS = (
    ("auth", re.compile(
        r"password mismatch|authentication failure|user .{0,80} not found|was not found in \"|"
        r"AH0161[78]|AH01614|AH01807", re.IGNORECASE)),
    ("denied", re.compile(
        r"client denied by server configuration|access forbidden by rule|AH01630|AH01797|"
        r"AH01276|directory index of .{0,200} is forbidden", re.IGNORECASE)),
    ("limit", re.compile(r"limiting (requests|connections)|AH10064|mod_evasive|mod_qos",
                         re.IGNORECASE)),
    ("missing", re.compile(
        r"File does not exist|script not found or unable to stat|Primary script unknown|"
        r"No such file or directory|AH00128|AH01264|AH01071|AH02811", re.IGNORECASE)),
)  # fmt: skip
ERROR_KINDS = tuple(name for name, _ in KINDS)
TARGET = re.compile(
    r'request: "(?:[A-Z]+ )?(?P<request>[^ "]+)|open\(\) "(?P<open>[^"]+)"|'
    r"(?:File does not exist|unable to stat|not found): (?P<file>[^ ,]+)|"
    r'for "(?P<uri>[^"]+)"'
)
APACHE_TIMES = ("%a %b %d %H:%M:%S.%f %Y", "%a %b %d %H:%M:%S %Y")
NGINX_TIME = "%Y/%m/%d %H:%M:%S"


def is_error_line(text: str) -> bool:
    """Whether ``text`` is a line of an Apache or nginx error log."""
    return bool(APACHE.match(text) or NGINX.match(text))


def client_address(text: str) -> str:
    """The address of ``192.0.2.1:54321``, ``[2001:db8::1]:443`` or ``2001:db8::1``."""
    text = text.strip()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    try:
        ipaddress.ip_address(text)
    except ValueError:
        host, _, port = text.rpartition(":")
        return host if host and port.isdigit() else text
    return text


def error_time(text: str, zone: tzinfo) -> float | None:
    """Epoch seconds of an Apache or nginx error-log time (they carry no zone: ``zone``)."""
    key = (text, zone)
    if key not in _TIMES:
        if len(_TIMES) > TIME_CACHE_LIMIT:
            _TIMES.clear()
        _TIMES[key] = _error_time(text, zone)
    return _TIMES[key]


_TIMES: dict[tuple[str, tzinfo], float | None] = {}
TIME_CACHE_LIMIT = 50_000


def _error_time(text: str, zone: tzinfo) -> float | None:
    if text[4:5] == "/":
        patterns: tuple[str, ...] = (NGINX_TIME,)
    else:
        patterns = APACHE_TIMES if "." in text else APACHE_TIMES[1:]
    for pattern in patterns:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=zone).timestamp()
        except ValueError:
            continue
    return None


def scan_error_log(data: bytes, rules: list[Rule], zone: tzinfo) -> ChunkReport:
    """The events of an error log's lines for the window rules that match error kinds."""
    window_rules = event_rules(rules)
    bits = {
        kind: sum(1 << index for index, rule in enumerate(window_rules) if kind in rule.errors)
        for kind in ERROR_KINDS
    }
    report = ChunkReport()
    for raw in data.split(b"\n"):
        text = raw.decode("utf-8", "replace").rstrip("\r")
        if not text.strip():
            continue
        report.lines += 1
        match = APACHE.match(text) or NGINX.match(text)
        epoch = error_time(match.group("time"), zone) if match else None
        if match is None or epoch is None:
            report.malformed += 1
            continue
        report.parsed += 1
        report.first_epoch = min(report.first_epoch or epoch, epoch)
        report.last_epoch = max(report.last_epoch or epoch, epoch)
        client = match.group("client")
        message = match.group("message")
        kind = next((name for name, pattern in KINDS if pattern.search(message)), None)
        if client is None or kind is None or not bits[kind]:
            continue
        address = client_address(client)
        report.clients[address] += 1
        found = TARGET.search(text)
        target = next((value for value in found.groups() if value), "") if found else ""
        report.events.append(
            Event(epoch=epoch, client=address, rules=bits[kind], escalate=0, status=0,
                  path=(target or message)[:500], line=text[:400], tag=kind)
        )  # fmt: skip
    return report
