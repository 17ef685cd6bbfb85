"""The main window: the one main action "登记新纠纷", 待办, finding a case, and the case list.

On start it also offers back what was typed and not saved last time (a power cut, a crash):
"上次有还没有保存的内容：…" with "接着填写", which opens that dialog again, and "不要了".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import CaseStatus, SessionKind, Tier
from app.domain.errors import UserError
from app.views import CaseQuery, Changed
from ui import drafts, messages, style
from ui.case_table import CaseTable
from ui.case_table_model import PAGE_SIZE, RECEIVED, CaseTableModel
from ui.dashboard_view import DashboardView
from ui.drafts import Draft
from ui.due_view import DueView
from ui.operations import operation_bus
from ui.widgets import SpacedLabel, button, chain_tab_order, combo, hint, notice

if TYPE_CHECKING:
    from app.services.database import Database
    from ui.backup_dialog import AutoBackup, BackupDialog
    from ui.case_page import CasePage
    from ui.idle_lock import IdleLock
    from ui.roster_page import RosterPage

#: Typing in the search box re-reads the list after this pause (ms), not on every key.
SEARCH_DELAY_MS = 400
#: What the search box finds (app.services.search; docs/search.md).
SEARCH_LABEL = "查找（姓名、拼音首字母、电话后四位、编号、地址、事实中的词）"
SEARCH_EXAMPLE = "例如：李秀英　lxy　5678　楼上渗水"
SEARCHING_TEXT = "正在查找……"
ALL = ""


ORDER_WORDS = {
    "received_on": ("受理日期", "新的在前", "早的在前"),
    "number": ("案件编号", "大号在前", "小号在前"),
    "title": ("纠纷名称", "倒序", "正序"),
    "status": ("状态", "倒序", "正序"),
    "tier": ("层级", "倒序", "正序"),
}


#: The case-page tab each kind of kept dialog is opened from ("agent-3": by its prefix).
DRAFT_TABS = {
    "register": "registration",
    "case": "registration",
    "participant": "parties",
    "panel": "panel",
    "agreement": "agreement",
    "schedule": "agreement",
    "confirmation": "agreement",
    "payment": "performance",
    "follow-up": "performance",
    "escalate": "registration",
    "extension": "registration",
    "risk": "registration",
}
DRAFT_TAB_PREFIXES = (("agent-", "parties"), ("session-", "sessions"), ("event-", "registration"))
#: Drafts offered at once; the older ones follow when these are dealt with.
DRAFTS_SHOWN = 3
DRAFTS_INTRO = "上次有还没有保存的内容："


def draft_tab(kind: str) -> str:
    if kind in DRAFT_TABS:
        return DRAFT_TABS[kind]
    return next((tab for prefix, tab in DRAFT_TAB_PREFIXES if kind.startswith(prefix)), "")


def draft_item(key: str) -> int | None:
    """The record a draft edits (the last part of its key), None for a new one."""
    last = key.rsplit("|", 1)[-1]
    return int(last) if last.isdigit() else None


def draft_when(draft: Draft) -> str:
    moment = draft.saved_at.astimezone()
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def _by_id(records, wanted: int | None):  # type: ignore[no-untyped-def]
    return next((r for r in records if r.id == wanted), None) if wanted is not None else None


def reopen_dialog(page: CasePage, kind: str, item: int | None) -> str | None:
    """Open the dialog of the case page a draft was typed in (it then offers the draft
    itself); None when it was opened, else why it cannot be any more."""
    from app.domain.lifecycle import CLOSED_STATUSES, CaseEvent, events_from

    case = page.case
    if case.status is CaseStatus.ARCHIVED:
        return "这个案件已经归档，只能查看"
    if kind == "case":
        page.edit_registration()
    elif kind == "agreement":
        page.edit_agreement()
    elif kind == "panel":
        page.open_panel()
    elif kind == "participant":
        participant = _by_id(case.participants, item)
        if item is not None and participant is None:
            return "这位参与人员已经删除了"
        page.open_participant(participant)
    elif kind.startswith("agent-"):
        party_id = kind.removeprefix("agent-")
        party = _by_id(case.parties, int(party_id) if party_id.isdigit() else None)
        if party is None:
            return "这位当事人已经不在案件里了"
        agent = _by_id(party.agents, item)
        if item is not None and agent is None:
            return "这位委托代理人已经删除了"
        page.open_agent(party.id, agent)
    elif kind.startswith("session-"):
        try:
            sitting = SessionKind(kind.removeprefix("session-"))
        except ValueError:
            return "不知道是哪一种记录"
        session = _by_id(case.sessions, item)
        if item is not None and session is None:
            return "这份记录已经删除了"
        page.open_session(sitting, session)
    elif kind in ("schedule", "payment"):
        term = _by_id(case.agreement.terms if case.agreement else (), item)
        if term is None:
            return "协议的这一项已经改过了"
        if kind == "schedule":
            page.open_schedule(term)
        else:
            page.open_payment(term)
    elif kind == "follow-up":
        visit = _by_id(case.follow_ups, item)
        if item is not None and visit is None:
            return "这次回访的记录已经删除了"
        page.open_follow_up(visit)
    elif kind == "confirmation":
        page.open_confirmation()
    elif kind == "risk":
        page.open_risk()
    elif kind == "escalate":
        if case.status in CLOSED_STATUSES:
            return "案件已经办结，不能再移交"
        page.open_escalation()
    elif kind == "extension":
        if case.status not in (CaseStatus.ACCEPTED, CaseStatus.MEDIATING):
            return "案件已经不在调解中，不用再延长调解期限"
        page.open_extension()
    elif kind.startswith("event-"):
        try:
            event = CaseEvent(kind.removeprefix("event-"))
        except ValueError:
            return "不知道是哪一步办理"
        if event not in events_from(case.status):
            return f"案件现在是“{case.status.label}”，这一步已经不能办了"
        page.open_event(event)
    return None


def typed_text(values: dict[str, object]) -> str:
    """The words of a draft, for someone to copy them when its dialog cannot open again."""
    return "\n".join(str(v).strip() for v in values.values() if isinstance(v, str) and v.strip())


class DraftsNotice(QGroupBox):
    """The drafts of last time, newest first: "上次有还没有保存的内容：…", each with "接着填写"
    and "不要了"."""

    resume_requested = Signal(object)
    discard_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("上次没有保存的内容")
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(12, 8, 12, 8)
        self.column.setSpacing(6)
        self.rows: list[tuple[Draft, QPushButton, QPushButton]] = []
        self.labels: list[SpacedLabel] = []

    def show_drafts(self, listed: list[tuple[Draft, str]], older: int) -> None:
        while self.column.count():
            entry = self.column.takeAt(0)
            widget = entry.widget() if entry is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
            elif entry is not None and entry.layout() is not None:
                self._drop(entry.layout())
        self.rows = []
        self.labels = []
        one = len(listed) == 1 and not older
        if not one:
            self._label(DRAFTS_INTRO, self.column)
        for draft, words in listed:
            line = QHBoxLayout()
            line.setSpacing(12)
            label = self._label(f"{DRAFTS_INTRO}{words}" if one else words, line, 1)
            line.setAlignment(label, Qt.AlignmentFlag.AlignVCenter)
            label.setProperty("bold", one)
            go = button("接着填写")
            go.setAccessibleName(f"接着填写：{words}")
            go.setToolTip("打开当时填写的地方，把上次填写的内容填回去")
            drop = button("不要了")
            drop.setAccessibleName(f"不要了：{words}")
            drop.setToolTip("丢掉这份没有保存的内容（会先问一下）")
            go.clicked.connect(lambda _=False, d=draft: self.resume_requested.emit(d))
            drop.clicked.connect(lambda _=False, d=draft: self.discard_requested.emit(d))
            line.addWidget(go, 0, Qt.AlignmentFlag.AlignVCenter)
            line.addWidget(drop, 0, Qt.AlignmentFlag.AlignVCenter)
            self.column.addLayout(line)
            self.rows.append((draft, go, drop))
        if older:
            self._label(f"另有{older}份更早的没有保存的内容，处理完上面的就会列出来。", self.column)
        self.setVisible(bool(listed))

    def _label(self, text: str, into: QVBoxLayout | QHBoxLayout, stretch: int = 0) -> SpacedLabel:
        label = SpacedLabel(text)
        label.setProperty("bold", True)
        into.addWidget(label, stretch)
        self.labels.append(label)
        return label

    def _drop(self, layout) -> None:  # type: ignore[no-untyped-def]
        while layout.count():
            entry = layout.takeAt(0)
            widget = entry.widget() if entry is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()

    def text(self) -> str:
        return "\n".join(label.plain_text() for label in self.labels)

    def buttons(self) -> list[QPushButton]:
        return [b for _, go, drop in self.rows for b in (go, drop)] if not self.isHidden() else []


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
        opener: Callable[[Path], bool] | None = None,
    ) -> None:
        super().__init__()
        self.db: Database | None = None
        self.model: CaseTableModel | None = None
        self._page_size = page_size
        #: How a saved document is shown (tests pass a stub so no viewer starts).
        self.opener = opener
        self.statistics_dialog: QDialog | None = None
        self.case_list_dialog: QDialog | None = None
        #: The automatic backups (the program's start sets them up; tests of the window
        #: mostly go without).
        self.auto_backup: AutoBackup | None = None
        #: The screen lock after the committee's idle time (accounts on; set by the start).
        self.idle_lock: IdleLock | None = None
        self._painted = False
        self.setWindowTitle("老娘舅")
        self.committee_name = ""

        self.register_button = button("登记新纠纷", primary=True)
        self.register_button.setToolTip("来了新的纠纷，先在这里登记")
        self.open_button = button("打开案件")
        self.open_button.setToolTip("打开列表中选中的案件，查看详情、录入协议、打印协议")
        self.roster_button = button("调解员名册")
        self.roster_button.setToolTip("查看、新增、修改调解员，看每位调解员的工作记录")
        self.more_button = button("更多")
        self.more_button.setToolTip(
            "统计报表、以案定补、矛盾纠纷排查、核验文书、文书用语、备份与恢复、账号与登录"
        )
        self.more_button.setMenu(self._more_menu())
        self.size_button = button("大字体")
        self.size_button.setToolTip("把全部文字放大或改回标准大小，下次打开程序时仍然有效")
        self.size_button.setMenu(self._size_menu())

        top = QHBoxLayout()
        top.setSpacing(12)
        # Aligned, each button keeps its own height: the row never squeezes the main one.
        middle = Qt.AlignmentFlag.AlignVCenter
        top.addWidget(self.register_button, 0, middle)
        top.addWidget(self.open_button, 0, middle)
        top.addWidget(self.roster_button, 0, middle)
        top.addWidget(self.more_button, 0, middle)
        top.addStretch(1)
        top.addWidget(self.size_button, 0, middle)

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(False)
        self.search.setAccessibleName("查找")
        self.search.setPlaceholderText(SEARCH_EXAMPLE)
        search_label = QLabel(SEARCH_LABEL)
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

        # Unsaved work of last time, then 待办: above the search, the first things seen.
        self.drafts_notice = DraftsNotice()
        self.drafts_notice.hide()
        self.drafts_notice.resume_requested.connect(self.resume_draft)
        self.drafts_notice.discard_requested.connect(self.discard_draft)
        self.dashboard = DashboardView()
        self.dashboard.status_requested.connect(self.show_status)
        self.dashboard.statistics_requested.connect(self.open_statistics)
        self.due_view = DueView()
        self.due_view.open_requested.connect(self.open_case)
        self.due_view.rebuilt.connect(self._panels_changed)
        self.due_view.rebuilt.connect(
            lambda: self.dashboard.set_compact(not self.due_view.expanded)
        )

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.drafts_notice)
        layout.addWidget(self.dashboard)
        layout.addWidget(self.due_view)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.loading_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.help_label)
        self.setCentralWidget(central)
        self._chain_tabs()
        # The rows of 待办 get what room the case list can spare (worked out once laid out).
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_due)
        self.table.installEventFilter(self)

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
        # Through a lambda: `clicked` passes `checked`, which must not arrive as `then`.
        self.roster_button.clicked.connect(lambda: self.open_roster())
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
        self.committee_name = get_committee(db).name
        self.show_title()
        self.model = CaseTableModel(db, self._page_size, self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # the model is already in this order
        header.setSortIndicator(*self._sorted_by)
        header.blockSignals(False)
        self.model.total_changed.connect(self._show_total)
        self.model.searching.connect(self._show_searching)
        self.model.search_failed.connect(self._search_failed)
        self._show_total(self.model.total)
        self.loading_label.hide()
        self.dashboard.set_database(db)
        self.due_view.set_database(db)
        if self.idle_lock is not None:  # a restore gave the window another database
            self.idle_lock.db = db
            self.idle_lock.reload()
        self.show_drafts()
        self._set_ready(True)
        self.register_button.setFocus()

    # ------------------------------------------------------------ Tab order and room

    def _chain_tabs(self) -> None:
        """Tab follows the screen from top to bottom (the panels' buttons change)."""
        chain_tab_order(
            [
                self.register_button,
                self.open_button,
                self.roster_button,
                self.more_button,
                self.size_button,
                *self.drafts_notice.buttons(),
                self.dashboard.statistics_button,
                *self.due_view.buttons(),
                self.search,
                self.clear_button,
                self.status_filter,
                self.tier_filter,
                self.table,
            ]
        )

    def _panels_changed(self) -> None:
        self._chain_tabs()
        self._fit_timer.start()

    def table_least_height(self, rows: int = 2) -> int:
        """The case list's header and `rows` rows of two lines: what it keeps for itself."""
        line = self.table.fontMetrics().lineSpacing()
        header = self.table.horizontalHeader().sizeHint().height()
        return header + rows * round(2 * line * 1.35 + 12) + 2 * self.table.frameWidth()

    def shared_room(self) -> int:
        """The height the rows of 待办 and the case list share: the window's less all the rest
        (worked out from what each part needs, so it is right even before anything settled)."""
        central = self.centralWidget()
        layout = central.layout() if central is not None else None
        if central is None or layout is None:
            return 0
        margins = layout.contentsMargins()
        width = central.width() - margins.left() - margins.right()
        used = margins.top() + margins.bottom()
        shown = [
            item
            for index in range(layout.count())
            if (item := layout.itemAt(index)) is not None and not item.isEmpty()
        ]
        used += layout.spacing() * (len(shown) - 1)
        for item in shown:
            if item.widget() is self.table:
                continue
            if item.widget() is self.due_view:
                used += self.due_view.header_height(width)
            elif item.hasHeightForWidth():
                used += item.heightForWidth(width)
            else:
                used += item.sizeHint().height()
        return central.height() - used

    def _fit_due(self) -> None:
        """待办 as tall as its rows, up to half the room it shares with the case list, and
        never so tall that the list loses its header and two rows. When even that leaves no
        whole row of 待办 (200% text on a 768 px screen), 待办 shows one row and the list its
        header and one row; "收起待办" gives the list all the room."""
        if not self.isVisible() or not self.due_view.list_shown():
            return
        shared = self.shared_room()
        room = min(shared - self.table_least_height(2), shared // 2)
        one_row = self.due_view.first_row_height()
        if room < one_row:
            room = min(one_row, shared - self.table_least_height(1))
        if room < one_row:
            # Shorter still (200% with the drafts of last time above): what is left over the
            # list's own least height; the rows scroll, and the room comes back once the
            # drafts are dealt with or 待办 is folded away.
            room = max(room, shared - self.table.minimumSizeHint().height())
        if self.due_view.fit(max(room, 0)):
            # Laid out at once, the view's layout and then the window's (each asks the next),
            # not on later turns: the list never shows a squeezed frame.
            for _ in range(3):
                QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_timer.start()

    # ------------------------------------------------------------ drafts of last time

    def _draft_words(self, draft: Draft) -> str:
        """Which dialog of which case, and when: "登记履行　第1项　（2026）飞人调字第3号（11月25日
        14:03）"."""
        from app.services.detail import get_case

        words = draft.title
        if draft.case_id is not None and self.db is not None:
            try:
                number = get_case(self.db, draft.case_id).number
            except UserError:
                number = "（案件已经不在了）"
            if number not in words:
                words += f"　{number}"
        return f"{words}（{draft_when(draft)}）"

    def show_drafts(self) -> None:
        """Offer back what was left unsaved last time (after a crash or a power cut)."""
        if self.db is None:
            return
        found = drafts.pending(self.db.path)
        listed = [(d, self._draft_words(d)) for d in found[:DRAFTS_SHOWN]]
        self.drafts_notice.show_drafts(listed, len(found) - len(listed))
        self._panels_changed()

    def resume_draft(self, draft: Draft) -> None:
        """For "接着填写": open the dialog again; it asks to take the draft back."""
        kind = drafts.kind_of(draft.key)
        if kind == "register":
            self.register_case()
        elif kind == "mediator":  # the roster form: opened from the roster page
            item = draft_item(draft.key)
            self.open_roster(then=lambda page: page.open_dialog(item))
        elif draft.case_id is None:
            # Not a dialog of this window's: kept (never thrown away unasked) and explained.
            messages.show_info(
                self,
                f"“{draft.title}”要在原来填写的地方打开，打开时会问要不要接着填写。",
                "接着填写",
            )
        else:
            try:
                self.open_case(
                    draft.case_id,
                    draft_tab(kind) or "registration",
                    then=lambda page: self._reopen(page, draft, kind),
                )
            except UserError:  # the case was deleted, or replaced by an import
                self._cannot_resume(draft, "这个案件已经不在了")
        self.show_drafts()

    def _reopen(self, page: CasePage, draft: Draft, kind: str) -> None:
        if not draft_tab(kind):  # a dialog this window does not know how to open
            messages.show_info(
                page,
                f"请在这个案件页上打开填写“{draft.title}”的地方，打开时会问要不要接着填写。",
                "接着填写",
            )
            return
        why = reopen_dialog(page, kind, draft_item(draft.key))
        if why is not None:
            self._cannot_resume(draft, why, page)

    def _cannot_resume(self, draft: Draft, why: str, parent: QWidget | None = None) -> None:
        text = f"没法接着填写“{draft.title}”：{why}。"
        typed = typed_text(draft.values)
        if typed:
            text += f"\n上次填写的文字如下，需要时请照着重新填写：\n{typed}"
        messages.show_info(parent or self, text, "没法接着填写")
        drafts.discard(draft.key)

    def discard_draft(self, draft: Draft) -> None:
        """For "不要了": asked first, as everything that cannot be taken back."""
        if messages.confirm(
            self,
            "不要了",
            f"要丢掉上次没有保存的“{self._draft_words(draft)}”吗？\n丢掉以后就找不回来了。",
            "丢掉",
            "留着",
        ):
            drafts.discard(draft.key)
        self.show_drafts()

    def _set_ready(self, ready: bool) -> None:
        for widget in (
            self.register_button,
            self.open_button,
            self.roster_button,
            self.more_button,
            self.dashboard.statistics_button,
            self.search,
            self.clear_button,
            self.status_filter,
            self.tier_filter,
            self.table,
        ):
            widget.setEnabled(ready)

    # ------------------------------------------------------------ text size

    def _more_menu(self) -> QMenu:
        menu = QMenu(self)
        verify = QAction("核验文书……", menu)
        verify.triggered.connect(lambda _checked=False: self.open_verify())
        wording = QAction("文书用语……", menu)
        wording.triggered.connect(lambda _checked=False: self.open_wording())
        statistics = QAction("统计报表……", menu)
        statistics.triggered.connect(lambda _checked=False: self.open_statistics())
        subsidy = QAction("以案定补（调解员补贴）……", menu)
        subsidy.triggered.connect(lambda _checked=False: self.open_subsidy())
        screening = QAction("矛盾纠纷排查……", menu)
        screening.triggered.connect(lambda _checked=False: self.open_screening())
        for action in (statistics, subsidy, screening):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(verify)
        menu.addAction(wording)
        menu.addSeparator()
        backups = QAction("备份与恢复……", menu)
        backups.triggered.connect(lambda _checked=False: self.open_backups())
        menu.addAction(backups)
        people = QAction("账号与登录……", menu)
        people.triggered.connect(lambda _checked=False: self.open_accounts())
        menu.addAction(people)
        return menu

    def open_accounts(self) -> None:
        """更多 → 账号与登录……"""
        from ui.accounts_dialog import AccountsDialog

        if self.db is not None:
            dialog = AccountsDialog(self, self.db, changed=self.accounts_changed)
            dialog.exec()
            dialog.deleteLater()

    def accounts_changed(self) -> None:
        """Accounts switched on or off, or the idle time changed: the lock reads it again, and
        the title says who works now."""
        if self.idle_lock is not None:
            self.idle_lock.reload()
        self.show_title()

    def show_title(self) -> None:
        """老娘舅 — the committee — the person signed in (with accounts on)."""
        from app.services import accounts

        person = accounts.current_user(self.db) if self.db is not None else None
        who = f" — {person.name}（{person.role.label}）" if person is not None else ""
        self.setWindowTitle(f"老娘舅 — {self.committee_name}{who}")

    def open_statistics(self) -> None:
        """The statistics (not modal: a figure's cases open beside it)."""
        from ui.statistics_page import open_statistics

        if self.db is not None:
            self.statistics_dialog = open_statistics(self, self.db, on_cases=self.show_cases)

    def show_cases(self, case_ids: list[int], what: str) -> None:
        """The cases behind a figure, each of which opens on its page."""
        from ui.statistics_page import CaseListDialog

        if self.db is None:
            return
        dialog = CaseListDialog(
            self.statistics_dialog if self.statistics_dialog is not None else self,
            self.db,
            case_ids,
            what,
            open_case=lambda case_id: self.open_case(case_id),
        )
        self.case_list_dialog = dialog
        dialog.show()

    def open_subsidy(self) -> None:
        from ui.subsidy_dialog import SubsidyDialog

        if self.db is not None:
            dialog = SubsidyDialog(self, self.db, opener=self.opener)
            dialog.exec()
            dialog.deleteLater()

    def open_screening(self) -> None:
        from ui.screening_dialog import ScreeningDialog

        if self.db is not None:
            dialog = ScreeningDialog(self, self.db, opener=self.opener)
            dialog.exec()
            dialog.deleteLater()

    def show_status(self, code: str) -> None:
        """List the cases in state `code` (a count of 概况 clicked)."""
        from ui.widgets import select_code

        self.search.clear()
        self.tier_filter.setCurrentIndex(0)
        select_code(self.status_filter, code)
        self.apply_filters()
        self.table.setFocus()

    def open_verify(self) -> None:
        from ui.verify_dialog import VerifyDialog

        if self.db is not None:
            dialog = VerifyDialog(self, self.db)
            dialog.exec()
            dialog.deleteLater()

    def open_wording(self) -> None:
        from ui.wording_dialog import WordingDialog

        if self.db is not None:
            dialog = WordingDialog(self, self.db)
            dialog.exec()
            dialog.deleteLater()

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
        self.dashboard.set_compact(not self.due_view.expanded)  # one line at large text
        for value, action in self.size_actions.items():
            action.setChecked(value == scale)

    # ------------------------------------------------------------ backups

    def make_backup_dialog(self) -> BackupDialog:
        from ui.backup_dialog import BackupDialog

        assert self.db is not None, "the database is not open yet"
        return BackupDialog(self, self.db, release=self.release_database, reattach=self.attach)

    def open_backups(self) -> None:
        """更多 → 备份与恢复……"""
        if self.db is not None:
            dialog = self.make_backup_dialog()
            dialog.exec()
            dialog.deleteLater()

    def release_database(self) -> Database | None:
        """Let go of the database (a restore is about to replace its file): the list and the
        windows showing it closed, its connections closed; `attach` gives it back."""
        import shiboken6

        db = self.db
        if db is None:
            return None
        for dialog in (self.case_list_dialog, self.statistics_dialog):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()
        self.case_list_dialog = self.statistics_dialog = None
        self._set_ready(False)
        model = self.model
        self.model = None
        self.table.setModel(None)
        if model is not None:
            model.deleteLater()
        self.db = None
        self.loading_label.show()
        db.close()
        return db

    def bring_to_front(self) -> None:
        """Another start of the program on this data folder asked for this window."""
        if self.isMinimized():
            self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        modal = QApplication.activeModalWidget()
        if modal is not None:  # an open dialog stays in front of its window
            modal.raise_()
            modal.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing: the exit backup first (if anything changed since the last one), then the
        window closes by itself; a failed backup is told, and the window closes all the same."""
        backups = self.auto_backup
        if backups is not None and self.db is not None and not backups.exit_done:
            event.ignore()
            backups.at_exit(self.db, then=self.close)
            return
        super().closeEvent(event)

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
        if text:
            # Off the window's thread: the list shows the newest request's result only.
            query = self.model.query
            self.model.search(replace(query, statuses=statuses, tiers=tiers, text=text))
        else:
            self.model.set_filters(statuses, tiers, text)

    def _show_searching(self, searching: bool) -> None:
        if searching:
            self.total_label.setText(SEARCHING_TEXT)
            self.empty_label.hide()

    def _search_failed(self, message: str) -> None:
        if self.model is not None:
            self._show_total(self.model.total)
        messages.show_error(self, message)

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
        if self.auto_backup is not None and self.db is not None:
            self.auto_backup.after_change(self.db)  # the day's first change: the day's backup

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

    def make_case_page(self, case_id: int, tab: str = "registration") -> CasePage:
        from ui.case_page import CasePage

        assert self.db is not None, "the database is not open yet"
        return CasePage(self.db, case_id, self, opener=self.opener, tab=tab)

    def open_case(
        self,
        case_id: int,
        tab: str = "registration",
        then: Callable[[CasePage], object] | None = None,
    ) -> None:
        """Open the case page at `tab`; `then(page)` runs once it is on screen (a dialog)."""
        page = self.make_case_page(case_id, tab)
        if then is not None:
            QTimer.singleShot(0, page, lambda: then(page))
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

    # ------------------------------------------------------------ the roster

    def make_roster_page(self) -> RosterPage:
        from ui.roster_page import RosterPage

        assert self.db is not None, "the database is not open yet"
        return RosterPage(self.db, self)

    def open_roster(self, then: Callable[[RosterPage], object] | None = None) -> None:
        """The roster page; `then(page)` runs once it is on screen (a dialog kept as draft)."""
        page = self.make_roster_page()
        if then is not None:
            QTimer.singleShot(0, page, lambda: then(page))
        page.exec()
        page.deleteLater()  # a closed page must not go on reloading what it showed

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
            if hasattr(self, "_fit_timer"):
                self._fit_timer.start()
