"""Masking of secret values wherever text leaves the process.

Every secret opskit reads (from a ``*_file`` or ``*_env`` reference, or a
``${VAR}`` interpolation) is registered here the moment it is read. Logs,
terminal output, JSON, the history store and reports pass their text
through ``mask`` so a secret that slips into an error message or an
evidence excerpt is still replaced by ``***``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

MASK = "***"
# Shorter values cannot be masked without mangling ordinary text.
MIN_SECRET_LENGTH = 4

_lock = threading.Lock()
_secrets: set[str] = set()
_ordered: tuple[str, ...] = ()

logger = logging.getLogger(__name__)


def register_secret(value: str, origin: str = "a secret") -> None:
    """Remember ``value`` so every later output masks it."""
    global _ordered
    candidates = {value, value.strip()}
    with _lock:
        for candidate in candidates:
            if len(candidate) < MIN_SECRET_LENGTH:
                if candidate:
                    logger.warning("%s is shorter than %d characters and cannot be masked reliably",
                                   origin, MIN_SECRET_LENGTH)
                continue
            _secrets.add(candidate)
        # Longest first, so a secret containing another is masked whole.
        _ordered = tuple(sorted(_secrets, key=len, reverse=True))


def forget_secrets() -> None:
    """Clear the registry (between independent runs in one process, e.g. tests)."""
    global _ordered
    with _lock:
        _secrets.clear()
        _ordered = ()


def mask(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_data(data: Any) -> Any:
    """A copy of JSON-like ``data`` with secrets masked in every string."""
    if not _ordered:
        return data
    if isinstance(data, str):
        return mask(data)
    if isinstance(data, dict):
        return {mask_data(key): mask_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [mask_data(item) for item in data]
    return data


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _ordered:
            record.msg = mask(record.getMessage())
            record.args = None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
        return True
