"""调解员名册 in the real window: a mediator added by typing, a wrong phone shown beside its field
with nothing typed lost, 停用 asked first, the filters, the mediator's record (training hours,
masked ID numbers). Pictures at 100% and 200% text, each checked against the usability rules
and against the screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QGroupBox, QLabel, QWidget

from app.domain.codes import DisputeType
from app.domain.roster import MediatorDraft, RelationDraft, TrainingDraft
from app.domain.validation import RESIDENT_ID_EXAMPLE
from app.services.database import Database
from app.services.mediators import (
    composition_warnings,
    mediator_record,
    roster_rows,
    save_mediator,
    set_mediator_active,
)
from tests.ui import test_wheel_and_fit as fitting
from tests.ui.conftest import show_at_screen_size, type_text
from tests.ui.test_case_life_ui import drive, set_choice
from tests.ui.test_usability import check
from ui import style
from ui.mediator_dialog import MediatorDialog
from ui.mediator_page import MediatorPage
from ui.operations import run_operation
from ui.roster_page import (
    ADDRESS,
    AVAILABLE,
    CATEGORY,
    DEACTIVATE_CONSEQUENCE,
    INACTIVE,
    LOAD,
    NAME,
    OPEN,
    SPECIALTIES,
    STATUS,
    RosterPage,
)
from ui.widgets import WORD_JOINER, SpacedLabel

LEFT = Qt.MouseButton.LeftButton


def roster(qtbot, db: Database) -> RosterPage:  # type: ignore[no-untyped-def]
    page = show_at_screen_size(qtbot, RosterPage(db))
    assert isinstance(page, RosterPage)
    return page


def cell(page: RosterPage, row: int, column: int) -> str:
    """A cell's words as read (the marks that keep words together taken out)."""
    return page.table.table_model.item(row, column).text().replace(WORD_JOINER, "")


def column_of(page: RosterPage, column: int) -> list[str]:
    return [cell(page, row, column) for row in range(page.table.table_model.rowCount())]


def shown_text(widget: QWidget) -> str:
    """Every word on the widget's labels."""
    parts = []
    for label in widget.findChildren(QLabel):
        parts.append(label.plain_text() if isinstance(label, SpacedLabel) else label.text())
    return "\n".join(parts).replace(WORD_JOINER, "")


def with_modal(open_it: Callable[[], object], look: Callable[[QDialog], None]) -> None:
    """Open a modal window as a click does, look at it, close it."""
    seen: dict[str, bool] = {}

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog), f"nothing opened: {dialog!r}"
        try:
            look(dialog)
            seen["looked"] = True
        finally:
            QDialog.done(dialog, QDialog.DialogCode.Rejected)

    QTimer.singleShot(0, run)
    open_it()
    assert seen.get("looked")


# ---------------------------------------------------------------- adding and correcting


def test_a_mediator_added_through_the_dialog_is_on_the_roster(qtbot, db) -> None:
    page = roster(qtbot, db)
    before = page.table.table_model.rowCount()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, MediatorDialog)
        assert dialog.windowTitle() == "新增调解员"
        type_text(qtbot, dialog.name, "欧阳秀珍")
        set_choice(dialog.sex, "female")
        type_text(qtbot, dialog.compound, "铁西小区")
        type_text(qtbot, dialog.building, "3号楼")
        type_text(qtbot, dialog.unit, "2单元")
        type_text(qtbot, dialog.room, "301")
        type_text(qtbot, dialog.phone, "13903730001")
        neighbourhood = dict(dialog.specialties.boxes)[DisputeType.NEIGHBOURHOOD.value]
        qtbot.mouseClick(neighbourhood, LEFT)
        assert neighbourhood.isChecked()
        qtbot.mouseClick(dialog.trainings.add_button, LEFT)
        training = dialog.trainings.entries[0]
        type_text(qtbot, training.topic, "人民调解法")
        type_text(qtbot, training.hours, "1.5")

    drive(qtbot, lambda: qtbot.mouseClick(page.add_button, LEFT), fill)
    assert page.table.table_model.rowCount() == before + 1
    added = page.table.selected_row()  # the new mediator is the chosen row
    assert added is not None and added.mediator.name == "欧阳秀珍"
    row = page.table.row_of(added.mediator.id)
    assert row is not None
    assert cell(page, row, ADDRESS) == "铁西小区3号楼2单元"  # never the room in the list
    assert cell(page, row, SPECIALTIES) == "邻里"
    assert cell(page, row, LOAD) == "0/5"
    assert cell(page, row, STATUS) == "在岗可抽选"
    record = mediator_record(db, added.mediator.id)
    assert [(t.topic, t.minutes) for t in record.trainings] == [("人民调解法", 90)]
    assert record.mediator.place.room == "301"


