"""Charts of the statistics (QtCharts, from PySide6-Addons): intake per month, dispute types,
and the three tiers as a funnel — words in Chinese, in the program's fonts at its text size.

QtCharts is imported only when a chart is first drawn: the window starts without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.domain.statistics import Group, TierPicture, percent_text
from app.services.statistics import MonthCount
from ui import style

if TYPE_CHECKING:
    from PySide6.QtCharts import QChart

#: Bar colours: the program's blue, and a green and grey for the tiers' funnel.
BLUE = "#2f5d9e"
TIER_COLOURS = ("#2e7d32", "#558b2f", "#2f5d9e", "#8d6e63")
#: The tallest a chart is drawn, in pixels.
TALLEST = 420


def _fonts(chart: QChart) -> None:
    scale = style.current_scale()
    chart.setTitleFont(style.make_font(style.heading_pixels(scale), bold=True))
    for axis in chart.axes():
        axis.setLabelsFont(style.make_font(style.body_pixels(scale)))
        axis.setTitleFont(style.make_font(style.body_pixels(scale)))


def _view(chart: QChart, lines: int) -> QWidget:
    """The chart in a view `lines` lines of text tall (so it grows with the text size)."""
    from PySide6.QtCharts import QChartView

    chart.legend().hide()
    chart.setAnimationOptions(chart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(chart.margins())
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    # As tall as `lines` lines of text, but never taller than what a 1366×768 screen shows of
    # the statistics window at once, so a chart is seen whole.
    view.setMinimumHeight(min(style.body_pixels(style.current_scale()) * 2 * lines, TALLEST))
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view


def _bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    *,
    horizontal: bool,
    colours: Sequence[str] = (BLUE,),
    lines: int = 12,
    axis_title: str = "",
) -> QWidget:
    from PySide6.QtCharts import (
        QBarCategoryAxis,
        QBarSeries,
        QBarSet,
        QChart,
        QHorizontalBarSeries,
        QHorizontalStackedBarSeries,
        QValueAxis,
    )

    if horizontal:  # the category axis runs upwards: the first item goes on top
        labels, values = list(reversed(labels)), list(reversed(values))
        colours = list(reversed(colours)) if len(colours) > 1 else colours
    chart = QChart()
    chart.setTitle(title)
    series: Any
    if not horizontal:
        series = QBarSeries()
    elif len(colours) > 1:  # a set a bar, stacked: each bar in its own colour, full width
        series = QHorizontalStackedBarSeries()
    else:
        series = QHorizontalBarSeries()
    if len(colours) == 1:
        bars = QBarSet(title)
        bars.append([float(v) for v in values])
        bars.setColor(QColor(colours[0]))
        bars.setLabelColor(QColor("#111111"))
        bars.setLabelFont(style.make_font(style.body_pixels(style.current_scale())))
        series.append(bars)
    else:
        # One set a bar, each in its colour (a bar set has one colour).
        for i, value in enumerate(values):
            bars = QBarSet(labels[i])
            bars.append([float(value) if k == i else 0.0 for k in range(len(values))])
            bars.setColor(QColor(colours[i % len(colours)]))
            bars.setLabelColor(QColor("#ffffff"))  # inside the dark bar
            bars.setLabelFont(style.make_font(style.body_pixels(style.current_scale())))
            series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value")
    if len(colours) == 1:
        series.setLabelsPosition(series.LabelsPosition.LabelsOutsideEnd)
    else:  # stacked: the one set of a bar is the whole bar, its label inside at the end
        series.setLabelsPosition(series.LabelsPosition.LabelsInsideEnd)
    if len(colours) > 1:
        series.setBarWidth(0.9)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(list(labels))
    if axis_title:
        categories.setTitleText(axis_title)
    counts = QValueAxis()
    counts.setLabelFormat("%d")
    counts.setRange(0, max(1, max(values, default=0)) * 1.2)
    counts.setTickCount(5)
    counts.applyNiceNumbers()
    counts.setLabelFormat("%d")
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(counts, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(counts)
    _fonts(chart)
    return _view(chart, lines)


def intake_chart(months: Sequence[MonthCount]) -> QWidget:
    """每月收案: one bar a month, labelled by its number; the axis says from which month to
    which (at large text “10月” would not fit under its bar)."""
    labels = [str(m.month) for m in months]
    span = f"月份（{months[0].label}至{months[-1].label}）" if months else "月份"
    return _bars(
        "每月收案（件）", labels, [m.count for m in months], horizontal=False, axis_title=span
    )


def types_chart(groups: Sequence[Group]) -> QWidget:
    """纠纷类型: the period's cases received by dispute type, the most first (empty ones left
    out; at most ten, the rest as 其他类型)."""
    shown = sorted((g for g in groups if g.figures.received), key=lambda g: -g.figures.received)
    if len(shown) > 10:
        rest = sum(g.figures.received for g in shown[9:])
        items = [(g.label, g.figures.received) for g in shown[:9]] + [("其余类型", rest)]
    else:
        items = [(g.label, g.figures.received) for g in shown]
    if not items:
        items = [("（本期没有收案）", 0)]
    return _bars(
        "收案的纠纷类型（件）",
        [label for label, _ in items],
        [n for _, n in items],
        horizontal=True,
        lines=max(8, 2 * len(items) + 3),
    )


def tier_chart(picture: TierPicture) -> QWidget:
    """三级化解: settled at the building, the courtyard, the community, and left — a funnel
    that should narrow downwards (琐事不出楼，小事不出院，大事不出社区)."""
    labels = ["楼栋化解", "院落化解", "社区化解", "移出社区"]
    values = [picture.building, picture.courtyard, picture.community, picture.left]
    share = percent_text(picture.low_tier_share)
    return _bars(
        f"三级化解（件）：楼栋、院落化解占{share}",
        labels,
        values,
        horizontal=True,
        colours=TIER_COLOURS,
        lines=11,
    )
