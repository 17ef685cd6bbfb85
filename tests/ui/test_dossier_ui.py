"""The 卷宗 tab: the completeness check names what is missing; an identity proof attached for a
party and the rights notice's date make those items present; archiving asks for a reason."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from app.domain.codes import AttachmentKind, CaseStatus
from app.domain.dossier import check_dossier, missing_items
from app.domain.lifecycle import CaseEvent
from app.services.cases import list_cases
from app.services.detail import get_case
from tests.ui.conftest import screenshot, show_at_screen_size
from tests.ui.test_case_life_ui import drive, record
from ui import case_actions, style
from ui.case_page import TABS, CasePage
from ui.record_dialog import RecordDialog
from ui.widgets import SpacedLabel


def page_text(page: CasePage) -> str:
    return "\n".join(label.plain_text() for label in page.findChildren(SpacedLabel))


def test_the_dossier_tab_checks_and_fills_the_file(
    qtbot, db, opened, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_id = next(r.id for r in list_cases(db, limit=100) if r.status is CaseStatus.MEDIATING)
    page = show_at_screen_size(qtbot, CasePage(db, case_id, opener=opened))
    page.tabs.setCurrentIndex([k for k, _ in TABS].index("dossier"))
    case = get_case(db, case_id)
    first = case.parties[0]
    assert f"✗ {first.role.label}{first.name}的身份证明" in page_text(page)
    for scale in (100, 200):
        style.apply_scale(scale, save=False)
        screenshot(page, f"case-dossier-tab-{scale}")
    style.apply_scale(100, save=False)

    scan = tmp_path / "身份证.jpg"
    scan.write_bytes(b"\xff\xd8 a scan")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scan), ""))
    drive(
        qtbot,
        page.add_attachment,
        record(qtbot, kind=AttachmentKind.IDENTITY.value, party_id=first.id),
    )
    assert f"✓ {first.role.label}{first.name}的身份证明" in page_text(page)
    assert f"身份证明（{first.name}）：身份证.jpg" in page_text(page)

    drive(qtbot, page.open_rights_notice, record(qtbot))
    assert (
        "✓ 人民调解当事人权利义务告知书" in page_text(page)
        or get_case(db, case_id).accepted_on is None
    )
    assert get_case(db, case_id).rights_notified_on is not None


def test_the_archive_dialog_names_the_gaps_and_needs_a_reason(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    case = next(
        get_case(db, r.id)
        for r in list_cases(db, limit=100)
        if r.status
        in (CaseStatus.FAILED, CaseStatus.WITHDRAWN, CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP)
    )
    gaps = missing_items(check_dossier(case))
    assert gaps
    dialog = case_actions.event_dialog(None, db, case, CaseEvent.ARCHIVE)
    show_at_screen_size(qtbot, dialog)
    assert isinstance(dialog, RecordDialog)
    text = "\n".join(label.plain_text() for label in dialog.findChildren(SpacedLabel))
    assert "卷宗还缺：" in text and gaps[0].name in text and "必须填写" in text
    screenshot(dialog, "archive-incomplete-100")

    def close_later() -> None:
        top = QApplication.activeModalWidget()
        if isinstance(top, QDialog):
            top.reject()

    QTimer.singleShot(0, close_later)
    dialog.save_button.click()  # no reason: refused, the dialog stays with what was typed
    assert dialog.isVisible()
    assert get_case(db, case.id).status is case.status