def test_a_wrong_phone_shows_beside_it_and_nothing_typed_is_lost(qtbot, db) -> None:
    dialog = show_at_screen_size(qtbot, MediatorDialog(db))
    assert isinstance(dialog, MediatorDialog)
    type_text(qtbot, dialog.name, "程桂兰")
    type_text(qtbot, dialog.compound, "幸福里小区")
    type_text(qtbot, dialog.phone, "1390373")
    qtbot.mouseClick(dialog.trainings.add_button, LEFT)
    qtbot.wait(10)  # the new item is shown on the next turn of the event loop
    training = dialog.trainings.entries[0]
    type_text(qtbot, training.topic, "调解技巧")
    type_text(qtbot, training.hours, "两个钟头")
    type_text(qtbot, dialog.case_limit, "五")
    count = len(roster_rows(db))

    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.isVisible(), "a wrong form is not saved and stays open"
    phone = dialog.errors.fields["phone"].error
    assert phone.isVisible()
    assert "联系电话" in phone.plain_text() and "例如" in phone.plain_text()
    hours = dialog.errors.fields["trainings[0].hours"].error
    assert hours.isVisible() and "1.5" in hours.plain_text()
    limit = dialog.errors.fields["case_limit"].error
    assert limit.isVisible() and "例如 5" in limit.plain_text()
    assert dialog.summary.isVisible() and "3处" in dialog.summary.plain_text()
    assert dialog.focusWidget() is dialog.phone  # the first mistake on the form
    # What was typed stays, exactly.
    assert dialog.name.text() == "程桂兰" and dialog.compound.text() == "幸福里小区"
    assert dialog.phone.text() == "1390373" and dialog.case_limit.text() == "五"
    assert training.topic.text() == "调解技巧" and training.hours.text() == "两个钟头"
    assert len(roster_rows(db)) == count

    dialog.phone.clear()
    type_text(qtbot, dialog.phone, "13903730002")
    training.hours.clear()
    type_text(qtbot, training.hours, "2")
    dialog.case_limit.clear()
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert not dialog.isVisible() and dialog.result_mediator is not None
    assert len(roster_rows(db)) == count + 1


def test_editing_shows_the_saved_mediator_and_keeps_their_lists(qtbot, db) -> None:
    view, _ = save_mediator(db, with_lists("程桂兰"))
    dialog = show_at_screen_size(qtbot, MediatorDialog(db, None, view.id))
    assert isinstance(dialog, MediatorDialog)
    assert dialog.windowTitle() == "修改调解员　程桂兰"
    assert [e.hours.text() for e in dialog.trainings.entries] == ["2", "1.5"]  # type: ignore[attr-defined]
    assert dialog.relations.entries[0].id_number.text() == RESIDENT_ID_EXAMPLE  # type: ignore[attr-defined]
    assert not dialog.is_dirty()
    # Taking a saved training out is asked first.
    qtbot.mouseClick(dialog.trainings.entries[1].remove_button, LEFT)
    assert len(dialog.trainings.entries) == 1
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert not dialog.isVisible()
    record = mediator_record(db, view.id)
    assert [t.minutes for t in record.trainings] == [120]
    assert [r.person_name for r in record.relations] == ["程小军"]


def test_tab_follows_the_form_and_esc_asks_first(qtbot, db, boxes) -> None:
    from tests.ui.test_keyboard import active, press

    dialog = active(qtbot, MediatorDialog(db))
    assert isinstance(dialog, MediatorDialog)
    qtbot.mouseClick(dialog.trainings.add_button, LEFT)
    qtbot.wait(10)
    training = dialog.trainings.entries[0]
    assert QApplication.focusWidget() is training.on  # type: ignore[attr-defined]
    dialog.phone.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.specialties.boxes[0][1]
    training.hours.setFocus(Qt.FocusReason.TabFocusReason)  # type: ignore[attr-defined]
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.trainings.add_button
    dialog.relations.add_button.setFocus(Qt.FocusReason.TabFocusReason)
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.cancel_button
    assert press(qtbot, Qt.Key.Key_Tab) is dialog.save_button
    type_text(qtbot, dialog.name, "欧阳秀珍")
    boxes.answer = False  # "继续填写"
    press(qtbot, Qt.Key.Key_Escape)
    assert "放弃" in boxes.questions[-1] and dialog.isVisible()


