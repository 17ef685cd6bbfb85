"""Everything works with Tab, Enter, Space and Esc (usability rule 12), pressed as keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.domain.codes import PartyKind
from app.services.cases import CaseQuery, get_case, list_cases
from tests.ui.conftest import show_at_screen_size, type_text
from tests.ui.test_register_dialog import GOOD_ID, fill_form
from ui.agreement_dialog import AgreementDialog


def active(qtbot, widget: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    """Shown at screen size and made the active window, so key presses go where focus is."""
    show_at_screen_size(qtbot, widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)
    return widget


def press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:  # type: ignore[no-untyped-def]
    """Press a key where the focus is (as a person does); returns the focused widget after."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    qtbot.keyClick(focused, key, modifier)
    return QApplication.focusWidget()  # type: ignore[return-value] — None once a dialog closed


def tab_to(qtbot, start: QWidget, target: QWidget, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    start.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(limit):
        if QApplication.focusWidget() is target:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target!r}")


def case_with_agreement(db) -> int:  # type: ignore[no-untyped-def]
    for row in list_cases(db, CaseQuery(), 0, 200):
        case = get_case(db, row.id)
        if case.agreement is not None and case.status.value != "archived":
            return row.id
    raise AssertionError("no agreement in the demo data")


# ---------------------------------------------------------------- Enter on buttons


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space])
def test_enter_on_the_focused_cancel_button_cancels_registering(window, qtbot, boxes, key) -> None:
    dialog = active(qtbot, window.make_register_dialog())
    type_text(qtbot, dialog.title, "楼道堆物纠纷")
    boxes.answer = False  # "继续填写"
    tab_to(qtbot, dialog.add_party_button, dialog.cancel_button)
    press(qtbot, key)
    # 取消 was pressed (it asks before throwing the typing away); nothing was saved.
    assert boxes.questions and "放弃登记" in boxes.questions[-1]
    assert dialog.result_case is None and dialog.isVisible()
    assert not dialog.summary.isVisible()  # no save attempt: no "有…处需要修改"
    assert dialog.title.text() == "楼道堆物纠纷"


def test_enter_in_a_text_field_saves_the_registration(window, qtbot, boxes) -> None:
    dialog = active(qtbot, window.make_register_dialog())
    fill_form(qtbot, dialog, GOOD_ID)
    # Visiting 取消 first must not leave it as the button Enter presses.
    tab_to(qtbot, dialog.add_party_button, dialog.cancel_button)
    dialog.parties[1].name.setFocus(Qt.FocusReason.MouseFocusReason)
    assert dialog.save_button.isDefault() and not dialog.cancel_button.isDefault()
    press(qtbot, Qt.Key.Key_Return)
    assert boxes.questions == []
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_case is not None and dialog.result_case.title == "楼道堆物纠纷"


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Space])
def test_enter_on_the_focused_cancel_button_keeps_the_agreement(qtbot, db, boxes, key) -> None:
    case_id = case_with_agreement(db)
    before = get_case(db, case_id).agreement
    dialog = active(qtbot, AgreementDialog(db, get_case(db, case_id)))
    type_text(qtbot, dialog.issues, "改了")
    boxes.answer = True  # "放弃修改"
    tab_to(qtbot, dialog.add_button, dialog.cancel_button)
    press(qtbot, key)
    assert boxes.questions and "放弃修改" in boxes.questions[-1]
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.changed is None
    assert get_case(db, case_id).agreement == before  # nothing written to the database


def test_enter_in_the_amount_field_saves_the_agreement(qtbot, db) -> None:
    case_id = case_with_agreement(db)
    dialog = active(qtbot, AgreementDialog(db, get_case(db, case_id)))
    term = dialog.terms[0]
    term.amount.clear()
    type_text(qtbot, term.amount, "321")
    term.amount.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.changed is not None
    saved = get_case(db, case_id).agreement
    assert saved is not None and str(saved.terms[0].amount) == "321.00"


def test_enter_on_a_focused_button_of_the_main_window_presses_it(
    window, qtbot, monkeypatch
) -> None:
    pressed: list[str] = []
    monkeypatch.setattr(window, "register_case", lambda: pressed.append("register"))
    window.register_button.clicked.disconnect()
    window.register_button.clicked.connect(window.register_case)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.register_button.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Space)
    assert pressed == ["register", "register"]


# ---------------------------------------------------------------- date fields


def test_one_tab_leaves_a_date_field(window, qtbot) -> None:
    dialog = active(qtbot, window.make_register_dialog())
    dialog.source.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.received_on
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.tier  # not the month, then the day
    assert press(qtbot, Qt.Key.Key_Backtab) is dialog.received_on
    assert press(qtbot, Qt.Key.Key_Backtab) is dialog.source
    # 出生日期 of a party: its switch, the date, then 身份证号.
    party = dialog.parties[0]
    party.birth.switch.setChecked(True)
    party.birth.switch.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is party.birth.edit
    assert press(qtbot, Qt.Key.Key_Tab) is party.id_number


