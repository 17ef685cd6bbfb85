"""Two things a new user met: the wheel changing fields while scrolling a form, and dialogs
taller than the part of the screen above the taskbar (their buttons out of reach).

Each dialog is checked at 1366×768 at every text size, before and after many parties or terms
are added; a picture of each is saved into artifacts/screenshots/ (the dialog itself, and the
dialog on the screen with the room kept for its title bar drawn above it).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QDate, QDateTime, QMargins, QPoint, QPointF, QRect, Qt, QTime
from PySide6.QtGui import QColor, QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from app.services.cases import CaseQuery, get_case, list_cases
from app.services.database import Database
from tests.ui.conftest import SCREEN, SCREENSHOTS, screenshot, show_at_screen_size
from ui import style
from ui.agreement_dialog import AgreementDialog
from ui.case_page import CasePage
from ui.print_dialog import PrintDialog
from ui.print_flow import PrintRequest
from ui.record_dialog import RecordDialog
from ui.register_dialog import RegisterDialog
from ui.screen_fit import BORDER, TITLE_BAR, available_area
from ui.wheel_guard import GUARDED

SCALES = [100, 125, 150, 200]
#: One notch of an ordinary mouse wheel.
NOTCH = 120


def wheel(target: QWidget, notches: int = -1, at: QPoint | None = None) -> QWheelEvent:
    """Turn the wheel over the widget (negative: towards the user, i.e. down the page)."""
    point = at if at is not None else target.rect().center()
    event = QWheelEvent(
        QPointF(point),
        QPointF(target.mapToGlobal(point)),
        QPoint(),
        QPoint(0, notches * NOTCH),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(target, event)
    QApplication.processEvents()
    return event


def wheel_at_pointer(window: QWidget, target: QWidget, notches: int = -1) -> None:
    """Turn the wheel with the pointer over the widget: the window finds what is under it (the
    innermost part, such as the text part of a date field), as for a real mouse."""
    handle = window.windowHandle()
    assert handle is not None
    point = target.mapTo(window, target.rect().center())
    event = QWheelEvent(
        QPointF(point),
        QPointF(window.mapToGlobal(point)),
        QPoint(),
        QPoint(0, notches * NOTCH),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(handle, event)
    QApplication.processEvents()


def value(field: QWidget) -> object:
    if isinstance(field, QComboBox):
        return field.currentIndex()
    if isinstance(field, QDateTimeEdit):
        return field.dateTime()
    assert isinstance(field, QSpinBox | QDoubleSpinBox)
    return field.value()


def register_dialog(qtbot, window) -> RegisterDialog:  # type: ignore[no-untyped-def]
    """The real register dialog, with a number field, a decimal field and a date-and-time field
    put into its form as well (the form has none of its own yet; the guard covers them too)."""
    dialog = window.make_register_dialog()
    assert isinstance(dialog, RegisterDialog)
    dialog.count = QSpinBox()  # type: ignore[attr-defined]
    dialog.count.setRange(0, 99)  # type: ignore[attr-defined]
    dialog.count.setValue(5)  # type: ignore[attr-defined]
    dialog.share = QDoubleSpinBox()  # type: ignore[attr-defined]
    dialog.share.setValue(50.0)  # type: ignore[attr-defined]
    dialog.when = QDateTimeEdit(QDateTime(QDate(2026, 3, 2), QTime(9, 30)))  # type: ignore[attr-defined]
    dialog.form.add("到场人数", dialog.count, stretch=False)  # type: ignore[attr-defined]
    dialog.form.add("分担比例", dialog.share, stretch=False)  # type: ignore[attr-defined]
    dialog.form.add("约谈时间", dialog.when, stretch=False)  # type: ignore[attr-defined]
    dialog.received_on.setDate(QDate(2026, 3, 2))
    show_at_screen_size(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    dialog.title.setFocus()  # the focus is in the first field, as when the dialog opens
    qtbot.waitUntil(dialog.title.hasFocus, timeout=2000)
    return dialog


FIELDS: dict[str, Callable[[RegisterDialog], QWidget]] = {
    "choice list": lambda d: d.dispute_type,
    "choice list of a party": lambda d: d.parties[1].kind,
    "date": lambda d: d.received_on,
    "number": lambda d: d.count,  # type: ignore[attr-defined]
    "decimal number": lambda d: d.share,  # type: ignore[attr-defined]
    "date and time": lambda d: d.when,  # type: ignore[attr-defined]
}


# ---------------------------------------------------------------- the wheel


@pytest.mark.parametrize("name", list(FIELDS))
def test_the_wheel_over_a_field_without_focus_scrolls_the_form(window, qtbot, name: str) -> None:
    dialog = register_dialog(qtbot, window)
    field = FIELDS[name](dialog)
    bar = dialog.scroll.verticalScrollBar()
    assert bar.maximum() > 0, "the form is taller than the dialog: it scrolls"
    dialog.scroll.ensureWidgetVisible(field, 0, 100)
    bar.setValue(min(bar.value(), bar.maximum() - 3 * bar.singleStep() * 2))
    before, top = value(field), bar.value()
    assert not field.hasFocus()

    wheel(field, -2)  # two notches down, as a person scrolling on
    assert value(field) == before, "the wheel changed the field"
    assert bar.value() > top, "the form did not scroll"
    scrolled = bar.value()
    wheel(field, +1)  # and back up
    assert value(field) == before
    assert bar.value() < scrolled
    assert not field.hasFocus()  # the wheel never gives a field the focus
    assert dialog.title.hasFocus()


@pytest.mark.parametrize("name", ["choice list", "date", "number"])
def test_the_wheel_at_the_pointer_scrolls_the_form(window, qtbot, name: str) -> None:
    # The window picks the widget under the pointer: over a date that is its text part.
    dialog = register_dialog(qtbot, window)
    field = FIELDS[name](dialog)
    bar = dialog.scroll.verticalScrollBar()
    dialog.scroll.ensureWidgetVisible(field, 0, 100)
    bar.setValue(min(bar.value(), bar.maximum() // 2))
    before, top = value(field), bar.value()
    under = dialog.childAt(field.mapTo(dialog, field.rect().center()))
    assert under is not None and (under is field or field.isAncestorOf(under))
    wheel_at_pointer(dialog, field, -3)
    assert value(field) == before
    assert bar.value() > top
    assert not field.hasFocus()


def test_the_wheel_over_the_text_part_of_a_date(window, qtbot) -> None:
    dialog = register_dialog(qtbot, window)
    date = dialog.parties[0].birth.edit
    date.setEnabled(True)
    inner = date.findChild(QLineEdit)
    assert inner is not None
    bar = dialog.scroll.verticalScrollBar()
    bar.setValue(0)
    before = date.date()
    wheel(inner, -2)
    assert date.date() == before
    assert bar.value() > 0


def test_a_field_with_focus_still_follows_the_wheel(window, qtbot) -> None:
    dialog = register_dialog(qtbot, window)
    bar = dialog.scroll.verticalScrollBar()
    for field, changed in (
        (dialog.dispute_type, lambda before: dialog.dispute_type.currentIndex() == before + 1),
        (dialog.received_on, lambda before: dialog.received_on.date() != before),
        (dialog.count, lambda before: dialog.count.value() != before),  # type: ignore[attr-defined]
    ):
        field.setFocus()
        qtbot.waitUntil(field.hasFocus, timeout=2000)
        top = bar.value()
        before = value(field)
        wheel(field, -1)
        assert changed(before), f"{type(field).__name__} ignored the wheel while focused"
        assert bar.value() == top, "the form scrolled instead"


def test_the_wheel_scrolls_the_agreement_form_past_its_choice_lists(qtbot, db) -> None:
    dialog = show_at_screen_size(qtbot, AgreementDialog(db, get_case(db, case_with(db, True))))
    assert isinstance(dialog, AgreementDialog)
    for _ in range(3):
        dialog.add_term()
    QApplication.processEvents()
    term = dialog.terms[-1]
    bar = dialog.scroll.verticalScrollBar()
    dialog.scroll.ensureWidgetVisible(term.obligor, 0, 100)
    bar.setValue(bar.maximum() // 2)
    top = bar.value()
    before = (term.obligor.currentIndex(), term.obligee.currentIndex(), dialog.reached_on.date())
    for field in (term.obligor, term.obligee, dialog.reached_on):
        wheel(field, -1)
    assert (term.obligor.currentIndex(), term.obligee.currentIndex(), dialog.reached_on.date()) == (
        before
    )
    assert bar.value() > top


def test_fields_take_the_focus_by_tab_or_click_never_by_the_wheel(window, qtbot) -> None:
    dialog = register_dialog(qtbot, window)
    fields = [w for w in dialog.findChildren(QWidget) if isinstance(w, GUARDED)]
    assert len(fields) >= 8
    for field in fields:
        policy = field.focusPolicy()
        assert policy != Qt.FocusPolicy.WheelFocus, type(field).__name__
        if isinstance(field, QComboBox | QAbstractSpinBox) and field.isVisible():
            assert policy == Qt.FocusPolicy.StrongFocus
    # The main window's own choice list as well.
    assert window.status_filter.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_a_field_outside_any_scroll_area_keeps_its_value(window, qtbot) -> None:
    box = window.status_filter
    before = box.currentIndex()
    wheel(box, -2)
    assert box.currentIndex() == before


# ---------------------------------------------------------------- fitting the screen


def case_with(db: Database, agreement: bool) -> int:
    for row in list_cases(db, CaseQuery(), 0, 200):
        if (get_case(db, row.id).agreement is not None) == agreement:
            return row.id
    raise AssertionError("the demo data has no such case")


def buttons_of(dialog: QDialog) -> list[QPushButton]:
    """The buttons that close the dialog or do its main work (OK / cancel and the like)."""
    if isinstance(dialog, RegisterDialog | AgreementDialog):
        return [dialog.save_button, dialog.cancel_button]
    if isinstance(dialog, RecordDialog):
        return [dialog.save_button, dialog.cancel_button]
    if isinstance(dialog, CasePage):
        return [dialog.main_button, dialog.more_button, dialog.print_button, dialog.close_button]
    assert isinstance(dialog, PrintDialog)
    return [dialog.print_button, dialog.pdf_button, dialog.word_button, dialog.close_button]


def fit_problems(dialog: QDialog) -> list[str]:
    QApplication.processEvents()
    problems: list[str] = []
    area = dialog.screen().availableGeometry()
    if area.size().toTuple() != SCREEN:
        problems.append(f"the screen is {area.size().toTuple()}, not {SCREEN}")
    if area != available_area(dialog):
        problems.append("the dialog measured another screen")
    frame = dialog.frameGeometry()
    if not area.contains(frame):
        problems.append(f"frame {frame.getRect()} is not inside {area.getRect()}")
    # With the room kept for a real title bar and borders (offscreen there are none).
    framed = dialog.geometry().marginsAdded(QMargins(BORDER, TITLE_BAR, BORDER, BORDER))
    if not area.contains(framed):
        problems.append(f"with its title bar {framed.getRect()} is not inside {area.getRect()}")
    centre = framed.center() - area.center()
    if abs(centre.x()) > 2 or abs(centre.y()) > 2:
        problems.append(f"not centred: {centre.toTuple()} away")
    scroll = dialog.findChild(QScrollArea)
    for button in buttons_of(dialog):
        where = QRect(button.mapTo(dialog, QPoint(0, 0)), button.size())
        if not button.isVisible():
            problems.append(f"{button.text()} is hidden")
        if not dialog.rect().contains(where):
            problems.append(f"{button.text()} at {where.getRect()} is outside the dialog")
        if button.visibleRegion().boundingRect() != button.rect():
            problems.append(f"{button.text()} is partly covered or cut")
        if button.height() < button.sizeHint().height():
            problems.append(f"{button.text()} is squeezed")
        if scroll is not None and scroll.isAncestorOf(button):
            problems.append(f"{button.text()} scrolls away with the form")
    return problems


def on_screen(dialog: QDialog, name: str) -> None:
    """A picture of the whole screen with the dialog where it is, the room kept for its title
    bar drawn above it, so a person sees it sits inside the screen."""
    screenshot(dialog, name)
    area = dialog.screen().availableGeometry()
    picture = QImage(area.width(), area.height(), QImage.Format.Format_RGB32)
    picture.fill(QColor("#5a6b7d"))
    painter = QPainter(picture)
    geometry = dialog.geometry()
    painter.fillRect(
        geometry.marginsAdded(QMargins(BORDER, TITLE_BAR, BORDER, BORDER)), QColor("#1f3b5c")
    )
    painter.setPen(QColor("#ffffff"))
    painter.drawText(
        QRect(geometry.left(), geometry.top() - TITLE_BAR, geometry.width(), TITLE_BAR),
        Qt.AlignmentFlag.AlignCenter,
        dialog.windowTitle(),
    )
    painter.drawPixmap(geometry.topLeft(), dialog.grab())
    painter.end()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert picture.save(str(SCREENSHOTS / f"{name}-on-screen.png"))


def scroll_to_the_end(scroll: QScrollArea) -> None:
    """Down to the end of the form, once the rows just added have taken their room."""
    for _ in range(2):
        scroll.widget().layout().activate()
        QApplication.processEvents()
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())


def check_fits(dialog: QDialog, name: str) -> None:
    on_screen(dialog, name)
    assert fit_problems(dialog) == []


@pytest.mark.parametrize("scale", SCALES)
def test_register_dialog_fits_the_screen(window, qtbot, scale: int) -> None:
    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    assert isinstance(dialog, RegisterDialog)
    check_fits(dialog, f"fit-register-{scale}")
    size = dialog.size()
    for _ in range(6):
        dialog.add_party()
    qtbot.wait(20)
    assert len(dialog.parties) == 8
    scroll_to_the_end(dialog.scroll)
    assert dialog.add_party_button.visibleRegion().boundingRect() == dialog.add_party_button.rect()
    assert dialog.size() == size, "more parties scroll inside the dialog; it does not grow"
    check_fits(dialog, f"fit-register-{scale}-8-parties")
    dialog.save_button.click()  # red words everywhere and a summary beside the buttons
    qtbot.wait(20)
    assert dialog.summary.isVisible()
    check_fits(dialog, f"fit-register-{scale}-errors")


@pytest.mark.parametrize("scale", SCALES)
def test_agreement_dialog_fits_the_screen(qtbot, db, scale: int) -> None:
    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, AgreementDialog(db, get_case(db, case_with(db, True))))
    assert isinstance(dialog, AgreementDialog)
    check_fits(dialog, f"fit-agreement-{scale}")
    size = dialog.size()
    for _ in range(8):
        dialog.add_term()
    qtbot.wait(20)
    assert len(dialog.terms) >= 9
    scroll_to_the_end(dialog.scroll)
    assert dialog.add_button.visibleRegion().boundingRect() == dialog.add_button.rect()
    assert dialog.size() == size
    check_fits(dialog, f"fit-agreement-{scale}-many-terms")


@pytest.mark.parametrize("scale", SCALES)
def test_case_page_fits_the_screen(qtbot, db, opened, scale: int) -> None:
    style.apply_scale(scale, save=False)
    page = show_at_screen_size(qtbot, CasePage(db, case_with(db, True), opener=opened))
    assert isinstance(page, CasePage)
    check_fits(page, f"fit-case-page-{scale}")


@pytest.mark.parametrize("scale", SCALES)
def test_print_dialog_fits_the_screen(qtbot, db, scale: int) -> None:
    style.apply_scale(scale, save=False)
    case_id = case_with(db, True)
    request = PrintRequest("agreement", "人民调解协议书", case_id, get_case(db, case_id).number)
    dialog = PrintDialog(db, request, printers=["办公室打印机"], default_printer="办公室打印机")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=30000)
    check_fits(dialog, f"fit-print-dialog-{scale}")


def test_a_dialog_stays_inside_when_asked_to_grow(window, qtbot) -> None:
    # A resize past the screen (a program's or a test's) stops at the available area.
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    dialog.resize(3000, 3000)
    QApplication.processEvents()
    area = dialog.screen().availableGeometry()
    assert dialog.width() <= area.width() - 2 * BORDER
    assert dialog.height() <= area.height() - TITLE_BAR - BORDER


def _record_dialogs(db, case_id: int) -> dict[str, RecordDialog]:  # type: ignore[no-untyped-def]
    """Every record dialog the case page opens, on a case that has an agreement."""
    from app.domain.codes import SessionKind
    from app.domain.lifecycle import CaseEvent
    from ui import case_actions as a

    case = get_case(db, case_id)
    assert case.agreement is not None
    term = next(t for t in case.agreement.terms if t.schedule is not None)
    party = case.parties[0]
    return {
        "event-fail": a.event_dialog(None, db, dataclasses_replace_status(case), CaseEvent.FAIL),
        "escalate": a.escalate_dialog(None, db, dataclasses_replace_status(case)),
        "agent": a.agent_dialog(None, db, case, party.id, None),
        "participant": a.participant_dialog(None, db, case, None),
        "panel": a.panel_dialog(None, db, case),
        "session": a.session_dialog(None, db, case, SessionKind.MEDIATION, None),
        "schedule": a.schedule_dialog(None, db, case, term),
        "payment": a.payment_dialog(None, db, case, term),
        "follow-up": a.follow_up_dialog(None, db, case, None),
        "confirmation": a.confirmation_dialog(None, db, case),
        "risk": a.risk_dialog(None, db, case),
    }


def dataclasses_replace_status(case):  # type: ignore[no-untyped-def]
    """The case as if it were being mediated, for the dialogs of mediation's events."""
    import dataclasses

    from app.domain.codes import CaseStatus, Tier

    return dataclasses.replace(case, status=CaseStatus.MEDIATING, tier=Tier.BUILDING)


@pytest.mark.parametrize("scale", [100, 200])
def test_every_record_dialog_fits_the_screen(qtbot, db, scale: int) -> None:
    style.apply_scale(scale, save=False)
    for name, dialog in _record_dialogs(db, case_with(db, True)).items():
        show_at_screen_size(qtbot, dialog)
        check_fits(dialog, f"fit-record-{name}-{scale}")
        dialog.hide()
