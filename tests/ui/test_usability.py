"""The rules of usability.md checked on real windows at 1366×768 and every text size.

Each check also saves a screenshot into artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontInfo, QFontMetrics, QTextDocument
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
    QScrollBar,
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
#: Rule 5: every clickable thing at least 44×44 px; nothing at all below 24 px.
TARGET = 44
SMALLEST = 24
#: Rule 3: lines of wrapped text at least 1.3× the font size apart.
LINE_HEIGHT = 1.3


def line_height(label: QLabel) -> float:
    """How far apart the label's lines are, in font sizes (its text laid out narrow)."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    if rich:
        document.setHtml(text)
    else:
        document.setPlainText(text)
    # Two and a half characters wide: any text of three or more characters wraps.
    document.setTextWidth(QFontMetrics(label.font()).horizontalAdvance("字") * 2.5)
    document.size()  # lays the text out
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        if layout is not None and layout.lineCount() >= 2:
            gap = layout.lineAt(1).y() - layout.lineAt(0).y()
            return gap / QFontInfo(label.font()).pixelSize()
        block = block.next()
    return float("inf")  # too short to wrap


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
        wanted = button.sizeHint().height()
        if button.height() < wanted:  # a row must not squeeze a button below its own size
            problems.append(f"button {button.text()!r} squeezed: {button.height()} < {wanted}")
    for box in visible(window, (QCheckBox,)):
        if box.height() < 44:
            problems.append(f"check box {box.text()!r} only {box.height()} px high")
    for field in visible(window, (QLineEdit, QComboBox, QDateEdit)):
        if isinstance(field.parentWidget(), QAbstractSpinBox | QComboBox):
            continue  # the inner line edit of a date field: the field itself is measured
        if field.height() < TARGET:
            problems.append(
                f"{type(field).__name__} {_text(field)!r} only {field.height()} px high"
            )
    for bar in visible(window, (QScrollBar,)):
        thickness = bar.width() if bar.orientation() == Qt.Orientation.Vertical else bar.height()
        if thickness < SMALLEST:
            problems.append(f"scroll bar only {thickness} px wide")
    for label in visible(window, (QLabel,)):
        if label.wordWrap() and label.text() and line_height(label) < LINE_HEIGHT:
            problems.append(
                f"label {_text(label)!r}: lines {line_height(label):.2f}× apart < {LINE_HEIGHT}"
            )
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


# ---------------------------------------------------------------- popups, menus, Qt's own words

#: The offscreen platform cannot raise a popup or grab the keyboard for it; that says nothing
#: about the program.
popups = pytest.mark.qt_log_ignore(
    "does not support raise", "does not support grabbing", "does not support propagateSizeHints"
)


@popups
@pytest.mark.parametrize("scale", [100, 125, 200])
def test_choice_list_rows_are_big_enough(window, qtbot, scale: int) -> None:
    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    qtbot.wait(20)  # let the dialog settle: a window activated later would close the list
    for box in (dialog.dispute_type, dialog.source, dialog.parties[0].kind, window.status_filter):
        box.showPopup()
        view = box.view()
        assert view.isVisible()
        heights = [view.visualRect(box.model().index(i, 0)).height() for i in range(box.count())]
        box.hidePopup()
        assert min(heights) >= TARGET, (box.currentText(), heights)
        line = QFontMetrics(view.font()).height()
        assert min(heights) >= line + 8


@popups
@pytest.mark.parametrize("scale", [100, 200])
def test_menu_rows_are_big_enough_and_chinese(window, qtbot, scale: int) -> None:
    window.set_text_scale(scale)
    menu = window.size_button.menu()
    context = window.search.createStandardContextMenu()
    try:
        for shown in (menu, context):
            shown.popup(window.mapToGlobal(window.rect().center()))
            assert shown.isVisible()
            actions = [a for a in shown.actions() if not a.isSeparator()]
            heights = [shown.actionGeometry(a).height() for a in actions]
            shown.hide()
            assert min(heights) >= TARGET, heights
    finally:
        context.deleteLater()


