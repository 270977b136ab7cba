"""Cutting a chunk of log lines into columns of fields, with no Python loop over lines.

The combined format (the default of nginx and Apache, and most logs) takes a
shortcut: splitting the chunk on double quotes puts each field of every line
at a fixed stride, and the client and time sit at fixed places in the text
before the request. Each distinct client, time and status is then checked once.
Lines the shortcut does not fit (an escaped quote, a logged-in user, extra
fields, garbage) go through the format's regular expression, as every line
of other formats does; lines neither reads are malformed.

Columns hold one bytes value per line: ``client`` (with the line's newline
in front: the shortcut gets it for free, and checking it for each distinct
client proves every line was cut at its start; ``client_text`` drops it),
``time`` (a key that ``epoch`` turns into seconds), ``request``, ``status``
(``b"200"``, or ``b" 200 5120 "`` with the body size, which is never read:
``status_code`` reads both), and ``referer``/``agent`` where the format has
them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import and_, getitem, not_
from typing import Any, cast

from opskit.logs.formats import LogFormat, cut_tail, parse_time

Columns = dict[str, list[bytes]]
COUNTED = ("client", "time", "status")

SAMPLE_LIMIT = 5
SAMPLE_BYTES = 200
QUOTE = b'"'
NEWLINE = 10
SPACE = 32
# A combined line split on its six quotes: the text before the request (the
# "head"), request, status and size, referer, the space between, user agent.
PIECES = 6
# The head ends in `` - - [06/May/2024:10:00:01 +0800] ``: 34 bytes, kept whole as the time key.
STAMP_START = b" - - ["
STAMP_END = b"] "
STAMP_BYTES = 34
CLIENT = slice(0, -STAMP_BYTES)
STAMP = slice(-STAMP_BYTES, None)
# ``map(cut, values, repeat(slice))`` slices every value in C.
cut = cast("Callable[[bytes, slice], bytes]", getitem)


def slices(data: bytes, size: int) -> Iterator[bytes]:
    """``data`` (a newline, then lines) in pieces of the same form, of ``size`` bytes or so."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + size)
        if end < 0:
            yield data[start:] if start else data
            return
        yield data[start:end]
        start = end


def client_text(key: bytes) -> str:
    """The client address of a client key."""
    return key[1:].decode("utf-8", "replace")


def stamp_text(key: bytes) -> bytes:
    """The time as written in the log, from a time key of either reader."""
    if key.startswith(STAMP_START):
        return key[len(STAMP_START) : -len(STAMP_END)]
    return key


def epoch(key: bytes) -> float | None:
    """Epoch seconds of a time key; None if it is not a readable time."""
    if key.startswith(STAMP_START):
        if len(key) != STAMP_BYTES or not key.endswith(STAMP_END):
            return None
        key = key[len(STAMP_START) : -len(STAMP_END)]
    return parse_time(key)


def sample(line: bytes) -> str:
    """A malformed line as people can read it, cut short if it is long."""
    text = line[:SAMPLE_BYTES].decode("utf-8", "backslashreplace")
    if len(line) > SAMPLE_BYTES:
        text += f" ... ({len(line)} bytes)"
    return text


def _stamp_valid(key: bytes, epochs: dict[bytes, float | None]) -> bool:
    """Whether a shortcut time key has the combined shape and a readable time."""
    return key.startswith(STAMP_START) and epochs[key] is not None


def _client_valid(key: bytes) -> bool:
    """A newline, then an address or name without spaces."""
    return len(key) > 1 and key[0] == NEWLINE and NEWLINE not in key[1:] and b" " not in key


def status_code(key: bytes) -> int:
    """The status of a status key of either reader."""
    return int(key[:5])


def _status_valid(key: bytes) -> bool:
    """`` 200 5120 ``: the status, then one token (the size), between spaces."""
    return (
        len(key) >= 6
        and key[0] == key[4] == key[-1] == SPACE
        and key[1:4].isdigit()
        and b" " not in key[5:-1]
    )


@dataclass
class Fields:
    """The columns of a chunk's readable lines, what could not be read, and value counts."""

    columns: Columns = field(default_factory=dict)
    # How often each client, time key and status occurs (counted while checking them).
    counts: dict[str, Counter[bytes]] = field(default_factory=dict)
    lines: int = 0
    malformed: int = 0
    samples: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.columns.get("time", ()))

    def add(self, columns: Columns, counts: dict[str, Counter[bytes]] | None = None) -> None:
        """Append rows (their counts are computed unless given)."""
        added = len(columns.get("time", ()))
        if not added:
            return
        counts = counts or {name: Counter(columns[name]) for name in COUNTED}
        if not self.rows:
            self.columns, self.counts = columns, counts
            return
        rows = self.rows
        for name in self.columns.keys() | columns.keys():
            self.columns[name] = self.columns.get(name, [b""] * rows) + columns.get(
                name, [b""] * added
            )
        for name in COUNTED:
            self.counts[name].update(counts[name])

    def add_malformed(self, line: bytes) -> None:
        self.malformed += 1
        if len(self.samples) < SAMPLE_LIMIT:
            self.samples.append(sample(line))


class Cache(dict[bytes, Any]):
    """A dict that computes missing values, so ``map(cache.__getitem__, column)`` stays in C."""

    def __init__(self, compute: Any) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: bytes) -> Any:
        value = self[key] = self.compute(key)
        return value


