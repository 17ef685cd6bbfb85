"""One case carried through its whole life with the mouse and keyboard, in the real window:
register, accept, correct a party, add an agent, record a session, escalate, agree with a
one-off and a monthly obligation, pay in part and in full, follow up, archive — then an edit of
the archived case is refused. Every tab is saved as a picture at normal and large text."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog

from app.domain.codes import CaseStatus, SessionKind, Tier
from app.services.detail import get_case
from tests.ui.conftest import screenshot, show_at_screen_size, type_text
from tests.ui.test_end_to_end import register_through_the_dialog
from ui import style
from ui.agreement_dialog import AgreementDialog
from ui.case_page import TABS, CasePage
from ui.record_dialog import RecordDialog
from ui.register_dialog import RegisterDialog
from ui.widgets import ErrorLabel, OptionalDate, select_code


def drive(qtbot, open_dialog: Callable[[], object], fill: Callable[[QDialog], None]) -> None:  # type: ignore[no-untyped-def]
    """Open a modal dialog the way a click does, fill it, press its save button.

    The dialog must close (saved); if it stays open the test fails with what it shows.
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog), f"no dialog opened: {dialog!r}"
        try:
            fill(dialog)
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
            outcome["saved"] = not dialog.isVisible()
            if dialog.isVisible():
                outcome["shown"] = [
                    label.plain_text() for label in dialog.findChildren(ErrorLabel) if label.text()
                ]
        finally:
            if dialog.isVisible():
                QDialog.done(dialog, QDialog.DialogCode.Rejected)

    QTimer.singleShot(0, run)
    open_dialog()
    assert outcome.get("saved"), f"the dialog did not save: {outcome.get('shown')}"


def set_choice(combo: QComboBox, code: object) -> None:
    select_code(combo, code)
    assert combo.currentData() == code


def record(qtbot, **typed: object) -> Callable[[QDialog], None]:  # type: ignore[no-untyped-def]
    """Fill a record dialog's fields by their keys: text is typed, codes are chosen."""

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, RecordDialog)
        for key, value in typed.items():
            widget = dialog.inputs[key]
            if isinstance(widget, QComboBox):
                set_choice(widget, value)
            elif isinstance(widget, OptionalDate):
                widget.set_value(value)  # type: ignore[arg-type]
            elif isinstance(value, str):
                dialog.set_values({key: ""})
                type_text(qtbot, widget, value)
            else:
                dialog.set_values({key: value})

    return fill


