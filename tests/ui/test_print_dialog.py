"""The print dialog: the preview is the PDF that prints, printing with copies preset, saving
as PDF or Word into the remembered folder, 打开文件夹, every form from the 卷宗 tab."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QPushButton

from app.services.cases import CaseQuery, get_case, list_cases
from app.services.database import Database
from tests.ui.conftest import Opened, screenshot, show_at_screen_size
from ui import print_flow
from ui.case_page import CasePage
from ui.print_dialog import PrintDialog
from ui.print_flow import PrintRequest


def prints_of(db: Database, case_id: int) -> list[str]:
    """The forms recorded as printed for the case, one per print, from its history."""
    import json

    from sqlalchemy import select

    from app.db.models import AuditEntry

    uuid = get_case(db, case_id).uuid
    with db.reading() as session:
        notes = session.scalars(
            select(AuditEntry.after)
            .where(AuditEntry.action == "document.print", AuditEntry.entity_uuid == uuid)
            .order_by(AuditEntry.id)
        )
        return [json.loads(note)["form"] for note in list(notes)]


def case_where(db: Database, wanted) -> int:  # type: ignore[no-untyped-def]
    for row in list_cases(db, CaseQuery(), 0, 300):
        if wanted(get_case(db, row.id)):
            return row.id
    raise AssertionError("the demo data has no such case")


def with_agreement(db: Database) -> int:
    return case_where(db, lambda c: c.agreement is not None and c.agreement.form.value == "written")


def agreement_request(db: Database, case_id: int) -> PrintRequest:
    case = get_case(db, case_id)
    return PrintRequest(
        "agreement", "人民调解协议书", case_id, case.number, copies=len(case.parties) + 1
    )


def ready(qtbot, dialog: PrintDialog) -> PrintDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.preview_path is not None and not dialog.is_busy(), timeout=30000)
    return dialog


def open_dialog(qtbot, db, request, tmp_path, opened, **options) -> PrintDialog:  # type: ignore[no-untyped-def]
    options.setdefault("printers", [])
    options.setdefault("default_printer", "")
    dialog = PrintDialog(
        db,
        request,
        opener=opened,
        ask_path=lambda parent, fmt, suggested: tmp_path / suggested.name,
        **options,
    )
    return ready(qtbot, show_at_screen_size(qtbot, dialog))  # type: ignore[arg-type]


def test_the_preview_is_the_paper_and_prints_the_copies_preset(qtbot, db, tmp_path, opened) -> None:
    case_id = with_agreement(db)
    case = get_case(db, case_id)
    printed = tmp_path / "打印机收到的.pdf"
    request = agreement_request(db, case_id)
    dialog = open_dialog(qtbot, db, request, tmp_path, opened, print_to_file=printed)
    pages = dialog.document.pageCount()
    assert pages >= 1 and f"共 {pages} 页" in dialog.status.text()
    assert dialog.copies.value() == len(case.parties) + 1  # one each and one for the file
    assert prints_of(db, case_id) == []  # a preview is not a print
    screenshot(dialog, "print-dialog-agreement")
    from PySide6.QtPdfWidgets import QPdfView

    qtbot.mouseClick(dialog.zoom_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView  # type: ignore[attr-defined]
    assert dialog.zoom_button.text() == "放大看"
    qtbot.wait(300)
    screenshot(dialog, "print-dialog-agreement-whole-page")
    qtbot.mouseClick(dialog.zoom_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth  # type: ignore[attr-defined]

    dialog.copies.setValue(2)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=60000)
    # A PDF "printer" makes no copies itself: each copy is sent in turn, every page drawn.
    assert len(PdfReader(printed).pages) == 2 * pages == dialog.printed_pages
    assert "已送到打印机：2份" in dialog.status.text()
    assert prints_of(db, case_id) == ["agreement"]


def test_saving_as_pdf_keeps_the_previewed_file_and_remembers_the_folder(
    qtbot, db, tmp_path, opened
) -> None:
    case_id = with_agreement(db)
    request = agreement_request(db, case_id)
    dialog = open_dialog(qtbot, db, request, tmp_path, opened)
    assert dialog.preview_path is not None
    preview = dialog.preview_path.read_bytes()
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=30000)
    saved = tmp_path / f"人民调解协议书-{request.case_number}.pdf"
    assert dialog.last_saved == saved and saved.read_bytes() == preview
    assert dialog.notice.isVisible() and str(saved) in dialog.notice.plain_text()
    assert print_flow.saving_folder() == tmp_path  # offered first next time
    assert opened.paths == []  # nothing opened unasked
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened.paths == [tmp_path, saved]
    assert prints_of(db, case_id) == ["agreement"]
    work = dialog._work
    dialog.reject()
    assert not work.exists()  # the preview's copy of personal data is gone


def test_saving_as_word(qtbot, db, tmp_path, opened) -> None:
    from docx import Document

    case_id = with_agreement(db)
    request = agreement_request(db, case_id)
    dialog = open_dialog(qtbot, db, request, tmp_path, opened)
    qtbot.mouseClick(dialog.word_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=30000)
    assert dialog.last_saved is not None and dialog.last_saved.suffix == ".docx"
    word = Document(str(dialog.last_saved))
    text = "".join(p.text for p in word.paragraphs)
    text += "".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    assert request.case_number in text


def test_a_folder_that_cannot_be_written_is_told_and_the_dialog_stays_usable(
    qtbot, db, tmp_path, opened, boxes
) -> None:
    case_id = with_agreement(db)
    dialog = PrintDialog(
        db,
        agreement_request(db, case_id),
        opener=opened,
        ask_path=lambda parent, fmt, suggested: tmp_path / "没有这个文件夹" / suggested.name,
        printers=[],
        default_printer="",
    )
    ready(qtbot, show_at_screen_size(qtbot, dialog))
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: bool(boxes.errors), timeout=30000)
    assert "不存在" in boxes.errors[0]
    assert dialog.last_saved is None and dialog.pdf_button.isEnabled()
    assert dialog.close_button.isEnabled()


def test_without_a_printer_it_says_how_to_print_elsewhere(qtbot, db, tmp_path, opened) -> None:
    dialog = open_dialog(qtbot, db, agreement_request(db, with_agreement(db)), tmp_path, opened)
    assert dialog.no_printer.isVisible() and "保存为PDF" in dialog.no_printer.plain_text()
    assert not dialog.print_button.isEnabled() and dialog.pdf_button.isDefault()


def test_the_default_printer_is_chosen(qtbot, db, tmp_path, opened) -> None:
    dialog = open_dialog(
        qtbot,
        db,
        agreement_request(db, with_agreement(db)),
        tmp_path,
        opened,
        printers=["办公室打印机", "HP LaserJet"],
        default_printer="HP LaserJet",
    )
    assert dialog.printer_choice.currentData() == "HP LaserJet"
    assert "（默认）" in dialog.printer_choice.currentText()
    assert dialog.print_button.isEnabled() and dialog.print_button.isDefault()
    assert not dialog.no_printer.isVisible()


def test_a_document_that_cannot_be_built_says_why(qtbot, db, tmp_path, opened, boxes) -> None:
    request = PrintRequest("no-such-form", "某表", with_agreement(db), "（2026）x")
    dialog = PrintDialog(db, request, opener=opened, printers=[], default_printer="")
    show_at_screen_size(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(boxes.errors), timeout=30000)
    assert "print --list" in boxes.errors[0] or "没有" in boxes.errors[0]
    assert not dialog.pdf_button.isEnabled() and not dialog.word_button.isEnabled()
    assert dialog.close_button.isEnabled()


def dossier_page(qtbot, db, case_id, tmp_path, opened) -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(
        db, case_id, opener=opened, ask_path=lambda p, fmt, s: tmp_path / s.name, tab="dossier"
    )
    page.print_options = {"printers": [], "default_printer": ""}
    return show_at_screen_size(qtbot, page)  # type: ignore[no-any-return]


def buttons_named(page: CasePage) -> dict[str, QPushButton]:
    return {b.accessibleName(): b for b in page.findChildren(QPushButton)}


def test_the_dossier_tab_prints_every_form_each_sitting_and_blanks(
    qtbot, db, tmp_path, opened
) -> None:
    from app.documents.forms.registry import FORMS

    case_id = case_where(
        db,
        lambda c: (
            c.agreement is not None
            and len([s for s in c.sessions if s.kind.value == "mediation"]) >= 2
        ),
    )
    case = get_case(db, case_id)
    page = dossier_page(qtbot, db, case_id, tmp_path, opened)
    named = buttons_named(page)
    for spec in FORMS.values():
        assert f"打印空白{spec.name}" in named, spec.name  # every form has its blank
    sittings = [n for n in named if n.startswith("打印人民调解记录（")]
    assert len(sittings) == len([s for s in case.sessions if s.kind.value == "mediation"])
    assert "打印整个卷宗（封面、目录、全部文书和附件，页码连续）" in named
    page.scroll.verticalScrollBar().setValue(page.scroll.verticalScrollBar().maximum())
    screenshot(page, "case-page-dossier-print")

    named["打印整个卷宗（封面、目录、全部文书和附件，页码连续）"].click()
    dialog = page.dialog
    assert isinstance(dialog, PrintDialog)
    ready(qtbot, dialog)
    assert dialog.request.what == "dossier" and dialog.document.pageCount() >= 6
    screenshot(dialog, "print-dialog-dossier")
    dialog.reject()
    qtbot.waitUntil(lambda: page.dialog is None)

    buttons_named(page)[sittings[-1]].click()
    dialog = page.dialog
    assert isinstance(dialog, PrintDialog)
    ready(qtbot, dialog)
    assert dialog.request.what == "mediation_record" and dialog.request.item_id is not None
    dialog.reject()


def test_a_blank_form_prints_without_a_case(qtbot, db, tmp_path, opened) -> None:
    page = dossier_page(qtbot, db, with_agreement(db), tmp_path, opened)
    buttons_named(page)["打印空白人民调解申请书"].click()
    dialog = page.dialog
    assert isinstance(dialog, PrintDialog)
    ready(qtbot, dialog)
    assert dialog.request.case_id is None and dialog.copies.value() == 1
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: dialog.last_saved is not None, timeout=30000)
    assert dialog.last_saved == tmp_path / "空白人民调解申请书.pdf"
    text = "".join(p.extract_text() for p in PdfReader(dialog.last_saved).pages)
    assert "人民调解申请书" in text
    dialog.reject()


@pytest.mark.parametrize("scale", [100, 200])
def test_the_print_dialog_at_both_text_sizes(qtbot, db, tmp_path, opened, scale: int) -> None:
    from tests.ui.test_usability import check
    from ui import style

    style.apply_scale(scale, save=False)
    dialog = open_dialog(
        qtbot,
        db,
        agreement_request(db, with_agreement(db)),
        tmp_path,
        opened,
        printers=["办公室打印机"],
        default_printer="办公室打印机",
    )
    qtbot.wait(200)  # the preview draws its pages in the background
    check(dialog, scale, f"print-dialog-{scale}")


def test_the_file_dialog_speaks_chinese(qtbot) -> None:
    # On Windows the system's own dialog is used (in the PC's language); Qt's own, used
    # elsewhere, takes its words from the catalogue the program loads at start.
    dialog = QFileDialog(None, "保存到")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    words = [b.text() for b in box.buttons()]
    assert any("保存" in w for w in words) and any("取消" in w for w in words), words
    dialog.reject()


def test_the_remembered_folder_falls_back_when_gone(tmp_path) -> None:
    QSettings().setValue(print_flow.FOLDER_KEY, str(tmp_path / "拔掉的U盘"))
    assert print_flow.saving_folder() == print_flow.documents_folder()


@pytest.fixture(autouse=True)
def _forget_the_folder():  # type: ignore[no-untyped-def]
    yield
    QSettings().remove(print_flow.FOLDER_KEY)


_ = Opened  # the `opened` fixture's type, for readers