def test_inside_a_date_field_arrows_and_typing_still_work(window, qtbot) -> None:
    from PySide6.QtWidgets import QDateTimeEdit

    dialog = active(qtbot, window.make_register_dialog())
    date_field = dialog.received_on
    date_field.setFocus(Qt.FocusReason.TabFocusReason)
    assert date_field.currentSection() == QDateTimeEdit.Section.YearSection
    year = date_field.date().year()
    press(qtbot, Qt.Key.Key_Down)
    assert date_field.date().year() == year - 1
    for _ in range(6):  # → moves on to the month
        if date_field.currentSection() == QDateTimeEdit.Section.MonthSection:
            break
        press(qtbot, Qt.Key.Key_Right)
    assert date_field.currentSection() == QDateTimeEdit.Section.MonthSection
    date_field.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(date_field, "2025")
    assert date_field.date().year() == 2025
    assert date_field.currentSection() == QDateTimeEdit.Section.MonthSection


def test_one_tab_leaves_the_date_fields_of_the_agreement(qtbot, db) -> None:
    dialog = active(qtbot, AgreementDialog(db, get_case(db, case_with_agreement(db))))
    dialog.form_choice.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.reached_on
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.facts
    term = dialog.terms[0]
    term.due.set_value(term.due.value() or dialog.draft().reached_on)
    term.due.switch.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is term.due.edit
    after = press(qtbot, Qt.Key.Key_Tab)
    assert after is not term.due.edit and after in (
        dialog.add_button,
        dialog.terms[-1].remove_button,
    )


# ---------------------------------------------------------------- the case list


def test_tab_into_the_list_and_enter_opens_the_first_case(window, qtbot, monkeypatch) -> None:
    opened_ids: list[int] = []
    monkeypatch.setattr(window, "open_case", opened_ids.append)
    window.table.open_requested.disconnect()
    window.table.open_requested.connect(window.open_case)
    window.table.clearSelection()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.tier_filter.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is window.table
    # The row Enter opens is the highlighted one.
    assert window.table.selected_case_id() == window.model.row(0).id
    press(qtbot, Qt.Key.Key_Return)
    assert opened_ids == [window.model.row(0).id]
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Enter)
    assert opened_ids[-1] == window.model.row(1).id


def test_enter_opens_the_current_row_even_without_a_selection(window, qtbot, monkeypatch) -> None:
    opened_ids: list[int] = []
    monkeypatch.setattr(window, "open_case", opened_ids.append)
    window.table.open_requested.disconnect()
    window.table.open_requested.connect(window.open_case)
    table = window.table
    table.setCurrentIndex(table.model().index(3, 0))
    table.clearSelection()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened_ids == [window.model.row(3).id]


# ---------------------------------------------------------------- unsaved typing


def test_text_typed_in_a_hidden_field_counts_as_unsaved(window, qtbot, boxes) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    respondent = dialog.parties[1]
    respondent.kind.setCurrentIndex(respondent.kind.findData(PartyKind.ORGANIZATION.value))
    type_text(qtbot, respondent.org_name, "卫滨区铁西便民超市")
    respondent.kind.setCurrentIndex(respondent.kind.findData(PartyKind.PERSON.value))
    assert not respondent.org_name.isVisible()
    assert dialog.is_dirty()
    boxes.answer = False
    dialog.cancel_button.click()
    assert boxes.questions and "放弃登记" in boxes.questions[-1]
    assert dialog.isVisible()
    assert respondent.org_name.text() == "卫滨区铁西便民超市"


def test_switching_the_kind_back_without_typing_is_not_unsaved(window, qtbot, boxes) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    respondent = dialog.parties[1]
    respondent.kind.setCurrentIndex(respondent.kind.findData(PartyKind.ORGANIZATION.value))
    respondent.kind.setCurrentIndex(respondent.kind.findData(PartyKind.PERSON.value))
    assert not dialog.is_dirty()
    dialog.cancel_button.click()
    assert boxes.questions == [] and not dialog.isVisible()


def test_a_typed_hidden_person_field_counts_too(window, qtbot) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    applicant = dialog.parties[0]
    type_text(qtbot, applicant.phone, "13812345678")
    applicant.kind.setCurrentIndex(applicant.kind.findData(PartyKind.ORGANIZATION.value))
    assert dialog.is_dirty()


def test_escape_cancels_and_asks_first(window, qtbot, boxes) -> None:
    dialog = active(qtbot, window.make_register_dialog())
    type_text(qtbot, dialog.title, "纠纷")
    boxes.answer = False
    dialog.title.setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    assert boxes.questions and dialog.isVisible()


def test_register_dialog_with_a_hidden_kind_saves_what_is_shown(window, qtbot) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    fill_form(qtbot, dialog, GOOD_ID)
    respondent = dialog.parties[1]
    respondent.kind.setCurrentIndex(respondent.kind.findData(PartyKind.ORGANIZATION.value))
    type_text(qtbot, respondent.org_name, "铁西物业")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result_case is not None
    assert dialog.result_case.parties[1].name == "铁西物业"
