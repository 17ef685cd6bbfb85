"""The main window: the one main action "登记新纠纷", finding a case, and the case list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import CaseStatus, Tier
from app.views import CaseQuery, Changed
from ui import messages, style
from ui.case_table import CaseTable
from ui.case_table_model import PAGE_SIZE, RECEIVED, CaseTableModel
from ui.operations import operation_bus
from ui.widgets import button, chain_tab_order, combo, hint, notice

if TYPE_CHECKING:
    from app.services.database import Database

#: Typing in the search box re-reads the list after this pause (ms), not on every key.
SEARCH_DELAY_MS = 400
ALL = ""


ORDER_WORDS = {
    "received_on": ("受理日期", "新的在前", "早的在前"),
    "number": ("案件编号", "大号在前", "小号在前"),
    "title": ("纠纷名称", "倒序", "正序"),
    "status": ("状态", "倒序", "正序"),
    "tier": ("层级", "倒序", "正序"),
}


def order_words(query: CaseQuery) -> str:
    """The list's order in words ("按受理日期排，新的在前"): an arrow alone is easy to misread."""
    name, down, up = ORDER_WORDS.get(query.sort, ORDER_WORDS["received_on"])
    return f"按{name}排，{down if query.descending else up}"


class MainWindow(QMainWindow):
    """The case list with its filters; opens the register dialog and the case page.

    Without a database it shows itself at once, saying the cases are being opened; `attach`
    then fills it. The window thus appears before the database layer has even been loaded.
    """

    #: Emitted once, after the window's first paint (used to time start-up).
    first_painted = Signal()

    def __init__(
        self,
        db: Database | None = None,
        page_size: int = PAGE_SIZE,
        opener: Callable[[Path], object] | None = None,
    ) -> None:
        super().__init__()
        self.db: Database | None = None
        self.model: CaseTableModel | None = None
        self._page_size = page_size
        #: How a saved document is shown (tests pass a stub so no viewer starts).
        self.opener = opener
        self._painted = False
        self.setWindowTitle("老娘舅")

        self.register_button = button("登记新纠纷", primary=True)
        self.register_button.setToolTip("来了新的纠纷，先在这里登记")
        self.open_button = button("打开案件")
        self.open_button.setToolTip("打开列表中选中的案件，查看详情、录入协议、打印协议")
        self.size_button = button("大字体")
        self.size_button.setToolTip("把全部文字放大或改回标准大小，下次打开程序时仍然有效")
        self.size_button.setMenu(self._size_menu())

        top = QHBoxLayout()
        top.setSpacing(12)
        # Aligned, each button keeps its own height: the row never squeezes the main one.
        middle = Qt.AlignmentFlag.AlignVCenter
        top.addWidget(self.register_button, 0, middle)
        top.addWidget(self.open_button, 0, middle)
        top.addStretch(1)
        top.addWidget(self.size_button, 0, middle)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(False)
        self.search.setAccessibleName("查找")
        search_label = QLabel("查找（名称、编号、当事人）")
        search_label.setBuddy(self.search)
        self.clear_button = button("清空")
        self.clear_button.setToolTip("清空查找的文字，并把状态、层级都改回“全部”")
        search_row = QHBoxLayout()
        search_row.setSpacing(12)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.status_filter = combo([(ALL, "全部"), *CaseStatus.choices()])
        self.tier_filter = combo([(ALL, "全部"), *Tier.choices()])
        status_label = QLabel("状态")
        status_label.setBuddy(self.status_filter)
        tier_label = QLabel("层级")
        tier_label.setBuddy(self.tier_filter)
        self.total_label = QLabel()
        self.total_label.setAccessibleName("案件总数")
        filter_row = QHBoxLayout()
        filter_row.setSpacing(12)
        filter_row.addWidget(status_label)
        filter_row.addWidget(self.status_filter)
        filter_row.addSpacing(24)
        filter_row.addWidget(tier_label)
        filter_row.addWidget(self.tier_filter)
        filter_row.addStretch(1)
        filter_row.addWidget(self.total_label)

        self.table = CaseTable()
        self._sorted_by = (RECEIVED, Qt.SortOrder.DescendingOrder)
        self.loading_label = notice("正在打开案件，请稍候……", "ok")
        self.empty_label = notice(
            "没有找到符合条件的案件。可以按“清空”，把查找的文字和状态、层级都改回“全部”。",
            "error",
        )
        self.empty_label.hide()
        self.help_label = hint("")

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.loading_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.help_label)
        self.setCentralWidget(central)
        # Tab follows the screen from top to bottom.
        chain_tab_order(
            [
                self.register_button,
                self.open_button,
                self.size_button,
                self.search,
                self.clear_button,
                self.status_filter,
                self.tier_filter,
                self.table,
            ]
        )

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.tier_filter.currentIndexChanged.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        self.register_button.clicked.connect(self.register_case)
        self.open_button.clicked.connect(self.open_selected)
        self.table.open_requested.connect(self.open_case)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.table.columns_hidden.connect(self._show_help)
        self._show_help(self.table.hidden_names)
        # Whatever is saved anywhere in the program shows here without a manual refresh.
        operation_bus().operation_done.connect(self._operation_done)
        if db is None:
            self._set_ready(False)
        else:
            self.attach(db)

    def attach(self, db: Database) -> None:
        """Show the cases of the now open database."""
        from app.services.database import get_committee

        self.db = db
        self.setWindowTitle(f"老娘舅 — {get_committee(db).name}")
        self.model = CaseTableModel(db, self._page_size, self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # the model is already in this order
        header.setSortIndicator(*self._sorted_by)
        header.blockSignals(False)
        self.model.total_changed.connect(self._show_total)
        self._show_total(self.model.total)
        self.loading_label.hide()
        self._set_ready(True)
        self.register_button.setFocus()

    def _set_ready(self, ready: bool) -> None:
        for widget in (
            self.register_button,
            self.open_button,
            self.search,
            self.clear_button,
            self.status_filter,
            self.tier_filter,
            self.table,
        ):
            widget.setEnabled(ready)

    # ------------------------------------------------------------ text size

    def _size_menu(self) -> QMenu:
        menu = QMenu(self)
        group = QActionGroup(menu)
        group.setExclusive(True)
        self.size_actions: dict[int, QAction] = {}
        for scale in style.SCALES:
            action = QAction(f"{style.SCALE_NAMES[scale]}（{scale}%）", menu)
            action.setCheckable(True)
            action.setChecked(scale == style.current_scale())
            action.triggered.connect(lambda _checked=False, s=scale: self.set_text_scale(s))
            group.addAction(action)
            menu.addAction(action)
            self.size_actions[scale] = action
        return menu

    def set_text_scale(self, scale: int) -> None:
        style.apply_scale(scale)
        for value, action in self.size_actions.items():
            action.setChecked(value == scale)

    # ------------------------------------------------------------ filters and sorting

    def current_filters(self) -> tuple[frozenset[str], frozenset[str], str]:
        status = self.status_filter.currentData()
        tier = self.tier_filter.currentData()
        return (
            frozenset({status}) if status else frozenset(),
            frozenset({tier}) if tier else frozenset(),
            self.search.text().strip(),
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        if self.model is None:
            return
        statuses, tiers, text = self.current_filters()
        self.model.set_filters(statuses, tiers, text)

    def clear_filters(self) -> None:
        for widget in (self.search, self.status_filter, self.tier_filter):
            widget.blockSignals(True)
        self.search.clear()
        self.status_filter.setCurrentIndex(0)
        self.tier_filter.setCurrentIndex(0)
        for widget in (self.search, self.status_filter, self.tier_filter):
            widget.blockSignals(False)
        self.apply_filters()
        self.search.setFocus()

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        if self.model is None or not self.model.sortable(column):
            # This column cannot be sorted: put the arrow back where the order really is.
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._sorted_by)
            header.blockSignals(False)
            return
        self._sorted_by = (column, order)
        selected = self.table.selected_case_id()
        self.model.sort(column, order)
        if selected is not None:
            self.table.select_case(selected)

    def _show_total(self, total: int) -> None:
        if self.model is None:
            return
        statuses, tiers, text = self.current_filters()
        filtered = bool(statuses or tiers or text)
        count = f"符合条件的共{total}件" if filtered else f"共{total}件"
        self.total_label.setText(f"{count}，{order_words(self.model.query)}")
        self.empty_label.setVisible(total == 0 and filtered)

    def _show_help(self, hidden: list[str]) -> None:
        text = "点每行右边的“打开”看案件、打印协议；点列名排序。"
        if hidden:
            text += f"{'、'.join(hidden)}在案件里看。"
        self.help_label.set_text(text)

    def refresh(self, changed: Changed | None = None, select: int | None = None) -> None:
        """Read the list again after a change; keep (or move) the selection."""
        if self.model is None or (changed is not None and not (changed.case_list or changed.cases)):
            return
        keep = select if select is not None else self.table.selected_case_id()
        self.model.refresh()
        if keep is not None:
            self.table.select_case(keep)

    def _operation_done(self, changed: Changed, origin: object) -> None:
        """A change was committed somewhere in the program: show it in the list."""
        if self.db is not None and changed.settings:
            from app.services.database import get_committee

            self.setWindowTitle(f"老娘舅 — {get_committee(self.db).name}")
        self.refresh(changed)

    # ------------------------------------------------------------ actions

    def make_register_dialog(self):  # type: ignore[no-untyped-def]
        from ui.register_dialog import RegisterDialog

        assert self.db is not None, "the database is not open yet"
        return RegisterDialog(self.db, self)

    def register_case(self) -> None:
        dialog = self.make_register_dialog()
        if dialog.exec() and dialog.result_case is not None:
            # The list has already read the new case (the broadcast): now point at it.
            self.table.select_case(dialog.result_case.id)

    def make_case_page(self, case_id: int):  # type: ignore[no-untyped-def]
        from ui.case_page import CasePage

        assert self.db is not None, "the database is not open yet"
        return CasePage(self.db, case_id, self, opener=self.opener)

    def open_case(self, case_id: int) -> None:
        page = self.make_case_page(case_id)
        page.exec()
        if page.changed is not None:  # the list read its changes when they were saved
            self.table.select_case(case_id)
        page.deleteLater()  # a closed page must not go on reloading what it showed

    def open_selected(self) -> None:
        case_id = self.table.selected_case_id()
        if case_id is None:
            messages.show_info(
                self,
                "请先在下面的列表里点一下要打开的案件，再按“打开案件”。\n"
                "也可以直接按每一行右边的“打开”。",
                "还没有选中案件",
            )
            return
        self.open_case(case_id)

    # ------------------------------------------------------------ start-up timing

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.table.fit_columns()
