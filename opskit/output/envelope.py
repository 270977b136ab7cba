"""The JSON envelope: one versioned document on stdout, also when a command failed."""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING, Any

from opskit import __version__
from opskit.errors import OpskitError
from opskit.masking import mask, mask_data
from opskit.outcome import Outcome
from opskit.result import Status

if TYPE_CHECKING:
    from opskit.text import Words

ENVELOPE_SCHEMA = "opskit/v1"


def envelope(
    command: str, outcome: Outcome | None, error: OpskitError | None = None
) -> dict[str, Any]:
    """The JSON document for a command: stable keys whatever happened."""
    status = error.status if error else (outcome.final_status if outcome else Status.UNKNOWN)
    return mask_data(
        {
            "schema": ENVELOPE_SCHEMA,
            "opskit_version": __version__,
            "command": command,
            "status": status.value,
            "exit_code": status.exit_code,
            "run_id": outcome.run_id if outcome else None,
            "results": [result.to_dict() for result in outcome.results] if outcome else [],
            "data": _jsonable(outcome.data) if outcome else None,
            "messages": list(outcome.messages) if outcome else [],
            "error": {"kind": error.kind, "message": error.message, "details": error.details}
            if error
            else None,
        }
    )


def write_json(document: dict[str, Any], stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    stream.flush()


def write_error(
    error: OpskitError, stream: IO[str] | None = None, words: Words | None = None
) -> None:
    """One readable message (and its details) on stderr, never a traceback; a message from
    the catalogues is said in the reader's language (``words``)."""
    stream = stream or sys.stderr
    say = words.say if words is not None else str
    stream.write(f"opskit: {mask(say(error.message))}\n")
    for line in error.details:
        stream.write(f"  {mask(say(line))}\n")
    stream.flush()


def _jsonable(data: Any) -> Any:
    return (
        json.loads(json.dumps(data, default=str, ensure_ascii=False)) if data is not None else None
    )
