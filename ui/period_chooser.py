"""The period a report is about: a week, a month, a quarter, a year, or any two dates.

`PeriodChooser` is one row: what kind of period ("按月"), the year, the month (or quarter or
week) in it, buttons to the period before and after, and the days it spans ("2026年3月1日至
2026年3月31日（本月）"). Picking a whole period emits `chosen(start, end)` at once. Custom
dates are taken when the window's own button asks `confirmed_dates()`: a date is typed a part
at a time, and counting after each key would count half-typed dates. An end before the start
is never taken: the words under the row say so, with an example of what would do.

The row wraps onto more lines when the text is large, so it never runs off the window.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QMargins, QPoint, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.statistics import Period, PeriodKind
from ui import style
from ui.widgets import (
    MIN_TARGET,
    ErrorLabel,
    button,
    chain_tab_order,
    combo,
    date_edit,
    from_qdate,
    keep_together,
    to_qdate,
)

WEEK = "week"
MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
CUSTOM = "custom"
#: What the first choice list offers, in the words shown.
KIND_NAMES = {WEEK: "按周", MONTH: "按月", QUARTER: "按季度", YEAR: "按年", CUSTOM: "自定义日期"}
#: The buttons to the period before and after.
STEP_NAMES = {
    WEEK: ("上一周", "下一周"),
    MONTH: ("上个月", "下个月"),
    QUARTER: ("上一季度", "下一季度"),
    YEAR: ("上一年", "下一年"),
}
#: The period containing today and the one before it, as people call them.
NEAR_NAMES = {
    WEEK: ("本周", "上周"),
    MONTH: ("本月", "上月"),
    QUARTER: ("本季度", "上季度"),
    YEAR: ("今年", "去年"),
}
QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")
#: The earliest year offered: a spinner needs a floor, and this one lies before any record a
#: committee keeps in the program.
FIRST_YEAR = 2000


def span_of(kind: str, day: date) -> tuple[date, date]:
    """The first and last day of the week (Monday to Sunday), month, quarter or year of `day`."""
    if kind == WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    period = Period.containing(PeriodKind(kind), day)
    return period.start, period.end


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def week_text(monday: date) -> str:
    """11月23日至11月29日; with the years when the week runs into the next year."""
    sunday = monday + timedelta(days=6)
    if monday.year != sunday.year:
        return f"{day_text(monday)}至{day_text(sunday)}"
    return f"{monday.month}月{monday.day}日至{sunday.month}月{sunday.day}日"


class FlowLayout(QLayout):
    """Items left to right, wrapping onto a new line where the width ends; each line's items
    centred on one another (a label beside a taller field lines up with its text)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        # All on one line is what the row would like; it wraps when given less.
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown) + self._gap * max(len(shown) - 1, 0)
        margins = self.contentsMargins()
        width += margins.left() + margins.right()
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        # The widest single item: narrower than that, something would be cut.
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize()).expandedTo(item.sizeHint())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, place: bool) -> int:
        """Lay the items out in `rect` (or only measure); the height they take."""
        inner = rect.marginsRemoved(self.contentsMargins())
        lines: list[list[QLayoutItem]] = [[]]
        x = inner.x()
        for item in self._shown():
            width = min(item.sizeHint().width(), inner.width())
            if lines[-1] and x + width > inner.right() + 1:
                lines.append([])
                x = inner.x()
            lines[-1].append(item)
            x += width + self._gap
        y = inner.y()
        for line in (line for line in lines if line):
            height = max(item.sizeHint().height() for item in line)
            x = inner.x()
            for item in line:
                hint = item.sizeHint()
                width = min(hint.width(), inner.width())
                if place:
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), QSize(width, hint.height())))
                x += width + self._gap
            y += height + self._gap
        margins: QMargins = self.contentsMargins()
        used = y - self._gap - inner.y() if any(lines) else 0
        return used + margins.top() + margins.bottom()


