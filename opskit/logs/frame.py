"""Cutting a chunk of log lines into a frame of fields, in native code (Polars).

Every format yields the same columns: ``client``, ``epoch`` (seconds, float),
``time`` (as written), ``request``, ``status``, ``referer`` and ``agent``
(null where the format has none), and ``row`` (the line's place in the
chunk, which keeps the order of reading). The combined family takes a fast
path, a split on quotes whose every piece is checked; lines it does not fit
(a quote escaped in the user agent, a logged-in user, a syslog prefix, a
line wrapped in quotes) go through the general pattern; lines no pattern
reads are counted and sampled as malformed. Nothing here loops over lines in
Python except the few malformed samples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from opskit.logs.formats import CLF_LINE, LogFormat
from opskit.logs.settings import Zone

SAMPLE_LIMIT = 5
SAMPLE_CHARACTERS = 200
COLUMNS = (
    "client", "epoch", "time", "request", "status", "referer", "agent",
    "method", "target", "path", "static", "minute",
)  # fmt: skip
STATIC_PATTERN = (
    r"\.(?:css|js|mjs|map|png|jpe?g|gif|ico|svg|webp|avif|bmp|woff2?|ttf|otf|eot|mp4|webm"
    r"|mp3|pdf|txt|xml)$"
)
# A byte no log line holds in practice separates "columns" when lines are read as a table.
SEPARATOR = "\x1f"
CLF_ZONED = "%d/%b/%Y:%H:%M:%S %z"
CLF_NAIVE = "%d/%b/%Y:%H:%M:%S"
# Lengths of ``06/May/2024:10:00:01 +0800`` and of the same without its zone.
STAMP_ZONED, STAMP_NAIVE = 26, 20


@dataclass
class Chunk:
    """The fields of a chunk's readable lines, and what could not be read."""

    frame: pl.DataFrame
    lines: int = 0
    malformed: int = 0
    samples: list[str] = field(default_factory=list)
    naive_times: int = 0


def read_lines(data: bytes) -> pl.Series:
    """The non-empty lines of ``data`` as text (invalid UTF-8 replaced), without ``\\r``."""
    if SEPARATOR.encode() in data:
        data = data.replace(SEPARATOR.encode(), b"\x1a")
    frame = pl.read_csv(
        data,
        has_header=False,
        separator=SEPARATOR,
        quote_char=None,
        new_columns=["line"],
        schema_overrides={"line": pl.String},
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
    )
    lines = frame.get_column("line").drop_nulls()
    if lines.str.ends_with("\r").any():
        lines = lines.str.strip_suffix("\r")
    return lines.filter(lines.str.len_bytes() > 0)


def sample(line: str) -> str:
    """A malformed line as people can read it, cut short if it is long."""
    if len(line) > SAMPLE_CHARACTERS:
        return f"{line[:SAMPLE_CHARACTERS]} ... ({len(line.encode())} bytes)"
    return line


