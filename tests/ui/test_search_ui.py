"""Search as you type in the main window: off the window's thread, the newest request wins,
the list shows what the `search` command finds, the filters still apply."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QLabel

import ui.case_search
from app.services.cases import CaseQuery, list_cases
from app.services.search import search
from tests.ui.conftest import screenshot, type_text
from ui.main_window import SEARCH_LABEL, MainWindow


@pytest.fixture
def main(window: MainWindow) -> Iterator[MainWindow]:
    """The window; at the end every search still running has finished (before the database
    closes)."""
    yield window
    QThreadPool.globalInstance().waitForDone(10000)


def shown_ids(window: MainWindow) -> list[int]:
    assert window.model is not None
    return [window.model.row(i).id for i in range(window.model.rowCount())]


def settled(window: MainWindow, text: str) -> bool:
    model = window.model
    return model is not None and model.query.text == text and not model.is_searching


def a_party(window: MainWindow) -> str:
    assert window.model is not None
    return window.model.row(3).parties.split("、")[0]


def test_typing_shows_what_the_search_finds(main, db, qtbot) -> None:
    name = a_party(main)
    type_text(qtbot, main.search, name)
    qtbot.waitUntil(lambda: settled(main, name), timeout=5000)
    expected = [r.id for r in list_cases(db, CaseQuery(text=name))]
    assert shown_ids(main) == expected
    assert set(expected) == {h.case_id for h in search(db, name, limit=1000)}
    assert main.total_label.text().startswith(f"符合条件的共{len(expected)}件")
    screenshot(main, "main-window-search")


def test_pinyin_initials_and_one_character(main, db, qtbot) -> None:
    from app.domain.pinyin import name_initials

    name = a_party(main)
    initials = name_initials(name).split("|")[0]
    type_text(qtbot, main.search, initials)
    qtbot.waitUntil(lambda: settled(main, initials), timeout=5000)
    rows = [main.model.row(i) for i in range(main.model.rowCount())]
    assert any(name in r.parties for r in rows)
    main.search.clear()
    type_text(qtbot, main.search, name[0])
    qtbot.waitUntil(lambda: settled(main, name[0]), timeout=5000)
    assert all(
        name[0] in main.model.row(i).parties or name[0] in main.model.row(i).number
        for i in range(main.model.rowCount())
    )


def test_the_window_stays_responsive_while_a_search_runs(main, qtbot, monkeypatch) -> None:
    real = ui.case_search.read_first_page
    window_thread = threading.get_ident()
    ran_in: list[int] = []

    def slow(db, query, page_size):  # type: ignore[no-untyped-def]
        ran_in.append(threading.get_ident())
        time.sleep(1.0)
        return real(db, query, page_size)

    monkeypatch.setattr(ui.case_search, "read_first_page", slow)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    name = a_party(main)
    main.search.setText(name)
    started = time.monotonic()
    qtbot.keyClick(main.search, Qt.Key.Key_Return)
    assert time.monotonic() - started < 0.3  # the key press returned at once
    assert main.model.is_searching and main.total_label.text() == "正在查找……"
    qtbot.waitUntil(lambda: settled(main, name), timeout=5000)
    timer.stop()
    during = [t for t in ticks if t < started + 1.0]
    assert len(during) >= 8, f"the event loop ran only {len(during)} times in a 1 s search"
    assert ran_in and window_thread not in ran_in
    assert main.model.rowCount() > 0 and main.total_label.text().startswith("符合条件的共")


def test_a_stale_result_never_overwrites_a_newer_one(main, db, qtbot, monkeypatch) -> None:
    real = ui.case_search.read_first_page
    first = a_party(main)
    second = main.model.row(8).parties.split("、")[-1]
    assert first != second

    def slow_for_first(db, query, page_size):  # type: ignore[no-untyped-def]
        if query.text == first:
            time.sleep(1.0)
        return real(db, query, page_size)

    monkeypatch.setattr(ui.case_search, "read_first_page", slow_for_first)
    main.search.setText(first)
    main.apply_filters()  # the slow one starts
    main.search.setText(second)
    main.apply_filters()  # typed after it, answered first
    qtbot.waitUntil(lambda: settled(main, second), timeout=5000)
    newer = [r.id for r in list_cases(db, CaseQuery(text=second))]
    assert shown_ids(main) == newer
    QThreadPool.globalInstance().waitForDone(5000)  # the slow one has answered now …
    qtbot.wait(100)  # … and its answer was delivered
    assert main.model.query.text == second
    assert shown_ids(main) == newer
    assert [r.id for r in list_cases(db, CaseQuery(text=first))] != newer


def test_clearing_while_a_search_runs_keeps_the_whole_list(main, qtbot, monkeypatch) -> None:
    real = ui.case_search.read_first_page

    def slow(db, query, page_size):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return real(db, query, page_size)

    monkeypatch.setattr(ui.case_search, "read_first_page", slow)
    main.search.setText(a_party(main))
    main.apply_filters()
    main.clear_button.click()
    assert not main.model.is_searching and main.model.rowCount() == 30
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(100)
    assert main.model.rowCount() == 30 and main.model.query.text == ""


def test_the_filters_apply_to_the_search(main, db, qtbot) -> None:
    status = main.model.row(0).status
    main.status_filter.setCurrentIndex(main.status_filter.findData(status.value))
    text = "调字"  # part of every case number
    type_text(qtbot, main.search, text)
    qtbot.waitUntil(lambda: settled(main, text), timeout=5000)
    query = CaseQuery(statuses=frozenset({status.value}), text=text)
    assert shown_ids(main) == [r.id for r in list_cases(db, query)]
    assert {main.model.row(i).status for i in range(main.model.rowCount())} == {status}


def test_the_label_says_what_can_be_typed(main) -> None:
    labels = [label for label in main.findChildren(QLabel) if label.buddy() is main.search]
    assert [label.text() for label in labels] == [SEARCH_LABEL]
    for word in ("姓名", "拼音首字母", "电话后四位", "编号", "地址", "事实中的词"):
        assert word in SEARCH_LABEL
