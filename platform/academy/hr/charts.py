"""Geometry of the two dashboard charts, drawn as inline SVG by the templates (no
script, no inline style): completion by department as horizontal bars, and
certificates issued per week as columns. Pure: numbers in, coordinates out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH = 320  # viewBox units; the SVG scales to the width of its box (phone: about 1:1)
ROW = 38  # one department: its label line, then its bar
BAR = 12
RIGHT_MARGIN = 14  # room for the last week's date under the axis
MAX_LABEL = 32  # characters; the full name is in the table next to the chart


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int
    y: float  # top of the label line
    width: float  # of the bar


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    bar_height: int = BAR

    @property
    def height(self) -> int:
        return max(len(self.bars) * ROW, ROW)


def completion_bars(items: list[tuple[str, int]]) -> BarChart:
    """(department, completion percent) pairs, lowest first: where to act."""
    ordered = sorted(items, key=lambda item: (item[1], item[0].casefold()))
    return BarChart(
        tuple(
            Bar(_shorten(label), percent, index * ROW, WIDTH * max(0, min(percent, 100)) / 100)
            for index, (label, percent) in enumerate(ordered)
        )
    )


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


@dataclass(frozen=True)
class Column:
    week: date
    count: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # every fourth week carries its date under the axis


@dataclass(frozen=True)
class ColumnChart:
    columns: tuple[Column, ...]
    top: int  # the value at the top of the plot
    width: int = WIDTH
    height: int = 170
    plot_top: int = 16
    plot_bottom: int = 146


def week_columns(weeks: list[tuple[date, int]]) -> ColumnChart:
    chart = ColumnChart((), 0)
    top = max([count for _, count in weeks] + [1])
    slot = (chart.width - RIGHT_MARGIN) / max(len(weeks), 1)
    plot = chart.plot_bottom - chart.plot_top
    columns = []
    for index, (week, count) in enumerate(weeks):
        height = plot * count / top
        columns.append(
            Column(
                week=week,
                count=count,
                x=index * slot + slot * 0.15,
                y=chart.plot_bottom - height,
                width=slot * 0.7,
                height=height,
                labelled=(len(weeks) - 1 - index) % 4 == 0,
            )
        )
    return ColumnChart(tuple(columns), top)
