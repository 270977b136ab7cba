"""Reading ClamAV's own files and outputs: database headers, clamd.conf, scan summaries.

Signature age comes from the 512-byte header of ``daily.cvd``/``daily.cld``
(``ClamAV-VDB:build time:version:signatures:level:md5:dsig:builder:epoch``),
not from file times, which a copy or restore changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from opskit.result import Status

DAEMON_VERSION = re.compile(r"ClamAV ([\w.\-+~]+)/(\d+)/(.+)")
FOUND = re.compile(r"^(.*): (\S+) FOUND$")
SUMMARY = "----------- SCAN SUMMARY -----------"


@dataclass(frozen=True)
class CvdHeader:
    """The header of a ClamAV database container."""

    file: str
    built_at: datetime
    version: int
    signatures: int
    functionality_level: int
    builder: str


def parse_cvd_header(text: str, file: str = "daily.cvd") -> CvdHeader:
    """Read a CVD/CLD header; raises ValueError if it is not one."""
    fields = text.strip().split(":")
    if len(fields) < 8 or fields[0] != "ClamAV-VDB":
        raise ValueError(f"{file}: not a ClamAV database header")
    try:
        version, signatures, level = int(fields[2]), int(fields[3]), int(fields[4])
    except ValueError:
        raise ValueError(f"{file}: header numbers are not numbers") from None
    epoch = fields[8].strip() if len(fields) > 8 else ""
    if epoch.isdigit():
        built_at = datetime.fromtimestamp(int(epoch), UTC)
    else:
        try:
            built_at = datetime.strptime(fields[1].strip(), "%d %b %Y %H-%M %z")
        except ValueError:
            raise ValueError(f"{file}: unreadable build time {fields[1]!r}") from None
    return CvdHeader(file, built_at, version, signatures, level, fields[7].strip())


def parse_signatures(text: str) -> tuple[str, list[CvdHeader], list[str]]:
    """(database directory, headers found, problems) from the playbook's signatures section."""
    directory, headers, problems = "", [], []
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("directory "):
            directory = line.removeprefix("directory ").strip()
        elif line.startswith("file "):
            current = line.removeprefix("file ").strip()
        elif current is not None and line.strip():
            try:
                headers.append(parse_cvd_header(line, current))
            except ValueError as error:
                problems.append(str(error))
            current = None
    return directory, headers, problems


def parse_clamd_config(text: str) -> dict[str, str]:
    """clamd.conf keywords and values (the last one wins, comments skipped)."""
    values: dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            values[key] = value.strip()
    return values


@dataclass
class Scan:
    """One scan summary from a clamscan/clamdscan log."""

    infected: int
    found: list[tuple[str, str]] = field(default_factory=list)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    errors: int = 0


def parse_scan_log(text: str, zone: tzinfo) -> list[Scan]:
    """Every scan in the log, oldest first; dates are the host's local time in ``zone``."""
    scans: list[Scan] = []
    found: list[tuple[str, str]] = []
    current: Scan | None = None
    for line in text.splitlines():
        if line.strip() == SUMMARY:
            current = Scan(infected=0, found=found)
            scans.append(current)
            found = []
            continue
        match = FOUND.match(line.strip())
        if match:
            found.append((match.group(1), match.group(2)))
            current = None
            continue
        if current is None or ":" not in line:
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if key == "Infected files" and value.isdigit():
            current.infected = int(value)
        elif key == "Total errors" and value.isdigit():
            current.errors = int(value)
        elif key in ("Start Date", "End Date"):
            try:
                moment = datetime.strptime(value, "%Y:%m:%d %H:%M:%S").replace(tzinfo=zone)
            except ValueError:
                continue
            if key == "Start Date":
                current.started_at = moment
            else:
                current.ended_at = moment
    return scans


def on_demand_scan(output: str, exit_code: int | None, zone: tzinfo) -> tuple[Status, Scan | None]:
    """Judge an on-demand scan: exit 0 clean, 1 found, 2 errors (what was found still counts)."""
    scans = parse_scan_log(output, zone)
    scan = scans[-1] if scans else None
    if scan is not None and (scan.infected or scan.found) and exit_code in (1, 2):
        return Status.CRITICAL, scan
    if exit_code == 0 and scan is not None:
        return Status.OK, scan
    return Status.UNKNOWN, scan
