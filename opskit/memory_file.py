"""Secrets handed to a child program as a file that exists only in memory.

A client that reads its password from a file (``mariadb
--defaults-extra-file``, ``RESTIC_PASSWORD_FILE``) gets ``/dev/fd/N``: an
anonymous 0600 file (``memfd_create``) open in opskit and in the child
only. It has no name on any file system, so a crash, even ``kill -9``,
cannot leave it behind: the kernel frees it with the last process
holding it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class MemoryFile:
    """An open anonymous file; pass ``descriptor`` to the child that reads ``path``."""

    descriptor: int

    @property
    def path(self) -> str:
        return f"/dev/fd/{self.descriptor}"


@contextmanager
def memory_file(name: str, text: str) -> Iterator[MemoryFile]:
    """``text`` in an anonymous 0600 file, closed (and gone) when the block ends.

    The descriptor is close-on-exec: only children given it explicitly
    (``pass_fds``) see it. MariaDB ignores a world-writable option file,
    hence the explicit mode.
    """
    descriptor = os.memfd_create(name, os.MFD_CLOEXEC)
    try:
        os.fchmod(descriptor, 0o600)
        data = text.encode("utf-8")
        while data:
            data = data[os.write(descriptor, data) :]
        yield MemoryFile(descriptor)
    finally:
        os.close(descriptor)
