"""Charts for documents, drawn as SVG text.

A chart is a handful of lines, dots and bars: written directly as SVG it
costs microseconds, stays sharp at any print size, and its labels are text
the PDF keeps (searchable, copyable). A plotting library would cost the
monthly recap more time to import than the whole store reads.

A chart carries no title of its own: the document puts a numbered caption
under it. Axis labels say what is counted and in which unit, the legend
names every line or colour in words, and text is sized to read on paper
(the drawing is 7 inches wide in points and printed about 16 cm wide).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

MAX_LINES = 6
WIDTH = 504.0  # points: 7 inches
PLOT_HEIGHT = 150.0
TICK_POINTS = 10.0
LABEL_POINTS = 11.0
FONT = "DejaVu Sans, Arial, sans-serif"
# Ten distinguishable colours (the common "tab10" palette), in the order lines are named.
COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
LEFT = 62.0
RIGHT = 14.0
TOP = 10.0
LEGEND_ROW = 16.0
CHAR_WIDTH = 0.58  # a DejaVu Sans character's mean width, in ems: legend layout only


@dataclass(frozen=True)
class Frame:
    """The plot area inside the drawing, and the data range it shows."""

    x0: float
    x1: float
    y0: float
    y1: float
    low: float
    high: float

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return self.y1 - (value - self.low) / span * (self.y1 - self.y0)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering ``low``..``high``."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 2.5, 5, 10) if factor * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


def _text(
    x: float, y: float, content: str, size: float, anchor: str = "middle", **extra: str
) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"'
        f"{attributes}>{escape(content)}</text>"
    )


def _legend_rows(names: Sequence[str], columns: int) -> list[list[int]]:
    """Indexes of ``names`` per legend row, ``columns`` to a row at most, narrower if too long."""
    while columns > 1:
        width = max(len(name) for name in names) * CHAR_WIDTH * TICK_POINTS + 30
        if width * columns <= WIDTH - 20:
            break
        columns -= 1
    return [
        list(range(start, min(start + columns, len(names))))
        for start in range(0, len(names), columns)
    ]


def _legend(names: Sequence[str], top: float, columns: int, *, bars: bool) -> list[str]:
    parts = []
    rows = _legend_rows(names, columns)
    width = (WIDTH - 20) / max(len(row) for row in rows)
    for row_number, row in enumerate(rows):
        y = top + row_number * LEGEND_ROW
        start = (WIDTH - width * len(row)) / 2
        for place, index in enumerate(row):
            x = start + place * width
            colour = COLOURS[index % len(COLOURS)]
            if bars:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y - 8:.1f}" width="16" height="9" fill="{colour}"/>'
                )
            else:
                parts.append(
                    f'<line x1="{x:.1f}" y1="{y - 3.5:.1f}" x2="{x + 16:.1f}" y2="{y - 3.5:.1f}"'
                    f' stroke="{colour}" stroke-width="1.5"/>'
                    f'<circle cx="{x + 8:.1f}" cy="{y - 3.5:.1f}" r="2.5" fill="{colour}"/>'
                )
            parts.append(_text(x + 22, y, names[index], TICK_POINTS, "start"))
    return parts


def _axes(frame: Frame, ticks: Sequence[float], *, x_label: str, y_label: str) -> list[str]:
    """Grid, y ticks, the two axis lines and both axis labels."""
    parts = [
        _grid(f"M{frame.x0:.1f} {frame.y(tick):.1f}H{frame.x1:.1f}" for tick in ticks),
        *(
            _text(frame.x0 - 5, frame.y(tick) + 3.5, _number(tick), TICK_POINTS, "end")
            for tick in ticks
        ),
    ]
    parts.append(
        f'<polyline points="{frame.x0:.1f},{frame.y0:.1f} {frame.x0:.1f},{frame.y1:.1f}'
        f' {frame.x1:.1f},{frame.y1:.1f}" fill="none" stroke="#000" stroke-width="0.8"/>'
    )
    middle = (frame.y0 + frame.y1) / 2
    parts.append(_text(14, middle, y_label, LABEL_POINTS, transform=f"rotate(-90 14 {middle:.1f})"))
    parts.append(_text((frame.x0 + frame.x1) / 2, frame.y1 + 32, x_label, LABEL_POINTS))
    return parts


def _grid(moves: Iterable[str]) -> str:
    """Faint grid lines, one path (a drawing of few elements renders fast in the PDF)."""
    return f'<path d="{"".join(moves)}" stroke="#000" stroke-opacity="0.15" stroke-width="0.6"/>'


def _dots(points: Sequence[tuple[float, float]], colour: str) -> str:
    """A marker on each point: round caps of near-empty strokes, all in one path."""
    moves = "".join(f"M{px:.1f} {py:.1f}h0.01" for px, py in points)
    return (
        f'<path class="markers" d="{moves}" stroke="{colour}" stroke-width="5"'
        ' stroke-linecap="round" fill="none"/>'
    )


def _svg(height: float, parts: Sequence[str]) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:g}pt" height="{height:g}pt"'
        f' viewBox="0 0 {WIDTH:g} {height:g}" font-family="{FONT}" fill="#111">'
        f'<rect width="{WIDTH:g}" height="{height:g}" fill="#fff"/>' + "".join(parts) + "</svg>"
    ).encode()


def _height(legend_rows: int) -> float:
    return TOP + PLOT_HEIGHT + 42 + legend_rows * LEGEND_ROW + 6


def daily_lines(
    series: Mapping[str, Mapping[date, float]],
    *,
    x_label: str,
    y_label: str,
    days: tuple[date, date],
    y_limits: tuple[float, float] | None = None,
) -> bytes:
    """One line per target over ``days`` (first and last day), the first few targets by name."""
    names = sorted(series)[:MAX_LINES]
    values = [value for name in names for value in series[name].values()]
    if y_limits:
        low, high = y_limits
    else:
        low, high = min([0.0, *values]), max([1.0, *values]) * 1.05
    ticks = [tick for tick in nice_ticks(low, high) if low <= tick <= high]
    rows = len(_legend_rows(names, 3)) if names else 0
    frame = Frame(LEFT, WIDTH - RIGHT, TOP, TOP + PLOT_HEIGHT, low, high)
    first, last = days
    span = max(1, (last - first).days)

    def x(day: date) -> float:
        return frame.x0 + (day - first).days / span * (frame.x1 - frame.x0)

    parts = _axes(frame, ticks, x_label=x_label, y_label=y_label)
    interval = max(1, span // 10)
    ticked = [first + timedelta(days=offset) for offset in range(0, span + 1, interval)]
    parts.append(_grid(f"M{x(day):.1f} {frame.y0:.1f}V{frame.y1:.1f}" for day in ticked))
    parts.extend(_text(x(day), frame.y1 + 13, f"{day.day:02d}", TICK_POINTS) for day in ticked)
    for index, name in enumerate(names):
        colour = COLOURS[index % len(COLOURS)]
        points = [(x(day), frame.y(series[name][day])) for day in sorted(series[name])]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(
            f'<polyline class="series" points="{path}" fill="none" stroke="{colour}"'
            ' stroke-width="1.5"/>'
        )
        parts.append(_dots(points, colour))
    if names:
        parts.extend(_legend(names, frame.y1 + 58, 3, bars=False))
    return _svg(_height(rows), parts)


def stacked_bars(
    labels: Sequence[str],
    stacks: Mapping[str, Sequence[int]],
    *,
    names: Mapping[str, str],
    x_label: str,
    y_label: str,
) -> bytes:
    """Counts per label (e.g. per week), stacked by group (e.g. SOP section, named in ``names``)."""
    groups = sorted(stacks)
    totals = [sum(stacks[group][index] for group in groups) for index in range(len(labels))]
    high = max([1, *totals]) * 1.05
    ticks = [tick for tick in nice_ticks(0, high) if tick == int(tick) and tick <= high]
    legend = [names.get(group, group) for group in groups]
    columns = 1 if len(groups) > 2 else max(1, len(groups))
    rows = len(_legend_rows(legend, columns)) if groups else 0
    frame = Frame(LEFT, WIDTH - RIGHT, TOP, TOP + PLOT_HEIGHT, 0, high)
    parts = _axes(frame, ticks, x_label=x_label, y_label=y_label)
    slot = (frame.x1 - frame.x0) / max(1, len(labels))
    for index, label in enumerate(labels):
        left = frame.x0 + slot * (index + 0.2)
        bottom = 0
        for number, group in enumerate(groups):
            value = stacks[group][index]
            if value:
                top = frame.y(bottom + value)
                colour = COLOURS[number % len(COLOURS)]
                parts.append(
                    f'<rect class="bar" x="{left:.1f}" y="{top:.1f}" width="{slot * 0.6:.1f}"'
                    f' height="{frame.y(bottom) - top:.1f}" fill="{colour}"/>'
                )
            bottom += value
        parts.append(_text(left + slot * 0.3, frame.y1 + 13, label, TICK_POINTS))
    if groups:
        parts.extend(_legend(legend, frame.y1 + 58, columns, bars=True))
    return _svg(_height(rows), parts)
