"""The whole path in the window: register a dispute, see it listed, open it, write the
agreement, print it to PDF and Word, and read the files back."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.conftest import save_through_print_dialog, screenshot, show_at_screen_size, type_text
from tests.ui.test_register_dialog import GOOD_ID, fill_form
from ui.agreement_dialog import AgreementDialog
from ui.case_page import CasePage
from ui.register_dialog import RegisterDialog


def register_through_the_dialog(window, qtbot) -> int:  # type: ignore[no-untyped-def]
    registered: dict[str, int] = {}

    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RegisterDialog)
        try:
            fill_form(qtbot, dialog, GOOD_ID)
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            assert dialog.result_case is not None
            registered["id"] = dialog.result_case.id
        finally:
            if dialog.isVisible():
                QDialog.done(dialog, QDialog.DialogCode.Rejected)

    QTimer.singleShot(0, fill_and_save)
    qtbot.mouseClick(window.register_button, Qt.MouseButton.LeftButton)
    return registered["id"]


def write_agreement(qtbot, page: CasePage) -> None:  # type: ignore[no-untyped-def]
    def fill_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AgreementDialog)
        try:
            type_text(qtbot, dialog.facts, "李建国长期在楼道堆放杂物，影响王秀英通行。")
            term = dialog.terms[0]
            type_text(qtbot, term.text, "被申请人清理楼道杂物并赔偿申请人损失")
            term.obligor.setCurrentIndex(2)  # 李建国 ("无" comes first)
            term.obligee.setCurrentIndex(1)  # 王秀英
            type_text(qtbot, term.amount, "1250.50")
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        finally:
            if dialog.isVisible():
                QDialog.done(dialog, QDialog.DialogCode.Rejected)

    QTimer.singleShot(0, fill_and_save)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)


def test_register_open_write_and_print(window, qtbot, opened, tmp_path: Path) -> None:
    case_id = register_through_the_dialog(window, qtbot)
    # Listed at the top and selected.
    assert window.model.row(0).id == case_id
    assert window.table.selected_case_id() == case_id

    page = CasePage(
        window.db,
        case_id,
        window,
        opener=opened,
        ask_path=lambda parent, fmt, suggested: tmp_path / suggested.name,
    )
    page.print_options = {"printers": [], "default_printer": ""}
    show_at_screen_size(qtbot, page)
    page.show_tab("agreement")  # the tab a volunteer clicks to see the agreement
    assert "尚未录入协议" in "".join(
        label.plain_text() for label in page.findChildren(type(page.notice))
    )
    write_agreement(qtbot, page)
    assert page.case.agreement is not None
    screenshot(page, "end-to-end-case-page")

    pdf, docx = (save_through_print_dialog(qtbot, page, fmt) for fmt in ("pdf", "docx"))
    assert pdf.suffix == ".pdf" and docx.suffix == ".docx"

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    font_rows = fonts.stdout.splitlines()[2:]
    assert font_rows and all(" yes " in row for row in font_rows)  # every font embedded
    from docx import Document

    word = Document(str(docx))
    word_text = "\n".join(p.text for p in word.paragraphs)
    word_text += "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    for document in (text, word_text):
        for expected in ("人民调解协议书", page.case.number, "王秀英", "李建国", "1250.50"):
            assert expected in document, expected
        assert "壹仟贰佰伍拾元伍角" in document
