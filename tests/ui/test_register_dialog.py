"""登记新纠纷 through the dialog, typed with the keyboard like a volunteer would."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.domain.codes import PartyKind
from tests.ui.conftest import show_at_screen_size, type_text
from ui.case_table_model import TITLE
from ui.register_dialog import RegisterDialog

GOOD_ID = "11010519491231002X"  # born 1949-12-31, a woman
WRONG_CHECK_CHAR = "110105194912310021"


def fill_form(qtbot, dialog: RegisterDialog, id_number: str) -> None:  # type: ignore[no-untyped-def]
    type_text(qtbot, dialog.title, "楼道堆物纠纷")
    type_text(qtbot, dialog.compound, "铁西小区")
    type_text(qtbot, dialog.building, "3号楼")
    type_text(qtbot, dialog.amount, "1250.50")
    type_text(qtbot, dialog.facts, "楼道里长期堆放杂物，影响通行。")
    applicant, respondent = dialog.parties
    type_text(qtbot, applicant.name, "王秀英")
    applicant.sex.setCurrentIndex(applicant.sex.findData("female"))
    type_text(qtbot, applicant.id_number, id_number)
    type_text(qtbot, applicant.phone, "13812345678")
    type_text(qtbot, respondent.name, "李建国")


def test_registered_case_appears_at_the_top(window, qtbot, db) -> None:
    seen: dict[str, object] = {}

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RegisterDialog)
        seen["dialog"] = dialog
        try:
            dialog.resize(1366, 768)
            fill_form(qtbot, dialog, GOOD_ID)
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        finally:
            if dialog.isVisible():  # never leave the test waiting on an open dialog
                QDialog.done(dialog, QDialog.DialogCode.Rejected)

    QTimer.singleShot(0, fill_and_save)
    qtbot.mouseClick(window.register_button, Qt.MouseButton.LeftButton)

    dialog = seen["dialog"]
    assert isinstance(dialog, RegisterDialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    case = dialog.result_case
    assert case is not None and case.title == "楼道堆物纠纷"
    assert window.model.rowCount() == 31
    assert window.model.index(0, TITLE).data() == "楼道堆物纠纷"
    assert window.model.row(0).parties == "王秀英、李建国"
    assert window.table.selected_case_id() == case.id
    assert window.total_label.text().startswith("共31件")
    # What was typed is what was stored.
    applicant = case.parties[0]
    assert applicant.id_number == GOOD_ID
    assert applicant.sex is not None and applicant.sex.label == "女"
    assert str(case.amount) == "1250.50"
    assert case.place.compound == "铁西小区"


def test_wrong_id_number_is_explained_under_the_field(window, qtbot) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    fill_form(qtbot, dialog, WRONG_CHECK_CHAR)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    applicant = dialog.parties[0]
    error = applicant.person["id_number"].error
    assert dialog.isVisible() and dialog.result_case is None
    assert error.isVisible()
    assert "身份证号" in error.plain_text() and error.plain_text().startswith("⚠")
    # Directly under the ID field.
    field_box = applicant.person["id_number"].box
    assert error.parentWidget() is field_box
    assert (
        error.mapTo(dialog, error.rect().topLeft()).y()
        > applicant.id_number.mapTo(dialog, applicant.id_number.rect().bottomLeft()).y()
    )
    assert dialog.summary.isVisible() and "1处" in dialog.summary.plain_text()
    # Nothing typed is lost.
    assert dialog.title.text() == "楼道堆物纠纷"
    assert dialog.compound.text() == "铁西小区"
    assert dialog.amount.text() == "1250.50"
    assert dialog.facts.text() == "楼道里长期堆放杂物，影响通行。"
    assert applicant.name.text() == "王秀英"
    assert applicant.id_number.text() == WRONG_CHECK_CHAR
    assert applicant.phone.text() == "13812345678"
    assert dialog.parties[1].name.text() == "李建国"
    # The focus waits in the wrong field, scrolled into view. (Offscreen, the dialog shown
    # without exec() is not the active window, so ask the dialog where its focus is.)
    assert dialog.focusWidget() is applicant.id_number
    viewport = dialog.scroll.viewport()
    top = applicant.id_number.mapTo(viewport, applicant.id_number.rect().topLeft()).y()
    assert 0 <= top < viewport.height()
    # Fixing it and saving again works, with no red words left.
    applicant.id_number.clear()
    type_text(qtbot, applicant.id_number, GOOD_ID)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_missing_parties_error_sits_above_the_parties(window, qtbot) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    type_text(qtbot, dialog.title, "噪音扰邻纠纷")
    second = dialog.parties[1]
    second.role.setCurrentIndex(second.role.findData("applicant"))
    type_text(qtbot, dialog.parties[0].name, "甲")
    type_text(qtbot, second.name, "乙")
    dialog.save_button.click()
    assert dialog.parties_error.isVisible()
    assert "被申请人" in dialog.parties_error.plain_text()


def test_organisation_fields_and_third_party(window, qtbot, boxes) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    respondent = dialog.parties[1]
    respondent.kind.setCurrentIndex(respondent.kind.findData(PartyKind.ORGANIZATION.value))
    assert respondent.org_name.isVisible() and not respondent.name.isVisible()
    dialog.add_party_button.click()
    assert len(dialog.parties) == 3
    third = dialog.parties[2]
    qtbot.waitUntil(third.remove_button.isVisible, timeout=2000)
    assert not dialog.parties[1].remove_button.isVisible()  # the two sides stay
    type_text(qtbot, third.name, "赵六")
    third.remove_button.click()
    assert "赵六" in boxes.questions[-1]
    assert len(dialog.parties) == 2


def test_cancel_with_typed_text_asks_first(window, qtbot, boxes) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    type_text(qtbot, dialog.title, "纠纷")
    boxes.answer = False
    dialog.cancel_button.click()
    assert dialog.isVisible()
    assert "放弃登记" in boxes.questions[-1]
    boxes.answer = True
    dialog.cancel_button.click()
    assert not dialog.isVisible()


def test_tab_order_follows_the_paper_form(window, qtbot) -> None:
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    expected = [
        dialog.title,
        dialog.dispute_type,
        dialog.source,
        dialog.received_on,
        dialog.tier,
        dialog.compound,
        dialog.building,
        dialog.unit,
        dialog.room,
        dialog.amount,
        dialog.facts,
        dialog.requests,
        dialog.parties[0].role,
    ]
    widget = dialog.title
    walked = [widget]
    while len(walked) < len(expected):
        widget = widget.nextInFocusChain()
        if widget in expected:
            walked.append(widget)
    assert walked == expected


def test_correcting_the_registration_keeps_what_the_form_does_not_show(qtbot, db) -> None:
    """The risk flags (set on the case page) and the persons involved survive a corrected
    address: the form sends back what it does not show as the case has it."""
    from app.domain.codes import RiskFlag
    from app.domain.work import RiskDraft
    from app.services.cases import CaseQuery, list_cases
    from app.services.detail import get_case
    from app.services.performance import save_risk

    row = list_cases(db, CaseQuery(statuses=frozenset({"mediating"})), limit=1)[0]
    flags = [f.value for f in list(RiskFlag)[:2]]
    save_risk(db, row.id, RiskDraft(flags=flags), today=get_case(db, row.id).received_on)
    before = get_case(db, row.id)
    dialog = RegisterDialog(db, None, before)
    show_at_screen_size(qtbot, dialog)
    dialog.parties[0].address.setText("飞云街道3号楼2单元")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    after = get_case(db, row.id)
    assert after.parties[0].address == "飞云街道3号楼2单元"
    assert [f.value for f in after.risk_flags] == [f.value for f in before.risk_flags]
    assert before.risk_flags and after.persons_involved == before.persons_involved
