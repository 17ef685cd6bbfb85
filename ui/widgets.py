"""Small building blocks shared by the windows: buttons, labelled fields, error labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from ui import style

DATE_FORMAT = "yyyy年M月d日"
#: Multi-line text gets 1.5× line spacing: older eyes lose their place in dense lines.
LINE_HEIGHT_PERCENT = 150


def button(text: str, primary: bool = False) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(text)
    if primary:
        widget.setProperty("primary", True)
    return widget


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    style.make_heading(label)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("hint", True)
    return label


def paragraph(text: str) -> QLabel:
    """A word-wrapped block of text with 1.5× line spacing (plain text, safely escaped)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(paragraph_html(text))
    return label


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


def date_edit(value: date | None = None) -> QDateEdit:
    widget = QDateEdit()
    widget.setCalendarPopup(True)
    widget.setDisplayFormat(DATE_FORMAT)
    widget.setDate(to_qdate(value or date.today()))
    return widget


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def combo(choices: Iterable[tuple[object, str]]) -> QComboBox:
    """A choice list showing Chinese labels, carrying the code as item data."""
    widget = QComboBox()
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


class ErrorLabel(QLabel):
    """Red words under a field, with ⚠ so colour is never the only signal; hidden when fine."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("error", True)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(f"⚠ {message}")
        self.show()

    def clear_message(self) -> None:
        self.clear()
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
        return self.focus or self.widget


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
class ErrorMap:
    """Where each checked field is shown, so a service's errors land under the right input."""

    fields: dict[str, Field] = field(default_factory=dict)
    #: Errors of a whole group (e.g. "parties") go to a label above that group.
    group_labels: dict[str, ErrorLabel] = field(default_factory=dict)
    general: ErrorLabel | None = None
    #: Keys in the order they appear on screen: the first wrong one gets the focus.
    order: list[str] = field(default_factory=list)

    def add_field(self, key: str, item: Field) -> None:
        self.fields[key] = item
        self.order.append(key)

    def add_group(self, key: str, label: ErrorLabel) -> None:
        self.group_labels[key] = label
        self.order.append(key)

    def remove_prefix(self, prefix: str) -> None:
        """Forget the fields of a removed section (a party or a term)."""
        for key in [k for k in self.fields if k.startswith(prefix)]:
            del self.fields[key]
        self.order = [k for k in self.order if not k.startswith(prefix)]

    def clear(self) -> None:
        for item in self.fields.values():
            item.error.clear_message()
        for label in self.group_labels.values():
            label.clear_message()
        if self.general is not None:
            self.general.clear_message()

    def show(self, errors: list[ValidationError]) -> QWidget | None:
        """Put each message under its field; returns the input to focus (first on screen)."""
        self.clear()
        messages: dict[str, list[str]] = {}
        leftovers: list[str] = []
        for error in errors:
            key = error.field if error.field in self.fields else None
            if key is None and error.field in self.group_labels:
                key = error.field
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
                if first is None:
                    first = self.fields[key].focus_widget()
            else:
                self.group_labels[key].show_message(text)
                if first is None:
                    first = self.group_labels[key]
        if leftovers and self.general is not None:
            self.general.show_message("\n".join(leftovers))
        return first


def scroll_area(content: QWidget) -> QScrollArea:
    """Content that scrolls up and down only: at large text sizes it never scrolls sideways."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


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
