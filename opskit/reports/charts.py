"""Charts for documents, drawn with matplotlib (loaded only when a chart is drawn).

A chart carries no title of its own: the document puts a numbered caption
under it. Axis labels say what is counted and in which unit, the legend
names every line or colour in words, and text is sized to read on paper
(the image is printed about 16 cm wide).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

WIDTH_INCHES = 7.0
HEIGHT_INCHES = 3.0
MAX_LINES = 6
TICK_POINTS = 10
LABEL_POINTS = 11


def _figure() -> tuple[Any, Any]:
    # A Figure of its own on the Agg canvas, without pyplot: no global state to close (and
    # no pyplot to import).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=130)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    axes.grid(True, alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=TICK_POINTS)
    return figure, axes


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _legend(axes: Any, columns: int) -> None:
    axes.legend(
        fontsize=TICK_POINTS,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.28),
        ncol=max(1, columns),
    )


def daily_lines(
    series: Mapping[str, Mapping[date, float]],
    *,
    x_label: str,
    y_label: str,
    days: tuple[date, date],
    y_limits: tuple[float, float] | None = None,
) -> bytes:
    """One line per target over ``days`` (first and last day), the first few targets by name."""
    from matplotlib.dates import DateFormatter, DayLocator

    figure, axes = _figure()
    names = sorted(series)[:MAX_LINES]
    for name in names:
        points = sorted(series[name])
        axes.plot(
            points, [series[name][day] for day in points], marker="o", linewidth=1.5, label=name
        )
    axes.set_xlabel(x_label, fontsize=LABEL_POINTS)
    axes.set_ylabel(y_label, fontsize=LABEL_POINTS)
    axes.set_xlim(days[0], days[1])
    axes.xaxis.set_major_locator(DayLocator(interval=max(1, (days[1] - days[0]).days // 10)))
    axes.xaxis.set_major_formatter(DateFormatter("%d"))
    if y_limits:
        axes.set_ylim(*y_limits)
    if names:
        _legend(axes, min(3, len(names)))
    return _png(figure)


def stacked_bars(
    labels: Sequence[str],
    stacks: Mapping[str, Sequence[int]],
    *,
    names: Mapping[str, str],
    x_label: str,
    y_label: str,
) -> bytes:
    """Counts per label (e.g. per week), stacked by group (e.g. SOP section, named in ``names``)."""
    from matplotlib.ticker import MaxNLocator

    figure, axes = _figure()
    bottom = [0] * len(labels)
    for group in sorted(stacks):
        values = list(stacks[group])
        axes.bar(labels, values, bottom=bottom, label=names.get(group, group), width=0.6)
        bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    axes.set_xlabel(x_label, fontsize=LABEL_POINTS)
    axes.set_ylabel(y_label, fontsize=LABEL_POINTS)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if stacks:
        _legend(axes, 1 if len(stacks) > 2 else len(stacks))
    return _png(figure)
