"""The statistics dialog: figures that list their cases, the grouped table, charts, saving the
sheet; at 1366×768 in normal and large text (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.statistics import Figure, FigureRef
from app.services.database import Database, open_database
from app.services.exchange import import_data
from app.services.statistics import figure_case_ids
from tests.core.statistics_cases import EXPECTED, PERIOD, exchange_data
from tests.ui.conftest import show_at_screen_size
from tests.ui.test_usability import check
from ui import style
from ui.statistics_page import CaseListDialog, StatisticsDialog

#: A day in the fixture's quarter: 本季度 is the first quarter of 2026.
TODAY = date(2026, 3, 15)


@pytest.fixture
def stats_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "stats.db")
    import_data(db, exchange_data())
    yield db
    db.close()


def make_dialog(qtbot, db: Database, **kwargs) -> StatisticsDialog:  # type: ignore[no-untyped-def]
    dialog = StatisticsDialog(None, db, today=TODAY, **kwargs)
    show_at_screen_size(qtbot, dialog)
    dialog.period.set_kind("quarter")
    qtbot.wait(10)
    return dialog


def test_the_periods(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, stats_db)
    assert dialog.selected_period() == PERIOD
    assert dialog.period.span.text() == "2026年1月1日至2026年3月31日（本季度）"
    for kind, label, near in (
        ("month", "2026年2月", "上月"),
        ("quarter", "2025年第四季度", "上季度"),
        ("year", "2025年", "去年"),
    ):
        dialog.period.set_kind(kind)
        dialog.period.year.set_year(TODAY.year)  # back to the period of today
        dialog.period.earlier.click()
        period = dialog.selected_period()
        assert period is not None and period.label == label
        assert dialog.stats is not None and dialog.stats.period == period  # counted at once
        assert dialog.period.span.text().endswith(f"（{near}）")


def test_the_figures_and_the_cases_behind_them(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    asked: list[tuple[list[int], str]] = []
    dialog = make_dialog(qtbot, stats_db, on_cases=lambda ids, what: asked.append((ids, what)))
    assert dialog.stats is not None and dialog.stats.total == EXPECTED
    received = dialog.figure_buttons[Figure.RECEIVED]
    assert received.text() == "收案\n12件"
    assert dialog.figure_buttons[Figure.AMOUNT].text() == "涉及金额\n26,300.00元"
    assert dialog.rate_labels  # rates are shown as words
    signals: list[tuple[list[int], str]] = []
    dialog.cases_requested.connect(lambda ids, what: signals.append((ids, what)))
    qtbot.mouseClick(received, Qt.MouseButton.LeftButton)
    expected = figure_case_ids(stats_db, PERIOD, FigureRef(Figure.RECEIVED))
    assert asked == [(expected, "2026年第一季度 收案")] == signals
    qtbot.mouseClick(dialog.figure_buttons["tier:courtyard"], Qt.MouseButton.LeftButton)
    assert len(asked[-1][0]) == 2 and "院落" in asked[-1][1]


def test_the_table_lists_the_cases_of_a_cell(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    asked: list[tuple[list[int], str]] = []
    dialog = make_dialog(qtbot, stats_db, on_cases=lambda ids, what: asked.append((ids, what)))
    dialog.tabs.setCurrentIndex(1)
    table = dialog.table
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert names[-1] == "合计" and "邻里" in names
    row = names.index("邻里")
    assert table.item(row, 1).text() == "6"
    dialog._table_clicked(row, 3)  # 邻里 · 调解成功
    assert len(asked[-1][0]) == 2 and asked[-1][1] == "2026年第一季度 调解成功 · 邻里"
    dialog.grouping.setCurrentIndex(dialog.grouping.findData("mediator"))
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert "王建国（老党员）" in names


def test_without_a_callback_the_dialog_lists_the_cases(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, stats_db)
    qtbot.mouseClick(dialog.figure_buttons[Figure.SUCCEEDED], Qt.MouseButton.LeftButton)
    shown = dialog.case_list
    assert isinstance(shown, CaseListDialog)
    qtbot.addWidget(shown)
    assert shown.table.rowCount() == 5
    assert shown.table.item(0, 0).text().startswith("（20")


def test_a_custom_period(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    from ui.widgets import to_qdate

    dialog = make_dialog(qtbot, stats_db)
    dialog.period.set_kind("custom")
    chooser = dialog.period
    assert chooser.start.isVisible() and dialog.count_button.isVisible()
    chooser.start.setDate(to_qdate(date(2026, 1, 8)))
    chooser.end.setDate(to_qdate(date(2026, 1, 8)))
    qtbot.mouseClick(dialog.count_button, Qt.MouseButton.LeftButton)
    assert dialog.stats is not None and dialog.stats.total.succeeded == 1
    assert "2026年1月8日" in dialog.title.plain_text()
    assert not chooser.span.isVisible()
    # An end before the start is not counted: the words say so, the focus goes to the end.
    shown = dialog.stats
    chooser.end.setDate(to_qdate(date(2026, 1, 5)))
    assert chooser.problem.isVisible() and "结束日期" in chooser.problem.plain_text()
    qtbot.mouseClick(dialog.count_button, Qt.MouseButton.LeftButton)
    assert dialog.stats is shown and chooser.end.hasFocus()
    assert chooser.end.date() == to_qdate(date(2026, 1, 5))  # what was typed stays


def test_charts(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCharts import QChartView

    dialog = make_dialog(qtbot, stats_db)
    dialog.tabs.setCurrentIndex(2)
    views = dialog.charts.findChildren(QChartView)
    assert len(views) == 3
    titles = [v.chart().title() for v in views]
    assert titles[0] == "每月收案（件）" and "三级化解" in titles[2]


def test_saving_the_sheet(qtbot, stats_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, stats_db)
    dialog.save_to(tmp_path / "统计表.xlsx", "xlsx")
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=20000)
    assert load_workbook(tmp_path / "统计表.xlsx")["统计表"]["A1"].value == "人民调解案件统计表"
    dialog.last_saved = None
    dialog.save_to(tmp_path / "统计表.pdf", "pdf")
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=30000)
    assert (tmp_path / "统计表.pdf").read_bytes().startswith(b"%PDF")
    assert "已保存" in dialog.saved.plain_text()


@pytest.mark.parametrize("scale", [100, 200])
@pytest.mark.parametrize("tab", [0, 1, 2])
def test_usable_at_1366_by_768(qtbot, stats_db: Database, scale: int, tab: int) -> None:  # type: ignore[no-untyped-def]
    style.apply_scale(scale, save=False)
    dialog = make_dialog(qtbot, stats_db)
    dialog.tabs.setCurrentIndex(tab)
    qtbot.wait(50)
    name = ("figures", "table", "charts")[tab]
    check(dialog, scale, f"statistics-{name}-{scale}")
    assert dialog.width() <= 1366 and dialog.height() <= 768


@pytest.mark.parametrize("scale", [100, 200])
def test_custom_dates_and_their_error_usable(qtbot, stats_db: Database, scale: int) -> None:  # type: ignore[no-untyped-def]
    from ui.widgets import to_qdate

    style.apply_scale(scale, save=False)
    dialog = make_dialog(qtbot, stats_db)
    dialog.period.set_dates(date(2026, 2, 10), date(2026, 1, 31))
    qtbot.wait(20)
    assert dialog.period.problem.isVisible()
    check(dialog, scale, f"statistics-custom-error-{scale}")
    dialog.period.end.setDate(to_qdate(date(2026, 2, 28)))
    assert not dialog.period.problem.isVisible()


# ---------------------------------------------------------------- the period chooser


def chooser(qtbot, kinds: tuple[str, ...] = ("month", "quarter", "year", "custom")):  # type: ignore[no-untyped-def]
    from ui.period_chooser import PeriodChooser

    widget = PeriodChooser("统计时间", kinds, today=TODAY)
    show_at_screen_size(qtbot, widget)
    chosen: list[tuple[date, date]] = []
    widget.chosen.connect(lambda start, end: chosen.append((start, end)))
    return widget, chosen


def test_the_chooser_offers_nothing_after_today(qtbot) -> None:  # type: ignore[no-untyped-def]
    period, chosen = chooser(qtbot)
    assert period.dates() == (date(2026, 3, 1), date(2026, 3, 31))
    assert period.year.maximum() == 2026
    assert [period.month.itemText(i) for i in range(period.month.count())] == ["1月", "2月", "3月"]
    assert not period.later.isEnabled()  # April has not come yet
    period.year.set_year(2025)  # March of last year; all twelve months
    assert chosen[-1] == (date(2025, 3, 1), date(2025, 3, 31)) and period.month.count() == 12
    period.month.setCurrentIndex(11)
    assert chosen[-1] == (date(2025, 12, 1), date(2025, 12, 31))
    period.year.set_year(2026)  # December 2026 is still to come: the latest month, March
    assert chosen[-1] == (date(2026, 3, 1), date(2026, 3, 31))
    assert period.span.text() == "2026年3月1日至2026年3月31日（本月）"


def test_the_chooser_steps_across_years_and_keeps_its_place(qtbot) -> None:  # type: ignore[no-untyped-def]
    period, chosen = chooser(qtbot)
    period.month.setCurrentIndex(0)  # January 2026
    period.earlier.click()
    assert chosen[-1] == (date(2025, 12, 1), date(2025, 12, 31)) and period.year.year() == 2025
    assert period.span.text().endswith("31日")  # neither 本月 nor 上月
    period.set_kind("quarter")  # the quarter of December
    assert chosen[-1] == (date(2025, 10, 1), date(2025, 12, 31))
    assert period.earlier.text() == "上一季度"
    period.later.click()
    assert chosen[-1] == (date(2026, 1, 1), date(2026, 3, 31))
    period.set_kind("month")  # the quarter holds today: back to this month
    assert chosen[-1] == (date(2026, 3, 1), date(2026, 3, 31))
    period.set_kind("custom")  # the dates start as the month shown; nothing counted yet
    count = len(chosen)
    assert period.dates() == (date(2026, 3, 1), date(2026, 3, 31))
    period.set_dates(date(2026, 1, 8), date(2026, 2, 8))
    assert len(chosen) == count and period.confirmed_dates() == (date(2026, 1, 8), date(2026, 2, 8))


def test_the_chooser_weeks(qtbot) -> None:  # type: ignore[no-untyped-def]
    period, chosen = chooser(qtbot, ("week", "month", "custom"))
    assert period.dates() == (date(2026, 3, 9), date(2026, 3, 15))
    assert period.week.currentText() == "3月9日至3月15日" and period.near_name() == "本周"
    period.earlier.click()
    assert chosen[-1] == (date(2026, 3, 2), date(2026, 3, 8)) and period.near_name() == "上周"
    period.week.setCurrentIndex(0)  # the week 1 January falls in, begun in December
    assert chosen[-1] == (date(2025, 12, 29), date(2026, 1, 4)) and period.year.year() == 2026
    assert period.week.currentText() == "2025年12月29日至2026年1月4日"


def test_the_chooser_with_the_keyboard(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    period, chosen = chooser(qtbot)
    period.activateWindow()
    qtbot.waitUntil(period.isActiveWindow, timeout=2000)
    period.kind_box.setFocus()
    QTest.keyClick(period.kind_box, Qt.Key.Key_Down)  # 按季度
    assert chosen[-1] == (date(2026, 1, 1), date(2026, 3, 31))
    QTest.keyClick(period.kind_box, Qt.Key.Key_Tab)
    assert period.year.hasFocus()
    QTest.keyClick(period.year, Qt.Key.Key_Down)  # a year back
    assert chosen[-1] == (date(2025, 1, 1), date(2025, 3, 31))
    QTest.keyClick(period.year, Qt.Key.Key_Tab)
    assert period.quarter.hasFocus()
    QTest.keyClick(period.quarter, Qt.Key.Key_Tab)
    assert period.earlier.hasFocus()
    QTest.keyClick(period.earlier, Qt.Key.Key_Space)
    assert chosen[-1] == (date(2024, 10, 1), date(2024, 12, 31))
    for label in period.findChildren(QLabel):  # every field is named by a label beside it
        if label.buddy() is not None:
            assert label.isVisible() == label.buddy().isVisible()


def test_case_list_usable(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    style.apply_scale(200, save=False)
    ids = figure_case_ids(stats_db, PERIOD, FigureRef(Figure.RECEIVED))
    shown: QWidget = show_at_screen_size(
        qtbot, CaseListDialog(None, stats_db, ids, "2026年第一季度 收案")
    )
    check(shown, 200, "statistics-case-list-200")