def test_a_draft_is_offered_back(qtbot, db, boxes) -> None:
    dialog = MediatorDialog(db)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.name, "欧阳秀珍")
    dialog.trainings.add()
    type_text(qtbot, dialog.trainings.entries[0].topic, "人民调解法")  # type: ignore[attr-defined]
    dialog.keeper.keep()  # as a moment after typing; then the power goes
    again = MediatorDialog(db)
    qtbot.addWidget(again)
    assert "接着填写" in boxes.questions[-1]
    assert again.name.text() == "欧阳秀珍"
    assert again.trainings.entries[0].topic.text() == "人民调解法"  # type: ignore[attr-defined]


def test_a_kept_draft_opens_again_from_the_main_window(window, qtbot, db, boxes) -> None:
    dialog = MediatorDialog(db, window)
    type_text(qtbot, dialog.name, "欧阳秀珍")
    dialog.keeper.keep()
    QDialog.done(dialog, QDialog.DialogCode.Rejected)  # the power went: the draft stays
    window.show_drafts()
    _draft, go, _drop = window.drafts_notice.rows[0]
    seen: dict[str, str] = {}
    turns = [0]

    def look() -> None:  # the roster opens, then the form on it
        turns[0] += 1
        modal = QApplication.activeModalWidget()
        if isinstance(modal, MediatorDialog):
            seen["typed"] = modal.name.text()
            QDialog.done(modal, QDialog.DialogCode.Rejected)
        elif (isinstance(modal, RosterPage) and "typed" in seen) or turns[0] > 200:  # or stuck
            if isinstance(modal, QDialog):
                QDialog.done(modal, QDialog.DialogCode.Rejected)
            return
        QTimer.singleShot(10, look)

    QTimer.singleShot(0, look)
    qtbot.mouseClick(go, LEFT)
    assert seen.get("typed") == "欧阳秀珍"


# ---------------------------------------------------------------- the roster page


def test_deactivating_asks_first_and_the_row_says_so(qtbot, db, boxes) -> None:
    page = roster(qtbot, db)
    page.table.selectRow(0)  # the active come first
    chosen = page.table.selected_row()
    assert chosen is not None and chosen.mediator.active
    assert page.active_button.text() == "停用"

    boxes.answer = False  # "取消"
    qtbot.mouseClick(page.active_button, LEFT)
    question = boxes.questions[-1]
    assert chosen.mediator.name in question and DEACTIVATE_CONSEQUENCE in question
    assert "停用这位调解员" in question  # the button names the action
    assert cell(page, page.table.row_of(chosen.mediator.id) or 0, STATUS) != "不在岗"

    boxes.answer = True
    qtbot.mouseClick(page.active_button, LEFT)
    row = page.table.row_of(chosen.mediator.id)
    assert row is not None and cell(page, row, STATUS) == "不在岗"
    assert page.table.selected_row() is not None
    assert page.active_button.text() == "恢复在岗"

    asked = len(boxes.questions)
    qtbot.mouseClick(page.active_button, LEFT)  # back on duty: nothing lost, nothing asked
    assert len(boxes.questions) == asked
    row = page.table.row_of(chosen.mediator.id)
    assert row is not None and cell(page, row, STATUS) != "不在岗"


def test_the_filters_narrow_the_table(qtbot, db) -> None:
    page = roster(qtbot, db)
    everyone = page.table.table_model.rowCount()
    assert everyone == 12 and page.total_label.text().startswith("共12位调解员")

    set_choice(page.availability_filter, INACTIVE)
    assert column_of(page, STATUS) == ["不在岗"]  # the demo has one off duty
    set_choice(page.availability_filter, AVAILABLE)
    assert set(column_of(page, STATUS)) == {"在岗可抽选"}
    assert 0 < len(column_of(page, STATUS)) < everyone
    assert page.total_label.text().startswith("符合条件的共")
    set_choice(page.availability_filter, "")

    set_choice(page.category_filter, "teacher")
    assert set(column_of(page, CATEGORY)) == {"老教师"}
    set_choice(page.category_filter, "")
    set_choice(page.specialty_filter, DisputeType.TRAFFIC.value)
    assert column_of(page, SPECIALTIES) and all(
        "道路交通事故" in text for text in column_of(page, SPECIALTIES)
    )
    set_choice(page.category_filter, "teacher")  # no teacher takes road accidents
    assert page.table.table_model.rowCount() == 0 and page.empty_label.isVisible()


