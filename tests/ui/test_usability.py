"""The rules of usability.md checked on real windows at 1366×768 and every text size.

Each check also saves a screenshot into artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFontInfo
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyleOptionViewItem,
    QTableView,
    QTextEdit,
    QWidget,
)

from app.services.cases import CaseQuery, get_case, list_cases
from tests.ui.conftest import screenshot, show_at_screen_size, type_text
from ui import style
from ui.case_page import CasePage

SCALES = [100, 125, 150, 200]
TEXT_WIDGETS = (QLabel, QPushButton, QLineEdit, QComboBox, QCheckBox, QDateEdit, QTextEdit)
INPUTS = (QLineEdit, QComboBox, QDateEdit, QTextEdit)


def body_minimum(scale: int) -> int:
    """Rule 1: 16 px normally; from 150% on ("large") 24 px."""
    return 24 if scale >= 150 else 16


def visible(window: QWidget, kinds: tuple[type, ...]) -> list[QWidget]:
    # findChildren takes one class: collect every widget, then keep the kinds asked for.
    return [w for w in window.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()]


def usability_problems(window: QWidget, scale: int, is_dialog: bool) -> list[str]:
    problems: list[str] = []
    smallest = body_minimum(scale)
    for widget in visible(window, TEXT_WIDGETS):
        pixels = QFontInfo(widget.font()).pixelSize()
        if pixels < smallest:
            problems.append(f"{type(widget).__name__} {_text(widget)!r}: {pixels}px < {smallest}")
    for widget in visible(window, (QLabel,)):
        if widget.property("heading") and scale >= 150:
            pixels = QFontInfo(widget.font()).pixelSize()
            if pixels < 30:
                problems.append(f"heading {_text(widget)!r}: {pixels}px < 30")
    for button in visible(window, (QPushButton,)):
        if button.width() < 44 or button.height() < 44:
            problems.append(f"button {button.text()!r} is {button.width()}×{button.height()}")
        if scale >= 150 and button.property("primary") and button.height() < 60:
            problems.append(f"main button {button.text()!r} only {button.height()} px high")
    for box in visible(window, (QCheckBox,)):
        if box.height() < 44:
            problems.append(f"check box {box.text()!r} only {box.height()} px high")
    for label in visible(window, (QLabel,)):
        if not label.text():
            continue
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height() + 1:
                problems.append(f"label {_text(label)!r} is cut at the bottom")
        elif label.sizeHint().width() > label.width():
            problems.append(
                f"label {_text(label)!r} needs {label.sizeHint().width()} px, has {label.width()}"
            )
    right_edge = window.width()
    for widget in visible(window, TEXT_WIDGETS):
        right = widget.mapTo(window, widget.rect().topRight()).x()
        if right > right_edge:
            problems.append(f"{type(widget).__name__} {_text(widget)!r} runs off the right edge")
    for area in visible(window, (QAbstractScrollArea,)):
        if area.horizontalScrollBar().isVisible():
            problems.append(f"{type(area).__name__} scrolls sideways")
        content = area.widget() if isinstance(area, QScrollArea) else None
        if content is not None and content.width() > area.viewport().width():
            problems.append("scrolled content is wider than its window")
    for table in visible(window, (QTableView,)):
        problems += table_problems(table)
    if is_dialog:
        buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy()}
        for field in (w for w in window.findChildren(QWidget) if isinstance(w, INPUTS)):
            inner = isinstance(field.parentWidget(), QAbstractSpinBox | QComboBox)
            if not inner and field not in buddies:
                problems.append(f"{type(field).__name__} has no label (setBuddy)")
    return problems


def table_problems(table: QTableView) -> list[str]:
    problems = []
    model = table.model()
    line = table.fontMetrics().height()
    for row in range(min(model.rowCount(), 40)):
        if table.rowHeight(row) < line + 8:
            problems.append(f"row {row} is {table.rowHeight(row)} px, text needs {line + 8}")
        for column in range(model.columnCount()):
            if table.isColumnHidden(column):
                continue
            # The cell's wrapped text, at the column's width, must fit the row: never cut.
            option = QStyleOptionViewItem()
            option.initFrom(table)
            option.rect = QRect(0, 0, table.columnWidth(column), 10)
            index = model.index(row, column)
            needed = table.itemDelegateForIndex(index).sizeHint(option, index).height()
            if table.rowHeight(row) < needed:
                problems.append(f"row {row} column {column} cut: {table.rowHeight(row)} < {needed}")
    header = table.horizontalHeader()
    for column in range(model.columnCount()):
        if table.isColumnHidden(column):
            continue
        needed = header.sectionSizeFromContents(column).width()
        if header.sectionSize(column) < needed:
            problems.append(f"header {column} cut: {header.sectionSize(column)} < {needed}")
    return problems


def _text(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    value = text() if callable(text) else ""
    return str(value)[:20]


def check(window: QWidget, scale: int, name: str, is_dialog: bool = True) -> None:
    screenshot(window, name)
    assert usability_problems(window, scale, is_dialog) == []


# ---------------------------------------------------------------- the windows


@pytest.mark.parametrize("scale", SCALES)
def test_main_window(window, scale: int) -> None:
    window.set_text_scale(scale)
    check(window, scale, f"main-window-{scale}", is_dialog=False)
    assert window.search in [label.buddy() for label in window.findChildren(QLabel)]


@pytest.mark.parametrize("scale", SCALES)
def test_register_dialog(window, qtbot, scale: int) -> None:
    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    check(dialog, scale, f"register-{scale}")
    dialog.scroll.verticalScrollBar().setValue(dialog.scroll.verticalScrollBar().maximum())
    check(dialog, scale, f"register-{scale}-parties")


@pytest.mark.parametrize("scale", [100, 200])
def test_register_dialog_with_errors(window, qtbot, scale: int) -> None:
    from tests.ui.test_register_dialog import WRONG_CHECK_CHAR, fill_form

    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    dialog.save_button.click()  # empty form: title and both names are missing
    qtbot.wait(20)
    check(dialog, scale, f"register-{scale}-errors-empty")
    fill_form(qtbot, dialog, WRONG_CHECK_CHAR)
    type_text(qtbot, dialog.parties[0].phone, "123")
    dialog.save_button.click()
    qtbot.wait(20)  # the second scroll to the field happens after the layout has settled
    check(dialog, scale, f"register-{scale}-errors-id-number")


def case_with_agreement(db) -> int:  # type: ignore[no-untyped-def]
    for row in list_cases(db, CaseQuery(), 0, 200):
        if get_case(db, row.id).agreement is not None:
            return row.id
    raise AssertionError("no agreement in the demo data")


@pytest.mark.parametrize("scale", SCALES)
def test_case_page(qtbot, db, opened, scale: int) -> None:
    style.apply_scale(scale, save=False)
    page = show_at_screen_size(qtbot, CasePage(db, case_with_agreement(db), opener=opened))
    check(page, scale, f"case-page-{scale}")
    page.scroll.verticalScrollBar().setValue(page.scroll.verticalScrollBar().maximum())
    check(page, scale, f"case-page-{scale}-agreement")


@pytest.mark.parametrize("scale", [100, 200])
def test_agreement_dialog(qtbot, db, scale: int) -> None:
    from ui.agreement_dialog import AgreementDialog

    style.apply_scale(scale, save=False)
    case = get_case(db, case_with_agreement(db))
    dialog = show_at_screen_size(qtbot, AgreementDialog(db, case))
    check(dialog, scale, f"agreement-{scale}")


@pytest.mark.parametrize("scale", [100, 200])
def test_print_format_choice(qtbot, scale: int) -> None:
    from ui.print_flow import FormatDialog

    style.apply_scale(scale, save=False)
    dialog = FormatDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    check(dialog, scale, f"print-format-{scale}")
    assert dialog.pdf_button.isDefault()


# ---------------------------------------------------------------- colours


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = []
        for value in QColor(colour).getRgbF()[:3]:
            channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
        r, g, b_ = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("fore", "back", "least"),
    [
        (style.TEXT, style.BASE, 7),
        (style.TEXT, style.WINDOW, 7),
        (style.TEXT, style.SELECTION, 7),
        (style.HINT, style.WINDOW, 4.5),
        (style.ERROR, style.WINDOW, 4.5),
        (style.OK, "#e8f5e9", 4.5),
        ("#ffffff", style.ACCENT, 4.5),
        (style.FOCUS, style.BASE, 3),
        (style.FOCUS, style.WINDOW, 3),
        (style.BORDER, style.BASE, 3),
        ("#5c5c5c", "#e4e4e4", 4.5),  # disabled text stays readable
    ],
)
def test_colour_contrast(fore: str, back: str, least: float) -> None:
    assert contrast(fore, back) >= least


def test_headings_follow_the_text_size(window) -> None:
    window.set_text_scale(200)
    assert QFontInfo(style.heading_font()).pixelSize() >= 30
    assert QFontInfo(window.register_button.font()).pixelSize() == 32
    window.set_text_scale(100)
    assert QFontInfo(window.register_button.font()).pixelSize() == 16