def test_qt_speaks_chinese() -> None:
    from PySide6.QtCore import QLocale

    edit = QLineEdit()
    menu = edit.createStandardContextMenu()
    words = [a.text() for a in menu.actions() if not a.isSeparator()]
    menu.deleteLater()
    assert any(w.startswith("复制") for w in words) and any(w.startswith("粘贴") for w in words)
    assert not any(w.startswith(("&Copy", "Cu&t", "&Undo")) for w in words)
    assert QLocale().language() == QLocale.Language.Chinese
    assert QLocale().monthName(12) == "十二月"


@pytest.mark.parametrize("scale", [100, 200])
def test_calendar_cells_and_arrows_are_big_enough(window, qtbot, scale: int) -> None:
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QToolButton

    from ui.widgets import CALENDAR_ARROWS, Calendar

    style.apply_scale(scale, save=False)
    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    for field in (dialog.received_on, dialog.parties[0].birth.edit):
        assert isinstance(field.calendarWidget(), Calendar)
    calendar = Calendar()
    calendar.setSelectedDate(QDate(2026, 12, 1))
    show_at_screen_size(qtbot, calendar)
    calendar.resize(calendar.sizeHint())  # as the date field's popup shows it
    qtbot.wait(10)
    screenshot(calendar, f"calendar-{scale}")
    view = calendar.findChild(QTableView)
    assert view is not None
    model = view.model()
    for row in range(model.rowCount()):
        assert view.rowHeight(row) >= TARGET
    for column in range(model.columnCount()):
        assert view.columnWidth(column) >= TARGET
    assert model.columnCount() == 7  # no week numbers
    header = [model.data(model.index(0, c)) for c in range(7)]
    assert header[0] == "周一" and header[6] == "周日"
    for name, words in CALENDAR_ARROWS.items():
        arrow = calendar.findChild(QToolButton, name)
        assert arrow is not None and arrow.isVisible()
        assert arrow.width() >= TARGET and arrow.height() >= TARGET
        assert arrow.toolTip() == words and arrow.accessibleName() == words
    month = calendar.findChild(QToolButton, "qt_calendar_monthbutton")
    assert month is not None and month.text() == "十二月" and month.height() >= TARGET


@popups
@pytest.mark.parametrize("how", ["F4", "Alt+Down", "click"])
def test_the_date_field_opens_the_big_calendar(window, qtbot, how: str) -> None:
    from PySide6.QtCore import QDate, QPoint

    from ui.widgets import Calendar

    dialog = show_at_screen_size(qtbot, window.make_register_dialog())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    field = dialog.received_on
    field.setDate(QDate(2026, 3, 2))
    field.setFocus()
    if how == "F4":
        qtbot.keyClick(field, Qt.Key.Key_F4)
    elif how == "Alt+Down":
        qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    else:
        arrow = QPoint(field.width() - 12, field.height() // 2)
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=arrow)
    calendar = field.calendarWidget()
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    assert isinstance(calendar, Calendar)
    assert calendar.height() >= calendar.minimumSizeHint().height()
    view = calendar.findChild(QTableView)
    assert view is not None and min(view.rowHeight(r) for r in range(7)) >= TARGET
    # The keyboard picks a day: → one day on, Enter takes it and closes the calendar.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not calendar.isVisible(), timeout=2000)
    assert field.date() == QDate(2026, 3, 3)
    assert dialog.isVisible() and dialog.result_case is None  # Enter there did not save


