"""待办 in the main window: the late and the soon due listed first thing, most urgent first,
"去办理" opening the case where it is dealt with, a row gone once it is done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from app.domain.codes import CaseStatus
from app.domain.deadlines import DueKind
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.lifecycle import CaseEvent
from app.domain.work import PaymentDraft
from app.services.case_life import apply_event
from app.services.cases import register_case, save_agreement
from app.services.database import Database, open_database
from app.services.performance import record_payment
from tests.ui.conftest import SCREEN, screenshot
from tests.ui.test_usability import usability_problems
from ui.case_page import TABS, CasePage
from ui.due_view import NOTHING_DUE
from ui.main_window import MainWindow
from ui.operations import operation_bus

TODAY = date.today()


def agreed_case(db: Database, title: str, applicant: str, term: str, due: date) -> tuple[int, int]:
    """A case whose oral agreement has one obligation to perform by `due` (case id, term id)."""
    start = TODAY - timedelta(days=40)
    draft = CaseDraft(
        title=title,
        received_on=start,
        parties=[
            PartyDraft(role="applicant", name=applicant, phone="13900001111"),
            PartyDraft(role="respondent", name="张伟", phone="13800002222"),
        ],
    )
    detail, _ = register_case(db, draft, today=start)
    for event, days in ((CaseEvent.ACCEPT, 39), (CaseEvent.START_MEDIATION, 38)):
        on = TODAY - timedelta(days=days)
        apply_event(db, detail.id, event, on=on, today=on)
    reached = TODAY - timedelta(days=30)
    save_agreement(
        db,
        detail.id,
        AgreementDraft(
            form="oral",  # no judicial-confirmation window: only the obligation is listed
            reached_on=reached,
            terms=[TermDraft(text=term, obligor=1, obligee=0, amount="1000", due=due)],
        ),
    )
    detail, _ = apply_event(db, detail.id, CaseEvent.REACH_AGREEMENT, on=reached, today=reached)
    assert detail.status is CaseStatus.AGREEMENT_REACHED and detail.agreement is not None
    return detail.id, detail.agreement.terms[0].id  # type: ignore[return-value]


@pytest.fixture
def due_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "due.db")
    yield database
    database.close()


@pytest.fixture
def cases(due_db: Database) -> dict[str, tuple[int, int]]:
    return {
        "soon": agreed_case(
            due_db, "楼上渗水纠纷", "李秀英", "张伟赔偿李秀英维修费1000元", TODAY + timedelta(3)
        ),
        "late": agreed_case(
            due_db, "车位占用纠纷", "王建国", "张伟补偿王建国停车费1000元", TODAY - timedelta(5)
        ),
    }


def show_window(qtbot, db: Database, opened) -> MainWindow:  # type: ignore[no-untyped-def]
    main = MainWindow(db, opener=opened)
    qtbot.addWidget(main)
    main.resize(*SCREEN)
    main.show()
    qtbot.waitExposed(main)
    return main


def words(widget) -> str:  # type: ignore[no-untyped-def]
    labels = widget.findChildren(QLabel)
    return "\n".join(getattr(label, "plain_text", label.text)() for label in labels)


def test_late_and_soon_are_listed_most_urgent_first(qtbot, due_db, cases, opened) -> None:
    main = show_window(qtbot, due_db, opened)
    view = main.due_view
    assert view.isVisible() and view.area.isVisible()
    rows = view.rows
    assert [r.item.case_id for r in rows] == [cases["late"][0], cases["soon"][0]]
    late, soon = rows
    assert late.item.kind is DueKind.OBLIGATION and late.item.tab == "performance"
    # Late is said in words (and red), never by colour alone.
    assert late.urgency.text() == "⚠ 逾期5天" and late.urgency.property("error")
    assert soon.urgency.text() == "还有3天" and not soon.urgency.property("error")
    text = late.text.plain_text().replace("\u2060", "")
    assert text.startswith(f"{late.item.case_number}　义务履行期限")
    assert "张伟补偿王建国停车费1000元（逾期5天）" in text
    day = TODAY - timedelta(5)
    assert f"{day.month}月{day.day}日" in late.day.text()
    assert view.summary.plain_text() == "待办2项，其中1项已经逾期"
    assert all(r.go_button.isVisible() and r.go_button.text() == "去办理" for r in rows)
    # Tab walks the 待办 buttons between the main buttons and the search.
    assert main.size_button.nextInFocusChain() is main.dashboard.statistics_button
    assert main.dashboard.statistics_button.nextInFocusChain() is view.toggle_button
    assert view.toggle_button.nextInFocusChain() is late.go_button
    assert soon.go_button.nextInFocusChain() is main.search


def test_go_opens_the_case_at_its_tab_and_the_row_goes_once_paid(
    qtbot, due_db, cases, opened
) -> None:
    main = show_window(qtbot, due_db, opened)
    case_id, term_id = cases["late"]
    seen: dict[str, object] = {}

    def look() -> None:
        page = QApplication.activeModalWidget()
        assert isinstance(page, CasePage)
        seen["case"] = page.case_id
        seen["tab"] = TABS[page.tabs.currentIndex()][0]
        page.reject()

    QTimer.singleShot(0, look)
    main.due_view.rows[0].go_button.click()
    assert seen == {"case": case_id, "tab": "performance"}

    _, changed = record_payment(due_db, case_id, term_id, PaymentDraft(on=TODAY, amount="1000"))
    operation_bus().operation_done.emit(changed, None)
    assert [r.item.case_id for r in main.due_view.rows] == [cases["soon"][0]]
    assert main.due_view.summary.plain_text() == "待办1项，都还没有逾期"


def test_collapsing_gives_the_room_to_the_case_list(qtbot, due_db, cases, opened) -> None:
    main = show_window(qtbot, due_db, opened)
    view = main.due_view
    table_height = main.table.height()
    view.toggle_button.click()
    qtbot.waitUntil(lambda: main.table.height() > table_height, timeout=2000)
    assert not view.area.isVisible() and view.summary.isVisible()
    assert view.toggle_button.text() == "显示待办"
    assert main.dashboard.statistics_button.nextInFocusChain() is view.toggle_button
    assert view.toggle_button.nextInFocusChain() is main.search
    main.set_text_scale(200)
    screenshot(main, "due-view-folded-200")
    assert usability_problems(main, 200, is_dialog=False) == []
    view.toggle_button.click()
    assert view.area.isVisible() and view.toggle_button.text() == "收起待办"


def test_nothing_due_is_one_friendly_line(qtbot, due_db, opened) -> None:
    main = show_window(qtbot, due_db, opened)
    view = main.due_view
    assert view.empty_label.isVisible() and view.empty_label.plain_text() == NOTHING_DUE
    assert not view.area.isVisible() and not view.toggle_button.isVisible()
    line = view.empty_label.fontMetrics().lineSpacing()
    assert view.height() < 3 * line + 24  # one line in its frame
    assert main.dashboard.statistics_button.nextInFocusChain() is main.search
    screenshot(main, "due-view-nothing-100")


@pytest.mark.parametrize("scale", [100, 200])
def test_due_view_on_screen(qtbot, db, opened, scale: int) -> None:
    """The demo's 待办 (a dozen items) with the case list at 1366×768: nothing cut, the list
    still shows its header and rows below, at normal and at the largest text."""
    main = show_window(qtbot, db, opened)
    main.set_text_scale(scale)
    view = main.due_view
    # The room is shared out once the new sizes are laid out.
    qtbot.waitUntil(lambda: view.area.height() == min(view.needed_height(), view._room or 0))
    assert len(view.items) > 3 and view.area.isVisible()
    assert view.area.verticalScrollBar().isVisible()  # more rows than room: they scroll
    assert view.area.height() >= view.first_row_height()
    # The case list keeps its header and two rows; at 200% one (a 待办 row is as tall).
    assert main.table.height() >= main.table_least_height(2 if scale < 200 else 1)
    assert main.model is not None and main.table.rowViewportPosition(0) >= 0
    screenshot(main, f"due-view-{scale}")
    assert usability_problems(main, scale, is_dialog=False) == []
    assert "待办" in words(view)


def test_keys_reach_every_row_and_scroll_it_into_sight(qtbot, db, opened) -> None:
    main = show_window(qtbot, db, opened)
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=2000)
    view = main.due_view
    viewport = view.area.viewport()
    main.search.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(main.search, Qt.Key.Key_Backtab)  # back from the search: the last row
    last = view.rows[-1].go_button
    assert QApplication.focusWidget() is last
    top = last.mapTo(viewport, last.rect().topLeft()).y()
    assert top >= 0 and top + last.height() <= viewport.height()
    opened_at: list[tuple[int, str]] = []
    view.open_requested.disconnect()
    view.open_requested.connect(lambda case_id, tab: opened_at.append((case_id, tab)))
    qtbot.keyClick(last, Qt.Key.Key_Return)  # Enter on a focused button presses it
    assert opened_at == [(view.rows[-1].item.case_id, view.rows[-1].item.tab)]
