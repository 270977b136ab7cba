"""The benchmark's combined logs rewritten in the other layouts opskit finds by itself.

Each line of a combined log becomes the same request in another layout, so
every format is timed on the same traffic; and an nginx error log of the
same size is made from its failed requests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

LINE = re.compile(
    r'^(?P<client>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) '
    r'(?P<protocol>[^"]*)" (?P<status>\d{3}) (?P<size>\S+) "(?P<referer>[^"]*)" '
    r'"(?P<agent>[^"]*)"$'
)
CLF = "%d/%b/%Y:%H:%M:%S %z"


def _moment(text: str) -> datetime:
    return datetime.strptime(text, CLF)  # noqa: DTZ007 - CLF carries its zone (%z)


def _common(m: re.Match[str]) -> str:
    return m.group(0).rsplit(' "', 2)[0]


def _vhost(m: re.Match[str]) -> str:
    return "www.pa-penajam.go.id:443 " + m.group(0)


def _syslog(m: re.Match[str]) -> str:
    return _moment(m["time"]).strftime("%b %e %H:%M:%S") + " web1 nginx[2869]: " + m.group(0)


def _naive(m: re.Match[str]) -> str:
    return m.group(0).replace(m["time"], m["time"][:20], 1)


def _nginx_json(m: re.Match[str]) -> str:
    return json.dumps({
        "time_local": m["time"], "remote_addr": m["client"],
        "request": f"{m['method']} {m['path']} {m['protocol']}", "status": m["status"],
        "body_bytes_sent": m["size"], "http_referer": m["referer"],
        "http_user_agent": m["agent"]})  # fmt: skip


def _caddy(m: re.Match[str]) -> str:
    return json.dumps({
        "level": "info", "ts": _moment(m["time"]).timestamp(), "logger": "http.log.access",
        "msg": "handled request",
        "request": {"remote_ip": m["client"], "remote_port": "50312", "proto": m["protocol"],
                    "method": m["method"], "host": "www.pa-penajam.go.id", "uri": m["path"],
                    "headers": {"User-Agent": [m["agent"]], "Referer": [m["referer"]]}},
        "status": int(m["status"]), "size": 0 if m["size"] == "-" else int(m["size"])})  # fmt: skip


def _traefik(m: re.Match[str]) -> str:
    return json.dumps({
        "ClientAddr": f"{m['client']}:50312", "ClientHost": m["client"],
        "DownstreamStatus": int(m["status"]), "RequestMethod": m["method"],
        "RequestPath": m["path"], "RequestProtocol": m["protocol"],
        "StartUTC": _moment(m["time"]).isoformat(), "request_User-Agent": m["agent"],
        "request_Referer": m["referer"]})  # fmt: skip


def _error(m: re.Match[str]) -> str:
    moment = _moment(m["time"]).strftime("%Y/%m/%d %H:%M:%S")
    message = (
        f'open() "/var/www/html{m["path"].split("?")[0]}" failed (2: No such file or directory)'
        if m["status"] == "404"
        else 'user "admin": password mismatch'
    )
    request = f"{m['method']} {m['path']} {m['protocol']}"
    return (
        f"{moment} [error] 2869#2869: *1 {message}, client: {m['client']}, server: "
        f'www.pa-penajam.go.id, request: "{request}"'
    )


FORMATS: dict[str, Callable[[re.Match[str]], str]] = {
    "common": _common,
    "vhost with port": _vhost,
    "syslog prefix": _syslog,
    "times without zone": _naive,
    "JSON nginx": _nginx_json,
    "JSON Caddy": _caddy,
    "JSON Traefik": _traefik,
    "error log (nginx)": _error,
}


def rewrite(source: Path, target: Path, name: str, lines: int) -> int:
    """The first ``lines`` lines of ``source`` in the format ``name``; returns lines written."""
    convert = FORMATS[name]
    written = 0
    with source.open(encoding="utf-8") as stream, target.open("w", encoding="utf-8") as output:
        for text in _lines(stream, lines):
            match = LINE.match(text.rstrip("\n"))
            if match is None:
                continue
            output.write(convert(match) + "\n")
            written += 1
    return written


def _lines(stream: object, count: int) -> Iterator[str]:
    for number, text in enumerate(stream):  # type: ignore[call-overload]
        if number >= count:
            return
        yield text
