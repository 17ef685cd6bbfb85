"""Every error a service raises is shown: beside its field, its term, or in the summary line.

Usability rule 9: the message names the field, what was typed stays, and the focus moves to
the first wrong field. No message may be swallowed, whatever key the service gives it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from app.domain.codes import AgreementForm
from app.domain.drafts import AgreementDraft, TermDraft
from app.domain.errors import UserError, ValidationError, ValidationErrors
from app.services.cases import CaseQuery, get_case, list_cases, save_agreement
from tests.ui.conftest import show_at_screen_size, type_text
from ui import agreement_dialog
from ui.agreement_dialog import AgreementDialog
from ui.case_page import CasePage
from ui.widgets import ErrorLabel


def open_case(db, agreement: bool) -> int:  # type: ignore[no-untyped-def]
    for row in list_cases(db, CaseQuery(), 0, 200):
        case = get_case(db, row.id)
        usable = case.status.value != "archived" and len(case.parties) >= 2
        if usable and (case.agreement is not None) == agreement:
            return row.id
    raise AssertionError("the demo data has no such case")


def shown_messages(dialog: QWidget) -> list[str]:
    return [
        label.plain_text()
        for label in dialog.findChildren(ErrorLabel)
        if label.isVisible() and label.plain_text()
    ]


def holds(widget: QWidget, focused: QWidget | None) -> bool:
    """The focused widget is this one or inside it."""
    while focused is not None:
        if focused is widget:
            return True
        focused = focused.parentWidget()
    return False


def fake_service(monkeypatch, errors: list[ValidationError]) -> list[AgreementDraft]:  # type: ignore[no-untyped-def]
    seen: list[AgreementDraft] = []

    def save(db, case_ref, draft):  # type: ignore[no-untyped-def]
        seen.append(draft)
        raise ValidationErrors(errors)

    monkeypatch.setattr(agreement_dialog, "save_agreement", save)
    return seen


def editor(qtbot, db, terms: int = 2) -> AgreementDialog:  # type: ignore[no-untyped-def]
    dialog = show_at_screen_size(qtbot, AgreementDialog(db, get_case(db, open_case(db, False))))
    while len(dialog.terms) < terms:
        dialog.add_term()
    qtbot.wait(1)  # sections added to a shown dialog appear with the next event loop turn
    for number, term in enumerate(dialog.terms, 1):
        type_text(qtbot, term.text, f"第{number}条的内容")
    return dialog


# ---------------------------------------------------------------- every key lands somewhere


def test_field_keys_land_beside_their_fields(qtbot, db, monkeypatch) -> None:
    dialog = editor(qtbot, db)
    fake_service(
        monkeypatch,
        [
            ValidationError("reached_on", "达成日期", "不能早于受理日期，请核对"),
            ValidationError("terms[1].obligee", "第2条协议内容的权利人", "不能和履行人是同一人"),
            ValidationError("terms[0].due", "第1条协议内容的履行期限", "不能早于达成日期"),
        ],
    )
    dialog.save_button.click()
    reached = dialog.form.fields[1]
    assert "达成日期" in reached.error.plain_text() and reached.error.isVisible()
    assert "权利人" in dialog.terms[1].fields["obligee"].error.plain_text()
    assert "履行期限" in dialog.terms[0].fields["due"].error.plain_text()
    # The first on screen gets the focus; every typed word is still there.
    assert dialog.focusWidget() is dialog.reached_on
    assert [t.text.text() for t in dialog.terms] == ["第1条的内容", "第2条的内容"]
    assert "3处" in dialog.summary.plain_text()


def test_a_term_level_key_lands_on_that_term(qtbot, db, monkeypatch) -> None:
    dialog = editor(qtbot, db)
    fake_service(
        monkeypatch,
        [
            ValidationError("terms[1]", "第2条协议内容", "履行人和权利人不能是同一人"),
            ValidationError("terms[1].performed_on", "第2条协议内容的履行日期", "不能晚于今天"),
        ],
    )
    dialog.save_button.click()
    second = dialog.terms[1]
    assert second.error.isVisible()
    assert "同一人" in second.error.plain_text() and "履行日期" in second.error.plain_text()
    assert not dialog.terms[0].error.isVisible()
    assert holds(second, dialog.focusWidget())


def test_no_terms_lands_above_the_terms_with_the_add_button_focused(qtbot, db, monkeypatch) -> None:
    dialog = editor(qtbot, db)
    fake_service(monkeypatch, [ValidationError("terms", "协议内容", "至少要写一条")])
    dialog.save_button.click()
    assert dialog.terms_error.isVisible() and "至少要写一条" in dialog.terms_error.plain_text()
    assert dialog.focusWidget() is dialog.add_button


def test_a_key_of_a_term_not_on_screen_lands_above_the_terms(qtbot, db, monkeypatch) -> None:
    dialog = editor(qtbot, db)
    fake_service(monkeypatch, [ValidationError("terms[5].text", "第6条协议内容的内容", "要填写")])
    dialog.save_button.click()
    assert "第6条" in dialog.terms_error.plain_text()


def test_an_unknown_key_is_shown_in_the_summary(qtbot, db, monkeypatch) -> None:
    dialog = editor(qtbot, db)
    fake_service(
        monkeypatch,
        [
            ValidationError("mediators", "调解员", "至少要有一位主持人"),
            ValidationError("facts", "纠纷主要事实", "最多5000个字"),
        ],
    )
    dialog.save_button.click()
    summary = dialog.summary.plain_text()
    assert dialog.summary.isVisible() and "至少要有一位主持人" in summary and "2处" in summary
    assert "最多5000个字" in dialog.form.fields[2].error.plain_text()
    assert dialog.focusWidget() is dialog.facts


def test_a_single_validation_error_is_shown_beside_its_field(qtbot, db, monkeypatch) -> None:
    dialog = editor(qtbot, db)

    def save(db, case_ref, draft):  # type: ignore[no-untyped-def]
        raise ValidationError("terms[0].amount", "第1条协议内容的金额", "应为数字，例如 1250.50")

    monkeypatch.setattr(agreement_dialog, "save_agreement", save)
    dialog.save_button.click()
    assert "金额" in dialog.terms[0].fields["amount"].error.plain_text()
    assert dialog.focusWidget() is dialog.terms[0].amount


def test_errors_go_away_once_fixed(qtbot, db, monkeypatch) -> None:
    dialog = editor(qtbot, db)
    fake_service(monkeypatch, [ValidationError("terms[0]", "第1条协议内容", "不对")])
    dialog.save_button.click()
    assert dialog.terms[0].error.isVisible()
    fake_service(monkeypatch, [ValidationError("reached_on", "达成日期", "不对")])
    dialog.save_button.click()
    assert not dialog.terms[0].error.isVisible()
    assert shown_messages(dialog) == [
        "⚠ 达成日期：不对",
        "⚠ 有1处需要修改，每一处都用红字写在那一项的下面。",
    ]


def test_register_dialog_unknown_and_party_level_keys(window, qtbot, monkeypatch) -> None:
    from ui import register_dialog

    dialog = show_at_screen_size(qtbot, window.make_register_dialog())

    def register(db, draft):  # type: ignore[no-untyped-def]
        raise ValidationErrors(
            [
                ValidationError("parties[1]", "第2位当事人", "和第1位当事人重复了"),
                ValidationError("status", "办理状态", "不在可选范围内"),
            ]
        )

    monkeypatch.setattr(register_dialog, "register_case", register)
    dialog.save_button.click()
    second = dialog.parties[1]
    assert second.error.isVisible() and "重复" in second.error.plain_text()
    assert "办理状态" in dialog.summary.plain_text()
    assert dialog.focusWidget() is second.role


# ---------------------------------------------------------------- the real rules


def rules_scenarios() -> list[tuple[str, object, object]]:
    """What the agreement rules reject (or will): each is set up in the editor by hand."""

    def no_terms(dialog: AgreementDialog) -> None:
        for term in list(dialog.terms):
            dialog.remove_term(term)

    def same_person(dialog: AgreementDialog) -> None:
        term = dialog.terms[0]
        term.obligor.setCurrentIndex(1)
        term.obligee.setCurrentIndex(1)

    def money_without_obligor(dialog: AgreementDialog) -> None:
        term = dialog.terms[0]
        term.obligor.setCurrentIndex(0)  # 无
        term.amount.setText("800")

    def due_before_agreement(dialog: AgreementDialog) -> None:
        reached = dialog.draft().reached_on or date.today()
        dialog.terms[0].due.set_value(reached - timedelta(days=3))

    def agreement_in_future(dialog: AgreementDialog) -> None:
        dialog.reached_on.setDate(dialog.reached_on.date().addDays(30))

    def agreement_before_received(dialog: AgreementDialog) -> None:
        dialog.reached_on.setDate(dialog.reached_on.date().addYears(-3))

    def wrong_amount(dialog: AgreementDialog) -> None:
        dialog.terms[0].amount.setText("12.345")

    def empty_text(dialog: AgreementDialog) -> None:
        dialog.terms[0].text.set_text("")

    # (what, how it is typed, where the focus goes for the fix)
    return [
        ("no terms", no_terms, lambda d: d.add_button),
        ("obligor is obligee", same_person, lambda d: d.terms[0].obligee),
        ("money without obligor", money_without_obligor, lambda d: d.terms[0].obligor),
        ("due before agreement", due_before_agreement, lambda d: d.terms[0].due.edit),
        ("agreement in the future", agreement_in_future, lambda d: d.reached_on),
        ("agreement before received", agreement_before_received, lambda d: d.reached_on),
        ("wrong amount", wrong_amount, lambda d: d.terms[0].amount),
        ("empty text", empty_text, lambda d: d.terms[0].text),
    ]


@pytest.mark.parametrize(
    ("name", "spoil", "where"), rules_scenarios(), ids=[s[0] for s in rules_scenarios()]
)
def test_whatever_the_rules_reject_is_shown_and_nothing_typed_is_lost(
    qtbot, db, boxes, monkeypatch, name: str, spoil, where
) -> None:
    """With the real service: if it rejects the agreement, every one of its messages is on
    screen, the focus is on the first, and the form still holds what was typed."""
    dialog = editor(qtbot, db, terms=1)
    dialog.terms[0].obligor.setCurrentIndex(2)
    dialog.terms[0].obligee.setCurrentIndex(1)
    spoil(dialog)
    raised: list[ValidationError] = []

    def spy(db, case_ref, draft):  # type: ignore[no-untyped-def]
        try:
            return save_agreement(db, case_ref, draft)
        except ValidationErrors as errors:
            raised.extend(errors.errors)
            raise
        except ValidationError as error:
            raised.append(error)
            raise

    monkeypatch.setattr(agreement_dialog, "save_agreement", spy)
    before = dialog.draft()
    dialog.save_button.click()
    assert boxes.errors == [], "a validation error must not become a message box"
    if not raised:  # these rules accept it (as of now): it was saved
        assert dialog.changed is not None
        return
    assert dialog.changed is None and dialog.isVisible()
    shown = "\n".join(shown_messages(dialog))
    for error in raised:
        assert error.message in shown, f"{error.field}: {error.message!r} not on screen"
    # Placed beside a field, a term or the terms when the key is one the editor knows.
    placed = [m for m in shown_messages(dialog) if not m.startswith("⚠ 有")]
    assert placed, "only the summary line says something"
    # The focus waits where the fix is made (the wrong field, or "添加一条" for no terms).
    assert dialog.focusWidget() is where(dialog)
    assert dialog.draft() == before  # nothing typed is lost


# ---------------------------------------------------------------- printing


def test_a_user_error_while_printing_is_told_plainly(
    qtbot, db, opened, tmp_path, boxes, monkeypatch
) -> None:
    from app.services import printing

    message = "这个文件夹不能写入文件，请换一个文件夹保存。"

    def refuse(db, case_id, fmt, target, **options):  # type: ignore[no-untyped-def]
        raise UserError(message)

    monkeypatch.setattr(printing, "print_agreement", refuse)
    case_id = open_case(db, True)
    page = show_at_screen_size(
        qtbot,
        CasePage(
            db,
            case_id,
            opener=opened,
            ask_path=lambda parent, fmt, suggested: tmp_path / suggested.name,
        ),
    )
    page.print_options = {"printers": [], "default_printer": ""}
    page.print_button.click()
    qtbot.waitUntil(lambda: bool(boxes.errors), timeout=30000)
    assert boxes.errors == [message]  # as written, not the apology for a program fault
    dialog = page.dialog
    assert dialog is not None and not dialog.is_busy()  # type: ignore[attr-defined]
    assert opened.paths == [] and dialog.close_button.isEnabled()  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_printing_an_oral_agreement_saves_its_register(
    qtbot, db, opened, tmp_path, boxes, fmt: str
) -> None:
    """An oral agreement (art. 28) prints as the 人民调解口头协议登记表, named as such."""
    case_id = open_case(db, True)
    case = get_case(db, case_id)
    assert case.agreement is not None
    terms = [
        TermDraft(
            t.text,
            t.obligor,
            t.obligee,
            "" if t.amount is None else str(t.amount),
            t.due,
            id=t.id,  # the same obligations, with what was performed on them
        )
        for t in case.agreement.terms
    ]
    save_agreement(
        db,
        case_id,
        AgreementDraft(
            form=AgreementForm.ORAL.value,
            reached_on=case.agreement.reached_on,
            facts=case.agreement.facts,
            terms=terms,
        ),
    )
    suggested: list[Path] = []

    def ask_path(parent, chosen: str, path: Path) -> Path:  # type: ignore[no-untyped-def]
        suggested.append(path)
        return tmp_path / path.name

    page = show_at_screen_size(qtbot, CasePage(db, case_id, opener=opened, ask_path=ask_path))
    page.print_options = {"printers": [], "default_printer": ""}
    page.print_button.click()
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == "打印人民调解口头协议登记表"
    qtbot.waitUntil(lambda: dialog.preview_path is not None, timeout=30000)  # type: ignore[attr-defined]
    (dialog.pdf_button if fmt == "pdf" else dialog.word_button).click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(boxes.errors or dialog.last_saved), timeout=30000)  # type: ignore[attr-defined]
    assert boxes.errors == [] and boxes.infos == []
    saved = tmp_path / f"人民调解口头协议登记表-{case.number}.{fmt}"
    assert [p.name for p in suggested] == [saved.name]
    assert dialog.last_saved == saved  # type: ignore[attr-defined]
    assert f"人民调解口头协议登记表已保存到：{saved}" in dialog.notice.plain_text()  # type: ignore[attr-defined]
    if fmt == "pdf":
        from pypdf import PdfReader

        text = "".join(sheet.extract_text() for sheet in PdfReader(saved).pages)
    else:
        from docx import Document

        word = Document(str(saved))
        text = "".join(c.text for t in word.tables for r in t.rows for c in r.cells)
        text += "".join(p.text for p in word.paragraphs)
    text = "".join(text.split())
    assert "人民调解口头协议登记表" in text and case.number in text
    assert "本口头协议自各方当事人达成协议之日起生效。" in text and "一式" not in text
    for party in case.parties:
        assert party.name in text
    assert page.print_button.isEnabled()


@pytest.mark.parametrize("scale", [100, 200])
def test_agreement_errors_at_every_size(qtbot, db, monkeypatch, scale: int) -> None:
    from tests.ui.test_usability import check
    from ui import style

    style.apply_scale(scale, save=False)
    dialog = editor(qtbot, db)
    fake_service(
        monkeypatch,
        [
            ValidationError("terms[1]", "协议第2条", "履行人和权利人不能是同一位当事人，请核对"),
            ValidationError("terms[1].amount", "协议第2条的金额", "最多精确到分，例如 1250.50"),
            ValidationError("archive", "卷宗", "这一项不在这里填写（例如 演示用的未知错误）"),
        ],
    )
    dialog.save_button.click()
    qtbot.wait(20)  # the second scroll to the field happens after the layout has settled
    check(dialog, scale, f"agreement-{scale}-errors")
    assert dialog.focusWidget() is dialog.terms[1].text