class FieldReader:
    """Reads chunks of one log format into columns."""

    def __init__(self, log_format: LogFormat) -> None:
        self.regex = log_format.regex()
        self.robust = log_format.robust_regex()
        self.groups = sorted(log_format.groups, key=log_format.groups.__getitem__)
        self.tail_field = log_format.tail_field
        self.tails = Cache(cut_tail)
        self.shortcut = log_format.combined
        self.epochs = Cache(epoch)
        self.status_keys = Cache(_status_valid)
        self.client_keys = Cache(_client_valid)

    def trim(self, limit: int, time_limit: int) -> None:
        if len(self.epochs) > time_limit:
            self.epochs.clear()
        for cache in (self.tails, self.status_keys, self.client_keys):
            if len(cache) > limit:
                cache.clear()

    def read(self, data: bytes) -> Fields:
        """The fields of ``data``: a newline, then whole lines (the last newline is optional).

        The newline in front lets patterns and splits find every line start, and
        lets a worker read a chunk of a file together with the newline before it.
        """
        line_count = data.count(b"\n") - data.endswith(b"\n")
        fields = Fields()
        if self.shortcut:
            odd = self._split(data, line_count, fields)
            fields.add(self._regex_lines(odd, fields))
        else:
            fields.add(self._by_regex(data, line_count, fields))
        fields.lines = fields.rows + fields.malformed
        return fields

    def _split(self, data: bytes, line_count: int, fields: Fields) -> list[bytes]:
        """Adds combined lines split on quotes; returns the lines that need the regex."""
        pieces = data.split(QUOTE)
        # With six quotes on every line, the last at its end, each field sits at a fixed
        # stride; the check of the client keys in _cut proves it.
        if len(pieces) == PIECES * line_count + 1 and pieces[-1] in (b"", b"\n"):
            odd = self._cut(pieces, fields, whole=True)
            if odd is not None:
                return odd
        lines = data.split(b"\n")[1:]
        fits = list(
            map(
                and_,
                map(PIECES.__eq__, map(bytes.count, lines, repeat(QUOTE))),
                map(bytes.endswith, lines, repeat(QUOTE)),
            )
        )
        odd = [line for line in compress(lines, map(not_, fits)) if line]
        good = list(compress(lines, fits))
        if good:
            # Joined again, these lines have the right shape by construction.
            pieces = (b"\n" + b"\n".join(good)).split(QUOTE)
            odd += self._cut(pieces, fields, whole=False) or []
        return odd

    def _cut(self, pieces: list[bytes], fields: Fields, *, whole: bool) -> list[bytes] | None:
        """Adds the lines whose fields check out; returns the others.

        None when ``whole`` and some line does not start where the cut assumed
        (a line without six quotes made up for by another with more).
        """
        heads = pieces[0:-1:PIECES]
        columns: Columns = {
            "client": list(map(cut, heads, repeat(CLIENT))),
            "time": list(map(cut, heads, repeat(STAMP))),
            "request": pieces[1::PIECES],
            "status": pieces[2::PIECES],
            "referer": pieces[3::PIECES],
            "agent": pieces[5::PIECES],
        }
        counts = {name: Counter(columns[name]) for name in COUNTED}
        wrong = self._misread(counts, pieces[4::PIECES])
        if not wrong:
            fields.add(columns, counts)
            return []
        if whole and any(key[:1] != b"\n" or b"\n" in key[1:] for key in wrong.get("client", ())):
            return None
        flags: Any = None
        for name, values in wrong.items():
            column = columns[name] if name in columns else pieces[4::PIECES]
            hits = map(values.__contains__, column)
            flags = hits if flags is None else map(bool.__or__, flags, hits)
        bad = list(flags)
        keep = list(map(not_, bad))
        fields.add({name: list(compress(values, keep)) for name, values in columns.items()})
        return [
            QUOTE.join(pieces[index * PIECES : (index + 1) * PIECES])[1:] + QUOTE
            for index in compress(count(), bad)
        ]

    def _misread(
        self, counts: dict[str, Counter[bytes]], gaps: list[bytes]
    ) -> dict[str, set[bytes]]:
        """The values, per field, of lines the shortcut cannot vouch for."""
        epochs, statuses = self.epochs, self.status_keys
        wrong = {
            "time": {key for key in counts["time"] if not _stamp_valid(key, epochs)},
            "status": {key for key in counts["status"] if not statuses[key]},
            "client": {key for key in counts["client"] if not self.client_keys[key]},
            "gap": set(gaps) - {b" "},
        }
        return {name: values for name, values in wrong.items() if values}

    def _by_regex(self, data: bytes, line_count: int, fields: Fields) -> Columns:
        rows = self.regex.findall(data)
        if len(rows) == line_count:
            return self._columns(rows)
        return self._regex_lines([line for line in data.split(b"\n")[1:] if line], fields)

    def _regex_lines(self, lines: list[bytes], fields: Fields) -> Columns:
        """Rows of the lines either pattern reads; the others are counted and sampled."""
        rows = []
        fast, robust = self.regex.match, self.robust.match
        for line in lines:
            found = fast(b"\n" + line) or robust(b"\n" + line)
            if found is None:
                fields.add_malformed(line)
            else:
                rows.append(found.groups())
        return self._columns(rows)

    def _columns(self, rows: list[Any]) -> Columns:
        if not rows:
            return {}
        columns = {
            name: list(values)
            for name, values in zip(self.groups, zip(*rows, strict=True), strict=True)
        }
        columns["client"] = list(map(b"\n".__add__, columns["client"]))
        if self.tail_field is not None:
            columns[self.tail_field] = list(map(self.tails.__getitem__, columns[self.tail_field]))
        if "request" not in columns:
            columns["request"] = list(
                map(b" ".join, zip(columns["method"], columns["path"], strict=True))
            )
        return columns