def test_art_8_shortfalls_are_a_yellow_notice_on_top(qtbot, db) -> None:
    page = roster(qtbot, db)
    assert page.warnings.isVisible() == bool(composition_warnings(db))
    # The committee's members go off duty, saved as any window saves (broadcast): the page
    # reads the roster again and says what art. 8 asks for.
    for row in roster_rows(db, active_only=True):
        if row.mediator.committee_member:
            run_operation(None, set_mediator_active, db, row.mediator.id, False)
    assert page.warnings.isVisible()
    text = page.warnings.plain_text()
    assert text.startswith("⚠") and "第八条" in text  # words, not only the yellow
    before = page.table.table_model.rowCount()
    for name, sex, ethnicity in (
        ("甲委员", "female", "回族"),
        ("乙委员", "male", ""),
        ("丙委员", "male", ""),
    ):
        draft = MediatorDraft(name=name, sex=sex, ethnicity=ethnicity, committee_member=True)
        run_operation(None, save_mediator, db, draft)
    assert not page.warnings.isVisible()
    assert page.table.table_model.rowCount() == before + 3


def test_a_row_opens_the_mediators_record(qtbot, db) -> None:
    page = roster(qtbot, db)
    name = cell(page, 0, NAME)
    index = page.table.table_model.index(0, NAME)
    centre = page.table.visualRect(index).center()

    def is_theirs(dialog: QDialog) -> None:
        assert isinstance(dialog, MediatorPage) and dialog.record.mediator.name == name

    def double_click() -> None:
        viewport = page.table.viewport()
        qtbot.mouseClick(viewport, LEFT, pos=centre)  # a real double-click presses first
        qtbot.mouseDClick(viewport, LEFT, pos=centre)

    with_modal(double_click, is_theirs)
    button = page.table.visualRect(page.table.table_model.index(0, OPEN)).center()
    with_modal(lambda: qtbot.mouseClick(page.table.viewport(), LEFT, pos=button), is_theirs)
    page.table.setFocus()
    page.table.selectRow(0)
    with_modal(lambda: qtbot.keyClick(page.table, Qt.Key.Key_Return), is_theirs)
    with_modal(lambda: qtbot.mouseClick(page.record_button, LEFT), is_theirs)


def test_the_main_window_opens_the_roster(window, qtbot) -> None:
    assert window.roster_button.isVisible() and window.roster_button.text() == "调解员名册"
    assert window.open_button.nextInFocusChain() is window.roster_button

    def is_roster(dialog: QDialog) -> None:
        assert isinstance(dialog, RosterPage) and dialog.table.table_model.rowCount() == 12

    with_modal(lambda: qtbot.mouseClick(window.roster_button, LEFT), is_roster)


# ---------------------------------------------------------------- the mediator's record


def with_lists(name: str) -> MediatorDraft:
    return MediatorDraft(
        name=name,
        sex="female",
        birth_date=date(1953, 4, 2),
        phone="13903730003",
        specialties=["marriage_family", "neighbourhood"],
        trainings=[
            TrainingDraft(date(2025, 3, 2), "人民调解法", "2"),
            TrainingDraft(date(2025, 6, 1), "调解技巧", "1.5"),
        ],
        relations=[RelationDraft("程小军", "relative", RESIDENT_ID_EXAMPLE, "", "儿子")],
    )


def test_the_record_shows_the_training_total_and_masks_id_numbers(qtbot, db) -> None:
    view, _ = save_mediator(db, with_lists("程桂兰"))
    page = show_at_screen_size(qtbot, MediatorPage(db, view.id))
    text = shown_text(page)
    assert "人民调解法" in text and "合计2次，3.5小时" in text
    assert "程小军" in text and "亲属" in text
    assert "110105********002X" in text and RESIDENT_ID_EXAMPLE not in text
    assert "共参加0件案件" in text


def test_the_record_counts_cases_by_role_and_tier(qtbot, db) -> None:
    busiest = max(roster_rows(db), key=lambda r: mediator_record(db, r.mediator.id).cases)
    record = mediator_record(db, busiest.mediator.id)
    page = show_at_screen_size(qtbot, MediatorPage(db, busiest.mediator.id))
    text = shown_text(page)
    assert f"共参加{record.cases}件案件" in text
    assert f"现在在办{record.open_cases}件" in text
    for number, _status in record.open_case_numbers:
        assert number in text
    cells = {w.accessibleName() for w in page.findChildren(QLabel) if w.accessibleName()}
    assert f"合计，合计：{record.cases}件" in cells


# ---------------------------------------------------------------- pictures and the screen


