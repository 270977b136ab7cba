"""Log files: rotation sets in time order, newline-aligned chunks, and where to resume.

A log set is ``access.log`` with its rotations (``access.log.1``,
``access.log.2.gz`` … or ``access.log-20240506[.gz]``), oldest first. The
read position of a set is remembered as the first bytes of the file being
read (its *head*), its inode and the offset reached. On the next run the
file whose head matches is found again wherever rotation moved it (renamed,
compressed, or copied then truncated), so every line is read once.
"""

from __future__ import annotations

import base64
import gzip
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

# The unit of scanning: bigger chunks cost less per line in the native engine, smaller
# ones less memory (6 MiB keeps a whole analysis under 200 MB).
CHUNK_BYTES = 6 << 20
HEAD_BYTES = 2048
# Read this much at a time past a chunk's end to find where its last line ends.
NEWLINE_SEARCH_BYTES = 8192
# A "line" longer than this is cut (and will count as malformed), so memory stays bounded.
MAX_LINE_BYTES = 8 << 20
ROTATED = re.compile(r"^(?P<base>.+?)(?:\.(?P<number>\d+)|-(?P<date>\d{8,10}))(?P<gz>\.gz)?$")


@dataclass(frozen=True)
class FileInfo:
    """A log file as seen now: where it is, its inode and size, and its first bytes."""

    name: str
    inode: int
    size: int | None
    compressed: bool
    head: bytes


@dataclass(frozen=True)
class Read:
    """Read ``info`` from ``offset`` (bytes of its uncompressed content)."""

    info: FileInfo
    offset: int


def rotation_order(names: list[str]) -> list[str]:
    """Names of one log set oldest first: ``x.3.gz, x.2.gz, x.1, x`` or dated ones by date."""

    def key(name: str) -> tuple[int, int, str]:
        match = ROTATED.match(Path(name).name)
        if match is None:
            return (2, 0, name)
        if match.group("number") is not None:
            return (0, -int(match.group("number")), name)
        return (1, int(match.group("date")), name)

    return sorted(names, key=key)


class NotALogFile(OSError):
    """A path that names something other than a regular file (a FIFO, a device ...)."""


KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def not_a_log_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a log file, or None when it can be tried.

    Reading a named pipe or a device would wait for a writer or never end.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such log file"
    except OSError as error:
        return f"cannot read it: {error.strerror or error}"
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in KINDS if test(mode)), "not a regular file")
    return f"{kind}, not a log file"


def local_set(base: Path) -> list[FileInfo]:
    """``base`` and its rotations on this machine, oldest first (``base`` may be missing)."""
    directory = base.parent
    reason = not_a_log_file(base)
    if reason is not None and reason != "no such log file":
        raise NotALogFile(f"{base} is {reason}" if reason.startswith("a ") else reason)
    names = [str(base)] if reason is None else []
    if directory.is_dir():
        for entry in directory.iterdir():
            match = ROTATED.match(entry.name)
            if match and match.group("base") == base.name and entry.is_file():
                names.append(str(entry))
    return [local_info(Path(name)) for name in rotation_order(names)]


def local_info(path: Path) -> FileInfo:
    info = path.stat()
    compressed = path.suffix == ".gz"
    with open_log(path) as stream:
        head, damage = _read_block(stream, HEAD_BYTES)
    if damage is not None and not head:
        # Not gzip data at all (or nothing readable): reading the file would tell no more.
        raise DamagedLog(damage)
    return FileInfo(
        name=str(path),
        inode=info.st_ino,
        size=None if compressed else info.st_size,
        compressed=compressed,
        head=head,
    )


def open_log(path: Path) -> BinaryIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def plan_reads(files: list[FileInfo], state: dict[str, Any] | None) -> tuple[list[Read], str]:
    """What to read of a log set (oldest first) to continue from ``state``, and why."""
    if not files:
        return [], "no log file found"
    current = files[-1]
    if not state:
        return [Read(current, 0)], "first run: reading the current file"
    head = base64.b64decode(state.get("head", ""))
    offset = int(state.get("offset", 0))
    for position in range(len(files) - 1, -1, -1):
        candidate = files[position]
        if candidate.head[: len(head)] != head or len(candidate.head) < len(head):
            continue
        if candidate.size is not None and candidate.size < offset:
            continue
        reads = [Read(candidate, offset)] + [Read(info, 0) for info in files[position + 1 :]]
        if position == len(files) - 1:
            return reads, "continuing where the last run stopped"
        return reads, f"the log was rotated; finishing {candidate.name} first"
    if current.inode == state.get("inode") and (current.size or 0) < offset:
        return [Read(current, 0)], "the log was truncated; reading it from the start"
    return [
        Read(current, 0)
    ], "the file read last time is gone (rotated away); reading the current file"


