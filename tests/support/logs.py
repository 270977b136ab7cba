"""Hand-written access-log lines and a one-call analysis of them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from opskit.logs.engine import Analysis, analyze
from opskit.logs.formats import compile_format
from opskit.logs.rules import load_rules
from opskit.logs.settings import ScanSettings, Zone

START = datetime(2024, 5, 6, 8, 0, 0, tzinfo=timezone(timedelta(hours=8)))
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


def line(
    seconds: float,
    path: str = "/",
    *,
    client: str = "203.0.113.7",
    method: str = "GET",
    status: int = 200,
    agent: str = BROWSER,
    referer: str = "-",
) -> str:
    stamp = (START + timedelta(seconds=seconds)).strftime("%d/%b/%Y:%H:%M:%S %z")
    return f'{client} - - [{stamp}] "{method} {path} HTTP/1.1" {status} 512 "{referer}" "{agent}"\n'


def run(text: str | bytes, log_format: str = "combined", zone: str = "Asia/Makassar") -> Analysis:
    """The analysis of ``text`` in ``log_format`` (``auto``: found from the lines)."""
    from opskit.logs.sniff import sniff

    data = text.encode() if isinstance(text, str) else text
    if log_format == "auto":
        found = sniff(data.split(b"\n")).log_format
        assert found is not None, "no format found"
        chosen = found
    else:
        chosen = compile_format(log_format)
    settings = ScanSettings(chosen, tuple(load_rules()), zone=Zone(zone))
    return analyze([("bytes", data, 0, len(data))], settings)


def fired(analysis: Analysis) -> dict[str, set[str]]:
    """Rule ids found per client."""
    return {
        client: set(offender.detections) for client, offender in analysis.detector.offenders.items()
    }


def severity(analysis: Analysis, client: str, rule_id: str) -> str:
    return analysis.detector.offenders[client].detections[rule_id].severity


def utc(seconds: float) -> float:
    return (START + timedelta(seconds=seconds)).astimezone(UTC).timestamp()


def stamp(seconds: float, *, zone: bool = True) -> str:
    """The time ``seconds`` after START as Apache and nginx write it (%t, $time_local)."""
    moment = START + timedelta(seconds=seconds)
    return moment.strftime("%d/%b/%Y:%H:%M:%S %z" if zone else "%d/%b/%Y:%H:%M:%S")


def iso(seconds: float, *, zone: bool = True) -> str:
    moment = START + timedelta(seconds=seconds)
    return moment.isoformat() if zone else moment.replace(tzinfo=None).isoformat()


def in_format(
    kind: str,
    seconds: float,
    path: str,
    *,
    client: str = "203.0.113.7",
    status: int = 200,
    method: str = "GET",
    agent: str = BROWSER,
) -> str:
    """One access-log line of ``path`` in the layout ``kind`` names, as servers write it."""
    request = f"{method} {path} HTTP/1.1"
    tail = f'"-" "{agent}"'
    layouts = {
        "combined": f'{client} - - [{stamp(seconds)}] "{request}" {status} 512 {tail}',
        "common": f'{client} - - [{stamp(seconds)}] "{request}" {status} 512',
        "vhost-port": f'www.example.go.id:443 {client} - - [{stamp(seconds)}] "{request}" '
        f"{status} 512 {tail}",
        "vhost": f'www.example.go.id {client} - - [{stamp(seconds)}] "{request}" {status} 512 '
        f"{tail}",
        "syslog": f"May  6 08:00:01 web1 nginx[2869]: {client} - - [{stamp(seconds)}] "
        f'"{request}" {status} 512 {tail}',
        "syslog-common": f"May  6 08:00:01 web1 apache2[811]: {client} - - [{stamp(seconds)}] "
        f'"{request}" {status} 512',
        "naive": f'{client} - - [{stamp(seconds, zone=False)}] "{request}" {status} 512 {tail}',
        "json-nginx": json.dumps({
            "time_local": stamp(seconds), "remote_addr": client, "request": request,
            "status": str(status), "body_bytes_sent": "512", "http_referer": "",
            "http_user_agent": agent}),
        "json-caddy": json.dumps({
            "level": "info", "ts": (START + timedelta(seconds=seconds)).timestamp(),
            "logger": "http.log.access", "msg": "handled request",
            "request": {"remote_ip": client, "remote_port": "41342", "proto": "HTTP/1.1",
                        "method": method, "host": "www.example.go.id", "uri": path,
                        "headers": {"User-Agent": [agent]}},
            "status": status, "size": 512}),
        "json-traefik": json.dumps({
            "ClientAddr": f"{client}:50312", "ClientHost": client, "DownstreamStatus": status,
            "RequestMethod": method, "RequestPath": path, "RequestProtocol": "HTTP/1.1",
            "StartUTC": iso(seconds), "request_User-Agent": agent}),
        "json-naive": json.dumps({
            "time_iso8601": iso(seconds, zone=False), "remote_addr": client,
            "request": request, "status": status, "http_user_agent": agent}),
    }  # fmt: skip
    return layouts[kind] + "\n"


def error_line(kind: str, seconds: float, message: str, *, client: str = "203.0.113.7") -> str:
    """One error-log line as Apache 2.2, Apache 2.4 or nginx writes it (no zone)."""
    moment = (START + timedelta(seconds=seconds)).replace(tzinfo=None)
    if kind == "apache24":
        stamp_text = moment.strftime("%a %b %d %H:%M:%S.%f %Y")
        return (f"[{stamp_text}] [auth_basic:error] [pid 811:tid 1401] [client {client}:51234] "
                f"{message}\n")  # fmt: skip
    if kind == "apache22":
        return f"[{moment.strftime('%a %b %d %H:%M:%S %Y')}] [error] [client {client}] {message}\n"
    return (
        f"{moment.strftime('%Y/%m/%d %H:%M:%S')} [error] 2869#2869: *41 {message}, "
        f'client: {client}, server: www.example.go.id, request: "GET /admin/ HTTP/1.1", '
        'host: "www.example.go.id"\n'
    )
