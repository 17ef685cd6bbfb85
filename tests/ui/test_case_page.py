"""The case page: what it shows, printing the agreement to PDF and Word, editing the agreement."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from app.services.cases import CaseQuery, get_case, list_cases
from app.services.database import Database
from tests.ui.conftest import save_through_print_dialog, show_at_screen_size, type_text
from ui.case_page import CasePage


def case_with(db: Database, agreement: bool) -> int:
    for row in list_cases(db, CaseQuery(), 0, 200):
        case = get_case(db, row.id)
        if (case.agreement is not None) == agreement and case.status.value != "archived":
            return row.id
    raise AssertionError("the demo data has no such case")


def page_text(page: CasePage) -> str:
    """The words on every tab of the page as typed (not the markup that spaces their lines)."""
    shown = page.tabs.currentIndex()
    for index in range(page.tabs.count()):  # each tab is built when first shown
        page.tabs.setCurrentIndex(index)
    page.tabs.setCurrentIndex(shown)
    words = [getattr(label, "plain_text", label.text)() for label in page.findChildren(QLabel)]
    return "\n".join(words).replace("\u2060", "")


def make_page(qtbot, db, opened, tmp_path: Path, fmt: str, case_id: int) -> CasePage:  # type: ignore[no-untyped-def]
    asked: dict[str, Path] = {}

    def ask_path(parent, chosen_format: str, suggested: Path) -> Path:  # type: ignore[no-untyped-def]
        asked["suggested"] = suggested
        return tmp_path / suggested.name

    page = CasePage(db, case_id, opener=opened, ask_path=ask_path)
    page.print_options = {"printers": [], "default_printer": ""}
    page.asked = asked  # type: ignore[attr-defined]
    return show_at_screen_size(qtbot, page)  # type: ignore[return-value]


def test_page_shows_the_case(qtbot, db, opened, tmp_path) -> None:
    case_id = case_with(db, agreement=True)
    case = get_case(db, case_id)
    page = make_page(qtbot, db, opened, tmp_path, "pdf", case_id)
    text = page_text(page)
    for expected in (case.number, case.title, case.status.label, case.tier.label):
        assert expected in text
    for party in case.parties:
        assert party.name in text
        if party.id_number:
            assert party.masked_id_number in text
            assert party.id_number not in text  # never the whole number on screen
    assert case.agreement is not None
    for term in case.agreement.terms:
        assert term.text in text
    assert "尚未录入协议" not in text


def test_page_without_agreement_says_so(qtbot, db, opened, tmp_path, boxes) -> None:
    page = make_page(qtbot, db, opened, tmp_path, "pdf", case_with(db, agreement=False))
    assert "尚未录入协议" in page_text(page)
    page.print_button.click()
    assert boxes.infos and "还没有录入协议" in boxes.infos[0]
    assert opened.paths == []


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_print_agreement(qtbot, db, opened, tmp_path, fmt: str) -> None:
    case_id = case_with(db, agreement=True)
    case = get_case(db, case_id)
    page = make_page(qtbot, db, opened, tmp_path, fmt, case_id)
    saved = save_through_print_dialog(qtbot, page, fmt)

    suggested = page.asked["suggested"]  # type: ignore[attr-defined]
    assert suggested.name == f"人民调解协议书-{case.number}.{fmt}"
    assert saved == tmp_path / suggested.name
    assert saved.exists() and saved.stat().st_size > 1000
    assert page.print_button.isEnabled()
    if fmt == "pdf":
        from pypdf import PdfReader

        text = "".join(p.extract_text() for p in PdfReader(saved).pages)
        for party in case.parties:
            assert party.name in text
    else:
        from docx import Document

        word = Document(str(saved))
        text = "\n".join(p.text for p in word.paragraphs)
        text += "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
        for party in case.parties:
            assert party.name in text
    assert "人民调解协议书" in text
    assert case.number in text


def test_enter_an_agreement(qtbot, db, opened, tmp_path, boxes) -> None:
    from ui.agreement_dialog import AgreementDialog

    case_id = case_with(db, agreement=False)
    page = make_page(qtbot, db, opened, tmp_path, "pdf", case_id)
    dialog = show_at_screen_size(qtbot, AgreementDialog(db, page.case))
    term = dialog.terms[0]
    type_text(qtbot, term.text, "被申请人赔偿申请人维修费")
    term.obligor.setCurrentIndex(2)  # the second party ("无" comes first)
    term.obligee.setCurrentIndex(1)
    type_text(qtbot, term.amount, "12.345")
    dialog.save_button.click()
    error = term.fields["amount"].error
    assert error.isVisible() and "金额" in error.plain_text()
    assert dialog.focusWidget() is term.amount
    assert term.text.text() == "被申请人赔偿申请人维修费"

    term.amount.clear()
    type_text(qtbot, term.amount, "800")
    second = dialog.add_term()
    type_text(qtbot, second.text, "被申请人当面赔礼道歉")
    second.remove_button.click()
    assert "被申请人当面赔礼道歉" in boxes.questions[-1]
    assert len(dialog.terms) == 1
    dialog.save_button.click()
    assert dialog.changed is not None

    saved = get_case(db, case_id).agreement
    assert saved is not None and len(saved.terms) == 1
    assert str(saved.terms[0].amount) == "800.00"
    assert saved.terms[0].obligor == 1 and saved.terms[0].obligee == 0
    page.load()
    assert "被申请人赔偿申请人维修费" in page_text(page)


def test_printing_warns_on_a_vague_term_and_going_back_prints_nothing(
    qtbot, db, opened, tmp_path, boxes
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from app.domain.drafts import AgreementDraft, TermDraft
    from app.services.cases import save_agreement

    case_id = case_with(db, agreement=False)
    save_agreement(
        db,
        case_id,
        AgreementDraft(
            reached_on=date.today(), terms=[TermDraft(text="被申请人尽快修好漏水的水管。")]
        ),
    )
    page = make_page(qtbot, db, opened, tmp_path, "pdf", case_id)
    boxes.answer = False  # 回去修改
    page.print_agreement()
    assert boxes.questions and "第1项写的是“尽快”" in boxes.questions[-1]
    assert "照样打印" in boxes.questions[-1]
    assert page.dialog is None  # went back to correct it: nothing opened
    boxes.answer = True  # 照样打印: the warning never blocks
    page.print_agreement()
    dialog = page.dialog
    assert dialog is not None and dialog.windowTitle() == "打印人民调解协议书"
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20_000)  # type: ignore[attr-defined]
    dialog.reject()
