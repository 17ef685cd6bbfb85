"""统计报表: a period's figures, each of which lists the cases behind it; the figures by dispute
type, source, tier, mediator and elder category; charts; the sheet saved as Excel or PDF.

`StatisticsDialog(parent, db)` is the whole of it. A click on a figure (or on a number of the
table) asks for its cases: `cases_requested(case_ids, what)` is emitted, and, when the dialog was
given `on_cases`, that is called; without it the dialog lists the cases itself
(`CaseListDialog`). What each figure counts is its tooltip (docs/statistics.md says the same).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import Tier
from app.domain.errors import UserError
from app.domain.statistics import (
    FIGURE_NOTES,
    RATE_NOTES,
    UNITS,
    Figure,
    FigureRef,
    Figures,
    Group,
    Period,
    Rate,
    Statistics,
    percent_text,
)
from app.services.database import Database
from app.services.statistics import (
    case_briefs,
    figure_case_ids,
    monthly_intake,
    period_statistics,
)
from ui import messages
from ui.period_chooser import CUSTOM, MONTH, QUARTER, YEAR, PeriodChooser
from ui.print_flow import Job, ask_path, remember_folder, saving_folder
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    SpacedLabel,
    button,
    combo,
    heading,
    hint,
    notice,
    paragraph,
    scroll_area,
)

CaseCallback = Callable[[list[int], str], None]

#: The sections of figures on the first tab; a `Rate` is shown, not clicked.
SECTIONS: tuple[tuple[str, tuple[Figure | Rate, ...]], ...] = (
    (
        "收案与调解",
        (
            Figure.RECEIVED,
            Figure.ACCEPTED,
            Figure.MEDIATED,
            Figure.SUCCEEDED,
            Figure.WRITTEN,
            Figure.ORAL,
            Rate.SUCCESS,
        ),
    ),
    (
        "其他结果",
        (Figure.FAILED, Figure.TERMINATED, Figure.WITHDRAWN, Figure.REFERRED, Figure.DECLINED),
    ),
    (
        "履行与回访",
        (
            Figure.PERFORMED,
            Rate.PERFORMANCE,
            Figure.VOLUNTARY,
            Figure.FOLLOWED_UP,
            Rate.FOLLOW_UP,
            Figure.CONFIRMATION_APPLIED,
            Figure.CONFIRMED,
        ),
    ),
    ("预防与规模", (Figure.PREVENTED, Figure.PERSONS, Figure.AMOUNT)),
)
#: The three tiers: the succeeded cases by the tier they were settled at, and those that left.
TIERS: tuple[tuple[str, Tier | None], ...] = (
    ("楼栋化解", Tier.BUILDING),
    ("院落化解", Tier.COURTYARD),
    ("社区化解", Tier.COMMUNITY),
    ("移出社区", None),
)
#: The table's columns.
TABLE_FIGURES: tuple[Figure, ...] = (
    Figure.RECEIVED,
    Figure.MEDIATED,
    Figure.SUCCEEDED,
    Figure.FAILED,
    Figure.REFERRED,
)
#: What the table can be grouped by.
GROUPINGS: tuple[tuple[str, str], ...] = (
    ("dispute_type", "按纠纷类型"),
    ("source", "按案件来源"),
    ("tier", "按化解层级"),
    ("mediator", "按调解员"),
    ("category", "按五老类别"),
)


def figure_text(figure: Figure, figures: Figures) -> str:
    """12件, 15人, 26,300.00元."""
    if figure is Figure.AMOUNT:
        from app.domain.money import format_yuan, from_fen

        return f"{format_yuan(from_fen(figures.amount))}元"
    return f"{figures.get(figure)}{UNITS.get(figure, '件')}"


def _two_lines(label: str) -> str:
    return f"{label[:2]}\n{label[2:]}" if len(label) >= 4 else label


class CaseListDialog(QDialog):
    """The cases behind a figure: number, received day, title, status."""

    def __init__(
        self,
        parent: QWidget | None,
        db: Database,
        case_ids: list[int],
        what: str,
        open_case: Callable[[int], object] | None = None,
    ) -> None:
        """`open_case(case_id)` opens a case of the list (打开, Enter or a double click)."""
        super().__init__(parent)
        self.setWindowTitle(what)
        self.case_ids = case_ids
        self.open_case = open_case
        column = QVBoxLayout(self)
        column.addWidget(heading(f"{what}：{len(case_ids)}件"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["案件编号", "收案日期", "案由", "状态"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        briefs = case_briefs(db, case_ids[:2000])
        self.table.setRowCount(len(briefs))
        for r, b in enumerate(briefs):
            for c, text in enumerate(
                (b.number, f"{b.received_on:%Y-%m-%d}", b.title, b.status.label)
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        column.addWidget(self.table, 1)
        if len(case_ids) > len(briefs):
            column.addWidget(hint(f"只列出前{len(briefs)}件。"))
        self.briefs = briefs
        close = button("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        if open_case is not None and briefs:
            self.open_button = button("打开", primary=True)
            self.open_button.setToolTip("打开选中的案件（也可以双击它）")
            self.open_button.clicked.connect(self.open_selected)
            self.table.cellDoubleClicked.connect(lambda _r, _c: self.open_selected())
            self.table.selectRow(0)
            row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(close)
        column.addLayout(row)
        fit_to_screen(self, width=1000)

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if self.open_case is not None and rows:
            self.open_case(self.briefs[rows[0].row()].case_id)


class StatisticsDialog(QDialog):
    """The statistics of a period. `cases_requested(case_ids, what)` asks to show cases."""

    cases_requested = Signal(list, str)

    def __init__(
        self,
        parent: QWidget | None,
        db: Database,
        today: date | None = None,
        on_cases: CaseCallback | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.on_cases = on_cases
        self.stats: Statistics | None = None
        self.figure_buttons: dict[Figure | str, QPushButton] = {}
        self.rate_labels: dict[Rate, SpacedLabel] = {}
        self.jobs = QThreadPool(self)
        self.last_saved: Path | None = None
        self.case_list: CaseListDialog | None = None
        self.setWindowTitle("统计报表")

        outer = QVBoxLayout(self)
        outer.addWidget(self._period_row())
        self.title = heading("")
        outer.addWidget(self.title)
        self.problem = notice("", "error")
        self.problem.hide()
        outer.addWidget(self.problem)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._figures_tab(), "数字")
        self.tabs.addTab(self._table_tab(), "分组明细")
        self.charts = QWidget()
        self.charts_column = QVBoxLayout(self.charts)
        self.tabs.addTab(scroll_area(self.charts), "图表")
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)
        self.saved = notice("")
        self.saved.hide()
        outer.addWidget(self.saved)
        outer.addLayout(self._button_row())
        self.charts_shown_for: Period | None = None
        self.refresh()
        fit_to_screen(self, width=1200)

    # -- building ------------------------------------------------------------------------------

    def _period_row(self) -> PeriodChooser:
        self.period = PeriodChooser("统计时间", (MONTH, QUARTER, YEAR, CUSTOM), today=self.today)
        self.period.chosen.connect(lambda _start, _end: self.refresh())
        self.count_button = button("统计")
        self.count_button.clicked.connect(self.refresh)
        self.period.add_button(self.count_button, custom_only=True)
        return self.period

    def _figure_button(self, key: Figure | str, tip: str) -> QPushButton:
        widget = button("")
        widget.setToolTip(tip)
        self.figure_buttons[key] = widget
        return widget

    def _figures_tab(self) -> QWidget:
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(hint("点数字，列出其中的案件；鼠标停在数字上，可看它怎样计算。"))
        for title, items in SECTIONS:
            column.addWidget(heading(title))
            grid = QGridLayout()
            for i, item in enumerate(items):
                if isinstance(item, Rate):
                    label = paragraph("")
                    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                    label.setToolTip(RATE_NOTES[item])
                    self.rate_labels[item] = label
                    widget: QWidget = label
                else:
                    widget = self._figure_button(item, FIGURE_NOTES[item])
                    widget.clicked.connect(lambda _=False, f=item: self.show_cases(FigureRef(f)))
                grid.addWidget(widget, i // 4, i % 4)
            for c in range(4):
                grid.setColumnStretch(c, 1)
            column.addLayout(grid)
        column.addWidget(heading("三级化解（琐事不出楼，小事不出院，大事不出社区）"))
        grid = QGridLayout()
        for i, (_label, tier) in enumerate(TIERS):
            key = f"tier:{tier.value if tier else 'left'}"
            tip = f"调解成功、在{tier.label}化解的案件。" if tier else FIGURE_NOTES[Figure.REFERRED]
            widget = self._figure_button(key, tip)
            ref = (
                FigureRef(Figure.SUCCEEDED, tier_resolved=tier.value)
                if tier
                else FigureRef(Figure.REFERRED)
            )
            widget.clicked.connect(lambda _=False, r=ref: self.show_cases(r))
            grid.addWidget(widget, 0, i)
            grid.setColumnStretch(i, 1)
        self.low_tier = paragraph("")
        self.low_tier.setToolTip(RATE_NOTES[Rate.LOW_TIER])
        grid.addWidget(self.low_tier, 1, 0, 1, 4)
        column.addLayout(grid)
        column.addStretch(1)
        return scroll_area(body)

    def _table_tab(self) -> QWidget:
        body = QWidget()
        column = QVBoxLayout(body)
        row = QHBoxLayout()
        label = QLabel("分组")
        self.grouping = combo(GROUPINGS)
        label.setBuddy(self.grouping)
        self.grouping.currentIndexChanged.connect(self._fill_table)
        row.addWidget(label)
        row.addWidget(self.grouping)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(hint("点表中的数字，就列出这些案件。"))
        headers = ["", *(_two_lines(f.label) for f in TABLE_FIGURES), "调解\n成功率"]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._table_clicked)
        self.table.cellActivated.connect(self._table_clicked)
        self.table_refs: list[FigureRef | None] = []
        column.addWidget(self.table, 1)
        return body

    def _button_row(self) -> QHBoxLayout:
        self.excel_button = button("存为 Excel")
        self.excel_button.clicked.connect(lambda: self.save("xlsx"))
        self.pdf_button = button("存为 PDF")
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        close = button("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.excel_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        row.addWidget(close)
        return row

    # -- the period and the figures ------------------------------------------------------------

    def selected_period(self) -> Period | None:
        """The period chosen, named as the sheet names it ("2026年第一季度"); None while the
        custom dates end before they start."""
        dates = self.period.dates()
        if dates is None:
            return None
        start, end = dates
        kind = self.period.kind()
        if kind == MONTH:
            return Period.month(start.year, start.month)
        if kind == QUARTER:
            return Period.quarter(start.year, (start.month - 1) // 3 + 1)
        if kind == YEAR:
            return Period.year(start.year)
        return Period.custom(start, end)

    def refresh(self) -> None:
        if self.period.confirmed_dates() is None:
            return  # the chooser says what is wrong with the dates
        try:
            period = self.selected_period()
            assert period is not None
            self.stats = period_statistics(self.db, period)
        except UserError as error:
            self.problem.set_text(error.message)
            self.problem.show()
            return
        self.problem.hide()
        self._show(self.stats)

    def _show(self, stats: Statistics) -> None:
        self.title.set_text(f"{stats.committee}　{stats.period.label}")
        total = stats.total
        for key, widget in self.figure_buttons.items():
            if isinstance(key, Figure):
                widget.setText(f"{key.label}\n{figure_text(key, total)}")
        tiers = stats.tier_picture()
        for name, tier in TIERS:
            key = f"tier:{tier.value if tier else 'left'}"
            count = tiers.count(tier) if tier else tiers.left
            self.figure_buttons[key].setText(f"{name}\n{count}件")
        for rate, rate_label in self.rate_labels.items():
            rate_label.set_text(f"{rate.label}\n{percent_text(total.rate(rate))}")
        self.low_tier.set_text(f"{Rate.LOW_TIER.label}：{percent_text(tiers.low_tier_share)}")
        self._fill_table()
        self.charts_shown_for = None
        if self.tabs.currentIndex() == 2:
            self._draw_charts()

    def _groups(self, stats: Statistics) -> list[tuple[Group, FigureRef]]:
        code = str(self.grouping.currentData())
        if code == "dispute_type":
            return [(g, FigureRef(Figure.RECEIVED, dispute_type=g.key)) for g in stats.by_type()]
        if code == "source":
            return [(g, FigureRef(Figure.RECEIVED, source=g.key)) for g in stats.by_source()]
        if code == "tier":
            return [(g, FigureRef(Figure.RECEIVED, tier_resolved=g.key)) for g in stats.by_tier()]
        if code == "mediator":
            return [(g, FigureRef(Figure.RECEIVED, mediator_id=g.ref)) for g in stats.mediators]
        return [(g, FigureRef(Figure.RECEIVED, category=g.key)) for g in stats.categories]

    def _fill_table(self) -> None:
        stats = self.stats
        if stats is None:
            return
        rows = [(g, ref) for g, ref in self._groups(stats) if not g.figures.is_empty()]
        grouping = str(self.grouping.currentText()).removeprefix("按")
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem(grouping))
        self.table.setRowCount(len(rows) + 1)
        self.table_refs = []
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, (group, ref) in enumerate([*rows, (Group("", "合计", stats.total), None)]):
            name = f"{group.label}（{group.note}）" if group.note else group.label
            cells = [QTableWidgetItem(name)]
            for figure in TABLE_FIGURES:
                item = QTableWidgetItem(str(group.figures.get(figure)))
                item.setToolTip(FIGURE_NOTES[figure])
                item.setTextAlignment(right)
                cells.append(item)
            rate = QTableWidgetItem(percent_text(group.figures.success_rate))
            rate.setTextAlignment(right)
            cells.append(rate)
            for c, item in enumerate(cells):
                if ref is None:  # the total
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
            self.table_refs.append(ref)
        self.table.resizeRowsToContents()

    def _table_clicked(self, row: int, column: int) -> None:
        if not 1 <= column <= len(TABLE_FIGURES) or row >= len(self.table_refs):
            return
        figure = TABLE_FIGURES[column - 1]
        base = self.table_refs[row]
        if base is None:
            self.show_cases(FigureRef(figure))
        else:
            from dataclasses import replace

            self.show_cases(replace(base, figure=figure))

    # -- charts --------------------------------------------------------------------------------

    def _tab_changed(self, index: int) -> None:
        if index == 2:
            self._draw_charts()

    def _draw_charts(self) -> None:
        stats = self.stats
        if stats is None or self.charts_shown_for == stats.period:
            return
        from ui.charts import intake_chart, tier_chart, types_chart

        while self.charts_column.count():
            item = self.charts_column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        months = monthly_intake(self.db, min(stats.period.end, self.today), 12)
        for chart in (
            intake_chart(months),
            types_chart(stats.by_type()),
            tier_chart(stats.tier_picture()),
        ):
            self.charts_column.addWidget(chart)
        self.charts_shown_for = stats.period

    # -- the cases behind a figure ---------------------------------------------------------------

    def show_cases(self, ref: FigureRef) -> None:
        stats = self.stats
        if stats is None:
            return
        ids = figure_case_ids(self.db, stats.period, ref)
        what = self._describe(ref, stats)
        self.cases_requested.emit(ids, what)
        if self.on_cases is not None:
            self.on_cases(ids, what)
            return
        if not ids:
            messages.show_info(self, f"{what}：没有案件。")
            return
        self.case_list = CaseListDialog(self, self.db, ids, what)
        self.case_list.show()

    def _describe(self, ref: FigureRef, stats: Statistics) -> str:
        words = ref.describe(stats.category_labels)
        if ref.mediator_id is not None:
            names = {g.ref: g.label for g in stats.mediators}
            words += f" · {names.get(ref.mediator_id, '')}"
        return f"{stats.period.label} {words}"

    # -- saving --------------------------------------------------------------------------------

    def save(self, fmt: str) -> None:
        stats = self.stats
        if stats is None:
            return
        name = f"人民调解案件统计表-{stats.period.file_stem()}.{fmt}"
        target = ask_path(self, fmt, saving_folder() / name)
        if target is None:
            return
        self.save_to(target, fmt)

    def save_to(self, target: Path, fmt: str) -> None:
        """Write the sheet to `target` off the window's thread."""
        stats = self.stats
        if stats is None:
            return
        from app.services.statistics_sheet import write_statistics_pdf, write_statistics_xlsx

        def work(_progress: Callable[[int, int], None]) -> tuple[Path, str]:
            if fmt == "xlsx":
                return write_statistics_xlsx(stats, target), "Excel 统计表"
            return write_statistics_pdf(stats, target), "PDF 统计表"

        job = Job(work)
        job.signals.done.connect(self._saved)
        job.signals.failed.connect(lambda text: messages.show_error(self, text))
        for b in (self.excel_button, self.pdf_button):
            b.setEnabled(False)
        job.signals.done.connect(lambda *_: self._enable_saving())
        job.signals.failed.connect(lambda *_: self._enable_saving())
        self.jobs.start(job)

    def _enable_saving(self) -> None:
        for b in (self.excel_button, self.pdf_button):
            b.setEnabled(True)

    def _saved(self, path: str, what: str) -> None:
        self.last_saved = Path(path)
        remember_folder(self.last_saved)
        self.saved.set_text(f"已保存{what}：{path}")
        self.saved.show()


def open_statistics(
    parent: QWidget | None, db: Database, on_cases: CaseCallback | None = None
) -> StatisticsDialog:
    """Show the statistics dialog (not modal) and return it."""
    dialog = StatisticsDialog(parent, db, on_cases=on_cases)
    dialog.show()
    return dialog


__all__ = ["CaseListDialog", "StatisticsDialog", "open_statistics"]
