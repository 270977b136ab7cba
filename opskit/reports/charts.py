"""Charts for documents, drawn with matplotlib (loaded only when a chart is drawn)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

WIDTH_INCHES = 7.5
HEIGHT_INCHES = 2.8
MAX_LINES = 6


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=110)
    axes.grid(True, alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure: Any) -> bytes:
    from matplotlib import pyplot

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()


def daily_lines(
    series: Mapping[str, Mapping[date, float]],
    title: str,
    y_label: str,
    *,
    days: tuple[date, date],
    y_limits: tuple[float, float] | None = None,
) -> bytes:
    """One line per target over ``days`` (first and last day), the first few targets by name."""
    from matplotlib.dates import DateFormatter, DayLocator

    figure, axes = _figure()
    for name in sorted(series)[:MAX_LINES]:
        points = sorted(series[name])
        axes.plot(
            points, [series[name][day] for day in points], marker=".", linewidth=1.2, label=name
        )
    axes.set_title(title, fontsize=10, loc="left")
    axes.set_ylabel(y_label, fontsize=8)
    axes.set_xlim(days[0], days[1])
    axes.xaxis.set_major_locator(DayLocator(interval=max(1, (days[1] - days[0]).days // 10)))
    axes.xaxis.set_major_formatter(DateFormatter("%d"))
    if y_limits:
        axes.set_ylim(*y_limits)
    axes.tick_params(labelsize=7)
    if series:
        axes.legend(fontsize=7, loc="lower left", frameon=False)
    return _png(figure)


def stacked_bars(labels: Sequence[str], stacks: Mapping[str, Sequence[int]], title: str) -> bytes:
    """Counts per label (e.g. per week), stacked by group (e.g. SOP section)."""
    figure, axes = _figure()
    bottom = [0] * len(labels)
    for group in sorted(stacks):
        values = list(stacks[group])
        axes.bar(labels, values, bottom=bottom, label=group, width=0.6)
        bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    axes.set_title(title, fontsize=10, loc="left")
    axes.tick_params(labelsize=7)
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if stacks:
        axes.legend(fontsize=7, frameon=False)
    return _png(figure)
