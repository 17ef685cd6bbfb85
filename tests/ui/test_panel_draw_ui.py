"""The draw dialog on the case page's 调解员 tab: propose, redraw, change by hand, save — with the
reason for every mediator on the roster shown, at normal and large text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from app.domain.codes import CaseStatus, DrawKind
from app.services.cases import list_cases
from app.services.detail import get_case
from app.services.panels import panel_history, propose_panel
from tests.ui.conftest import screenshot, show_at_screen_size, type_text
from ui import style
from ui.case_page import TABS, CasePage
from ui.panel_draw_dialog import PanelDrawDialog
from ui.screen_fit import fits


def a_registered_case(db) -> int:  # type: ignore[no-untyped-def]
    rows = list_cases(db, limit=100)
    still_open = (CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING)
    return next(r.id for r in rows if r.status in still_open)


def test_draw_redraw_and_save_from_the_case_page(qtbot, db, opened) -> None:  # type: ignore[no-untyped-def]
    case_id = a_registered_case(db)
    page = show_at_screen_size(qtbot, CasePage(db, case_id, opener=opened))
    page.tabs.setCurrentIndex([k for k, _ in TABS].index("panel"))
    had_panel = bool(get_case(db, case_id).panel)

    expected = propose_panel(db, case_id)
    for scale in (200, 100):  # built at each text size, as a person opens it
        style.apply_scale(scale, save=False)
        dialog = show_at_screen_size(qtbot, PanelDrawDialog(page, db, page.case))
        assert fits(dialog)
        screenshot(dialog, f"panel-draw-{scale}")
    shown = [c.currentData() for c in dialog.seats.choosers]
    assert shown == [s.mediator_id for s in expected.seats]
    # Every other mediator on the roster is listed with a reason.
    assert len(dialog.others.lines) == len(expected.others)
    assert all("：" in line.text() for line in dialog.others.lines)

    qtbot.mouseClick(dialog.redraw_button, Qt.MouseButton.LeftButton)
    assert dialog.proposal is not None and dialog.proposal.draw_no == expected.draw_no + 1
    second = [s.mediator_id for s in dialog.proposal.seats]
    if had_panel:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()  # a redraw of a case with a panel needs its reason
    type_text(qtbot, dialog.reason, "当事人希望换人")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved and not dialog.isVisible()
    assert [m.mediator_id for m in get_case(db, case_id).panel] == second
    assert (
        any("当事人希望换人" in line for line in panel_history(db, case_id).draws) or not had_panel
    )


def test_a_change_by_hand_is_saved_as_an_override_with_its_reason(qtbot, db, opened) -> None:  # type: ignore[no-untyped-def]
    case_id = a_registered_case(db)
    page = show_at_screen_size(qtbot, CasePage(db, case_id, opener=opened))
    dialog = show_at_screen_size(qtbot, PanelDrawDialog(page, db, page.case))
    lead = dialog.seats.choosers[0]
    assert isinstance(lead, QComboBox) and lead.count() > 1
    taken = {c.currentData() for c in dialog.seats.choosers}
    other = next(i for i in range(lead.count()) if lead.itemData(i) not in taken)
    lead.setCurrentIndex(other)
    assert dialog.edited
    chosen = lead.currentData()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # no reason yet: refused, what was chosen stays
    assert lead.currentData() == chosen
    type_text(qtbot, dialog.reason, "双方共同选定")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved
    panel = get_case(db, case_id).panel
    assert panel[0].mediator_id == chosen
    history = panel_history(db, case_id).draws
    assert any(DrawKind.OVERRIDE.label in line and "双方共同选定" in line for line in history)
    page.load()
    page.tabs.setCurrentIndex([k for k, _ in TABS].index("panel"))
    for scale in (100, 200):
        style.apply_scale(scale, save=False)
        screenshot(page, f"case-panel-tab-{scale}")
    style.apply_scale(100, save=False)
