"""The case table: whole text in every cell (wrapped, never cut), an "打开" button on each row.

Columns are fitted to the window by hand: Qt's stretch modes either cut text or scroll sideways
at large text sizes, which the volunteers must never meet.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ui import style
from ui.case_table_model import (
    CASE_ID_ROLE,
    COLUMNS,
    NUMBER,
    OPEN,
    OPEN_TEXT,
    PARTIES,
    TIER,
    TITLE,
    TYPE,
    CaseTableModel,
)

#: Room around cell text, and the smallest comfortable "打开" button (rule: ≥ 44×44 px).
CELL_PADDING = 10
#: The grid line the table draws takes one pixel of each cell: text is laid out without it.
GRID_LINE = 1
CELL_PADDING_TOP = 5
BUTTON_MARGIN = 4
MIN_BUTTON = 44
#: At most this many rows are measured when fitting columns (enough to see the long ones).
MEASURED_ROWS = 400
#: Line spacing of wrapped cell text (rule: at least 1.3×).
LINE_SPACING = 1.35
#: Columns left out, in this order, when even wrapped text cannot fit (200% on 1366 px).
DROPPABLE = (TYPE, TIER)


WORD_JOINER = "\u2060"


def keep_together(column: int, text: str) -> str:
    """Mark where a line may break: between names (not inside one), and before "第" of a
    case number. A part longer than the whole line still breaks wherever it must."""
    if column == PARTIES:
        return "、".join(WORD_JOINER.join(name) for name in text.split("、"))
    if column == NUMBER and "第" in text:
        head, _, tail = text.partition("第")
        return WORD_JOINER.join(head) + WORD_JOINER.join("第" + tail)
    if column == TITLE and len(text) >= 4:
        # Never one character alone on the last line ("…拖欠工资纠/纷").
        return text[:-2] + WORD_JOINER + text[-2] + WORD_JOINER + text[-1]
    return text


class WrappedTextDelegate(QStyledItemDelegate):
    """Cell text wrapped onto as many lines as it needs, with 1.35× line spacing.

    Qt's own wrapping packs lines tightly; older readers lose their place between lines.
    """

    @staticmethod
    def layout(text: str, font: QFont, width: int) -> tuple[QTextLayout, float]:
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        y = 0.0
        last = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1, width))
            line.setPosition(QPointF(0, y))
            last = line.height()
            y += last * LINE_SPACING
        layout.endLayout()
        # The block ends with the last line itself, not with the gap after it.
        return layout, y - last * (LINE_SPACING - 1)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        text = keep_together(index.column(), item.text)
        item.text = ""
        widget = item.widget
        view_style = widget.style() if widget is not None else QApplication.style()
        # Background, alternating colour and selection as usual; the text comes next.
        view_style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        cell: QRect = item.rect
        area = cell.adjusted(CELL_PADDING, 0, -CELL_PADDING, 0)
        layout, height = self.layout(text, item.font, area.width())
        top = area.top() + (area.height() - height) / 2
        painter.save()
        painter.setClipRect(cell)
        painter.setPen(item.palette.color(QPalette.ColorRole.Text))
        layout.draw(painter, QPointF(area.left(), top))
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        text = keep_together(index.column(), str(index.data() or ""))
        font: QFont = option.font
        natural = QFontMetrics(font).horizontalAdvance(text)
        given = option.rect.width() - 2 * CELL_PADDING - GRID_LINE
        width = given if given > 0 else natural
        _layout, height = self.layout(text, font, width)
        return QSize(natural + 2 * CELL_PADDING, round(height) + 2 * CELL_PADDING_TOP)


class OpenButtonDelegate(QStyledItemDelegate):
    """Paints the "打开" column as a button; a plain click on it opens the case."""

    clicked = Signal(int)

    @staticmethod
    def button_rect(option: QStyleOptionViewItem) -> QRect:
        """The button, centred in its cell: a tall wrapped row does not make a tall button."""
        cell: QRect = option.rect
        wanted = max(MIN_BUTTON, option.fontMetrics.height() + 12)
        height = min(cell.height() - 2 * BUTTON_MARGIN, wanted)
        top = cell.center().y() - height // 2
        return QRect(cell.x() + BUTTON_MARGIN, top, cell.width() - 2 * BUTTON_MARGIN, height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = self.button_rect(option)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:  # the chosen row's button is the one to press: make it the main action
            fill, border, text = QColor(style.ACCENT), QColor(style.ACCENT), QColor("#ffffff")
        else:
            fill, border, text = QColor("#ececec"), QColor(style.BORDER), QColor(style.TEXT)
        painter.setPen(QPen(border, 2))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 6, 6)
        painter.setPen(text)
        font = option.font
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), OPEN_TEXT)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        metrics = option.fontMetrics
        width = max(MIN_BUTTON, metrics.horizontalAdvance(OPEN_TEXT) + 2 * 18)
        height = max(MIN_BUTTON, metrics.height() + 12)
        return QSize(width + 2 * BUTTON_MARGIN, height + 2 * BUTTON_MARGIN)

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and self.button_rect(option).contains(event.position().toPoint())
        ):
            self.clicked.emit(int(index.data(CASE_ID_ROLE)))
            return True
        return super().editorEvent(event, model, option, index)


class CaseTable(QTableView):
    """The case list view: open by the row's button, a double-click, or Enter."""

    open_requested = Signal(int)
    #: Names of the columns left out because the text is too large for the window.
    columns_hidden = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Columns are fitted to the width; the bar only appears on screens far below 1366 px.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Always shown: its width never comes and goes, so the columns fit once and stay put.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setTabKeyNavigation(False)  # Tab leaves the table, like every other field
        self.setAccessibleName("案件列表")
        self.verticalHeader().hide()
        # Row heights are set here from the wrapped text (see `fit_rows`): Qt's ResizeToContents
        # measures every cell of every row again on each change (1.3 s at start-up, measured).
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.text_delegate = WrappedTextDelegate(self)
        self.setItemDelegate(self.text_delegate)
        self.open_delegate = OpenButtonDelegate(self)
        self.setItemDelegateForColumn(OPEN, self.open_delegate)
        self.open_delegate.clicked.connect(self.open_requested)
        self.doubleClicked.connect(self._open_index)
        self._fitting = False
        #: What the columns were last fitted to; the same again needs no work.
        self._fitted_for: tuple[object, ...] | None = None
        self.hidden_names: list[str] = []
        # The header's bold font is set by the style sheet and may change after the table's.
        header.installEventFilter(self)
        self.update_row_heights()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.horizontalHeader() and event.type() == QEvent.Type.FontChange:
            self.refit()
        return super().eventFilter(watched, event)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self.refit)
            model.rowsInserted.connect(self._rows_inserted)
        self.refit()

    def refit(self) -> None:
        """Fit columns and rows again whatever was fitted before (new rows, new font)."""
        self._fitted_for = None
        self.fit_columns()

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if first >= MEASURED_ROWS:  # the columns were measured on earlier rows: keep them
            self.fit_rows(first, last)
        else:
            self.refit()

    def case_model(self) -> CaseTableModel | None:
        model = self.model()
        return model if isinstance(model, CaseTableModel) else None

    def selected_case_id(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if not rows:
            return None
        return int(rows[0].data(CASE_ID_ROLE))

    def select_case(self, case_id: int) -> bool:
        model = self.case_model()
        row = model.row_of_case(case_id) if model else None
        if row is None:
            return False
        self.selectRow(row)
        self.scrollTo(self.model().index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(CASE_ID_ROLE)))

    def current_case_id(self) -> int | None:
        """The chosen row's case: the selected one, else the row the keyboard is on."""
        case_id = self.selected_case_id()
        if case_id is not None:
            return case_id
        index = self.currentIndex()
        return int(index.data(CASE_ID_ROLE)) if index.isValid() else None

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Tabbed into: the row Enter would open is highlighted, not only dotted round. (Not on
        # a click: the clicked row is the one to choose, and nothing may scroll under it.)
        keyboard = (
            Qt.FocusReason.TabFocusReason,
            Qt.FocusReason.BacktabFocusReason,
            Qt.FocusReason.ShortcutFocusReason,
        )
        model = self.model()
        if event.reason() not in keyboard or model is None or model.rowCount() == 0:
            return
        if self.selectionModel().hasSelection():
            return
        index = self.currentIndex()
        self.selectRow(index.row() if index.isValid() else 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            case_id = self.current_case_id()
            if case_id is not None:
                self.open_requested.emit(case_id)
                return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ sizes

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.update_row_heights()
            self.refit()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self.fit_columns()

    def update_row_heights(self) -> None:
        """Rows at least a line + 8 px, and tall enough for the "打开" button."""
        metrics = self.fontMetrics()
        smallest = max(metrics.height() + 8, MIN_BUTTON + 2 * BUTTON_MARGIN)
        vertical = self.verticalHeader()
        # The default minimum would clamp the rows at large text sizes; set both.
        vertical.setMinimumSectionSize(smallest)
        vertical.setDefaultSectionSize(smallest)

    def fit_columns(self) -> None:
        """Give every column its text's width; if the window is too narrow, wrap the widest."""
        model = self.case_model()
        if model is None or self._fitting:
            return
        fitted_for = (self.viewport().width(), self.font().key(), model.rowCount())
        if fitted_for == self._fitted_for:
            return  # resize events repeat at start-up; the answer would be the same
        self._fitting = True
        try:
            widths = self._column_widths(model)
            for column, width in enumerate(widths):
                if width:
                    self.setColumnWidth(column, width)
            self.fit_rows(0, model.rowCount() - 1)
            self._fitted_for = (self.viewport().width(), self.font().key(), model.rowCount())
        finally:
            self._fitting = False

    def fit_rows(self, first: int, last: int) -> None:
        """Each row as tall as its most wrapped cell (never less than a line and the button)."""
        model = self.case_model()
        if model is None:
            return
        font = self.font()
        metrics = QFontMetrics(font)
        smallest = self.verticalHeader().defaultSectionSize()
        room = {
            # As painted: the grid line comes off the cell, so a line 1 px too long wraps.
            column: self.columnWidth(column) - 2 * CELL_PADDING - GRID_LINE
            for column in range(len(COLUMNS))
            if column != OPEN and not self.isColumnHidden(column)
        }
        for row in range(first, last + 1):
            case_row = model.row(row)
            height = smallest
            for column, width in room.items():
                text = keep_together(column, model.text(case_row, column))
                if metrics.horizontalAdvance(text) <= width:
                    continue  # one line: the smallest row holds it
                _layout, needed = WrappedTextDelegate.layout(text, font, width)
                height = max(height, round(needed) + 2 * CELL_PADDING_TOP)
            if self.rowHeight(row) != height:
                self.setRowHeight(row, height)

    def _column_widths(self, model: CaseTableModel) -> list[int]:
        """Widths of all columns; 0 for a column that must make room at very large text."""
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        rows = [model.row(row) for row in range(min(model.rowCount(), MEASURED_ROWS))]
        natural: list[int] = []
        smallest: list[int] = []
        for column in range(len(COLUMNS)):
            head = header.sectionSizeFromContents(column).width() + 4
            if column == OPEN:
                option = QStyleOptionViewItem()
                option.initFrom(self)
                width = max(head, self.open_delegate.sizeHint(option, QModelIndex()).width())
                natural.append(width)
                smallest.append(width)
                continue
            texts = {model.text(row, column) for row in rows}  # repeated words measured once
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            # +2: advances are rounded; without the slack a date could wrap its last character.
            natural.append(max(head, widest + 2 * CELL_PADDING + 2))
            if column == NUMBER:  # two lines at most, broken before "第": "（2026）飞人调字/第12号"
                parts = {part for text in texts for part in text.partition("第")[::2]}
                halves = max((metrics.horizontalAdvance(p) for p in parts), default=0)
                least = halves + metrics.horizontalAdvance("第") + 2 * CELL_PADDING + 2
            elif column == TITLE:  # long texts wrap, but keep enough per line to read easily
                least = metrics.horizontalAdvance("崔某与莫某房屋") + 2 * CELL_PADDING
            elif column == PARTIES:
                least = metrics.horizontalAdvance("欧阳秀英、") + 2 * CELL_PADDING
            elif column in (TYPE, TIER):  # "移交社区以外" may take two lines of four
                least = metrics.horizontalAdvance("移交社区") + 2 * CELL_PADDING + 2
            else:  # short words (状态, dates) stay whole on one line
                least = natural[-1]
            smallest.append(min(natural[-1], max(head, least)))
        available = self.viewport().width()
        if available <= 0:
            return natural
        # At very large text sizes the least important columns make room (their facts are on
        # the case page); text is never cut instead.
        hidden: list[int] = []
        for column in DROPPABLE:
            if sum(w for c, w in enumerate(smallest) if c not in hidden) <= available:
                break
            hidden.append(column)
        for column in hidden:
            natural[column] = smallest[column] = 0
        self._set_hidden(hidden)
        if sum(natural) <= available:
            spare = available - sum(natural)
            # Spare room goes to the long texts, so they stay on one line when they can.
            natural[TITLE] += spare * 3 // 5
            natural[PARTIES] += spare - spare * 3 // 5
            return natural
        return _cap_widest(natural, smallest, available)

    def _set_hidden(self, hidden: list[int]) -> None:
        for column in range(len(COLUMNS)):
            self.setColumnHidden(column, column in hidden)
        names = [COLUMNS[c][0] for c in hidden]
        if names != self.hidden_names:
            self.hidden_names = names
            self.columns_hidden.emit(names)


def _cap_widest(natural: list[int], smallest: list[int], available: int) -> list[int]:
    """Lower one cap over all columns until they fit: the widest give up room first.

    The two long texts share the room in proportion to their length: the names of the
    dispute and of the parties then wrap onto about as many lines as each other, instead of
    the title alone running to five short lines (measured at 150%).
    """
    shorter = max(1, min(natural[TITLE], natural[PARTIES]))
    weights = {TITLE: natural[TITLE] / shorter, PARTIES: natural[PARTIES] / shorter}

    def fitted(cap: int) -> list[int]:
        return [
            min(n, max(s, round(cap * weights.get(column, 1))))
            for column, (n, s) in enumerate(zip(natural, smallest, strict=True))
        ]

    low, high = 0, max(natural)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(fitted(middle)) <= available:
            low = middle
        else:
            high = middle - 1
    widths = fitted(low)
    leftover = available - sum(widths)
    if leftover > 0:  # rounding leftovers: give them to the title column
        widths[1] += leftover
    return widths