def test_check_box_border_and_checked_state_contrast(qtbot) -> None:
    from PySide6.QtWidgets import QGroupBox, QStyle, QStyleOptionButton, QVBoxLayout

    group = QGroupBox()
    layout = QVBoxLayout(group)
    box = QCheckBox("有期限")
    box.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus ring is measured elsewhere
    layout.addWidget(box)
    qtbot.addWidget(group)
    group.show()
    qtbot.waitExposed(group)

    def colours() -> tuple[QColor, QColor, QColor]:
        option = QStyleOptionButton()
        box.initStyleOption(option)
        rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        image = box.grab().toImage()
        y = rect.center().y()
        row = [QColor(image.pixel(x, y)) for x in range(rect.left(), rect.left() + 3)]
        border = min(row, key=lambda c: c.lightness())
        outside = QColor(image.pixel(max(0, rect.left() - 1), y))
        centre = QColor(image.pixel(rect.left() + 5, rect.top() + 5))
        return border, outside, centre

    border, outside, _inside = colours()
    assert contrast(border.name(), outside.name()) >= 3, (border.name(), outside.name())
    box.setChecked(True)
    qtbot.wait(10)
    border, outside, inside = colours()
    assert contrast(border.name(), outside.name()) >= 3
    assert contrast(inside.name(), outside.name()) >= 3  # checked: filled, not only a tick
    assert contrast("#ffffff", style.ACCENT) >= 4.5  # the white tick on the fill


@pytest.mark.parametrize(
    ("fore", "back"),
    [(style.BORDER, style.GROUP), (style.BORDER, style.BASE), (style.ACCENT, style.GROUP)],
)
def test_check_box_colours(fore: str, back: str) -> None:
    assert contrast(fore, back) >= 3
    assert f"border: 2px solid {style.BORDER}" in style.STYLE_SHEET.split("QCheckBox::indicator")[1]


def test_wrapped_labels_have_room_between_lines(qtbot, db) -> None:
    from ui.print_dialog import PrintDialog
    from ui.print_flow import PrintRequest
    from ui.widgets import ErrorLabel, hint, notice

    error = ErrorLabel()
    error.show_message("身份证号应为18位，最后一位可以是X")
    for label in (error, hint("点右边的箭头可以在日历上选"), notice("正在打开案件，请稍候……")):
        assert line_height(label) >= 1.5 * 0.99, _text(label)
    dialog = PrintDialog(db, PrintRequest("application", "空白人民调解申请书"), printers=[])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=30000)
    for label in dialog.findChildren(QLabel):
        if label.wordWrap():
            assert line_height(label) >= LINE_HEIGHT
    plain = QLabel("没有行距的一段文字")
    plain.setWordWrap(True)
    assert line_height(plain) < LINE_HEIGHT  # the measure itself tells the difference


@pytest.mark.parametrize("scale", SCALES)
def test_case_names_never_leave_one_character_alone(window, scale: int) -> None:
    from ui.case_table import CELL_PADDING, GRID_LINE, WrappedTextDelegate, keep_together
    from ui.case_table_model import TITLE

    window.set_text_scale(scale)
    table = window.table
    room = table.columnWidth(TITLE) - 2 * CELL_PADDING - GRID_LINE  # as painted
    for row in range(window.model.rowCount()):
        text = keep_together(TITLE, window.model.text(window.model.row(row), TITLE))
        layout, _height = WrappedTextDelegate.layout(text, table.font(), room)
        last = layout.lineAt(layout.lineCount() - 1)
        alone = text[last.textStart() : last.textStart() + last.textLength()].replace("\u2060", "")
        assert len(alone) >= 2 or layout.lineCount() == 1, (text, alone)
        assert layout.lineCount() <= 4, text.replace("\u2060", "")


def test_dates_and_amounts_on_the_case_page_stay_on_one_line() -> None:
    from datetime import date
    from decimal import Decimal

    from PySide6.QtGui import QTextLayout, QTextOption

    from ui.case_page import date_text, item_text, money_text

    due = item_text(f"履行期限：{date_text(date(2026, 8, 20))}")
    for text in (date_text(date(2026, 8, 20)), money_text(Decimal("2000.00")), due):
        layout = QTextLayout(text, QtGui.QFont(style.FONT_FAMILIES[0]))
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        lines = 0
        while (line := layout.createLine()).isValid():
            line.setLineWidth(10)  # far too narrow: plain text would break after each character
            lines += 1
        layout.endLayout()
        assert lines == 1, text
