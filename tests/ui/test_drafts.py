"""What is typed and not saved is kept as a draft and offered back when the dialog opens again;
saving or throwing it away removes it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from app.domain.codes import SessionKind
from app.services.cases import CaseQuery, get_case, list_cases
from tests.ui.conftest import show_at_screen_size, type_text
from ui import case_actions, drafts
from ui.agreement_dialog import AgreementDialog
from ui.draft_keeper import DRAFT_DELAY_MS
from ui.register_dialog import RegisterDialog


def a_case(db, agreement: bool):  # type: ignore[no-untyped-def]
    for row in list_cases(db, CaseQuery(), 0, 200):
        case = get_case(db, row.id)
        if (case.agreement is not None) == agreement and case.status.value != "archived":
            return case
    raise AssertionError("no such case in the demo data")


def gone_without_a_word(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    """The window closes under the dialog (or the power goes): no question, no save."""
    qtbot.wait(DRAFT_DELAY_MS + 300)
    QDialog.done(dialog, QDialog.DialogCode.Rejected)


def test_a_session_record_comes_back(qtbot, db, boxes) -> None:
    case = a_case(db, agreement=False)
    first = show_at_screen_size(
        qtbot, case_actions.session_dialog(None, db, case, SessionKind.MEDIATION, None)
    )
    type_text(qtbot, first.inputs["statements"], "申请人：楼上漏水已经三个月。")
    gone_without_a_word(qtbot, first)
    assert [d.title for d in drafts.pending(db.path)] == [first.title]

    boxes.answer = True  # "接着填写"
    again = show_at_screen_size(
        qtbot, case_actions.session_dialog(None, db, case, SessionKind.MEDIATION, None)
    )
    assert "接着填写" in boxes.questions[-1]
    assert again.values()["statements"] == "申请人：楼上漏水已经三个月。"

    type_text(qtbot, again.inputs["place"], "调解室")
    again.save()
    assert not again.isVisible() and drafts.pending(db.path) == []


def test_throwing_a_draft_away_starts_afresh(qtbot, db, boxes) -> None:
    case = a_case(db, agreement=False)
    first = show_at_screen_size(qtbot, case_actions.risk_dialog(None, db, case))
    type_text(qtbot, first.inputs["measures"], "约谈双方")
    gone_without_a_word(qtbot, first)
    boxes.answer = False  # "不要了，重新填写"
    again = show_at_screen_size(qtbot, case_actions.risk_dialog(None, db, case))
    assert again.values()["measures"] == case.risk_measures
    assert drafts.pending(db.path) == []


def test_the_agreement_and_the_registration_come_back(qtbot, db, boxes) -> None:
    case = a_case(db, agreement=True)
    agreement = show_at_screen_size(qtbot, AgreementDialog(db, case))
    type_text(qtbot, agreement.issues, "争议焦点：维修费用如何分担。")
    agreement.add_term()
    type_text(qtbot, agreement.terms[-1].text, "双方互相谅解")
    gone_without_a_word(qtbot, agreement)

    register = show_at_screen_size(qtbot, RegisterDialog(db))
    type_text(qtbot, register.title, "楼道噪音纠纷")
    type_text(qtbot, register.parties[0].name, "刘桂芳")
    gone_without_a_word(qtbot, register)
    assert len(drafts.pending(db.path)) == 2

    boxes.answer = True
    again = show_at_screen_size(qtbot, AgreementDialog(db, case))
    assert again.issues.text() == "争议焦点：维修费用如何分担。"
    assert again.terms[-1].text.text() == "双方互相谅解"
    assert [t.term_id for t in again.terms[:-1]] == [t.id for t in case.agreement.terms]
    registered = show_at_screen_size(qtbot, RegisterDialog(db))
    assert registered.title.text() == "楼道噪音纠纷"
    assert registered.parties[0].name.text() == "刘桂芳"


def test_a_changed_date_alone_is_kept(qtbot, db, boxes) -> None:
    """Not only typing: a date or a tick changed is worth keeping too."""
    from datetime import date

    from ui.widgets import to_qdate

    register = show_at_screen_size(qtbot, RegisterDialog(db))
    register.received_on.setDate(to_qdate(date(2026, 1, 5)))
    gone_without_a_word(qtbot, register)
    again = show_at_screen_size(qtbot, RegisterDialog(db))
    assert again.received_on.date() == to_qdate(date(2026, 1, 5))
