"""概况: the few numbers a committee looks at on start, above 待办 and the case list.

How many cases are open and in which state (each count lists those cases), this month's
intake, and this year's three tiers — settled at the building, the courtyard, the community,
and how many left the community — with the share settled low, the slogan's measure
("琐事不出楼，小事不出院，大事不出社区"). 统计报表 opens the statistics.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.domain.codes import CaseStatus
from app.views import Changed
from ui.operations import operation_bus
from ui.widgets import LINE_HEIGHT_PERCENT, button, keep_together

if TYPE_CHECKING:  # the statistics (and SQLAlchemy) load after the window is painted
    from app.services.database import Database
    from app.services.statistics import Dashboard

#: From this text size on, the panel is one short line.
COMPACT_FROM_SCALE = 150
#: Every state but archived: work (or at least the archiving) is still to do.
OPEN_STATES = tuple(s for s in CaseStatus if s is not CaseStatus.ARCHIVED)


def _link(key: str, text: str) -> str:
    return f'<a href="{escape(key)}">{escape(keep_together(text))}</a>'


def summary_html(board: Dashboard, compact: bool = False) -> str:
    """The panel's words; each count of a state is a link "status:<code>". `compact`: one
    short line (large text, or 待办 folded away to give the list room)."""
    from app.domain.statistics import percent_text

    counts = dict(board.by_status)
    open_total = sum(counts.get(s, 0) for s in OPEN_STATES)
    states = "，".join(
        _link(f"status:{s.value}", f"{s.label}{counts.get(s, 0)}件")
        for s in OPEN_STATES
        if counts.get(s, 0)
    )
    now = f"未归档的案件{open_total}件" + (f"（{states}）" if states and not compact else "")
    month = f"本月新登记{board.month_received}件"
    tiers = board.tiers
    parts = [
        f"{board.today.year}年化解：楼栋{tiers.building}件",
        f"院落{tiers.courtyard}件",
        f"社区{tiers.community}件",
        f"移出社区{tiers.left}件",
    ]
    year = "，".join(keep_together(p) for p in parts)
    low = tiers.low_tier_share
    if low is not None:
        year += f"；在楼栋和院落化解的占{keep_together(percent_text(low))}"
    lines = [f"{now}；{escape(keep_together(month))}。"]
    if not compact:
        lines.append(escape(year) + "。")
    return f'<div style="line-height:{LINE_HEIGHT_PERCENT}%">' + "<br>".join(lines) + "</div>"


class DashboardView(QWidget):
    """`status_requested(code)` asks for the list of cases in that state;
    `statistics_requested()` for the statistics."""

    status_requested = Signal(str)
    statistics_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db: Database | None = None
        self.board: Dashboard | None = None
        self.compact = False
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAccessibleName("概况")
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.text.linkActivated.connect(self._link)
        self.statistics_button = button("统计报表")
        self.statistics_button.setToolTip("按月、季度、年统计，导出报表，查看图表")
        self.statistics_button.clicked.connect(self.statistics_requested.emit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(self.text, 1)
        row.addWidget(self.statistics_button, 0, Qt.AlignmentFlag.AlignVCenter)
        operation_bus().operation_done.connect(self._operation_done)

    def set_database(self, db: Database) -> None:
        self.db = db
        self.refresh()

    def refresh(self, today: date | None = None) -> None:
        """Read the numbers again: three small grouped queries (dashboard ≤ 100 ms budget)."""
        if self.db is None:
            return
        from app.services.statistics import dashboard

        self.board = dashboard(self.db, today)
        self._show()

    def set_compact(self, compact: bool) -> None:
        """One line only (待办 folded away) or the whole panel."""
        self.compact = compact
        self._show()

    def _show(self) -> None:
        """The whole panel, or one short line at large text (the case list needs the room
        on a 768-pixel screen) and when 待办 is folded away."""
        from ui.style import current_scale

        if self.board is not None:
            compact = self.compact or current_scale() >= COMPACT_FROM_SCALE
            self.text.setText(summary_html(self.board, compact))

    def plain_text(self) -> str:
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(self.text.text())
        return document.toPlainText().replace("\u2060", "")

    def _link(self, key: str) -> None:
        kind, _, value = key.partition(":")
        if kind == "status":
            self.status_requested.emit(value)

    def _operation_done(self, changed: Changed, origin: object) -> None:
        if changed.cases or changed.everything:
            self.refresh()
