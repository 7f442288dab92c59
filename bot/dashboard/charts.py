"""Chart geometry for server-rendered SVG: stacked columns over days; horizontal bars.

Functions return plain shapes (rectangles, labels, ticks); the templates draw them, so the
charts work offline, print, and come with the same numbers as a table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Bar", "Chart", "Rect", "horizontal_bars", "stacked_columns"]

WIDTH, HEIGHT = 720.0, 260.0
LEFT, BOTTOM, TOP = 40.0, 28.0, 10.0


@dataclass(frozen=True)
class Rect:
    """One bar (or part of a stacked bar)."""

    x: float
    y: float
    width: float
    height: float
    series: str
    label: str
    count: int


@dataclass
class Chart:
    """Shapes and labels to draw inside an SVG viewBox of width × height."""

    width: float
    height: float
    rects: list[Rect] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_labels: list[tuple[float, str]] = field(default_factory=list)
    ticks: list[tuple[float, int]] = field(default_factory=list)
    values: list[tuple[float, float, int]] = field(default_factory=list)


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


def stacked_columns(columns: list[tuple[str, dict[str, int]]], order: list[str]) -> Chart:
    """One column per label (a day), stacked by series (a status) in the given order."""
    chart = Chart(WIDTH, HEIGHT)
    if not columns:
        return chart
    top = _nice_max(max(sum(c.values()) for _, c in columns) or 1)
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / len(columns)
    every = max(1, round(len(columns) / 8))  # about eight date labels, whatever the period
    for index, (label, counts) in enumerate(columns):
        x, y = LEFT + index * step, TOP + plot_h
        for series in order:
            count = counts.get(series, 0)
            if count:
                height = count / top * plot_h
                y -= height
                chart.rects.append(
                    Rect(
                        round(x + step * 0.1, 1),
                        round(y, 1),
                        round(step * 0.8, 1),
                        round(height, 1),
                        series,
                        label,
                        count,
                    )
                )
        if index % every == 0:
            chart.x_labels.append((round(x + step / 2, 1), label))
    chart.ticks = [(round(TOP + plot_h - plot_h * i / 4, 1), top * i // 4) for i in range(5)]
    return chart


@dataclass(frozen=True)
class Bar:
    """One labelled bar: its count and its length in percent of the longest."""

    label: str
    count: int
    percent: float


def horizontal_bars(items: list[tuple[str, int]]) -> list[Bar]:
    """One bar per item, in the order given; drawn as page rows, so their words keep the
    page's size on a phone as on a laptop."""
    top = max((count for _, count in items), default=0) or 1
    return [Bar(label, count, round(max(count / top * 100, 0.5), 1)) for label, count in items]
