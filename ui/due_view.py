"""待办 in the main window: what is late, and what falls due within 7 days, most urgent first.

It sits above the case list, between the main buttons and the search: the first thing seen on
start, without a tab or a menu to find. Each item is a row with its urgency in words ("⚠ 逾期9天",
"今天到期", "还有3天"; red for the late, never colour alone), the day, the case number, what is
due, and a "去办理" button that opens the case page at the tab where it is dealt with. Nothing
due: one friendly line. "收起待办" gives the room back to the case list; the summary line stays.

The window decides how tall the rows may be (`fit`): at 200% text on 1366×768 the case list
must still show its header and a row or two.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.deadlines import DueItem
from app.domain.schedule import cn_date
from app.views import Changed
from ui.operations import operation_bus
from ui.widgets import (
    LINE_HEIGHT_PERCENT,
    SpacedLabel,
    button,
    heading,
    hint,
    keep_together,
    notice,
    scroll_area,
)

if TYPE_CHECKING:  # the database layer loads after the window is on screen
    from app.services.database import Database

#: What "falls due soon" means here: within this many days.
HORIZON_DAYS = 7
#: Rows built at once; "再列出" adds as many again (a committee rarely has more than a few).
ROWS_AT_ONCE = 30

NOTHING_DUE = f"✔ 待办：没有逾期的事，今后{HORIZON_DAYS}天内也没有到期的事。"


def urgency_text(item: DueItem, today: date) -> str:
    """How urgent, in words: colour only repeats it."""
    if item.overdue:
        return f"⚠ 逾期{item.days_late}天"
    if item.on <= today:
        return "今天到期"
    return f"还有{(item.on - today).days}天"


def day_text(day: date, today: date) -> str:
    """When it falls due, "11月24日到期"; the year only when it is not this year's."""
    shown = f"{day.month}月{day.day}日" if day.year == today.year else cn_date(day)
    return f"{shown}到期"


def what_text(what: str) -> str:
    """The item's line with its closing "（逾期9天）" never broken inside."""
    head, bracket, tail = what.rpartition("（")
    if not bracket or len(tail) > 12:
        return what
    return head + keep_together(bracket + tail)


def summary_text(items: list[DueItem]) -> str:
    late = sum(1 for i in items if i.overdue)
    if late == len(items):
        return f"待办{len(items)}项，都已经逾期"
    if late:
        return f"待办{len(items)}项，其中{late}项已经逾期"
    return f"待办{len(items)}项，都还没有逾期"


class DueText(SpacedLabel):
    """Words in bold, then plain words, in one wrapped paragraph spaced 1.5× (escaped)."""

    def __init__(self, bold: str, rest: str) -> None:
        super().__init__()
        self._plain = f"{bold}　{rest}"
        self.setText(
            f'<div style="line-height:{LINE_HEIGHT_PERCENT}%"><b>{escape(bold)}</b>'
            f"　{escape(rest)}</div>"
        )