@pytest.mark.parametrize("scale", [100, 200])
def test_pictures_follow_the_usability_rules(qtbot, db, scale: int) -> None:
    style.apply_scale(scale, save=False)
    page = roster(qtbot, db)
    page.table.selectRow(0)
    check(page, scale, f"roster-page-{scale}")
    for row in roster_rows(db, active_only=True):  # the committee falls short of art. 8
        if row.mediator.committee_member:
            set_mediator_active(db, row.mediator.id, False)
    page.reload()
    assert page.warnings.isVisible()
    check(page, scale, f"roster-page-{scale}-warning")
    qtbot.mouseClick(page.warnings.toggle, LEFT)  # "收起": one line, more rows of the table
    qtbot.wait(20)  # the frame, then the page, lay out again
    assert page.warnings.folded and "第八条" in page.warnings.plain_text()
    check(page, scale, f"roster-page-{scale}-warning-folded")
    qtbot.mouseClick(page.warnings.toggle, LEFT)
    assert len(page.warnings.plain_text().splitlines()) == len(composition_warnings(db))

    dialog = show_at_screen_size(qtbot, MediatorDialog(db))
    assert isinstance(dialog, MediatorDialog)
    check(dialog, scale, f"mediator-dialog-{scale}")
    dialog.scroll.ensureWidgetVisible(dialog.case_limit)  # the kinds of dispute and the ticks
    check(dialog, scale, f"mediator-dialog-{scale}-middle")
    dialog.done(0)

    view, _ = save_mediator(db, with_lists("程桂兰"))
    edit = show_at_screen_size(qtbot, MediatorDialog(db, None, view.id))
    assert isinstance(edit, MediatorDialog)
    edit.absences.add()
    edit.phone.setText("1390373")
    qtbot.mouseClick(edit.save_button, LEFT)
    qtbot.wait(20)
    check(edit, scale, f"mediator-dialog-{scale}-errors")
    fitting.scroll_to_the_end(edit.scroll)
    check(edit, scale, f"mediator-dialog-{scale}-lists")
    edit.done(0)

    busiest = max(roster_rows(db), key=lambda r: r.open_cases).mediator.id
    for name, shown in (("", busiest), ("-added", view.id)):
        record = show_at_screen_size(qtbot, MediatorPage(db, shown))
        assert isinstance(record, MediatorPage)
        check(record, scale, f"mediator-page-{scale}{name}")
        tables = record.body.findChildren(QGroupBox)
        if tables:  # the table of cases by role and tier
            record.scroll.ensureWidgetVisible(tables[0])
            check(record, scale, f"mediator-page-{scale}{name}-cases")
        fitting.scroll_to_the_end(record.scroll)
        check(record, scale, f"mediator-page-{scale}{name}-end")
        record.done(0)


def fixed_buttons(dialog: QDialog) -> list:  # type: ignore[type-arg]
    """The buttons that must stay in sight, whatever scrolls."""
    if isinstance(dialog, MediatorDialog):
        return [dialog.save_button, dialog.cancel_button]
    if isinstance(dialog, MediatorPage):
        return [dialog.edit_button, dialog.close_button]
    assert isinstance(dialog, RosterPage)
    return [
        dialog.close_button,
        dialog.add_button,
        dialog.edit_button,
        dialog.active_button,
        dialog.record_button,
    ]


@pytest.mark.parametrize("scale", [100, 125, 150, 200])
def test_each_window_fits_the_screen(qtbot, db, monkeypatch, scale: int) -> None:
    monkeypatch.setattr(fitting, "buttons_of", fixed_buttons)
    style.apply_scale(scale, save=False)
    view, _ = save_mediator(db, with_lists("程桂兰"))
    fitting.check_fits(roster(qtbot, db), f"fit-roster-{scale}")
    dialog = show_at_screen_size(qtbot, MediatorDialog(db, None, view.id))
    assert isinstance(dialog, MediatorDialog)
    fitting.check_fits(dialog, f"fit-mediator-dialog-{scale}")
    size = dialog.size()
    for entries in dialog.lists:
        for _ in range(4):
            entries.add()
    qtbot.mouseClick(dialog.save_button, LEFT)  # red words under the empty items
    qtbot.wait(20)
    fitting.scroll_to_the_end(dialog.scroll)
    assert dialog.size() == size, "more items scroll inside the dialog; it does not grow"
    fitting.check_fits(dialog, f"fit-mediator-dialog-{scale}-many")
    dialog.done(0)
    page = show_at_screen_size(qtbot, MediatorPage(db, view.id))
    fitting.check_fits(page, f"fit-mediator-page-{scale}")
