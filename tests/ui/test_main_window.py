"""The case list: demo cases shown, filters and search in SQL, header sorting, lazy pages."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.domain.codes import CaseStatus, Tier
from app.services.cases import CaseQuery, count_cases, list_cases
from tests.ui.conftest import SCREEN, type_text
from ui.case_table_model import NUMBER, PARTIES, TITLE, CaseTableModel
from ui.main_window import MainWindow


def titles(model: CaseTableModel) -> list[str]:
    return [model.row(i).title for i in range(model.rowCount())]


def test_shows_the_demo_cases(window, db) -> None:
    total = count_cases(db)
    assert total == 30
    assert window.model.rowCount() == total
    assert window.total_label.text().startswith("共30件")
    newest = list_cases(db, CaseQuery(), 0, 1)[0]
    assert window.model.index(0, NUMBER).data() == newest.number
    assert window.model.index(0, PARTIES).data() == newest.parties
    assert window.windowTitle() == "老娘舅 — 飞机场社区人民调解委员会"


def test_status_filter_counts_as_the_database_says(window, db) -> None:
    counts = {s: count_cases(db, CaseQuery(statuses=frozenset({s.value}))) for s in CaseStatus}
    status = max(counts, key=lambda s: counts[s])
    assert 0 < counts[status] < 30
    combo = window.status_filter
    combo.setCurrentIndex(combo.findData(status.value))
    assert window.model.rowCount() == counts[status]
    assert {window.model.row(i).status for i in range(window.model.rowCount())} == {status}
    assert window.total_label.text().startswith(f"符合条件的共{counts[status]}件")


def test_tier_filter_and_both_filters(window, db) -> None:
    tier = Tier.BUILDING
    window.tier_filter.setCurrentIndex(window.tier_filter.findData(tier.value))
    expected = count_cases(db, CaseQuery(tiers=frozenset({tier.value})))
    assert window.model.rowCount() == expected < 30
    status = window.model.row(0).status
    window.status_filter.setCurrentIndex(window.status_filter.findData(status.value))
    both = CaseQuery(statuses=frozenset({status.value}), tiers=frozenset({tier.value}))
    assert window.model.rowCount() == count_cases(db, both)
    window.clear_button.click()
    assert window.model.rowCount() == 30


def test_search_box_finds_a_party(window, db, qtbot) -> None:
    name = window.model.row(5).parties.split("、")[0]
    type_text(qtbot, window.search, name)
    expected = count_cases(db, CaseQuery(text=name))
    qtbot.waitUntil(lambda: window.model.rowCount() == expected, timeout=3000)
    assert all(name in window.model.row(i).parties for i in range(expected))


def test_empty_result_says_what_to_do(window, qtbot) -> None:
    type_text(qtbot, window.search, "没有这个名字")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    # The search runs off the window's thread: its result arrives a moment later.
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.model.is_searching)
    assert window.empty_label.isVisible()
    assert "清空" in window.empty_label.plain_text()


def click_header(qtbot, window: MainWindow, column: int) -> None:  # type: ignore[no-untyped-def]
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 10))


def test_header_click_sorts_in_the_database(window, db, qtbot) -> None:
    before = titles(window.model)
    click_header(qtbot, window, TITLE)
    assert window.model.query.sort == "title"
    assert not window.model.query.descending
    after = titles(window.model)
    assert after != before
    by_sql = list_cases(db, CaseQuery(sort="title", descending=False), 0, 200)
    assert after == [row.title for row in by_sql]
    assert "按纠纷名称排" in window.total_label.text()
    click_header(qtbot, window, TITLE)  # again: the other way round
    assert window.model.query.descending
    assert titles(window.model) == list(reversed(after))


def test_unsortable_column_keeps_the_order(window, qtbot) -> None:
    before = titles(window.model)
    click_header(qtbot, window, PARTIES)
    assert window.model.query.sort == "received_on"
    assert titles(window.model) == before


def test_scrolling_fetches_the_next_page(qtbot, db, opened) -> None:
    main = MainWindow(db, page_size=8, opener=opened)
    qtbot.addWidget(main)
    main.resize(*SCREEN)
    main.show()
    qtbot.waitExposed(main)
    assert main.model.rowCount() == 8
    assert main.model.canFetchMore()
    main.table.scrollToBottom()
    qtbot.waitUntil(lambda: main.model.rowCount() > 8, timeout=3000)
    while main.model.canFetchMore():
        main.model.fetchMore()
    assert main.model.rowCount() == 30
    ids = [main.model.row(i).id for i in range(30)]
    assert len(set(ids)) == 30
    assert ids == [row.id for row in list_cases(db, CaseQuery(), 0, 30)]


def test_one_click_on_the_row_button_opens_the_case(window, qtbot, monkeypatch) -> None:
    opened_ids: list[int] = []
    monkeypatch.setattr(window, "open_case", opened_ids.append)
    window.table.open_requested.disconnect()
    window.table.open_requested.connect(window.open_case)
    table = window.table
    index = table.model().index(2, table.model().columnCount() - 1)
    rect = table.visualRect(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened_ids == [window.model.row(2).id]


def test_open_button_without_a_selection_explains(window, boxes) -> None:
    window.table.clearSelection()
    window.open_button.click()
    assert boxes.infos and "点一下" in boxes.infos[0]


def test_text_size_is_saved(window) -> None:
    from ui import style

    window.set_text_scale(150)
    assert style.saved_scale() == 150
    assert window.size_actions[150].isChecked()
    window.set_text_scale(100)
    assert style.saved_scale() == 100


def test_window_shows_before_the_database_is_open(qtbot, db, opened) -> None:
    from tests.ui.conftest import screenshot, show_at_screen_size
    from ui.main_window import MainWindow

    main = show_at_screen_size(qtbot, MainWindow(opener=opened))
    assert main.loading_label.isVisible() and "正在打开" in main.loading_label.plain_text()
    assert not main.register_button.isEnabled() and not main.search.isEnabled()
    screenshot(main, "main-window-opening")

    main.attach(db)
    assert not main.loading_label.isVisible()
    assert main.register_button.isEnabled() and main.register_button.hasFocus()
    assert main.model is not None and main.model.rowCount() == 30
    assert main.windowTitle().startswith("老娘舅 — ")
