"""Splitting targets over machines: ``--shard I/N`` keeps target k on shard hash(k) mod N.

The hash is of the target's name only, so a target stays on the same shard
from run to run and across machines, and every target is on exactly one
shard; a CI matrix or any job runner can spread a large fleet this way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from opskit.errors import UsageError

T = TypeVar("T")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as people count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def contains(self, key: str) -> bool:
        digest = hashlib.sha256(key.encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def select(self, items: Iterable[T], key: Callable[[T], str]) -> list[T]:
        return [item for item in items if self.contains(key(item))]


def parse_shard(text: str | None) -> Shard | None:
    """``"2/4"`` as Shard(2, 4); raises UsageError on anything else."""
    if text is None:
        return None
    index_text, separator, count_text = text.partition("/")
    if not separator or not index_text.isdigit() or not count_text.isdigit():
        raise UsageError(f"--shard {text!r}: use I/N, e.g. 2/4 (shard 2 of 4)")
    index, count = int(index_text), int(count_text)
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text!r}: I must be between 1 and N")
    return Shard(index, count)
