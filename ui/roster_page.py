"""调解员名册: every mediator with where they stand today, and what the committee lacks.

The table shows 姓名, 类别, 性别, 年龄, 住址 (小区楼栋单元, never the room: the list is seen by
whoever stands at the desk), 擅长, 在办/上限 and 状态 in words (在岗可抽选, 不在岗, 外出至…,
已达上限). Each row has an "打开" button for the mediator's record; a double-click or Enter
does the same. Above it: the composition rules of art. 8 the committee falls short of, as a
yellow notice, and 新增调解员 / 修改 / 停用 (or 恢复在岗) / 查看工作记录.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import (
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
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import DisputeType
from app.domain.values import age_on
from app.services.database import Database
from app.services.mediators import composition_warnings, elder_categories, roster_rows
from app.services.mediators import set_mediator_active as set_active
from app.views import Changed, MediatorView, RosterRow
from ui import messages
from ui.case_table import (
    BUTTON_MARGIN,
    CELL_PADDING,
    CELL_PADDING_TOP,
    GRID_LINE,
    MIN_BUTTON,
    OpenButtonDelegate,
    WrappedTextDelegate,
)
from ui.case_table_model import CASE_ID_ROLE, OPEN_TEXT
from ui.operations import operation_bus, run_operation
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    WORD_JOINER,
    SpacedLabel,
    button,
    chain_tab_order,
    combo,
    heading,
    hint,
    notice,
)

COLUMNS = ("姓名", "类别", "性别", "年龄", "住址", "擅长", "在办/上限", "状态", "")
NAME, CATEGORY, SEX, AGE, ADDRESS, SPECIALTIES, LOAD, STATUS, OPEN = range(len(COLUMNS))
#: Columns whose text may wrap (between its parts: 小区 / 楼 / 单元, one kind of dispute).
WRAPPING = (ADDRESS, SPECIALTIES, STATUS)
#: Left out, in this order, when even wrapped text cannot fit (200% on 1366 px); the
#: mediator's record shows them.
DROPPABLE = (SEX, AGE, ADDRESS)
#: The "打开" button delegate of the case list reads the row's id from this role.
MEDIATOR_ID_ROLE = CASE_ID_ROLE
AVAILABLE_TEXT = "在岗可抽选"
ALL = ""
AVAILABLE, INACTIVE = "available", "inactive"
#: As wide as the screen allows: the roster is a table, wider than a form.
PAGE_WIDTH = 1920
DEACTIVATE_CONSEQUENCE = "停用后不会再被抽选，已办案件的记录不受影响"

# A plain yellow notice (words first, colour repeats them): text 12:1, border 3.9:1.
WARNING_SHEET = (
    "QFrame#composition { background: #fff3c4; border: 2px solid #8f6a00; border-radius: 6px; }"
    " QFrame#composition QLabel { color: #3d2e00; background: transparent; border: none; }"
)


def joined(parts: list[str]) -> str:
    """Parts that never break inside ("婚姻家庭、"), with a break allowed between them."""
    return "".join(WORD_JOINER.join(p) for p in parts)


def row_parts(row: RosterRow, today: date) -> list[list[str]]:
    """Each cell as the parts a line may break between: 小区 / 楼 / 单元, one kind of
    dispute, "已达上限" / "（5件在办）". A part is never broken while the column allows it."""
    m = row.mediator
    place = m.place
    kinds = [s.label for s in m.specialties]
    why = row.unavailable or AVAILABLE_TEXT
    head, bracket, tail = why.partition("（")
    cells = [
        [m.name],
        [m.elder_category_label],
        [m.sex.label if m.sex else ""],
        [f"{age_on(m.birth_date, today)}岁" if m.birth_date else ""],
        [place.compound, place.building, place.unit],
        [f"{kind}、" for kind in kinds[:-1]] + kinds[-1:],
        [f"{row.open_cases}/{row.limit}"],
        [head, bracket + tail],
        [OPEN_TEXT],
    ]
    return [[part for part in cell if part] for cell in cells]


class WarningNotice(QFrame):
    """What art. 8 asks for and the committee lacks, in a yellow frame; "收起" folds it to
    one line, for the table's sake at the largest text (it stays folded until "展开")."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("composition")
        self.setStyleSheet(WARNING_SHEET)
        self.setAccessibleName("调解委员会组成的提醒")
        self.folded = False
        self.warnings: list[str] = []
        self.label = SpacedLabel("")
        self.toggle = button("收起")
        self.toggle.clicked.connect(lambda: self.set_folded(not self.folded))
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(12)
        row.addWidget(self.label, 1, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_warnings(self, warnings: list[str]) -> None:
        self.warnings = warnings
        self._show()
        self.setVisible(bool(warnings))

    def set_folded(self, folded: bool) -> None:
        self.folded = folded
        self._show()

    def _show(self) -> None:
        if self.folded:
            text = f"⚠ 调解委员会的组成有{len(self.warnings)}处不合人民调解法第八条的要求。"
        else:
            text = "\n".join(f"⚠ {warning}" for warning in self.warnings)
        self.label.set_text(text)
        self.toggle.setText("展开" if self.folded else "收起")
        self.toggle.setAccessibleName(f"{self.toggle.text()}调解委员会组成的提醒")
        self.toggle.setToolTip(
            "看看委员会的组成哪里不合要求" if self.folded else "把提醒收成一行，让名册多显示几行"
        )

    def plain_text(self) -> str:
        return self.label.plain_text()


class TextDelegate(QStyledItemDelegate):
    """Cell text wrapped between its parts, lines 1.35× apart (as the case list's cells)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        text = item.text
        item.text = ""
        widget = item.widget
        view_style = widget.style() if widget is not None else QApplication.style()
        view_style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        cell: QRect = item.rect
        area = cell.adjusted(CELL_PADDING, 0, -CELL_PADDING, 0)
        layout, height = WrappedTextDelegate.layout(text, item.font, area.width())
        painter.save()
        painter.setClipRect(cell)
        painter.setPen(item.palette.color(QPalette.ColorRole.Text))
        layout.draw(painter, QPointF(area.left(), area.top() + (area.height() - height) / 2))
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        text = str(index.data() or "")
        font: QFont = option.font
        natural = QFontMetrics(font).horizontalAdvance(text)
        given = option.rect.width() - 2 * CELL_PADDING - GRID_LINE
        _layout, height = WrappedTextDelegate.layout(text, font, given if given > 0 else natural)
        return QSize(natural + 2 * CELL_PADDING, round(height) + 2 * CELL_PADDING_TOP)


class RosterTable(QTableView):
    """The roster: whole text in every cell, an "打开" button on each row."""

    open_requested = Signal(int)
    #: Names of the columns left out because the text is too large for the window.
    columns_hidden = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RosterRow] = []
        #: Per row and column, the parts of the cell's text (see `row_parts`).
        self.parts: list[list[list[str]]] = []
        self.hidden_names: list[str] = []
        self._fitting = False
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Always shown: the columns are fitted once to a width that does not come and go.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setTabKeyNavigation(False)  # Tab leaves the table, like every other field
        self.setAccessibleName("调解员名册")
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionsClickable(False)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table_model = QStandardItemModel(0, len(COLUMNS), self)
        self.table_model.setHorizontalHeaderLabels(list(COLUMNS))
        self.setModel(self.table_model)
        self.setItemDelegate(TextDelegate(self))
        self.open_delegate = OpenButtonDelegate(self)
        self.setItemDelegateForColumn(OPEN, self.open_delegate)
        self.open_delegate.clicked.connect(self.open_requested)
        self.doubleClicked.connect(self._open_index)
        # The header's bold font comes from the style sheet, possibly after the table's.
        header.installEventFilter(self)
        self.update_row_heights()

    # ------------------------------------------------------------ rows

    def show_rows(self, rows: list[RosterRow], today: date) -> None:
        keep = self.selected_id()
        self.rows = rows
        self.parts = [row_parts(row, today) for row in rows]
        model = self.table_model
        model.setRowCount(0)
        for row, cells in zip(rows, self.parts, strict=True):
            items = [QStandardItem(joined(parts)) for parts in cells]
            for item in items:
                item.setEditable(False)
                item.setData(row.mediator.id, MEDIATOR_ID_ROLE)
            spoken = f"打开{row.mediator.name}的工作记录"
            items[OPEN].setData(spoken, Qt.ItemDataRole.AccessibleTextRole)
            model.appendRow(items)
        self.fit()
        if keep is not None:
            self.select_mediator(keep)

    def row_of(self, mediator_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.mediator.id == mediator_id), None)

    def selected_id(self) -> int | None:
        """The selected row's mediator (the keyboard selects the row it comes to)."""
        selection = self.selectionModel()
        chosen = selection.selectedRows() if selection is not None else []
        return int(chosen[0].data(MEDIATOR_ID_ROLE)) if chosen else None

    def selected_row(self) -> RosterRow | None:
        wanted = self.selected_id()
        return next((r for r in self.rows if r.mediator.id == wanted), None)

    def select_mediator(self, mediator_id: int) -> bool:
        row = self.row_of(mediator_id)
        if row is None:
            return False
        self.selectRow(row)
        self.scrollTo(self.table_model.index(row, 0))
        return True

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(int(index.data(MEDIATOR_ID_ROLE)))

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # Tabbed into: the row Enter would open is highlighted, not only dotted round.
        keyboard = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        if event.reason() in keyboard and self.rows and not self.selectionModel().hasSelection():
            index = self.currentIndex()
            self.selectRow(index.row() if index.isValid() else 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            chosen = self.selected_id()
            if chosen is not None:
                self.open_requested.emit(chosen)
                return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ sizes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.horizontalHeader() and event.type() == QEvent.Type.FontChange:
            self.fit()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.update_row_heights()
            self.fit()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self.fit()

    def update_row_heights(self) -> None:
        """Rows at least a line + 8 px, and tall enough for the "打开" button."""
        line = self.fontMetrics().height()
        # The button is a line and 12 px tall (at least 44), with its margin above and below.
        smallest = max(line + 8, max(MIN_BUTTON, line + 12) + 2 * BUTTON_MARGIN)
        vertical = self.verticalHeader()
        # The default minimum would clamp the rows at large text sizes; set both.
        vertical.setMinimumSectionSize(smallest)
        vertical.setDefaultSectionSize(smallest)

    def fit(self) -> None:
        """Every column its text's width; when the window is too narrow the long texts wrap,
        and at the largest text the least needed columns make room. Never cut."""
        if self._fitting:
            return
        self._fitting = True
        try:
            natural, least = self._widths()
            available = self.viewport().width()
            hidden: list[int] = []
            for column in DROPPABLE:
                shown = sum(w for c, w in enumerate(least) if c not in hidden)
                if available <= 0 or shown <= available:
                    break
                hidden.append(column)
            for column in hidden:
                natural[column] = least[column] = 0
            widths = _share(natural, least, available)
            for column, width in enumerate(widths):
                self.setColumnHidden(column, column in hidden)
                if width:
                    self.setColumnWidth(column, width)
            names = [COLUMNS[c] for c in hidden]
            if names != self.hidden_names:
                self.hidden_names = names
                self.columns_hidden.emit(names)
            self._fit_rows()
        finally:
            self._fitting = False

    def _widths(self) -> tuple[list[int], list[int]]:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        option = QStyleOptionViewItem()
        option.initFrom(self)
        natural: list[int] = []
        least: list[int] = []
        for column in range(len(COLUMNS)):
            head = header.sectionSizeFromContents(column).width() + 4
            if column == OPEN:
                width = max(head, self.open_delegate.sizeHint(option, QModelIndex()).width())
                natural.append(width)
                least.append(width)
                continue
            texts = {self.table_model.item(r, column).text() for r in range(len(self.rows))}
            # +2: advances are rounded; without the slack the last character could wrap.
            pad = 2 * CELL_PADDING + GRID_LINE + 2
            widest = max((metrics.horizontalAdvance(t) for t in texts), default=0) + pad
            natural.append(max(head, widest))
            if column in WRAPPING:
                parts = {part for cells in self.parts for part in cells[column]}
                part = max((metrics.horizontalAdvance(p) for p in parts), default=0) + pad
                least.append(min(natural[-1], max(head, part)))
            else:
                least.append(natural[-1])
        return natural, least

    def _fit_rows(self) -> None:
        """Each row as tall as its most wrapped cell (never less than a line and the button)."""
        font = self.font()
        metrics = QFontMetrics(font)
        smallest = self.verticalHeader().defaultSectionSize()
        room = {
            column: self.columnWidth(column) - 2 * CELL_PADDING - GRID_LINE
            for column in range(len(COLUMNS))
            if column != OPEN and not self.isColumnHidden(column)
        }
        for row in range(len(self.rows)):
            height = smallest
            for column, width in room.items():
                text = self.table_model.item(row, column).text()
                if metrics.horizontalAdvance(text) <= width:
                    continue
                _layout, needed = WrappedTextDelegate.layout(text, font, width)
                height = max(height, round(needed) + 2 * CELL_PADDING_TOP)
            self.setRowHeight(row, height)


def _share(natural: list[int], least: list[int], available: int) -> list[int]:
    """Widths that fit `available`: spare room to the long texts, else one cap lowered over
    the wrapping columns until they fit (the widest give up room first)."""
    if available <= 0:
        return natural
    if sum(natural) <= available:
        spare = available - sum(natural)
        widths = list(natural)
        widths[ADDRESS if natural[ADDRESS] else SPECIALTIES] += spare // 2
        widths[SPECIALTIES] += spare - spare // 2
        return widths

    def capped(cap: int) -> list[int]:
        return [
            min(n, max(s, cap)) if column in WRAPPING else n
            for column, (n, s) in enumerate(zip(natural, least, strict=True))
        ]

    low, high = 0, max(natural)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(capped(middle)) <= available:
            low = middle
        else:
            high = middle - 1
    widths = capped(low)
    widths[SPECIALTIES] += max(0, available - sum(widths))
    return widths


class RosterPage(QDialog):
    """The roster with its filters and actions; opened from the main window."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("调解员名册")
        #: The dialog or page open from here (tests drive it), None when none is.
        self.dialog: QDialog | None = None

        self.title_label = heading("调解员名册")
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.reject)
        # The count beside the heading: at 200% every line above the table is a row less in it.
        self.total_label = QLabel()
        self.total_label.setAccessibleName("调解员人数")
        top = QHBoxLayout()
        top.setSpacing(24)
        top.addWidget(self.title_label)
        top.addWidget(self.total_label, 1, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.warnings = WarningNotice()

        self.add_button = button("新增调解员", primary=True)
        self.add_button.setToolTip("把一位新的调解员登记到名册里")
        # Not the default button: Enter on a filter must not open a blank form.
        self.add_button.setAutoDefault(False)
        self.edit_button = button("修改")
        self.edit_button.setToolTip("修改列表中选中的调解员的资料、外出、培训和回避关系")
        self.active_button = button("停用")
        self.record_button = button("查看工作记录")
        self.record_button.setToolTip("选中的调解员办过的案件、参加培训的情况")
        actions = QHBoxLayout()
        actions.setSpacing(16)
        for widget in (self.add_button, self.edit_button, self.active_button, self.record_button):
            actions.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        actions.addStretch(1)
        self.fairness_button = button("分案均衡")
        self.fairness_button.setToolTip("一段时间内每位调解员、每个类别参与的案件数")
        self.fairness_button.clicked.connect(self.open_fairness)
        self.settings_button = button("名册设置")
        self.settings_button.setToolTip("调解员类别、每级调解的人数、每人最多同时办理的件数")
        self.settings_button.clicked.connect(self.open_settings)
        for widget in (self.fairness_button, self.settings_button):
            actions.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)

        self.category_filter = combo([(ALL, "全部")])
        self.availability_filter = combo(
            [(ALL, "全部"), (AVAILABLE, "可抽选"), (INACTIVE, "不在岗")]
        )
        self.specialty_filter = combo([(ALL, "全部"), *DisputeType.choices()])
        filters = QHBoxLayout()
        filters.setSpacing(12)
        for text, choice in (
            ("类别", self.category_filter),
            ("状态", self.availability_filter),
            ("擅长", self.specialty_filter),
        ):
            label = QLabel(text)
            label.setBuddy(choice)
            filters.addWidget(label)
            filters.addWidget(choice)
            filters.addSpacing(12)
        filters.addStretch(1)

        self.table = RosterTable()
        self.empty_label = notice(
            "没有符合条件的调解员。把上面的类别、状态、擅长都改回“全部”，就能看到全部调解员。",
            "error",
        )
        self.empty_label.hide()
        self.help_label = hint("")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.warnings)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.help_label)

        self.add_button.clicked.connect(self.add_mediator)
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button.clicked.connect(self.toggle_selected)
        self.record_button.clicked.connect(self.open_selected)
        self.table.open_requested.connect(self.open_mediator)
        self.table.columns_hidden.connect(self._show_help)
        for box in (self.category_filter, self.availability_filter, self.specialty_filter):
            box.currentIndexChanged.connect(self.reload)
        operation_bus().operation_done.connect(self._operation_done)
        chain_tab_order(
            [
                self.close_button,
                self.warnings.toggle,
                self.add_button,
                self.edit_button,
                self.active_button,
                self.record_button,
                self.category_filter,
                self.availability_filter,
                self.specialty_filter,
                self.table,
            ]
        )
        self._fill_categories()
        self.reload()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._selection_changed()
        self._show_help(self.table.hidden_names)
        # A table wants the whole width of the screen, not a form's (the fit caps it).
        fit_to_screen(self, width=PAGE_WIDTH)
        self.add_button.setFocus()

    # ------------------------------------------------------------ reading

    def _fill_categories(self) -> None:
        box = self.category_filter
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        for code, label in [(ALL, "全部"), *elder_categories(self.db)]:
            box.addItem(label, code)
        box.setCurrentIndex(max(0, box.findData(chosen)))
        box.blockSignals(False)

    def reload(self, *_: object) -> None:
        """Read the roster again with the filters as they are."""
        category = self.category_filter.currentData() or None
        specialty = self.specialty_filter.currentData()
        availability = self.availability_filter.currentData()
        rows = roster_rows(
            self.db,
            category=category,
            specialty=DisputeType(specialty) if specialty else None,
            available_only=availability == AVAILABLE,
        )
        if availability == INACTIVE:
            rows = [r for r in rows if not r.mediator.active]
        self.table.show_rows(rows, date.today())
        self.warnings.show_warnings(composition_warnings(self.db))
        filtered = bool(category or specialty or availability)
        drawable = sum(1 for r in rows if not r.unavailable)
        count = f"符合条件的共{len(rows)}位" if filtered else f"共{len(rows)}位调解员"
        self.total_label.setText(f"{count}，其中{drawable}位现在可以抽选")
        self.empty_label.setVisible(not rows and filtered)
        self._selection_changed()

    def _operation_done(self, changed: Changed, origin: object) -> None:
        if changed.mediators or changed.everything:
            self._fill_categories()
            self.reload()

    def _selection_changed(self, *_: object) -> None:
        row = self.table.selected_row()
        back = row is not None and not row.mediator.active
        self.active_button.setText("恢复在岗" if back else "停用")
        self.active_button.setAccessibleName(self.active_button.text())
        self.active_button.setToolTip(
            "让这位调解员回到岗位，可以再被抽选办案"
            if back
            else "这位调解员不再办案时用（例如搬走了、身体不好）：不再被抽选，以前的记录都保留"
        )

    def _show_help(self, hidden: list[str]) -> None:
        # One line at 200% with the note below: a second line would cost the table a row.
        text = "点“打开”看工作记录；要修改或停用，先点一下那一行。"
        if hidden:
            text += f"{'、'.join(hidden)}在工作记录里看。"
        self.help_label.set_text(text)

    # ------------------------------------------------------------ actions

    def _chosen(self, what: str) -> RosterRow | None:
        row = self.table.selected_row()
        if row is None:
            messages.show_info(
                self,
                f"请先在下面的列表里点一下要{what}的调解员，再按这个按钮。",
                "还没有选中调解员",
            )
        return row

    def make_dialog(self, mediator_id: int | None) -> QDialog:
        from ui.mediator_dialog import MediatorDialog

        return MediatorDialog(self.db, self, mediator_id)

    def make_mediator_page(self, mediator_id: int) -> QDialog:
        from ui.mediator_page import MediatorPage

        return MediatorPage(self.db, mediator_id, self)

    def _run(self, dialog: QDialog) -> int:
        self.dialog = dialog
        try:
            return dialog.exec()
        finally:
            self.dialog = None
            dialog.deleteLater()  # a closed dialog must not go on reloading what it showed

    def open_dialog(self, mediator_id: int | None) -> None:
        """新增 (None) or 修改; afterwards the saved mediator is the chosen row."""
        dialog = self.make_dialog(mediator_id)
        if self._run(dialog):
            saved = getattr(dialog, "result_mediator", None)
            if isinstance(saved, MediatorView):
                self.table.select_mediator(saved.id)

    def add_mediator(self) -> None:
        self.open_dialog(None)

    def edit_selected(self) -> None:
        row = self._chosen("修改")
        if row is not None:
            self.open_dialog(row.mediator.id)

    def open_mediator(self, mediator_id: int) -> None:
        self._run(self.make_mediator_page(mediator_id))
        self.table.select_mediator(mediator_id)

    def open_fairness(self) -> None:
        from ui.fairness_dialog import FairnessDialog

        self._run(FairnessDialog(self, self.db))

    def open_settings(self) -> None:
        from ui.panel_settings_dialog import PanelSettingsDialog

        self._run(PanelSettingsDialog(self, self.db))

    def open_selected(self) -> None:
        row = self._chosen("查看工作记录")
        if row is not None:
            self.open_mediator(row.mediator.id)

    def toggle_selected(self) -> None:
        """停用 (asked first: it changes who can be drawn) or 恢复在岗."""
        row = self._chosen("停用或恢复在岗")
        if row is None:
            return
        m = row.mediator
        if m.active:
            text = f"要停用调解员“{m.name}”吗？\n{DEACTIVATE_CONSEQUENCE}。"
            if row.open_cases:
                text += (
                    f"\n{m.name}现在还有{row.open_cases}件在办的案件，请到案件页另外安排调解员。"
                )
            text += "\n以后可以再按“恢复在岗”。"
            if not messages.confirm(self, "停用调解员", text, "停用这位调解员", "取消"):
                return
        run_operation(
            self,
            set_active,
            self.db,
            m.id,
            not m.active,
            on_done=self._after_toggle(m.id),
            origin=self,
        )

    def _after_toggle(self, mediator_id: int) -> Callable[[object], None]:
        def done(_result: object) -> None:
            self.table.select_mediator(mediator_id)
            self.active_button.setFocus()

        return done
