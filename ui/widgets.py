"""Small building blocks shared by the windows: buttons, labelled fields, error labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QTableView,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from ui import style

DATE_FORMAT = "yyyy年M月d日"
#: Multi-line text gets 1.5× line spacing: older eyes lose their place in dense lines.
LINE_HEIGHT_PERCENT = 150
#: The smallest thing a finger or an unsteady mouse hand must hit (rule 5).
MIN_TARGET = 44
#: Between two characters, forbids a line break there ("2026年8月20日" stays whole).
WORD_JOINER = "\u2060"


def keep_together(text: str) -> str:
    """The text never broken across lines (for dates and amounts; short texts only)."""
    return WORD_JOINER.join(text.replace(WORD_JOINER, ""))


def button(text: str, primary: bool = False) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(text)
    # Enter on a focused button presses that button (Qt does so only for "auto default"
    # buttons, and only inside dialogs unless asked); Enter in a text field still presses
    # the dialog's default button.
    widget.setAutoDefault(True)
    if primary:
        widget.setProperty("primary", True)
    return widget


class SpacedLabel(QLabel):
    """Word-wrapped words with 1.5× line spacing (rule 3); `plain_text` gives them back.

    The words are shown as escaped rich text: a `<` typed by someone stays a `<`.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plain = ""
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self._plain = text
        self.setText(paragraph_html(text) if text else "")

    def plain_text(self) -> str:
        return self._plain


def heading(text: str) -> SpacedLabel:
    label = SpacedLabel(text)
    style.make_heading(label)
    return label


def hint(text: str) -> SpacedLabel:
    label = SpacedLabel(text)
    label.setProperty("hint", True)
    return label


def paragraph(text: str) -> SpacedLabel:
    """A word-wrapped block of text with 1.5× line spacing (plain text, safely escaped)."""
    label = SpacedLabel(text or " ")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def notice(text: str = "", kind: str = "ok") -> SpacedLabel:
    """A framed message in the window ("ok" green, "error" red); words say what it is."""
    label = SpacedLabel(text)
    label.setProperty("notice", kind)
    return label


def set_notice_kind(label: QLabel, kind: str) -> None:
    label.setProperty("notice", kind)
    label.style().unpolish(label)
    label.style().polish(label)


def paragraph_html(text: str) -> str:
    from html import escape

    body = "<br>".join(escape(line) for line in text.splitlines()) or "&nbsp;"
    return f'<div style="line-height:{LINE_HEIGHT_PERCENT}%">{body}</div>'


class MultiLineEdit(QTextEdit):
    """Plain multi-line input: Tab moves on (it does not type a tab), lines spaced 1.5×.

    Its height follows the font (a number of lines), never a fixed pixel size.
    """

    def __init__(self, lines: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines = lines
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._space_lines()
        self.document().clearUndoRedoStacks()

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        self.setPlainText(text)
        self._space_lines()
        self.document().clearUndoRedoStacks()

    def _space_lines(self) -> None:
        block = QTextBlockFormat()
        block.setLineHeight(
            LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(block)
        # New lines typed later copy the format of the line they are split from.
        self.moveCursor(QTextCursor.MoveOperation.End)

    def _height_for(self, lines: int) -> int:
        metrics = self.fontMetrics()
        text = round(metrics.lineSpacing() * LINE_HEIGHT_PERCENT / 100 * lines)
        margins = self.contentsMargins()
        frame = margins.top() + margins.bottom() + 2 * round(self.document().documentMargin())
        return text + frame + 6

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height_for(self._lines))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height_for(min(self._lines, 2)))


#: Qt's names of the calendar's navigation buttons, and what they are called here.
CALENDAR_ARROWS = {"qt_calendar_prevmonth": "上个月", "qt_calendar_nextmonth": "下个月"}
CALENDAR_BUTTONS = {"qt_calendar_monthbutton": "选择月份", "qt_calendar_yearbutton": "选择年份"}


