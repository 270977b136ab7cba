"""The documents' charts: well-formed SVG, every value inside the plot, names escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses the drawings this test makes
from datetime import date, timedelta

from opskit.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
DAYS = (date(2026, 11, 1), date(2026, 11, 30))


def parse(drawing: bytes) -> ET.Element:
    return ET.fromstring(drawing)  # noqa: S314 - our own output


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_lines_one_per_target_with_a_dot_per_day_and_a_legend() -> None:
    series = {
        f"site-{index}": {DAYS[0] + timedelta(days=day): 90.0 + index for day in range(30)}
        for index in range(8)
    }
    root = parse(
        charts.daily_lines(
            series, x_label="Tanggal", y_label="Ketersediaan (%)", days=DAYS, y_limits=(0, 100.5)
        )
    )
    lines = [line for line in root.iter(f"{SVG}polyline") if line.get("class") == "series"]
    assert len(lines) == charts.MAX_LINES  # the first six targets by name
    assert all(len(line.get("points", "").split()) == 30 for line in lines)
    markers = [path for path in root.iter(f"{SVG}path") if path.get("class") == "markers"]
    assert [path.get("d", "").count("M") for path in markers] == [30] * charts.MAX_LINES
    labels = texts(root)
    assert {"Tanggal", "Ketersediaan (%)", "site-0", "site-5"} <= set(labels)
    assert "site-6" not in labels
    assert {"0", "25", "50", "75", "100"} <= set(labels)  # y ticks
    assert {"01", "03", "29"} <= set(labels)  # every other day


def test_values_stay_inside_the_plot() -> None:
    series = {"www": {DAYS[0]: 0.0, DAYS[0] + timedelta(days=1): 1234.0}}
    root = parse(charts.daily_lines(series, x_label="x", y_label="ms", days=DAYS))
    top, bottom = charts.TOP, charts.TOP + charts.PLOT_HEIGHT
    (markers,) = (path for path in root.iter(f"{SVG}path") if path.get("class") == "markers")
    dots = re.findall(r"M([\d.]+) ([\d.]+)", markers.get("d", ""))
    assert len(dots) == 2
    assert all(top <= float(y) <= bottom for _, y in dots)
    bars = parse(
        charts.stacked_bars(
            ["1", "2"],
            {"C": [3, 0], "F": [3197, 5]},
            names={"C": "C", "F": "F"},
            x_label="Pekan",
            y_label="Temuan",
        )
    )
    plotted = [rect for rect in bars.iter(f"{SVG}rect") if rect.get("class") == "bar"]
    assert len(plotted) == 3  # a zero stacks nothing
    assert min(float(rect.get("y", 0)) for rect in plotted) >= top
    assert max(float(r.get("y", 0)) + float(r.get("height", 0)) for r in plotted) <= bottom + 0.1


def test_names_are_text_not_markup() -> None:
    hostile = '<script>alert(1)</script> & "quoted"'
    drawing = charts.stacked_bars(
        ["1"], {"X": [1]}, names={"X": hostile}, x_label="a & b", y_label="<y>"
    )
    root = parse(drawing)
    assert hostile in texts(root) and "a & b" in texts(root) and "<y>" in texts(root)
    assert b"<script>" not in drawing
    assert list(root.iter(f"{SVG}script")) == []


def test_empty_charts_still_draw_axes() -> None:
    root = parse(charts.stacked_bars([], {}, names={}, x_label="Pekan", y_label="Temuan"))
    assert {"Pekan", "Temuan", "0", "1"} <= set(texts(root))
    root = parse(charts.daily_lines({}, x_label="Tanggal", y_label="%", days=DAYS))
    assert "Tanggal" in texts(root)


def test_nice_ticks_are_round_and_cover_the_range() -> None:
    assert charts.nice_ticks(0, 100.5) == [0, 25, 50, 75, 100]
    assert charts.nice_ticks(0, 3360) == [0, 1000, 2000, 3000]
    assert charts.nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