def test_a_case_from_registration_to_archive(window, qtbot, db, opened, boxes) -> None:
    case_id = register_through_the_dialog(window, qtbot)
    page = show_at_screen_size(qtbot, CasePage(db, case_id, opener=opened))
    assert isinstance(page, CasePage)
    assert page.main_button.text() == "受理"
    assert not page.print_button.isVisible()  # never "打印协议" before an agreement exists

    # 受理: the highlighted button opens the event's dialog; its date defaults to today.
    drive(
        qtbot, lambda: qtbot.mouseClick(page.main_button, Qt.MouseButton.LeftButton), record(qtbot)
    )
    assert page.case.status is CaseStatus.ACCEPTED and page.main_button.text() == "开始调解"

    # Correct a party: the respondent's phone.
    def correct_phone(dialog: QDialog) -> None:
        assert isinstance(dialog, RegisterDialog)
        type_text(qtbot, dialog.parties[1].phone, "13900002222")

    drive(qtbot, page.edit_registration, correct_phone)
    assert page.case.parties[1].phone == "13900002222"
    assert [p.id for p in page.case.parties] == [p.id for p in get_case(db, case_id).parties]

    # An agent for the respondent, with special authority.
    respondent = page.case.parties[1]
    drive(
        qtbot,
        lambda: page.open_agent(respondent.id, None),
        record(qtbot, name="赵律师", authority_kind="special", authority="代为签署调解协议"),
    )
    assert page.case.parties[1].agents[0].name == "赵律师"

    # A mediator from the roster on the panel, as 主持人 (offered first on an empty panel).
    drive(qtbot, page.open_panel, record(qtbot))
    assert [m.role.value for m in page.case.panel] == ["lead"]

    # 开始调解, then a session record (the panel and the parties are filled in already).
    drive(qtbot, page.do_main_action, record(qtbot))
    assert page.case.status is CaseStatus.MEDIATING and page.main_button.text() == "录入协议"
    drive(
        qtbot,
        lambda: page.open_session(SessionKind.MEDIATION, None),
        record(qtbot, place="社区调解室", statements="申请人：楼道杂物影响通行。"),
    )
    assert page.case.sessions[0].place == "社区调解室"

    # Building → courtyard (the only way up offered first), with the reason.
    drive(qtbot, page.open_escalation, record(qtbot, to="courtyard", reason="涉及两个单元"))
    assert page.case.tier is Tier.COURTYARD

    # The agreement: a one-off and a monthly obligation.
    def agree(dialog: QDialog) -> None:
        assert isinstance(dialog, AgreementDialog)
        type_text(qtbot, dialog.facts, "李建国在楼道堆放杂物，影响王秀英通行。")
        first = dialog.terms[0]
        type_text(qtbot, first.text, "被申请人赔偿申请人损失")
        first.obligor.setCurrentIndex(2)
        first.obligee.setCurrentIndex(1)
        type_text(qtbot, first.amount, "1000")
        dialog.add_term()
        second = dialog.terms[1]
        type_text(qtbot, second.text, "被申请人每月支付申请人补偿")
        second.obligor.setCurrentIndex(2)
        second.obligee.setCurrentIndex(1)
        type_text(qtbot, second.amount, "200")

    drive(qtbot, page.do_main_action, agree)
    one_off, monthly = page.case.agreement.terms  # type: ignore[union-attr]
    today = date.today()
    # 每月X日前, this month only: one due, today.
    drive(
        qtbot,
        lambda: page.open_schedule(monthly),
        record(qtbot, kind="recurring", day_of_month=str(today.day), start=today, until=today),
    )
    assert page.main_button.text() == "达成协议"
    drive(qtbot, page.do_main_action, record(qtbot))
    assert page.case.status is CaseStatus.AGREEMENT_REACHED
    assert page.main_button.text() == "登记履行" and page.print_button.isVisible()

    # A partial payment of the one-off moves the case to 履行中; the rest and the month end it.
    drive(qtbot, lambda: page.open_payment(one_off), record(qtbot, amount="300"))
    assert page.case.status is CaseStatus.PERFORMING
    for term, amount in ((one_off, "700"), (monthly, "200")):
        drive(qtbot, lambda t=term: page.open_payment(t), record(qtbot, amount=amount))
    # Saving the agreement again keeps each obligation with its schedule and payments.
    before = page.case.agreement.terms  # type: ignore[union-attr]
    drive(qtbot, page.edit_agreement, lambda dialog: None)
    kept = page.case.agreement.terms  # type: ignore[union-attr]
    assert [len(t.payments) for t in kept] == [2, 1]
    assert [t.schedule for t in kept] == [t.schedule for t in before]
    assert page.case.status is CaseStatus.PERFORMED and page.main_button.text() == "登记回访"

    # Follow-up: the panel is empty, so choose the first mediator of the roster.
    drive(
        qtbot, page.do_main_action, record(qtbot, met_with="申请人王秀英", satisfaction="satisfied")
    )
    assert page.main_button.text() == "回访完成"
    drive(qtbot, page.do_main_action, record(qtbot))
    assert page.case.status is CaseStatus.FOLLOWED_UP

    for scale in (100, 200):
        style.apply_scale(scale, save=False)
        for index, (key, _) in enumerate(TABS):
            page.tabs.setCurrentIndex(index)
            screenshot(page, f"case-life-{key}-{scale}")
    style.apply_scale(100, save=False)

    drive(qtbot, page.do_main_action, record(qtbot, reason="身份证明另册保管"))  # 归档
    assert page.case.status is CaseStatus.ARCHIVED
    assert page.main_button.text() == "归档后更正"

    # An edit of the archived case without an amendment is refused, and nothing changes.
    def try_edit(dialog: QDialog) -> None:
        assert isinstance(dialog, RegisterDialog)
        type_text(qtbot, dialog.title, "改")

    before = get_case(db, case_id)
    boxes.errors.clear()
    with contextlib.suppress(AssertionError):
        drive(qtbot, page.edit_registration, try_edit)
    assert boxes.errors and "已归档" in boxes.errors[-1]
    assert get_case(db, case_id) == before