class Calendar(QCalendarWidget):
    """The date picker: day cells and month arrows at least 44×44 px, arrows named in Chinese.

    No week numbers (nobody counts weeks here); Saturday and Sunday in a dark red that keeps
    4.5:1 (Qt's pure red does not).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
        weekend = QTextCharFormat()
        weekend.setForeground(QColor(style.ERROR))
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(day, weekend)
        for name, words in {**CALENDAR_ARROWS, **CALENDAR_BUTTONS}.items():
            tool = self.findChild(QToolButton, name)
            if tool is not None:
                tool.setToolTip(words)
                tool.setAccessibleName(words)
        year = self.findChild(QSpinBox, "qt_calendar_yearedit")
        if year is not None:
            year.setAccessibleName("年份")
        view = self.findChild(QTableView, "qt_calendar_calendarview")
        if view is not None:
            view.setAccessibleName("日历")
        self._fit()

    def cell_size(self) -> QSize:
        metrics = self.fontMetrics()
        width = max(metrics.horizontalAdvance("周三"), metrics.horizontalAdvance("30")) + 16
        return QSize(max(MIN_TARGET, width), max(MIN_TARGET, metrics.height() + 16))

    def _fit(self) -> None:
        height = max(MIN_TARGET, self.fontMetrics().height() + 16)
        arrow = max(16, round(self.fontMetrics().height() * 0.7))  # the arrow grows with text
        for name in CALENDAR_ARROWS:
            tool = self.findChild(QToolButton, name)
            if tool is not None:
                tool.setMinimumSize(height, height)
                tool.setIconSize(QSize(arrow, arrow))
        for name in CALENDAR_BUTTONS:
            tool = self.findChild(QToolButton, name)
            if tool is not None:
                tool.setMinimumHeight(height)
        year = self.findChild(QSpinBox, "qt_calendar_yearedit")
        if year is not None:
            year.setMinimumHeight(height)
        self.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _grid_size(self) -> QSize:
        cell = self.cell_size()
        # Seven columns of days; a row of day names and six weeks. Frame and navigation
        # bar come on top (measured from Qt's own hint, which packs the cells tightly).
        return QSize(7 * cell.width() + 8, 7 * cell.height() + 8)

    def minimumSizeHint(self) -> QSize:
        # Qt's sizeHint() is its minimumSizeHint(): one override serves both.
        own = super().minimumSizeHint()
        grid = self._grid_size()
        navigation = max(MIN_TARGET, self.fontMetrics().height() + 16) + 4
        return QSize(max(own.width(), grid.width()), max(own.height(), grid.height() + navigation))


class DateEdit(QDateEdit):
    """A date field: Tab leaves it (Qt's own walks year, month and day first).

    Inside, the arrow keys move between year, month and day and change them; typing works
    as usual; the calendar opens with the arrow on the right, or with F4 or Alt+↓ (Qt's own
    date field has no key for it); in the calendar, Enter takes the day and Esc closes it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setCalendarWidget(Calendar(self))
        self.setDisplayFormat(DATE_FORMAT)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            modifiers = event.modifiers()
            alt = Qt.KeyboardModifier.AltModifier
            other = Qt.KeyboardModifier.ControlModifier | alt
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not modifiers & other:
                backwards = (
                    key == Qt.Key.Key_Backtab or modifiers & Qt.KeyboardModifier.ShiftModifier
                )
                # The field's sections are skipped: focus goes to the next field of the form.
                QWidget.focusNextPrevChild(self, not backwards)
                event.accept()
                return True
            if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down and modifiers & alt):
                event.accept()
                self.open_calendar()
                return True
        return super().event(event)

    def open_calendar(self) -> None:
        """Show the calendar as a click on the arrow does (Qt has no call for it)."""
        if self.isReadOnly() or not self.isEnabled():
            return
        option = QStyleOptionComboBox()  # the date field with a popup is drawn as a combo box
        option.initFrom(self)
        option.editable = True
        option.subControls = QStyle.SubControl.SC_All
        arrow = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, self
        )
        point = arrow.center() if arrow.isValid() else QPoint(self.width() - 8, self.height() // 2)
        press = QMouseEvent(
            QEvent.Type.MouseButtonPress,
            QPointF(point),
            QPointF(self.mapToGlobal(point)),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(self, press)


def date_edit(value: date | None = None) -> DateEdit:
    widget = DateEdit()
    widget.setDate(to_qdate(value or date.today()))
    return widget


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ChoiceDelegate(QStyledItemDelegate):
    """Rows of an open choice list: at least 44 px high, taller with larger text."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        metrics = option.fontMetrics
        height = max(MIN_TARGET, metrics.height() + 20, size.height())
        return QSize(size.width() + 24, height)


def combo(choices: Iterable[tuple[object, str]]) -> QComboBox:
    """A choice list showing Chinese labels, carrying the code as item data."""
    widget = QComboBox()
    # Qt's default delegate for the open list draws menu-like rows 27 px high.
    widget.setItemDelegate(ChoiceDelegate(widget))
    for code, label in choices:
        widget.addItem(label, code)
    # Long labels ("涉及老人、残疾人或未成年人") must show whole in the closed box too.
    widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return widget


def select_code(widget: QComboBox, code: object) -> None:
    index = widget.findData(code)
    if index >= 0:
        widget.setCurrentIndex(index)


class OptionalDate(QWidget):
    """A date that may be left out: a check box "有…" switches the date field on."""

    def __init__(self, switch_text: str, value: date | None = None) -> None:
        super().__init__()
        self.switch = QCheckBox(switch_text)
        self.edit = date_edit(value)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.switch)
        row.addWidget(self.edit)
        row.addStretch(1)
        self.switch.toggled.connect(self.edit.setEnabled)
        self.set_value(value)

    def value(self) -> date | None:
        return from_qdate(self.edit.date()) if self.switch.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.switch.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        if value is not None:
            self.edit.setDate(to_qdate(value))


class ErrorLabel(SpacedLabel):
    """Red words under a field, with ⚠ so colour is never the only signal; hidden when fine."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("error", True)
        self.hide()

    def show_message(self, message: str) -> None:
        self.set_text(f"⚠ {message}")
        self.show()

    def clear_message(self) -> None:
        self.set_text("")
        self.hide()


@dataclass
class Field:
    """One labelled input: the label (buddy of the input), the input and its error line."""

    label: QLabel
    widget: QWidget
    error: ErrorLabel
    box: QWidget
    focus: QWidget | None = None

    def focus_widget(self) -> QWidget:
        target = self.focus or self.widget
        if not target.isEnabled() and isinstance(self.widget, OptionalDate):
            return self.widget.switch  # the date is switched off: first switch it on
        return target


class FormGrid(QWidget):
    """Label on the left, field on the right, hint and error words directly under the field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(10)
        self.grid.setColumnStretch(1, 1)
        self.fields: list[Field] = []

    def add(
        self,
        text: str,
        widget: QWidget,
        hint_text: str = "",
        focus: QWidget | None = None,
        stretch: bool = True,
    ) -> Field:
        label = QLabel(text)
        # The buddy is what a click on the label (or a screen reader) leads to.
        label.setBuddy(focus or widget)
        # As tall as the field's first line, text centred: the label lines up with what is
        # typed, whatever the text size, and hints below the field do not pull it down.
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumHeight(self._first_line_height(widget))
        box = QWidget()
        box.setProperty("field_box", True)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        if stretch:
            column.addWidget(widget)
        else:
            row = QHBoxLayout()
            row.addWidget(widget)
            row.addStretch(1)
            column.addLayout(row)
        if hint_text:
            column.addWidget(hint(hint_text))
        error = ErrorLabel()
        column.addWidget(error)
        row_index = self.grid.rowCount()
        top_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        self.grid.addWidget(label, row_index, 0, top_right)
        self.grid.addWidget(box, row_index, 1)
        result = Field(label, widget, error, box, focus)
        self.fields.append(result)
        return result

    @staticmethod
    def _first_line_height(widget: QWidget) -> int:
        if isinstance(widget, QTextEdit):
            return QLineEdit().sizeHint().height()
        return widget.sizeHint().height()

    def label_width(self) -> int:
        return max((f.label.sizeHint().width() for f in self.fields), default=0)

    def align_labels(self, width: int) -> None:
        """Line up the label column with other grids of the same dialog."""
        self.grid.setColumnMinimumWidth(0, width)


@dataclass
class Shown:
    """Where the errors of one save went."""

    #: The input to focus: the first wrong one on screen.
    first: QWidget | None
    #: How many messages were put beside a field, a section or a group.
    placed: int
    #: Messages no field or section on screen stands for (shown in the summary line).
    leftovers: list[str]


@dataclass
class ErrorMap:
    """Where each checked field is shown, so a service's errors land under the right input.

    A key the map does not know exactly goes to the nearest enclosing section or group
    (``terms[0].performed_on`` → the label of term 1; ``terms[7].text`` → the label above
    all terms); a key nothing stands for goes to the summary line. No message is dropped.
    """

    fields: dict[str, Field] = field(default_factory=dict)
    #: Errors of a whole group ("parties") or section ("terms[0]") go to a label above it.
    group_labels: dict[str, ErrorLabel] = field(default_factory=dict)
    #: What gets the focus for a group's error (the way to fix it), if anything.
    group_focus: dict[str, QWidget] = field(default_factory=dict)
    general: ErrorLabel | None = None
    #: Keys in the order they appear on screen: the first wrong one gets the focus.
    order: list[str] = field(default_factory=list)

    def add_field(self, key: str, item: Field) -> None:
        self.fields[key] = item
        self.order.append(key)

    def add_group(self, key: str, label: ErrorLabel, focus: QWidget | None = None) -> None:
        self.group_labels[key] = label
        if focus is not None:
            self.group_focus[key] = focus
        self.order.append(key)

    def remove_prefix(self, prefix: str) -> None:
        """Forget the fields of a removed section (a party or a term)."""
        for key in [k for k in self.fields if k.startswith(prefix)]:
            del self.fields[key]
        for key in [k for k in self.group_labels if k.startswith(prefix)]:
            del self.group_labels[key]
            self.group_focus.pop(key, None)
        self.order = [k for k in self.order if not k.startswith(prefix)]

    def clear(self) -> None:
        for item in self.fields.values():
            item.error.clear_message()
        for label in self.group_labels.values():
            label.clear_message()
        if self.general is not None:
            self.general.clear_message()

    def place(self, key: str) -> str | None:
        """The field or the label an error with this key is shown at (None: nowhere)."""
        if key in self.fields or key in self.group_labels:
            return key
        enclosing = [
            group
            for group in self.group_labels
            if key.startswith(f"{group}.") or key.startswith(f"{group}[")
        ]
        return max(enclosing, key=len) if enclosing else None

    def show(self, errors: list[ValidationError]) -> Shown:
        """Put each message under its field and sum them up in the summary line."""
        self.clear()
        messages: dict[str, list[str]] = {}
        leftovers: list[str] = []
        for error in errors:
            key = self.place(error.field)
            if key is None:
                leftovers.append(error.message)
            else:
                messages.setdefault(key, []).append(error.message)
        first: QWidget | None = None
        for key in self.order:
            if key not in messages:
                continue
            text = "\n".join(messages[key])
            if key in self.fields:
                self.fields[key].error.show_message(text)
                target: QWidget | None = self.fields[key].focus_widget()
            else:
                self.group_labels[key].show_message(text)
                target = self.group_focus.get(key, self.group_labels[key])
            if first is None:
                first = target
        shown = Shown(first, len(errors) - len(leftovers), leftovers)
        if self.general is not None and errors:
            self.general.show_message(summary_text(shown))
        return shown


def summary_text(shown: Shown) -> str:
    """The line beside the save button: how many things to fix, and where they are."""
    count = shown.placed + len(shown.leftovers)
    if not shown.leftovers:
        return f"有{count}处需要修改，每一处都用红字写在那一项的下面。"
    text = f"有{count}处需要修改：\n" + "\n".join(shown.leftovers)
    if shown.placed:
        text += f"\n另外{shown.placed}处用红字写在那一项的下面。"
    return text


def scroll_area(content: QWidget) -> QScrollArea:
    """Content that scrolls up and down only: at large text sizes it never scrolls sideways."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


def wide_enough(area: QScrollArea) -> None:
    """The scroll area at least as wide as its content's narrowest layout, so nothing is cut at
    the right (it scrolls only up and down); the dialog's fit to the screen still caps it."""
    content = area.widget()
    if content is not None:
        bar = area.verticalScrollBar().sizeHint().width()
        area.setMinimumWidth(content.minimumSizeHint().width() + bar + 2 * area.frameWidth())


def reveal(area: QScrollArea, widget: QWidget) -> None:
    """Scroll so the widget (and the error line under it) is on screen, then focus it."""
    target: QWidget = widget
    parent = widget.parentWidget()
    # The field's box holds the input and its error words: show them together.
    while parent is not None and parent is not area.widget():
        if isinstance(parent.layout(), QVBoxLayout) and parent.property("field_box"):
            target = parent
            break
        parent = parent.parentWidget()
    area.ensureWidgetVisible(target, 20, 40)
    widget.setFocus(Qt.FocusReason.OtherFocusReason)


def chain_tab_order(widgets: Sequence[QWidget]) -> None:
    """Tab visits the widgets in this order (the order they appear on screen)."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


@dataclass
class FormFrame:
    """The parts `frame_form` gives a form dialog."""

    scroll: QScrollArea
    summary: ErrorLabel
    cancel_button: QPushButton
    save_button: QPushButton


def frame_form(
    dialog: QWidget,
    content: QWidget,
    save_text: str,
    save: Callable[[], object],
    cancel: Callable[[], object],
) -> FormFrame:
    """A form dialog's frame: the form scrolling above, and below it the line for a message
    that belongs to no field beside 取消 and the save button, which stay visible.

    Enter in a text field saves; Enter on a focused button presses that button.
    """
    scroll = scroll_area(content)
    summary = ErrorLabel()
    cancel_button = button("取消")
    save_button = button(save_text, primary=True)
    save_button.setDefault(True)
    save_button.clicked.connect(lambda _=False: save())
    cancel_button.clicked.connect(lambda _=False: cancel())
    bottom = QHBoxLayout()
    bottom.setContentsMargins(20, 8, 20, 12)
    bottom.setSpacing(16)
    bottom.addWidget(summary, 1)
    bottom.addStretch()  # keeps the buttons at their size while there is no message
    # Aligned, the buttons keep their own height next to each other (never squeezed).
    bottom.addWidget(cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
    bottom.addWidget(save_button, 0, Qt.AlignmentFlag.AlignVCenter)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scroll, 1)
    layout.addLayout(bottom)
    return FormFrame(scroll, summary, cancel_button, save_button)


def frame_side_button(frame: FormFrame, widget: QPushButton) -> None:
    """A further button at the left end of the row `frame_form` made ("恢复默认"), apart from
    取消 and the save button so that it is not pressed for one of them."""
    dialog = frame.cancel_button.parentWidget()
    outer = dialog.layout() if dialog is not None else None
    for index in range(outer.count() if outer is not None else 0):
        item = outer.itemAt(index) if outer is not None else None
        row = item.layout() if item is not None else None
        if isinstance(row, QHBoxLayout) and row.indexOf(frame.cancel_button) >= 0:
            row.insertWidget(0, widget, 0, Qt.AlignmentFlag.AlignVCenter)
            return
    raise ValueError("the frame's row of buttons is not in its dialog")
