"""名册设置 and 分案均衡 in the window: categories renamed and added, panel sizes that the next draw
follows, and the fairness figures for a period."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.codes import PanelRole, Tier
from app.services.mediators import elder_categories, panel_settings
from app.services.panels import fairness_report
from tests.ui.conftest import screenshot, show_at_screen_size, type_text
from ui import style
from ui.fairness_dialog import FairnessDialog
from ui.panel_settings_dialog import PanelSettingsDialog
from ui.screen_fit import fits


def test_settings_rename_a_category_add_one_and_change_the_sizes(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    for scale in (200, 100):
        style.apply_scale(scale, save=False)
        dialog = show_at_screen_size(qtbot, PanelSettingsDialog(None, db))
        assert fits(dialog)
        screenshot(dialog, f"panel-settings-{scale}")
    first_code = next(iter(dialog.labels))
    dialog.labels[first_code].clear()
    type_text(qtbot, dialog.labels[first_code], "老党员（含预备）")
    type_text(qtbot, dialog.new_label, "退役军人")
    dialog.members[Tier.COURTYARD].setValue(0)
    dialog.recorders[Tier.BUILDING].setChecked(True)
    dialog.limit.setValue(3)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    labels = dict(elder_categories(db))
    assert labels[first_code] == "老党员（含预备）" and "退役军人" in labels.values()
    limit, sizes, _ = panel_settings(db)
    assert limit == 3
    assert sizes.roles(Tier.COURTYARD) == [PanelRole.LEAD]
    assert sizes.roles(Tier.BUILDING) == [PanelRole.LEAD, PanelRole.RECORDER]


def test_fairness_shows_every_mediator_for_the_period(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    for scale in (200, 100):
        style.apply_scale(scale, save=False)
        dialog = show_at_screen_size(qtbot, FairnessDialog(None, db))
        assert fits(dialog)
        screenshot(dialog, f"fairness-{scale}")
    assert dialog.report is not None
    expected = fairness_report(db, dialog.report.start, dialog.report.end)
    assert dialog.report == expected
    assert dialog.people.rowCount() >= len(expected.mediators)
    assert "平均每人" in dialog.summary.plain_text()
    dialog.period.setCurrentIndex(dialog.period.findData("custom"))
    assert dialog.start.isVisible()