def cursor(info: FileInfo, offset: int) -> dict[str, Any]:
    """The state to save after reading ``info`` up to ``offset``."""
    return {
        "file": info.name,
        "inode": info.inode,
        "offset": offset,
        "head": base64.b64encode(info.head[:HEAD_BYTES]).decode("ascii"),
    }


def plain_ranges(path: Path, start: int) -> tuple[list[tuple[int, int]], int]:
    """Newline-aligned byte ranges of ``path`` from ``start``, and where whole lines end."""
    ranges: list[tuple[int, int]] = []
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        position = start
        while position < size:
            target = min(position + CHUNK_BYTES, size)
            end = _line_end(stream, target, size, position)
            if end <= position:
                break
            ranges.append((position, end))
            position = end
    return ranges, (ranges[-1][1] if ranges else start)


def _line_end(stream: BinaryIO, target: int, size: int, start: int) -> int:
    """The offset just after the first newline at or after ``target - 1`` (or a cut)."""
    stream.seek(target - 1)
    scanned = 0
    while True:
        block = stream.read(NEWLINE_SEARCH_BYTES)
        if not block:
            # No newline until the end: the last line is still being written.
            return _last_newline(stream, start, target)
        found = block.find(b"\n")
        if found >= 0:
            return target - 1 + scanned + found + 1
        scanned += len(block)
        if scanned >= MAX_LINE_BYTES:
            return target - 1 + scanned


def _last_newline(stream: BinaryIO, start: int, end: int) -> int:
    stream.seek(start)
    data = stream.read(end - start)
    found = data.rfind(b"\n")
    if found >= 0:
        return start + found + 1
    return end if end - start >= MAX_LINE_BYTES else start


def read_range(path: str, start: int, end: int) -> bytes:
    with open(path, "rb") as stream:
        stream.seek(start)
        return stream.read(end - start)


def stream_chunks(
    stream: BinaryIO, skip: int = 0, *, whole: bool = False
) -> Iterator[tuple[bytes, int]]:
    """Newline-ended chunks of a stream after ``skip`` bytes, each with the offset after it.

    An unfinished last line is held back (not yielded) unless ``whole``, so the offsets
    mark whole lines.
    A truncated or corrupt ``.gz`` stream yields the whole lines before the damage, then
    raises ``DamagedLog``: those lines are analysed, and the damage is reported, not hidden.
    """
    position = 0
    while position < skip:
        block, damage = _read_block(stream, min(CHUNK_BYTES, skip - position))
        if damage is not None:
            raise DamagedLog(damage)
        if not block:
            return
        position += len(block)
    pending = b""
    while True:
        block, damage = _read_block(stream, CHUNK_BYTES)
        if block:
            data = pending + block
            cut = data.rfind(b"\n") + 1
            if cut == 0 and len(data) >= MAX_LINE_BYTES:
                cut = len(data)
            pending = data[cut:]
            if cut:
                position += cut
                yield data[:cut], position
        if damage is not None:
            raise DamagedLog(damage)
        if not block:
            if whole and pending:
                position += len(pending)
                yield pending, position
            return


def first_lines(path: Path, size: int = 65536) -> list[bytes]:
    """The first lines of a log file (decompressed), for finding its format."""
    with open_log(path) as stream:
        data, _ = _read_block(stream, size)
    lines = data.split(b"\n")
    return lines[:-1] if len(lines) > 1 else lines


class DamagedLog(OSError):
    """A compressed log is corrupt, ends early or is not gzip data; the message says why."""


def _read_block(stream: BinaryIO, size: int) -> tuple[bytes, str | None]:
    """Up to ``size`` bytes, and why reading stopped early if the stream is damaged.

    ``read1`` hands out what each piece of compressed data gives: a plain ``read`` of a
    whole chunk would lose everything decompressed in that call when the damage is hit.
    """
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        try:
            part = stream.read1(wanted)  # type: ignore[attr-defined]
        except (EOFError, OSError, zlib.error) as error:
            return b"".join(parts), str(error) or error.__class__.__name__
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts), None
