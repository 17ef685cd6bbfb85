"""概况 on the main window: the numbers of the statistics service, a state's count listing
those cases, 统计报表 opening the statistics whose cases open on their page; the 更多 menu
reaching the statistics, the subsidy claims and the screening register."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.domain.codes import CaseStatus
from app.services.statistics import dashboard
from tests.ui.conftest import screenshot
from ui.case_page import CasePage


def test_the_dashboard_says_what_the_service_counts(window) -> None:
    board = dashboard(window.db)
    text = window.dashboard.plain_text()
    counts = dict(board.by_status)
    open_total = sum(n for s, n in counts.items() if s is not CaseStatus.ARCHIVED)
    assert f"未归档的案件{open_total}件" in text
    assert f"本月新登记{board.month_received}件" in text
    tiers = board.tiers
    assert f"楼栋{tiers.building}件" in text and f"移出社区{tiers.left}件" in text
    for status, n in counts.items():
        if n and status is not CaseStatus.ARCHIVED:
            assert f"{status.label}{n}件" in text
    screenshot(window, "main-window-dashboard")
    window.due_view.toggle_button.click()  # 收起待办: the panel keeps its first line only
    assert "化解" not in window.dashboard.plain_text()
    assert f"本月新登记{board.month_received}件" in window.dashboard.plain_text()
    window.due_view.toggle_button.click()
    assert "化解" in window.dashboard.plain_text()


def test_a_count_lists_the_cases_in_that_state(window, qtbot) -> None:
    window.search.setText("张")
    window.dashboard.text.linkActivated.emit(f"status:{CaseStatus.MEDIATING.value}")
    assert window.status_filter.currentData() == CaseStatus.MEDIATING.value
    assert window.search.text() == ""  # the count is of all cases in that state
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10000)
    expected = dict(dashboard(window.db).by_status)[CaseStatus.MEDIATING]
    assert window.model.total == expected
    statuses = {window.model.row(r).status for r in range(window.model.rowCount())}
    assert statuses == {CaseStatus.MEDIATING}


def test_statistics_open_from_the_dashboard_and_a_figure_opens_its_cases(window, qtbot) -> None:
    from ui.statistics_page import CaseListDialog, StatisticsDialog

    qtbot.mouseClick(window.dashboard.statistics_button, Qt.MouseButton.LeftButton)
    dialog = window.statistics_dialog
    assert isinstance(dialog, StatisticsDialog) and dialog.isVisible()
    ids = [row.id for row in (window.model.row(r) for r in range(3))]
    window.show_cases(ids, "演示")
    listing = window.case_list_dialog
    assert isinstance(listing, CaseListDialog) and listing.table.rowCount() == 3
    opened: list[int] = []

    def close_page() -> None:
        page = next(w for w in QApplication.topLevelWidgets() if isinstance(w, CasePage))
        opened.append(page.case_id)
        page.reject()

    QTimer.singleShot(200, close_page)
    listing.table.selectRow(1)
    qtbot.mouseClick(listing.open_button, Qt.MouseButton.LeftButton)
    assert opened == [listing.briefs[1].case_id]
    listing.reject()
    dialog.reject()


@pytest.mark.parametrize(
    ("action", "title"),
    [("统计报表……", "统计"), ("以案定补（调解员补贴）……", "以案定补"), ("矛盾纠纷排查……", "排查")],
)
def test_the_more_menu_reaches_each_register(window, qtbot, action: str, title: str) -> None:
    menu = window.more_button.menu()
    found = next(a for a in menu.actions() if a.text() == action)
    seen: list[str] = []

    def close_it() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible() and widget is not window and title in widget.windowTitle():
                seen.append(widget.windowTitle())
                widget.close()

    QTimer.singleShot(300, close_it)
    found.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
