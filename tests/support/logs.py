"""Hand-written access-log lines and a one-call analysis of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from opskit.logs.engine import Analysis, analyze
from opskit.logs.formats import compile_format
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


def run(text: str | bytes, log_format: str = "combined") -> Analysis:
    data = text.encode() if isinstance(text, str) else text
    settings = ScanSettings(compile_format(log_format), tuple(load_rules()))
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
