"""分案均衡: how many cases each mediator and each elder category sat on over a period, and
how even the spread is — what the committee shows when asked whether panels were fair."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QDialog, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from app.domain.errors import UserError
from app.services.database import Database
from app.services.panels import FairnessReport, Share, fairness_report
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    button,
    combo,
    date_edit,
    from_qdate,
    heading,
    notice,
    paragraph,
    scroll_area,
    to_qdate,
    wide_enough,
)

#: The periods offered first; "custom" opens the two dates.
PERIODS = (
    ("year", "近一年"),
    ("this_year", "今年"),
    ("quarter", "本季度"),
    ("month", "本月"),
    ("custom", "自定义"),
)


def period(code: str, today: date) -> tuple[date, date]:
    if code == "this_year":
        return date(today.year, 1, 1), today
    if code == "quarter":
        return date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today
    if code == "month":
        return today.replace(day=1), today
    return today - timedelta(days=365), today


class FairnessDialog(QDialog):
    def __init__(self, parent: QWidget | None, db: Database, today: date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.setWindowTitle("分案是否均衡")
        self.report: FairnessReport | None = None

        body = QWidget()
        column = QVBoxLayout(body)
        column.setSpacing(10)
        row = QHBoxLayout()
        row.addWidget(paragraph("时间"))
        self.period = combo(PERIODS)
        self.period.setAccessibleName("时间范围")
        self.period.currentIndexChanged.connect(self._period_changed)
        row.addWidget(self.period)
        self.start = date_edit(self.today - timedelta(days=365))
        self.start.setAccessibleName("开始日期")
        self.end = date_edit(self.today)
        self.end.setAccessibleName("结束日期")
        self.to_word = paragraph("至")
        for w in (self.start, self.to_word, self.end):
            row.addWidget(w)
        show = button("统计")
        show.clicked.connect(self.refresh)
        row.addWidget(show)
        row.addStretch(1)
        column.addLayout(row)
        self.summary = paragraph("")
        column.addWidget(self.summary)
        self.problem = notice("", "error")
        self.problem.hide()
        column.addWidget(self.problem)
        column.addWidget(heading("每位调解员"))
        self.people = QGridLayout()
        column.addLayout(self.people)
        column.addWidget(heading("每个类别"))
        self.groups = QGridLayout()
        column.addLayout(self.groups)
        column.addStretch(1)

        close = button("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        outer = QVBoxLayout(self)
        area = scroll_area(body)
        wide_enough(area)
        outer.addWidget(area, 1)
        outer.addLayout(buttons)
        self._period_changed()
        fit_to_screen(self, width=900)

    def _period_changed(self) -> None:
        code = str(self.period.currentData())
        custom = code == "custom"
        for w in (self.start, self.to_word, self.end):
            w.setVisible(custom)
        if not custom:
            start, end = period(code, self.today)
            self.start.setDate(to_qdate(start))
            self.end.setDate(to_qdate(end))
        self.refresh()

    def refresh(self) -> None:
        try:
            self.report = fairness_report(
                self.db, from_qdate(self.start.date()), from_qdate(self.end.date())
            )
        except UserError as error:
            self.problem.set_text(error.message)
            self.problem.show()
            return
        self.problem.hide()
        self.summary.set_text(self.report.summary())
        _fill(self.people, self.report.mediators)
        _fill(self.groups, self.report.categories)


def _fill(grid: QGridLayout, shares: tuple[Share, ...]) -> None:
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()
    for col, title in enumerate(("姓名", "件数", "与平均相比")):
        grid.addWidget(heading(title), 0, col)
    for row, share in enumerate(shares, start=1):
        sign = "+" if share.from_mean_pct > 0 else ""
        grid.addWidget(paragraph(share.name), row, 0)
        grid.addWidget(paragraph(f"{share.cases}件"), row, 1)
        grid.addWidget(paragraph(f"{sign}{share.from_mean_pct}%"), row, 2)
    grid.setColumnStretch(3, 1)
