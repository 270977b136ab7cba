"""What a finished restic command means: its exit code, read through a table.

restic 0.17 and newer say why they failed in the exit code (10, 11, 12);
0.14 exits 1 for everything, so the same kinds are recognised from the
text restic printed on stderr. Either way the caller gets one ``Kind`` and
a sentence for the admin, never a bare "exit status 1".
"""

from __future__ import annotations

import enum
import json
import re

from opskit.backup.version import ResticVersion
from opskit.text import Message


class Kind(enum.Enum):
    """The outcome classes opskit distinguishes."""

    OK = "ok"
    INCOMPLETE = "incomplete"
    REPOSITORY_MISSING = "repository-missing"
    WRONG_PASSWORD = "wrong-password"  # noqa: S105 - a kind of failure, not a password  # nosec B105
    LOCKED = "locked"
    UNREACHABLE = "unreachable"
    NO_SPACE = "no-space"
    INTERRUPTED = "interrupted"
    FAILED = "failed"


# restic's documented exit codes. 10-12 exist from 0.17 on; an unknown code is a failure.
EXIT_CODES: dict[int, Kind] = {
    0: Kind.OK,
    1: Kind.FAILED,
    3: Kind.INCOMPLETE,
    10: Kind.REPOSITORY_MISSING,
    11: Kind.LOCKED,
    12: Kind.WRONG_PASSWORD,
    130: Kind.INTERRUPTED,
}
NEWER_CODES = (10, 11, 12)

# Checked in order on stderr when the exit code alone does not say why.
STDERR_PATTERNS: tuple[tuple[re.Pattern[str], Kind], ...] = (
    (re.compile(r"wrong password or no key found"), Kind.WRONG_PASSWORD),
    (re.compile(r"repository is already locked"), Kind.LOCKED),
    (re.compile(r"no space left on device"), Kind.NO_SPACE),
    (
        re.compile(
            r"connection refused|no such host|i/o timeout|network is unreachable"
            r"|connection reset|TLS handshake|context deadline exceeded",
            re.IGNORECASE,
        ),
        Kind.UNREACHABLE,
    ),
    (
        re.compile(
            r"Is there a repository at the following location\?|repository does not exist"
            r"|The specified bucket does not exist"
        ),
        Kind.REPOSITORY_MISSING,
    ),
)


def classify(exit_code: int, stderr: str, version: ResticVersion | None) -> Kind:
    """The kind of outcome for ``exit_code`` and what restic printed on stderr."""
    newer = version is None or version.has_exit_codes
    if exit_code in NEWER_CODES and newer:
        return EXIT_CODES[exit_code]
    kind = Kind.FAILED if exit_code in NEWER_CODES else EXIT_CODES.get(exit_code, Kind.FAILED)
    if kind is not Kind.FAILED:
        return kind
    if exit_code < 0:  # killed by a signal
        return Kind.INTERRUPTED
    for pattern, found in STDERR_PATTERNS:
        if pattern.search(stderr):
            return found
    return Kind.FAILED


def failure_reason(stderr: str) -> str:
    """restic's own words for why it failed: the exit_error message (0.17+) or Fatal: line."""
    for raw_line in stderr.splitlines():
        line = raw_line.strip()
        if line.startswith("{"):
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("message_type") == "exit_error":
                return str(message.get("message", "")).strip()
    fatal = [line.strip() for line in stderr.splitlines() if line.strip().startswith("Fatal:")]
    if fatal:
        return fatal[-1].removeprefix("Fatal:").strip()
    lines = [
        line.strip()
        for line in stderr.splitlines()
        if line.strip() and not line.strip().startswith("{")
    ]
    return lines[-1] if lines else ""


# The message of each kind; restic's own (English) words go in as ``detail``.
SENTENCES = {
    Kind.REPOSITORY_MISSING: "backup.restic.missing",
    Kind.WRONG_PASSWORD: "backup.restic.wrong_password",
    Kind.LOCKED: "backup.restic.locked",
    Kind.UNREACHABLE: "backup.restic.unreachable",
    Kind.NO_SPACE: "backup.restic.no_space",
    Kind.INTERRUPTED: "backup.restic.interrupted",
    Kind.INCOMPLETE: "backup.restic.incomplete",
    Kind.FAILED: "backup.restic.failed",
    Kind.OK: "backup.restic.ok",
}


def explain(kind: Kind, repository: str, stderr: str) -> Message:
    """One sentence saying what went wrong with ``repository``, in the admin's terms."""
    reason = failure_reason(stderr) or ("no message" if kind is Kind.FAILED else "")
    return Message(SENTENCES[kind], repository=repository, detail=reason)
