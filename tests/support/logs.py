"""Hand-written access-log lines and a one-call analysis of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from opskit.logs.engine import Analysis, analyze
from opskit.logs.formats import compile_format
from opskit.logs.frame import Zone
from opskit.logs.rules import load_rules
from opskit.logs.scan import ScanSettings

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
