"""The statistics dialog: figures that list their cases, the grouped table, charts, saving the
sheet; at 1366×768 in normal and large text (screenshots in artifacts/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.domain.statistics import Figure, FigureRef
from app.services.database import Database, open_database
from app.services.exchange import import_data
from app.services.statistics import figure_case_ids
from tests.core.statistics_cases import EXPECTED, PERIOD, exchange_data
from tests.ui.conftest import show_at_screen_size
from tests.ui.test_usability import check
from ui import style
from ui.statistics_page import CaseListDialog, StatisticsDialog, period_for

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
    dialog.period.setCurrentIndex(dialog.period.findData("quarter"))
    qtbot.wait(10)
    return dialog


def test_the_periods() -> None:
    assert period_for("quarter", TODAY) == PERIOD
    assert period_for("last_month", TODAY).label == "2026年2月"
    assert period_for("last_quarter", TODAY).label == "2025年第四季度"
    assert period_for("last_year", TODAY).label == "2025年"


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
    dialog.period.setCurrentIndex(dialog.period.findData("custom"))
    assert dialog.start.isVisible() and dialog.count_button.isVisible()
    dialog.start.setDate(to_qdate(date(2026, 1, 8)))
    dialog.end.setDate(to_qdate(date(2026, 1, 8)))
    qtbot.mouseClick(dialog.count_button, Qt.MouseButton.LeftButton)
    assert dialog.stats is not None and dialog.stats.total.succeeded == 1
    assert "2026年1月8日" in dialog.title.plain_text()
    assert not dialog.span.isVisible()


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


def test_case_list_usable(qtbot, stats_db: Database) -> None:  # type: ignore[no-untyped-def]
    style.apply_scale(200, save=False)
    ids = figure_case_ids(stats_db, PERIOD, FigureRef(Figure.RECEIVED))
    shown: QWidget = show_at_screen_size(
        qtbot, CaseListDialog(None, stats_db, ids, "2026年第一季度 收案")
    )
    check(shown, 200, "statistics-case-list-200")
