"""Where log bytes come from: files on this machine, or a host through the playbook.

Both give the rotation set of a log and newline-aligned chunks to scan from
a position; the chunks remember how far whole lines reached, which becomes
the position saved for the next run.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from opskit.logs.engine import Task
from opskit.logs.files import (
    CHUNK_BYTES,
    MAX_LINE_BYTES,
    DamagedLog,
    FileInfo,
    Read,
    local_info,
    local_set,
    plain_ranges,
    stream_chunks,
)
from opskit.text import Message


class LocalSource:
    """Log files on this machine; plain files are read by the scanning processes themselves.

    ``damaged`` says which compressed files ended early or were corrupt: their lines up to
    the damage are scanned, and the judgement must not pass the rest off as complete.
    """

    def __init__(self, *, whole: bool = False) -> None:
        self.damaged: list[Message] = []
        self.whole = whole
        self.held_back: dict[str, int] = {}

    def describe(self, path: str) -> list[FileInfo]:
        return local_set(Path(path))

    def tasks(self, read: Read, reached: dict[str, int]) -> Iterator[Task]:
        """Chunks of whole lines; a last line without a newline is read only when ``whole``.

        Otherwise it is held back (``held_back`` says how many bytes) for the next run,
        when the server will have finished writing it.
        """
        path = Path(read.info.name)
        reached[read.info.name] = read.offset
        if read.info.compressed:
            try:
                with gzip.open(path, "rb") as stream:
                    chunks = stream_chunks(stream, read.offset, whole=self.whole)  # type: ignore[arg-type]
                    for data, end in chunks:
                        reached[read.info.name] = end
                        yield ("bytes", data, 0, len(data))
            except DamagedLog as error:
                some = reached[read.info.name] > read.offset
                self.damaged.append(damage_note(read.info.name, str(error), some))
            return
        ranges, end = plain_ranges(path, read.offset)
        for start, stop in ranges:
            yield ("range", str(path), start, stop)
        size = path.stat().st_size
        if end < size and self.whole:
            yield ("range", str(path), end, size)
            end = size
        elif end < size:
            self.held_back[read.info.name] = size - end
        reached[read.info.name] = end


class RemoteSource:
    """Log files on an inventory host, read through ``playbooks/logs.py`` over one connection."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.damaged: list[Message] = []
        self.held_back: dict[str, int] = {}

    def describe(self, path: str) -> list[FileInfo]:
        from opskit.playbooks.logs import describe_logs

        return [FileInfo(**item) for item in describe_logs(self.connection, path)]

    def tasks(self, read: Read, reached: dict[str, int]) -> Iterator[Task]:
        from opskit.playbooks.logs import FETCH_BYTES, fetch_log

        offset = read.offset
        reached[read.info.name] = offset
        pending = b""
        while True:
            data, damage = fetch_log(self.connection, read.info.name, offset, read.info.compressed)
            if damage is not None and len(data) < FETCH_BYTES:
                # The damage lies within what this fetch reached: report it once.
                self.damaged.append(damage_note(read.info.name, damage, bool(offset or data)))
            if not data:
                return
            buffer_start = offset - len(pending)
            buffer = pending + data
            offset += len(data)
            cut = buffer.rfind(b"\n") + 1
            if cut == 0 and len(buffer) >= MAX_LINE_BYTES:
                cut = len(buffer)
            start = 0
            while start < cut:
                stop = _newline_after(buffer, min(start + CHUNK_BYTES, cut), cut)
                yield ("bytes", buffer[start:stop], 0, stop - start)
                start = stop
            reached[read.info.name] = buffer_start + cut
            pending = buffer[cut:]
            if len(data) < FETCH_BYTES:
                if pending:
                    self.held_back[read.info.name] = len(pending)
                return


def damage_note(name: str, reason: str, some_read: bool) -> Message:
    """What the judgement says of a compressed file that ended early or was corrupt."""
    read = Message("logs.damage_some" if some_read else "logs.damage_none")
    return Message("logs.damaged", file=name, detail=reason, read=read)


def _newline_after(data: bytes, position: int, limit: int) -> int:
    found = data.find(b"\n", position - 1, limit)
    return limit if found < 0 else found + 1


def files_in_time_order(paths: list[str]) -> list[FileInfo]:
    """Files named on the command line, oldest first by their first time stamp."""
    return in_time_order([local_info(Path(path)) for path in paths])


def in_time_order(infos: list[FileInfo]) -> list[FileInfo]:
    """Files oldest first by the time stamp of their first line (unknown ones last)."""
    from opskit.logs.formats import parse_time

    def first_time(info: FileInfo) -> float:
        text = info.head
        start = text.find(b" [")
        end = text.find(b"]", start)
        moment = parse_time(text[start + 2 : end]) if 0 <= start < end else None
        return moment if moment is not None else float("inf")

    return sorted(infos, key=first_time)
