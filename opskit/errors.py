"""The errors opskit expects and explains.

Every expected failure is an ``OpskitError``: it carries one readable
message (and optional detail lines) and the status it maps to. Only
``cli.main`` turns them into output and an exit code; anything else that
escapes is a bug and is shown with its traceback at debug level.
"""

from __future__ import annotations

from opskit.result import Status


class OpskitError(Exception):
    """An expected failure with a message meant for the admin."""

    kind = "error"
    status = Status.UNKNOWN

    def __init__(
        self, message: str, details: list[str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        # A stable name of the failure, for edges that word it in their own language.
        self.code = code

    def __str__(self) -> str:
        return self.message


class UsageError(OpskitError):
    """The command line is wrong."""

    kind = "usage"


class ConfigError(OpskitError):
    """The configuration is missing, unreadable or invalid."""

    kind = "config"


class StoreError(OpskitError):
    """The history database cannot be opened or written."""

    kind = "store"


class HostError(OpskitError):
    """A host cannot be reached, authenticated or trusted.

    ``reason`` says which, so callers can judge it: "unreachable" (refused,
    no answer, no route), "changed-key", "untrusted-key", "auth" or "error".
    """

    kind = "host"

    def __init__(
        self, message: str, details: list[str] | None = None, reason: str = "error"
    ) -> None:
        super().__init__(message, details)
        self.reason = reason


class CommandError(OpskitError):
    """An external command could not be run or timed out."""

    kind = "command"


class NotFoundError(OpskitError):
    """Something named on the command line does not exist."""

    kind = "not-found"


class RefusedError(OpskitError):
    """A rule forbids what was asked (approving a failed UAT run, changing a decided one)."""

    kind = "refused"
