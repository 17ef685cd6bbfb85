"""核验文书 and 文书用语 from the main window's 更多 menu."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.services.cases import list_cases
from app.services.detail import get_case
from app.services.verification import record_print
from app.services.wordings import current_wordings
from tests.ui.conftest import screenshot, show_at_screen_size, type_text
from ui import style
from ui.screen_fit import fits
from ui.verify_dialog import VerifyDialog
from ui.wording_dialog import WordingDialog


def test_verify_says_whether_a_paper_matches(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    case_id = next(
        r.id for r in list_cases(db, limit=100) if get_case(db, r.id).agreement is not None
    )
    printed, _ = record_print(db, case_id, "agreement")
    dialog = show_at_screen_size(qtbot, VerifyDialog(None, db))
    assert fits(dialog)
    type_text(qtbot, dialog.code, printed.code.lower())
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert "与档案一致" in dialog.answer.plain_text()
    dialog.code.clear()
    type_text(qtbot, dialog.code, "ZZZZZ-ZZZZZ")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert "没有找到核验码" in dialog.answer.plain_text()
    for scale in (100, 200):
        style.apply_scale(scale, save=False)
        screenshot(show_at_screen_size(qtbot, VerifyDialog(None, db)), f"verify-{scale}")
    style.apply_scale(100, save=False)


def test_wording_changes_are_saved_as_versions(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    for scale in (200, 100):
        style.apply_scale(scale, save=False)
        dialog = show_at_screen_size(qtbot, WordingDialog(None, db))
        assert fits(dialog)
        screenshot(dialog, f"wording-{scale}")
    type_text(qtbot, dialog.edits["header"], "飞机场社区人民调解委员会")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    now = current_wordings(db)
    assert now.text("header") == "飞机场社区人民调解委员会" and now.version == 1