class YearSpinner(QSpinBox):
    """The year: typed, changed with ↑ and ↓, or with the arrow buttons at its two ends
    ("earlier" on the left, "later" on the right), each a full-height target of 44 px or more.

    Qt's own spin arrows are two half-height slivers far below a finger's size, and the
    program's style has no rule for spin boxes: the field is drawn here as every other field
    (border, focus ring, padding), in pixels that follow the text size.
    """

    def __init__(self, first: int, last: int, value: int) -> None:
        super().__init__()
        self.setRange(first, last)
        self.setValue(value)
        self.setSuffix("年")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccelerated(True)
        self._side = MIN_TARGET
        self._restyle()

    def year(self) -> int:
        return self.value()

    def set_year(self, year: int) -> None:
        self.setValue(year)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._restyle()

    def sizeHint(self) -> QSize:
        # Qt counts the arrow buttons twice (as padding and as buttons): the year, the two
        # buttons and the borders are what is needed.
        own = super().sizeHint()
        text = self.fontMetrics().horizontalAdvance(f"{self.maximum()}{self.suffix()}")
        return QSize(min(own.width(), text + 2 * (self._side + 6) + 2 * 3 + 12), own.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def _restyle(self) -> None:
        # No font size here (it would win over the text size chosen); only sizes in pixels
        # that follow the font: square arrow buttons filling the field's height.
        metrics = self.fontMetrics()
        # The field: its text line, 5 px padding and a 2 px border, so tall that the arrow
        # buttons inside it (3 px in from the border) are targets of 44 px at the least.
        line = max(MIN_TARGET + 6 - 2 * 5 - 2 * 2, metrics.height())
        side = line + 2 * 5 + 2 * 2 - 6
        self._side = side
        arrow = max(14, round(metrics.height() * 0.7))
        images = {name: _arrow_image(name).as_posix() for name in ARROWS}
        self.setStyleSheet(
            f"""
QSpinBox {{
    color: {style.TEXT};
    background: {style.BASE};
    border: 2px solid {style.BORDER};
    border-radius: 4px;
    padding: 5px {side + 6}px;
    min-height: {line}px;
    selection-background-color: {style.SELECTION};
    selection-color: {style.TEXT};
}}
QSpinBox:focus {{
    border: 3px solid {style.FOCUS};
    padding: 4px {side + 5}px;
    background: #fffbea;
}}
QSpinBox::up-button, QSpinBox::down-button {{
    subcontrol-origin: border;
    width: {side}px;
    height: {side}px;
    margin: 3px;
    background: #ececec;
    border: none;
}}
QSpinBox::down-button {{
    subcontrol-position: center left;
    border-right: 1px solid {style.BORDER};
}}
QSpinBox::up-button {{
    subcontrol-position: center right;
    border-left: 1px solid {style.BORDER};
}}
QSpinBox::up-button:pressed, QSpinBox::down-button:pressed {{ background: #d0d8e4; }}
QSpinBox::down-arrow {{ image: url({images["left"]}); width: {arrow}px; height: {arrow}px; }}
QSpinBox::up-arrow {{ image: url({images["right"]}); width: {arrow}px; height: {arrow}px; }}
QSpinBox::down-arrow:off, QSpinBox::down-arrow:disabled {{
    image: url({images["left-off"]});
}}
QSpinBox::up-arrow:off, QSpinBox::up-arrow:disabled {{ image: url({images["right-off"]}); }}
"""
        )


#: The spinner's arrow images: which way each points, and its colour (grey: no further).
ARROWS = {
    "left": (-1, style.TEXT),
    "right": (1, style.TEXT),
    "left-off": (-1, "#8a8a8a"),
    "right-off": (1, "#8a8a8a"),
}


def _arrow_image(name: str) -> Path:
    """A triangle pointing left or right, drawn once and large: Qt scales it down to the
    size the style sheet asks for, sharp at every text size."""
    folder = Path(tempfile.gettempdir()) / "laoniangjiu-ui"
    path = folder / f"year-{name}.png"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    way, colour = ARROWS[name]
    size = 48
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    tip, back = (size * 0.15, size * 0.8) if way < 0 else (size * 0.85, size * 0.2)
    triangle = [QPointF(back, size * 0.1), QPointF(back, size * 0.9), QPointF(tip, size / 2)]
    painter.drawPolygon(QPolygonF(triangle))
    painter.end()
    # Written aside and renamed: two copies of the program starting at once never read half
    # a file.
    # The format from the name's ending, not as an argument: some PySide6 6.11 builds refuse
    # it as bytes ("wrong argument values"), though their signature asks for bytes.
    part = folder / f".year-{name}.{os.getpid()}.png"
    image.save(str(part))
    part.replace(path)
    return path


def _pair(text: str, widget: QWidget) -> tuple[QWidget, QLabel]:
    """A label and its field kept together on one line of the row."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    label = QLabel(text)
    label.setBuddy(widget)
    widget.setAccessibleName(text.rstrip("：:"))
    row.addWidget(label)
    row.addWidget(widget)
    return box, label


class PeriodChooser(QWidget):
    """A week, month, quarter or year, or two dates. `chosen(start, end)` on each whole period
    picked; `dates()` the period shown, None while custom dates end before they start."""

    chosen = Signal(object, object)

    def __init__(
        self,
        label: str,
        kinds: Sequence[str] = (MONTH, QUARTER, YEAR, CUSTOM),
        kind: str | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.today = today or date.today()
        self.kinds = tuple(kinds)
        first = kind or self.kinds[0]
        #: A day in the period picked: what a change of kind or year keeps (the quarter of
        #: the month picked, the same month of another year).
        self.anchor = self.today
        self.custom_buttons: list[QPushButton] = []
        #: The days shown before custom dates were chosen: where those start.
        self._shown_span = span_of(MONTH, self.today)

        self.kind_box = combo((k, KIND_NAMES[k]) for k in self.kinds)
        self.year = YearSpinner(FIRST_YEAR, self.today.year, self.today.year)
        self.month = combo(())
        self.quarter = combo(())
        self.week = combo(())
        start, end = span_of(first if first != CUSTOM else MONTH, self.today)
        self.start = date_edit(start)
        self.end = date_edit(end)
        self.earlier = button("")
        self.earlier.clicked.connect(lambda _=False: self.step(-1))
        self.later = button("")
        self.later.clicked.connect(lambda _=False: self.step(1))
        #: The days of the period picked, and its everyday name ("本季度").
        self.span = QLabel("")
        self.problem = ErrorLabel()

        kind_cell, self.label = _pair(label, self.kind_box)
        self.year_cell, _ = _pair("年份", self.year)
        self.month_cell, _ = _pair("月份", self.month)
        self.quarter_cell, _ = _pair("季度", self.quarter)
        self.week_cell, _ = _pair("哪一周", self.week)
        self.start_cell, self.start_label = _pair("从", self.start)
        self.end_cell, self.end_label = _pair("至", self.end)
        self.start.setAccessibleName("开始日期")
        self.end.setAccessibleName("结束日期")
        self.row = FlowLayout()
        for widget in (
            kind_cell,
            self.year_cell,
            self.month_cell,
            self.quarter_cell,
            self.week_cell,
            self.start_cell,
            self.end_cell,
            self.earlier,
            self.later,
            self.span,
        ):
            self.row.addWidget(widget)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(self.row)
        column.addWidget(self.problem)

        if first in self.kinds:
            self.kind_box.setCurrentIndex(self.kinds.index(first))
        self._fill_lists()
        self._show_kind()
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.year.valueChanged.connect(self._year_changed)
        for box in (self.month, self.quarter, self.week):
            box.currentIndexChanged.connect(self._part_changed)
        self.start.dateChanged.connect(self._check_dates)
        self.end.dateChanged.connect(self._check_dates)

    # ------------------------------------------------------------ what is chosen

    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def set_kind(self, kind: str) -> None:
        index = self.kind_box.findData(kind)
        if index >= 0:
            self.kind_box.setCurrentIndex(index)

    def dates(self) -> tuple[date, date] | None:
        """The first and last day of the period; None when custom dates end before they
        start (the words under the row say so)."""
        if self.kind() == CUSTOM:
            start, end = from_qdate(self.start.date()), from_qdate(self.end.date())
            return (start, end) if start <= end else None
        return span_of(self.kind(), self.anchor)

    def confirmed_dates(self) -> tuple[date, date] | None:
        """`dates()` for the window's button: when they are wrong, the focus goes to the end
        date, where the words under the row say what to change."""
        chosen = self.dates()
        if chosen is None:
            self._check_dates()
            self.end.setFocus(Qt.FocusReason.OtherFocusReason)
        return chosen

    def set_dates(self, start: date, end: date) -> None:
        """Custom dates, as if typed."""
        self.set_kind(CUSTOM)
        self.start.setDate(to_qdate(start))
        self.end.setDate(to_qdate(end))

    def near_name(self) -> str:
        """本月, 上季度, 去年…: the everyday name of the period picked, if it has one."""
        kind = self.kind()
        if kind not in NEAR_NAMES:
            return ""
        this, last = NEAR_NAMES[kind]
        start, _ = span_of(kind, self.anchor)
        current, _ = span_of(kind, self.today)
        previous, _ = span_of(kind, current - timedelta(days=1))
        return this if start == current else last if start == previous else ""

    def add_button(self, widget: QPushButton, custom_only: bool = False) -> None:
        """The window's own button at the end of the row ("统计"), after the days it counts;
        `custom_only`: shown only for custom dates (a whole period is counted as soon as it
        is picked)."""
        self.row.addWidget(widget)
        if custom_only:
            self.custom_buttons.append(widget)
            widget.setVisible(self.kind() == CUSTOM)
        self._order_tabs()

    def step(self, direction: int) -> None:
        """The period before (-1) or after (+1) the one picked, of the same kind."""
        kind = self.kind()
        if kind == CUSTOM:
            return
        start, end = span_of(kind, self.anchor)
        day = start - timedelta(days=1) if direction < 0 else end + timedelta(days=1)
        if date(FIRST_YEAR, 1, 1) <= day <= self.today:
            self._move_to(day)

    # ------------------------------------------------------------ keeping it sensible

    def _move_to(self, day: date) -> None:
        """Pick the period of `day` (of the kind shown) and say so."""
        start, end = span_of(self.kind(), day)
        # Today when it is in the period: a change of kind then lands on today's week or
        # month; otherwise the day asked for (never a day after today).
        self.anchor = self.today if start <= self.today <= end else min(day, self.today)
        self._fill_lists()
        self._show_span()
        self.chosen.emit(*span_of(self.kind(), self.anchor))

    def _fill_lists(self) -> None:
        """The year, and the months, quarters and weeks of it up to today, the anchor's
        chosen; signals held back (this is the chooser's own doing, not a choice)."""
        widgets = (self.year, self.month, self.quarter, self.week)
        for widget in widgets:
            widget.blockSignals(True)
        year = self.anchor.year
        self.year.set_year(year)
        last_month = self.today.month if year == self.today.year else 12
        self._refill(self.month, [(m, f"{m}月") for m in range(1, last_month + 1)])
        self.month.setCurrentIndex(self.anchor.month - 1)
        last_quarter = (last_month - 1) // 3 + 1
        self._refill(self.quarter, list(enumerate(QUARTER_NAMES[:last_quarter], 1)))
        self.quarter.setCurrentIndex((self.anchor.month - 1) // 3)
        mondays = self._mondays(year)
        self._refill(self.week, [(m, week_text(m)) for m in mondays])
        anchor_monday, _ = span_of(WEEK, self.anchor)
        if anchor_monday in mondays:
            self.week.setCurrentIndex(mondays.index(anchor_monday))
        for widget in widgets:
            widget.blockSignals(False)

    def _mondays(self, year: int) -> list[date]:
        """The weeks with a day in `year`, up to the week of today."""
        monday, _ = span_of(WEEK, date(year, 1, 1))
        last = min(date(year, 12, 31), self.today)
        mondays = []
        while monday <= last:
            mondays.append(monday)
            monday += timedelta(days=7)
        return mondays

    @staticmethod
    def _refill(box: QComboBox, choices: list[tuple[object, str]]) -> None:
        if [(box.itemData(i), box.itemText(i)) for i in range(box.count())] == choices:
            return
        box.clear()
        for code, text in choices:
            box.addItem(text, code)

    def _kind_changed(self, *_: object) -> None:
        kind = self.kind()
        if kind == CUSTOM:
            # The dates start as the period shown until now, ready to be changed.
            previous = self._shown_span
            self.start.setDate(to_qdate(previous[0]))
            self.end.setDate(to_qdate(previous[1]))
            self._show_kind()
            return
        self._show_kind()
        self._move_to(self.anchor)

    def _year_changed(self, *_: object) -> None:
        year = self.year.year()
        day = self.anchor
        # The same day of the other year (29 February: the 28th), never after today.
        moved = day.replace(year=year, day=min(day.day, 28 if day.month == 2 else day.day))
        self._move_to(min(moved, self.today))

    def _part_changed(self, *_: object) -> None:
        kind = self.kind()
        year = self.year.year()
        if kind == MONTH and self.month.currentIndex() >= 0:
            self._move_to(date(year, int(self.month.currentData()), 1))
        elif kind == QUARTER and self.quarter.currentIndex() >= 0:
            self._move_to(date(year, (int(self.quarter.currentData()) - 1) * 3 + 1, 1))
        elif kind == WEEK and self.week.currentIndex() >= 0:
            monday = self.week.currentData()
            assert isinstance(monday, date)
            # A week running into the year is kept under the year picked.
            self._move_to(max(monday, date(year, 1, 1)))

    # ------------------------------------------------------------ what is shown

    def _show_kind(self) -> None:
        kind = self.kind()
        custom = kind == CUSTOM
        self.year_cell.setVisible(not custom)
        self.month_cell.setVisible(kind == MONTH)
        self.quarter_cell.setVisible(kind == QUARTER)
        self.week_cell.setVisible(kind == WEEK)
        for widget in (self.start_cell, self.end_cell, *self.custom_buttons):
            widget.setVisible(custom)
        for widget in (self.earlier, self.later, self.span):
            widget.setVisible(not custom)
        if not custom:
            before, after = STEP_NAMES[kind]
            self.earlier.setText(before)
            self.later.setText(after)
            for pushed, words in ((self.earlier, before), (self.later, after)):
                pushed.setAccessibleName(words)
        self._show_span()
        self._check_dates()
        self._order_tabs()

    def _show_span(self) -> None:
        kind = self.kind()
        if kind == CUSTOM:
            return
        start, end = span_of(kind, self.anchor)
        self._shown_span = (start, end)
        name = self.near_name()
        self.span.setText(f"{day_text(start)}至{day_text(end)}" + (f"（{name}）" if name else ""))
        self.earlier.setEnabled(start > date(FIRST_YEAR, 1, 1))
        self.later.setEnabled(end < self.today)

    def _check_dates(self, *_: object) -> None:
        start, end = from_qdate(self.start.date()), from_qdate(self.end.date())
        if self.kind() != CUSTOM or start <= end:
            self.problem.clear_message()
            return
        month_end = span_of(MONTH, start)[1]
        first, last, example = (keep_together(day_text(d)) for d in (start, end, month_end))
        self.problem.show_message(
            f"结束日期{last}早于开始日期{first}。结束日期应是开始日期当天或以后，"
            f"例如从{first}至{example}。"
        )

    def _order_tabs(self) -> None:
        """Tab follows the row as shown: kind, year, its part, the dates, the buttons."""
        chain_tab_order(
            [
                self.kind_box,
                self.year,
                self.month,
                self.quarter,
                self.week,
                self.start,
                self.end,
                *self._row_buttons(),
            ]
        )

    def _row_buttons(self) -> list[QWidget]:
        items = (self.row.itemAt(i) for i in range(self.row.count()))
        widgets = [item.widget() for item in items if item is not None]
        return [w for w in widgets if isinstance(w, QPushButton)]


__all__ = ["CUSTOM", "MONTH", "QUARTER", "WEEK", "YEAR", "PeriodChooser", "span_of"]
