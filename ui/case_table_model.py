"""The case list as a lazy table: pages of rows read from the database as the view scrolls.

Filtering and sorting happen in SQL (`CaseQuery`); the model only holds the pages read so far.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThreadPool,
    Signal,
)

from app.views import CaseQuery, CaseRow

if TYPE_CHECKING:
    from app.services.database import Database
    from ui.case_search import SearchJob

PAGE_SIZE = 200
AnyIndex = QModelIndex | QPersistentModelIndex

#: (header, sort key or None when the column cannot be sorted)
COLUMNS: list[tuple[str, str | None]] = [
    ("案件编号", "number"),
    ("纠纷名称", "title"),
    ("当事人", None),
    ("纠纷类型", None),
    ("层级", "tier"),
    ("状态", "status"),
    ("受理日期", "received_on"),
    ("", None),  # the "打开" button of each row
]
NUMBER, TITLE, PARTIES, TYPE, TIER, STATUS, RECEIVED, OPEN = range(len(COLUMNS))
OPEN_TEXT = "打开"
#: Columns whose text may wrap onto a second line when the window is narrow.
WRAPPING = (NUMBER, TITLE, PARTIES)
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def date_text(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


class CaseTableModel(QAbstractTableModel):
    """Rows of `list_cases`, fetched a page at a time; `total` comes from `count_cases`."""

    #: Emitted after every new query (filter, search, sort or refresh) with the total count.
    total_changed = Signal(int)
    #: A search in the background started (True), or its result is shown (False).
    searching = Signal(bool)
    #: A search in the background failed: the message for the person at the keyboard.
    search_failed = Signal(str)

    def __init__(
        self, db: Database, page_size: int = PAGE_SIZE, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._page_size = page_size
        self._query = CaseQuery()
        self._rows: list[CaseRow] = []
        self._total = 0
        #: Counts every request for rows; a background result of an older one is dropped.
        self._generation = 0
        self._jobs: dict[int, SearchJob] = {}
        self.refresh()

    # ------------------------------------------------------------ queries

    @property
    def query(self) -> CaseQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def set_query(self, query: CaseQuery) -> None:
        self._query = query
        self.refresh()

    def set_filters(self, statuses: frozenset[str], tiers: frozenset[str], text: str) -> None:
        self.set_query(replace(self._query, statuses=statuses, tiers=tiers, text=text))

    def refresh(self) -> None:
        """Read the first page again (after a filter change or a saved case)."""
        # Imported here: the window paints before the database layer is loaded.
        from app.services.cases import count_cases, list_cases

        was_searching = self.is_searching
        self._generation += 1  # newer than any search still running
        self.beginResetModel()
        self._total = count_cases(self._db, self._query)
        self._rows = list_cases(self._db, self._query, 0, self._page_size)
        self.endResetModel()
        if was_searching:
            self.searching.emit(False)
        self.total_changed.emit(self._total)

    # ------------------------------------------------------------ searching off the thread

    @property
    def is_searching(self) -> bool:
        """A background search is running whose result the list is waiting for."""
        return self._generation in self._jobs

    def search(self, query: CaseQuery) -> None:
        """Show what `query` finds, read in a worker thread (`ui.case_search`): typing never
        blocks the window, and only the newest request's result is ever shown."""
        from ui.case_search import SearchJob

        self._query = query
        self._generation += 1
        job = SearchJob(self._db, query, self._page_size, self._generation)
        job.setAutoDelete(False)  # kept until its answer arrives
        job.signals.done.connect(self._searched)
        job.signals.failed.connect(self._search_failed)
        self._jobs[self._generation] = job
        self.searching.emit(True)
        QThreadPool.globalInstance().start(job)

    def _searched(self, generation: int, query: CaseQuery, total: int, rows: list[CaseRow]) -> None:
        self._jobs.pop(generation, None)
        if generation != self._generation or query != self._query:
            return  # a newer request came after this one: its answer is what counts
        self.beginResetModel()
        self._total = total
        self._rows = rows
        self.endResetModel()
        self.searching.emit(False)
        self.total_changed.emit(self._total)

    def _search_failed(self, generation: int, message: str) -> None:
        self._jobs.pop(generation, None)
        if generation == self._generation:
            self.searching.emit(False)
            self.search_failed.emit(message)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self._query, sort=key, descending=descending))

    @staticmethod
    def sortable(column: int) -> bool:
        return 0 <= column < len(COLUMNS) and COLUMNS[column][1] is not None

    # ------------------------------------------------------------ lazy loading

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total and not self.is_searching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        from app.services.cases import list_cases

        page = list_cases(self._db, self._query, len(self._rows), self._page_size)
        if not page:
            # The database shrank under us (another copy deleted cases): stop asking.
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # ------------------------------------------------------------ the table

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def row(self, index: int) -> CaseRow:
        return self._rows[index]

    def row_of_case(self, case_id: int) -> int | None:
        for position, row in enumerate(self._rows):
            if row.id == case_id:
                return position
        return None

    @staticmethod
    def text(row: CaseRow, column: int) -> str:
        values = (
            row.number,
            row.title,
            row.parties,
            row.dispute_type.label,
            row.tier.label,
            row.status.label,
            date_text(row.received_on),
            OPEN_TEXT,
        )
        return values[column]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(row, index.column())
        if role == CASE_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() == OPEN:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # Numbers and dates start newest first; words start from the top of the list.
            newest_first = COLUMNS[section][1] in ("number", "received_on")
            order = Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder
            return int(order.value)
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][1] is not None:
            return "点一下按这一列排序，再点一下倒过来排"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