class DueRow(QGroupBox):
    """One item: urgency and day on the left, case and what is due, then "去办理"."""

    def __init__(self, item: DueItem, today: date) -> None:
        super().__init__()
        self.item = item
        # Short, never wrapped: their whole width is always given (the column is aligned).
        self.urgency = QLabel(urgency_text(item, today))
        self.urgency.setProperty("error" if item.overdue else "bold", True)
        self.day = QLabel(day_text(item.on, today))
        self.day.setProperty("hint", True)
        self.left = QWidget()
        left = QVBoxLayout(self.left)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(2)
        left.addWidget(self.urgency)
        left.addWidget(self.day)
        left.addStretch(1)

        # One flowing text, the case and the kind in bold: two lines at 200%, not three.
        self.text = DueText(f"{item.case_number}　{item.kind.label}", what_text(item.what))

        self.go_button = button("去办理")
        self.go_button.setAccessibleName(f"去办理：{item.case_number}，{item.kind.label}")
        self.go_button.setToolTip("打开这个案件，到办理这件事的那一页")

        row = QHBoxLayout(self)
        row.setContentsMargins(10, 0, 10, 0)  # the frame's own padding is around it
        row.setSpacing(16)
        row.addWidget(self.left, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)
        row.addWidget(self.go_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def left_width(self) -> int:
        return max(self.urgency.sizeHint().width(), self.day.sizeHint().width())


class DueView(QWidget):
    """The 待办 panel. `open_requested(case_id, tab)` asks the window to open a case page."""

    open_requested = Signal(int, str)
    #: The rows were built again: the buttons in the Tab order changed.
    rebuilt = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db: Database | None = None
        self.today = date.today()
        self.items: list[DueItem] = []
        self.rows: list[DueRow] = []
        self.expanded = True
        self._limit = ROWS_AT_ONCE
        self._room: int | None = None

        self.summary = heading("")
        self.toggle_button = button("收起待办")
        self.toggle_button.setToolTip("把待办收起来，让下面的案件列表多显示几行；随时可以再显示")
        self.toggle_button.clicked.connect(self.toggle)
        self.empty_label = notice(NOTHING_DUE, "ok")
        self.empty_label.setAccessibleName("待办")
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.toggle_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.rows_box = QWidget()
        self.rows_column = QVBoxLayout(self.rows_box)
        self.rows_column.setContentsMargins(0, 0, 0, 0)
        self.rows_column.setSpacing(6)
        self.more_label = hint("")
        self.more_button = button("再列出")
        self.more_button.clicked.connect(self.show_more)
        self.more_button.installEventFilter(self)
        self.more_box = QWidget()
        more = QHBoxLayout(self.more_box)
        more.setContentsMargins(0, 0, 0, 0)
        more.addWidget(self.more_label, 1)
        more.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.area = scroll_area(self.rows_box)
        self.area.setAccessibleName("待办")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.area)
        self._show_state()
        operation_bus().operation_done.connect(self._operation_done)

    # ------------------------------------------------------------ reading

    def set_database(self, db: Database) -> None:
        self.db = db
        self.refresh()

    def refresh(self) -> None:
        """Read the list again. A direct call on the window's thread: `due_items` is three
        queries over the open cases, at most about 100 ms on 10,000 cases, so the window
        never freezes noticeably and needs no worker thread for it."""
        if self.db is None:
            return
        from app.services.due import due_items

        self.today = date.today()
        self.items = due_items(self.db, self.today, horizon_days=HORIZON_DAYS)
        self._build()

    def _operation_done(self, changed: Changed, origin: object) -> None:
        if changed.due or changed.everything or changed.cases:
            self.refresh()

    # ------------------------------------------------------------ rows

    def _build(self) -> None:
        focused = QApplication.focusWidget()
        was_on = next((i for i, r in enumerate(self.rows) if focused is r.go_button), None)
        while self.rows_column.count():
            entry = self.rows_column.takeAt(0)
            widget = entry.widget() if entry is not None else None
            if widget is not None and widget is not self.more_box:
                widget.setParent(None)
                widget.deleteLater()
        self.rows = []
        for item in self.items[: self._limit]:
            row = DueRow(item, self.today)
            row.go_button.clicked.connect(
                lambda _=False, i=item: self.open_requested.emit(i.case_id, i.tab)
            )
            row.go_button.installEventFilter(self)
            self.rows.append(row)
            self.rows_column.addWidget(row)
        rest = len(self.items) - len(self.rows)
        if rest > 0:
            more = min(ROWS_AT_ONCE, rest)
            self.more_label.set_text(f"还有{rest}项没有列出。")
            self.more_button.setText(f"再列出{more}项")
            self.more_button.setAccessibleName(f"再列出{more}项待办")
            self.rows_column.addWidget(self.more_box)
            self.more_box.show()
        else:
            self.more_box.hide()
        self.rows_column.addStretch(1)
        self._align()
        self._show_state()
        self.rebuilt.emit()
        if was_on is not None:
            # The row pressed may be gone (done): stay near where the person was.
            target = (
                self.rows[min(was_on, len(self.rows) - 1)].go_button
                if self.rows
                else self.toggle_button
            )
            if target.isVisible():
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _align(self) -> None:
        """The urgency column equally wide in every row, as wide as its longest words."""
        width = max((r.left_width() for r in self.rows), default=0)
        for row in self.rows:
            row.left.setMinimumWidth(width)

    def show_more(self) -> None:
        self._limit += ROWS_AT_ONCE
        self._build()
        self.fit(self._room)

    def buttons(self) -> list[QPushButton]:
        """The buttons of the view in the order they are on screen (for the Tab order)."""
        shown: list[QPushButton] = []
        if self.items:
            shown.append(self.toggle_button)
            if self.expanded:
                shown += [r.go_button for r in self.rows]
                if len(self.items) > len(self.rows):
                    shown.append(self.more_button)
        return shown

    # ------------------------------------------------------------ showing and hiding

    def toggle(self) -> None:
        self.expanded = not self.expanded
        self._show_state()
        self.rebuilt.emit()

    def _show_state(self) -> None:
        anything = bool(self.items)
        self.empty_label.setVisible(self.db is not None and not anything)
        self.summary.setVisible(anything)
        self.toggle_button.setVisible(anything)
        self.area.setVisible(anything and self.expanded)
        if anything:
            self.summary.set_text(summary_text(self.items))
            words = "收起待办" if self.expanded else "显示待办"
            self.toggle_button.setText(words)
            self.toggle_button.setAccessibleName(words)

    def list_shown(self) -> bool:
        return bool(self.items) and self.expanded

    # ------------------------------------------------------------ height

    def header_height(self, width: int) -> int:
        """The view's height without its rows: the summary line (or the friendly line)."""
        layout = self.layout()
        assert layout is not None
        height = 0
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is None or item.isEmpty() or item.widget() is self.area:
                continue
            hfw = item.hasHeightForWidth()
            height += item.heightForWidth(width) if hfw else item.sizeHint().height()
        if self.area.isVisibleTo(self):
            height += layout.spacing()
        return height

    def needed_height(self) -> int:
        """How tall all the built rows are at the width the list has now."""
        frame = 2 * self.area.frameWidth()
        width = max(1, self.area.width() - frame)
        self.rows_box.ensurePolished()
        return self.rows_box.heightForWidth(width) + frame

    def first_row_height(self) -> int:
        if not self.rows:
            return 0
        frame = 2 * self.area.frameWidth()
        width = max(1, self.area.width() - frame - self.area.verticalScrollBar().sizeHint().width())
        return self.rows[0].heightForWidth(width) + frame

    def fit(self, room: int | None) -> bool:
        """Be as tall as the rows, but no taller than `room`; True when the height changed."""
        self._room = room
        needed = self.needed_height()
        height = max(1, needed if room is None else min(needed, room))
        if height == self.area.height() and self.area.minimumHeight() == height:
            return False
        self.area.setFixedHeight(height)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            # Reached with Tab or Shift+Tab from outside the list too: scrolled into sight.
            row = watched.parentWidget()
            self.area.ensureWidgetVisible(row if row is not None else watched, 0, 0)
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # The labels take the new size first (and their bold from the style sheet).
            QTimer.singleShot(0, self, self._align)