class FrameReader:
    """Reads chunks of one log format into frames of fields."""

    def __init__(self, log_format: LogFormat, zone: Zone) -> None:
        self.format = log_format
        self.zone = zone

    def read(self, data: bytes) -> Chunk:
        if not data.strip():
            return Chunk(frame=_empty())
        lines = read_lines(data)
        table = pl.DataFrame({"line": lines}).with_row_index("row")
        kind = self.format.kind
        if kind == "clf":
            read, rest = self._fast(table)
            if rest.height:
                # Lines the split does not fit: the general pattern, then back in line order.
                slow = self._by_pattern(rest, CLF_LINE)
                if slow.height:
                    read = pl.concat([read, slow], how="diagonal_relaxed").sort("row")
        elif kind == "json":
            read = self._json(table)
        else:
            read = self._by_pattern(table, self.format.pattern)
        if not read.height:
            read = _empty().with_columns(pl.lit(value=False).alias("naive"))
        valid = pl.col("epoch").is_not_null() & pl.col("client").is_not_null()
        if read.select(valid.all()).item() is not True:
            read = read.filter(valid)
        naive = int(read.get_column("naive").sum())
        chunk = Chunk(frame=read.select(*COLUMNS, "row"), lines=table.height, naive_times=naive)
        chunk.malformed = table.height - read.height
        if chunk.malformed:
            chunk.samples = self._samples(table, read)
        return chunk

    def _fast(self, table: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The lines the quote split reads, and the others (for the general pattern)."""
        quotes = self.format.quotes
        width = STAMP_ZONED if self.format.zone else STAMP_NAIVE
        line = pl.col("line")
        names = ["head", "request", "tail"] if quotes == 2 else [
            "head", "request", "tail", "referer", "gap", "agent", "after"]  # fmt: skip
        pieces = line.str.splitn('"', quotes + 1).struct.rename_fields(names)
        head = pl.col("head")
        rest = head.str.head(-(width + 3))
        before = rest.str.head(-5)
        client = before
        if self.format.prefix == "vhost":
            client = before.str.splitn(" ", 2).struct.field("field_1")
        elif self.format.prefix == "syslog":
            client = before.str.extract(r"([^ ]+)$")
        checks = [
            head.str.ends_with("] "),
            head.str.slice(-(width + 3), 1) == "[",
            rest.str.ends_with(" - - "),
            ~client.str.contains(" ", literal=True),
            client.str.len_bytes() > 0,
            pl.col("tail").str.contains(r"^ [0-9]{3} [^ ]+ ?$"),
        ]
        if quotes == 6:
            # Exactly six quotes, the last one ending the line: nothing after it.
            checks += [pl.col("gap") == " ", pl.col("after") == ""]
        time = head.str.slice(-(width + 2), width)
        epoch = self._epoch_expression(time)
        cut = (
            table.lazy()
            .with_columns(pieces.alias("pieces"))
            .unnest("pieces")
            .with_columns(
                client.alias("client"),
                time.alias("time"),
                epoch.alias("epoch"),
                pl.col("tail").str.slice(1, 3).cast(pl.Int32, strict=False).alias("status"),
            )
            .with_columns(
                pl.all_horizontal([*checks, pl.col("epoch").is_not_null()])
                .fill_null(value=False)
                .alias("fits"),
                pl.lit(not self.format.zone).alias("naive"),
                ((pl.col("epoch") // 60) * 60).cast(pl.Int64).alias("minute"),
            )
        )
        if quotes == 2:
            cut = cut.with_columns(
                pl.lit(None, pl.String).alias("referer"), pl.lit(None, pl.String).alias("agent")
            )
        found = cut.collect()
        fits = found.get_column("fits")
        if fits.all():
            return found.lazy().pipe(derive).collect(), table.head(0)
        return found.lazy().filter("fits").pipe(derive).collect(), table.filter(~fits)

    def _epoch_expression(self, time: pl.Expr) -> pl.Expr:
        """Epoch seconds of a ``$time_local`` / ``%t`` time (null if it is not one)."""
        if self.format.zone:
            parsed = time.str.strptime(pl.Datetime("ms", "UTC"), CLF_ZONED, strict=False)
        else:
            parsed = time.str.strptime(pl.Datetime("ms"), CLF_NAIVE, strict=False)
            if self.zone.name:
                parsed = parsed.dt.replace_time_zone(
                    self.zone.name, ambiguous="earliest", non_existent="null"
                )
        seconds = parsed.dt.epoch("ms").cast(pl.Float64) / 1000.0
        if not self.format.zone and not self.zone.name:
            seconds = seconds - self.zone.offset_seconds
        return seconds

    def _by_pattern(self, table: pl.DataFrame, pattern: str) -> pl.DataFrame:
        if not table.height:
            return table.head(0)
        line = pl.col("line")
        # Some exporters wrap each line in quotes: the line without them is the log's line.
        wrapped = line.str.starts_with('"') & line.str.ends_with('""')
        unwrapped = pl.when(wrapped).then(line.str.slice(1).str.head(-1)).otherwise(line)
        groups = unwrapped.str.extract_groups(pattern).alias("groups")
        found = table.with_columns(groups).unnest("groups")
        if "request" not in found.columns:
            found = found.with_columns(
                pl.concat_str([pl.col("method"), pl.col("path")], separator=" ").alias("request")
            )
        for name in ("referer", "agent"):
            if name not in found.columns:
                found = found.with_columns(pl.lit(None, pl.String).alias(name))
        found = found.with_columns(
            pl.col("client").str.strip_chars('"'),
            pl.col("status").cast(pl.Int32, strict=False),
        ).filter(pl.col("time").is_not_null() & pl.col("status").is_not_null())
        return self._with_epochs(found.lazy().pipe(derive).collect())

    def _json(self, table: pl.DataFrame) -> pl.DataFrame:
        paths = dict(self.format.json_fields)
        objects = table.filter(pl.col("line").str.contains(r"^\s*\{.*\}\s*$"))
        try:
            decoded = objects.get_column("line").str.json_decode(_json_type(paths))
        except pl.exceptions.PolarsError:
            # One broken line spoils the batch: keep the lines Python's parser accepts.
            valid = [_is_object(text) for text in objects.get_column("line")]
            objects = objects.filter(pl.Series(valid, dtype=pl.Boolean))
            decoded = objects.get_column("line").str.json_decode(_json_type(paths))
        found = objects.select("row", decoded.alias("record")).select(
            "row", *(_json_field(name, path) for name, path in paths.items())
        )
        if "request" not in found.columns:
            found = found.with_columns(
                pl.concat_str(
                    [pl.col("method"), pl.col("path"), pl.col("protocol")],
                    separator=" ",
                    ignore_nulls=True,
                ).alias("request")
            )
        for name in ("referer", "agent"):
            if name not in found.columns:
                found = found.with_columns(pl.lit(None, pl.String).alias(name))
        found = found.with_columns(
            pl.col("status").cast(pl.Float64, strict=False).cast(pl.Int32, strict=False),
            pl.col("client").str.replace(r"^\[?([0-9a-fA-F:.]+?)\]?(?::[0-9]+)?$", "$1"),
        ).filter(pl.col("time").is_not_null() & pl.col("status").is_not_null())
        return self._with_epochs(found.lazy().pipe(derive).collect())

    def _with_epochs(self, frame: pl.DataFrame) -> pl.DataFrame:
        if not frame.height:
            return frame.with_columns(
                pl.lit(None, pl.Float64).alias("epoch"),
                pl.lit(value=False).alias("naive"),
                pl.lit(None, pl.Int64).alias("minute"),
            )
        epochs, naive = epoch_series(frame.get_column("time"), self.format, self.zone)
        return frame.with_columns(
            epochs.alias("epoch"),
            naive.alias("naive"),
            ((epochs // 60) * 60).cast(pl.Int64).alias("minute"),
        )

    @staticmethod
    def _samples(table: pl.DataFrame, read: pl.DataFrame) -> list[str]:
        missing = table.join(read.select("row"), on="row", how="anti").sort("row")
        return [sample(text) for text in missing.get_column("line").head(SAMPLE_LIMIT)]


def derive(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The method, target (path and query), path and whether it is a static file."""
    request = pl.col("request")
    parts = request.str.splitn(" ", 3)
    method = parts.struct.field("field_0")
    has_method = method.str.contains("^[A-Z]{1,20}$") & parts.struct.field("field_1").is_not_null()
    return (
        frame.with_columns(
            pl.when(has_method).then(method).otherwise(pl.lit("")).alias("method"),
            pl.when(has_method)
            .then(parts.struct.field("field_1"))
            .otherwise(request)
            .alias("target"),
        )
        .with_columns(
            pl.col("target").str.splitn("?", 2).struct.field("field_0").alias("path"),
        )
        .with_columns(
            pl.col("path").str.to_lowercase().str.contains(STATIC_PATTERN).alias("static"),
        )
    )


def epoch_series(
    times: pl.Series, log_format: LogFormat, zone: Zone
) -> tuple[pl.Series, pl.Series]:
    """Epoch seconds of each time (null if unreadable), and which had no zone of their own."""
    zoned = _parse(times, zoned=True)
    missing = zoned.is_null()
    naive = pl.Series([False] * len(times)) if not missing.any() else missing
    if not missing.any():
        return zoned, naive
    local = _parse(times.filter(missing), zoned=False)
    local = _in_zone(local, zone)
    filled = zoned.scatter(missing.arg_true(), local)
    naive = missing & filled.is_not_null()
    return filled, naive


ZONED_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z")
NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f")


def _parse(times: pl.Series, *, zoned: bool) -> pl.Series:
    """Seconds since the epoch; naive times as if they were UTC (``_in_zone`` moves them)."""
    result = pl.Series([None] * len(times), dtype=pl.Float64)
    if zoned and len(times) and times.head(1).str.contains(r"^[0-9]{9,}(\.[0-9]*)?$").all():
        numbers = times.cast(pl.Float64, strict=False)
        numbers = numbers.set(numbers.fill_null(0.0) <= 1e8, None)
        if not numbers.is_null().any():
            return numbers
    formats = (CLF_ZONED, *ZONED_FORMATS) if zoned else (CLF_NAIVE, *NAIVE_FORMATS)
    remaining = times
    missing = pl.Series([True] * len(times))
    for position, pattern in enumerate(formats):
        if position:
            remaining = times.filter(missing)
            if not len(remaining):
                break
            remaining = remaining.str.replace(r"Z$", "+00:00")
        parsed = remaining.str.strptime(pl.Datetime("ms"), pattern, strict=False)
        if zoned:
            parsed = parsed.dt.convert_time_zone("UTC")
        seconds = parsed.dt.epoch("ms").cast(pl.Float64) / 1000.0
        result = seconds if not position else result.scatter(missing.arg_true(), seconds)
        missing = result.is_null()
    if zoned and missing.any():
        # Epoch numbers (Caddy's ``ts``) carry no zone: they are UTC by definition.
        numbers = times.filter(missing).cast(pl.Float64, strict=False)
        numbers = numbers.set(numbers.fill_null(0.0) <= 1e8, None)
        result = result.scatter(missing.arg_true(), numbers)
    return result


def _in_zone(seconds: pl.Series, zone: Zone) -> pl.Series:
    if zone.name is None:
        return seconds - zone.offset_seconds
    moments = (seconds * 1000).cast(pl.Int64).cast(pl.Datetime("ms"))
    placed = moments.dt.replace_time_zone(zone.name, ambiguous="earliest", non_existent="null")
    return placed.dt.epoch("ms").cast(pl.Float64) / 1000.0


def _json_type(paths: dict[str, tuple[str, ...]]) -> pl.DataType:
    tree: dict[str, Any] = {}
    for path in paths.values():
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = pl.List(pl.String) if "headers" in path[:-1] else pl.String

    def build(node: dict[str, Any]) -> pl.DataType:
        return pl.Struct(
            {key: build(value) if isinstance(value, dict) else value for key, value in node.items()}
        )

    return build(tree)


def _json_field(name: str, path: tuple[str, ...]) -> pl.Expr:
    expression = pl.col("record")
    for key in path:
        expression = expression.struct.field(key)
    if "headers" in path[:-1]:
        expression = expression.list.first()
    return expression.alias(name)


def _is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "client": pl.String, "epoch": pl.Float64, "time": pl.String, "request": pl.String,
            "status": pl.Int32, "referer": pl.String, "agent": pl.String, "method": pl.String,
            "target": pl.String, "path": pl.String, "static": pl.Boolean, "minute": pl.Int64,
            "row": pl.UInt32,
        }
    )  # fmt: skip
