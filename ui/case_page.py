"""The case page: one case in tabs, in the order the work happens, with its next step on top.

登记 → 当事人 → 调解员 → 调解记录 → 协议 → 履行与回访 → 卷宗. The highlighted button above the
tabs follows the case's status (受理, 开始调解, 录入协议, 登记履行, 登记回访, 归档…); "其他办理"
offers the other moves the status table allows, never one it forbids.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import roles
from app.domain.agreement_check import check_agreement_wording
from app.domain.codes import CaseStatus, PartyKind, SessionKind
from app.domain.dossier import check_dossier, missing_items
from app.domain.errors import UserError
from app.domain.lifecycle import CLOSED_STATUSES, CaseEvent, events_from
from app.domain.schedule import (
    ObligationState,
    ScheduleKind,
    describe,
    obligation_status,
    yuan_figures,
)
from app.services import accounts, panels, people, sittings
from app.services.database import Database
from app.services.detail import get_case
from app.services.printing import agreement_title
from app.views import CaseDetail, Changed, PartyView, TermView
from ui import case_actions, messages, print_flow
from ui.case_table_model import date_text as plain_date_text
from ui.operations import operation_bus, run_operation
from ui.print_flow import PrintRequest
from ui.record_dialog import RecordDialog
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    WORD_JOINER,
    SpacedLabel,
    button,
    heading,
    hint,
    keep_together,
    notice,
    paragraph,
    scroll_area,
    set_notice_kind,
)

Opener = Callable[[Path], bool]
PathAsker = Callable[[QWidget | None, str, Path], Path | None]
#: A button of a tab: its words, what it does, and (where not everyone may) the operation.
ButtonSpec = tuple[str, Callable[[], object]] | tuple[str, Callable[[], object], str]

#: The newest entries of the audit log the 修改记录 shows.
HISTORY_LINES = 60
NO_HISTORY = "没有记录（导入的案件从导入以后才开始记）"
#: The operation behind each main action (app.domain.roles decides who may do it).
MAIN_OPERATIONS = {
    "agreement": "agreement.save",
    "payment": "payment.record",
    "follow_up": "follow_up.save",
    "amend": "case.amend",
}

#: The tabs, in the order work happens; the key is what the 待办 list asks to open.
TABS = (
    ("registration", "登记"),
    ("parties", "当事人"),
    ("panel", "调解员"),
    ("sessions", "调解记录"),
    ("agreement", "协议"),
    ("performance", "履行与回访"),
    ("dossier", "卷宗"),
)


def date_text(value: object) -> str:
    """A date that is never broken across two lines ("2026年8月20日", not "…20/日")."""
    return keep_together(plain_date_text(value))


def item_text(text: str) -> str:
    """A short "label：value" ("履行期限：2026年8月20日") kept on one line; lines break between
    such items. A long one may still break, so nothing runs off the page."""
    short = len(text.replace(WORD_JOINER, "")) <= SHORT_ITEM
    return keep_together(text) if short else text


#: Items up to this many characters fit one line even at 200% (about 30 characters wide).
SHORT_ITEM = 20


def money_text(amount: Decimal | None) -> str:
    return "没有" if amount is None else keep_together(f"{amount:,.2f}元")


def party_title(party: PartyView) -> str:
    return f"{party.role.label}　{party.name}"


def party_lines(party: PartyView) -> list[str]:
    """Particulars of a party; the ID number is masked (privacy law: lists show part only)."""
    lines: list[str] = []
    if party.kind == PartyKind.PERSON:
        facts = [f"性别：{party.sex.label}" if party.sex else ""]
        facts.append(f"民族：{party.ethnicity}" if party.ethnicity else "")
        facts.append(f"出生日期：{date_text(party.birth_date)}" if party.birth_date else "")
        lines.append("，".join(item_text(f) for f in facts if f))
        if party.id_number:
            lines.append(f"身份证号：{party.masked_id_number}")
        if party.occupation:
            lines.append(f"职业：{party.occupation}")
    else:
        lines.append("单位")
        if party.credit_code:
            lines.append(f"统一社会信用代码：{party.credit_code}")
        if party.legal_representative:
            lines.append(f"法定代表人：{party.legal_representative}")
    if party.phone:
        lines.append(f"联系电话：{party.phone}")
    if party.address:
        lines.append(f"{'住址' if party.kind == PartyKind.PERSON else '地址'}：{party.address}")
    return [line for line in lines if line]


def removal_question(case: CaseDetail, party: PartyView) -> str | None:
    """What removing `party` would do (None: it cannot go, and the reason is in the refusal)."""
    index = case.parties.index(party)
    terms = case.agreement.terms if case.agreement else ()
    if any(index in (t.obligor, t.obligee) for t in terms):
        return None
    agents = f"，连同{len(party.agents)}位委托代理人" if party.agents else ""
    return (
        f"要把{party_title(party)}从案件中删除吗{agents}？\n"
        "删除后，已经打印的文书不会改变，需要时请重新打印。"
    )


def main_operation(what: str) -> str | None:
    """The operation the main button's action `what` carries out (None: only a tab shown)."""
    if what.startswith("event:"):
        return f"case.{what.removeprefix('event:')}"
    return MAIN_OPERATIONS.get(what)


def deletion_question(case: CaseDetail) -> str:
    """The confirmation before a case is deleted for good: which case, what goes with it."""
    return (
        f"删除案件“{case.number}　{case.title}”？\n"
        f"这件案件的当事人（{len(case.parties)}人）、调解记录、协议、附件都会从电脑里删掉，"
        "不能撤销，只有删除以前做的备份里还有。\n"
        "只在这件案件的保存期限已满（或者是重复登记的）时才删除。"
    )


def _monthly(term: TermView) -> bool:
    return term.schedule is not None and term.schedule.kind is ScheduleKind.RECURRING


class CasePage(QDialog):
    """One case: read it, move it on, correct it, print its agreement."""

    def __init__(
        self,
        db: Database,
        case_id: int,
        parent: QWidget | None = None,
        opener: Opener | None = None,
        ask_path: PathAsker | None = None,
        tab: str = "registration",
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.case_id = case_id
        #: Set when something of the case was saved here, so the list is read again.
        self.changed: Changed | None = None
        self.opener: Opener = opener or print_flow.open_file
        self.ask_path: PathAsker = ask_path or print_flow.ask_path
        #: Tests give the print dialog stand-in printers: keyword arguments for it.
        self.print_options: dict[str, object] = {}
        #: The dialog open from this page (tests drive it), None when none is.
        self.dialog: QDialog | None = None

        self.title_label = heading("")
        self.state_label = paragraph("")
        self.main_button = button("", primary=True)
        self.main_button.setDefault(True)
        self.main_button.clicked.connect(self.do_main_action)
        self.more_button = button("其他办理")
        self.more_menu = QMenu(self)
        self.more_button.setMenu(self.more_menu)
        self.print_button = button("打印协议")
        self.print_button.setToolTip("先看打印出来的样子，再送到打印机，或保存为PDF、Word文件")
        self.print_button.clicked.connect(self.print_agreement)
        self.edit_button = button("录入/修改协议")
        self.edit_button.clicked.connect(self.edit_agreement)
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        actions = QHBoxLayout()
        actions.setSpacing(16)
        for widget in (self.main_button, self.more_button, self.print_button):
            actions.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        actions.addStretch(1)

        self.notice = notice()
        self.notice.hide()
        #: Says why some buttons are grey (the role signed in may not use them).
        self.role_hint = hint("")
        self.role_hint.hide()
        #: What the person signed in may do, asked once per load of the case.
        self._allowed: dict[str, bool] = {}
        self._accounts_on = False

        self.tabs = QTabWidget()
        self.tab_bodies: dict[str, QVBoxLayout] = {}
        self.tab_scrolls: dict[str, QScrollArea] = {}
        for key, title in TABS:
            body = QWidget()
            column = QVBoxLayout(body)
            column.setContentsMargins(20, 8, 20, 20)
            column.setSpacing(12)
            area = scroll_area(body)
            self.tab_bodies[key] = column
            self.tab_scrolls[key] = area
            self.tabs.addTab(area, title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.state_label)
        layout.addLayout(actions)
        layout.addWidget(self.role_hint)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        self._stale: set[str] = set()
        self.tabs.currentChanged.connect(self._build_tab)
        self.load()
        self.show_tab(tab)
        operation_bus().operation_done.connect(self._operation_done)
        fit_to_screen(self)  # the buttons above the tabs stay on the screen
        self.main_button.setFocus()

    @property
    def scroll(self) -> QScrollArea:  # type: ignore[override]
        """The scrolling body of the tab shown now."""
        return self.tab_scrolls[TABS[self.tabs.currentIndex()][0]]

    def show_tab(self, key: str) -> None:
        keys = [k for k, _ in TABS]
        self.tabs.setCurrentIndex(keys.index(key) if key in keys else 0)

    # ------------------------------------------------------------ showing the case

    def load(self) -> None:
        self.case = get_case(self.db, self.case_id)
        case = self.case
        self.setWindowTitle(f"案件 {case.number}")
        self.title_label.set_text(f"{case.number}　{case.title}")
        self.state_label.set_text(
            f"状态：{case.status.label}　　化解层级：{case.tier.label}"
            + ("　　（已归档，只能查看）" if case.status is CaseStatus.ARCHIVED else "")
        )
        self._allowed = {}
        # Read once a load: every button asks `may`, and with accounts off all may.
        self._accounts_on = accounts.accounts_enabled(self.db)
        self._greyed = False
        label, what = case_actions.main_action(case)
        self.main_button.setText(label)
        self._offer(self.main_button, main_operation(what))
        self._fill_more_menu()
        has_agreement = case.agreement is not None
        self.print_button.setVisible(has_agreement)  # never offered before there is one
        # Each tab is built when it is first shown after a load: a page opens with one tab's
        # widgets, not seven.
        self._stale = {key for key, _ in TABS}
        self._build_tab(self.tabs.currentIndex())

    def may(self, operation: str) -> bool:
        """Whether the person signed in may carry out `operation` (the services refuse it
        anyway; the page greys what they may not use)."""
        if not self._accounts_on:
            return True
        if operation not in self._allowed:
            self._allowed[operation] = accounts.may(self.db, operation)
        return self._allowed[operation]

    def _offer(self, widget: QWidget, operation: str | None) -> None:
        """`widget` usable, or grey with the reason, as the role signed in allows."""
        allowed = operation is None or self.may(operation)
        widget.setEnabled(allowed)
        if not allowed and operation is not None:
            person = accounts.current_user(self.db)
            reason = (
                roles.refusal(person.role, operation)
                if person is not None
                else "已启用账号，请先登录。"
            )
            widget.setToolTip(reason)
            self._greyed = True
            self._show_role_hint()

    def _show_role_hint(self) -> None:
        person = accounts.current_user(self.db)
        who = person.role.label if person is not None else "现在"
        self.role_hint.set_text(
            f"灰色的按钮，{who}不能用：要由调解员或管理员办理（把鼠标放在按钮上可以看到原因）。"
        )
        self.role_hint.show()

    def _build_tab(self, index: int) -> None:
        key = TABS[index][0] if 0 <= index < len(TABS) else ""
        if key not in self._stale:
            return
        self._stale.discard(key)
        builders = {
            "registration": self._registration_tab,
            "parties": self._parties_tab,
            "panel": self._panel_tab,
            "sessions": self._sessions_tab,
            "agreement": self._agreement_tab,
            "performance": self._performance_tab,
            "dossier": self._dossier_tab,
        }
        column = self.tab_bodies[key]
        while column.count():
            item = column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        for widget in builders[key](self.case):
            column.addWidget(widget)
        column.addStretch(1)

    def _operation_done(self, changed: Changed, origin: object) -> None:
        """Saved anywhere in the program: read the case again if it is this one."""
        if self.case_id in changed.cases or changed.everything:
            try:
                self.load()
            except UserError:  # the case was deleted or replaced by an import
                self.reject()

    def _fill_more_menu(self) -> None:
        self.more_menu.clear()
        _, main = case_actions.main_action(self.case)
        for event in events_from(self.case.status):
            if main == f"event:{event.value}":
                continue
            action = self.more_menu.addAction(event.label)
            action.setEnabled(self.may(f"case.{event.value}"))
            action.triggered.connect(lambda _=False, e=event: self.open_event(e))
        if self.case.status not in CLOSED_STATUSES:
            self.more_menu.addSeparator()
            escalate = self.more_menu.addAction("移交上一级")
            escalate.setEnabled(self.may("case.escalate"))
            escalate.triggered.connect(self.open_escalation)
            if self.case.status in (CaseStatus.ACCEPTED, CaseStatus.MEDIATING):
                extend = self.more_menu.addAction("延长调解期限")
                extend.setEnabled(self.may("case.extend"))
                extend.triggered.connect(self.open_extension)
        if self._accounts_on and self.may("case.delete"):
            # Only where accounts name an administrator: in a one-person room a slip of the
            # mouse should not be one click from losing a case.
            self.more_menu.addSeparator()
            delete = self.more_menu.addAction("删除本案（保存期满后）……")
            delete.triggered.connect(self.delete_case)
        if any(not a.isEnabled() for a in self.more_menu.actions() if not a.isSeparator()):
            self._greyed = True
            self._show_role_hint()
        self.more_button.setVisible(not self.more_menu.isEmpty())

    @staticmethod
    def _pairs(pairs: list[tuple[str, QWidget | str]]) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        for row, (name, value) in enumerate(pairs):
            label = QLabel(f"{name}：")
            label.setProperty("hint", True)
            widget = paragraph(value) if isinstance(value, str) else value
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(widget, row, 1)
        return box

    def _section(self, title: str, *widgets: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 8, 0, 8)
        column.setSpacing(8)
        column.addWidget(heading(title))
        for widget in widgets:
            column.addWidget(widget)
        return box

    def _buttons(self, *specs: ButtonSpec) -> QWidget:
        """A row of buttons; none on an archived case (it is read-only). A button whose
        operation the person signed in may not carry out is grey, saying why."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        if self.case.status is not CaseStatus.ARCHIVED:
            for spec in specs:
                text, slot = spec[0], spec[1]
                widget = button(text)
                widget.clicked.connect(lambda _=False, s=slot: s())
                self._offer(widget, spec[2] if len(spec) == 3 else None)
                row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        return box

    # ------------------------------------------------------------ 登记

    def _registration_tab(self, case: CaseDetail) -> list[QWidget]:
        if case.escalations:
            moves = "\n".join(
                f"{date_text(e.on)}　{e.from_tier.label} → {e.to_tier.label}"
                + (f"（{e.reason}）" if e.reason else "")
                + (f"　决定人：{e.decided_by}" if e.decided_by else "")
                for e in case.escalations
            )
        else:
            moves = "没有变过"
        pairs: list[tuple[str, QWidget | str]] = [
            ("案件编号", case.number),
            ("纠纷名称", case.title),
            ("状态", case.status.label),
            ("化解层级", case.tier.label),
            ("层级变化", moves),
            ("纠纷类型", case.dispute_type.label),
            ("案件来源", case.source.label),
            ("受理日期", date_text(case.received_on)),
            ("发生地点", case.place.text() or "没有填写"),
            ("涉及金额", money_text(case.amount)),
        ]
        if case.mediation_extended_to:
            pairs.append(
                (
                    "调解期限",
                    f"延长至{date_text(case.mediation_extended_to)}（{case.extension_reason}）",
                )
            )
        pairs.append(("纠纷简要情况", case.facts or "没有填写"))
        if case.requests:
            pairs.append(
                ("申请事项", "\n".join(f"{i}. {r}" for i, r in enumerate(case.requests, 1)))
            )
        risk: list[tuple[str, QWidget | str]] = [
            ("风险", "、".join(f.label for f in case.risk_flags) or "没有"),
            ("预警等级", case.risk_level.label if case.risk_level else "无"),
        ]
        if case.risk_measures:
            risk.append(("预防措施", case.risk_measures))
        if case.police_reported_on:
            risk.append(("报告公安机关", date_text(case.police_reported_on)))
        if case.escalation_prevented:
            risk.append(("防止激化", "成功防止了纠纷激化"))
        history = "\n".join(
            f"{date_text(h.on)}　{h.event_label}：{h.to_status.label}"
            + (f"（{h.reason}）" if h.reason else "")
            + (f"　{h.actor}" if h.actor else "")
            for h in case.status_history
        )
        edit = "修改登记" if case.status is not CaseStatus.ARCHIVED else ""
        return [
            self._section(
                "案件情况",
                self._pairs(pairs),
                self._buttons((edit, self.edit_registration)) if edit else QWidget(),
            ),
            self._section(
                "风险与预警",
                self._pairs(risk),
                self._buttons(("修改风险", self.open_risk, "case.risk")),
            ),
            self._section("办理经过", paragraph(history or "没有记录")),
            self._section("修改记录", self._changes()),
        ]

    def _changes(self) -> QWidget:
        """Who did what to this case and when, from the audit log (never the values)."""
        from app.services.case_history import case_history

        lines = case_history(self.db, self.case_id)
        shown = lines[-HISTORY_LINES:]
        words = "\n".join(line.text() for line in shown) or NO_HISTORY
        if len(lines) > len(shown):
            words = f"（只列出最近的{len(shown)}条）\n{words}"
        return paragraph(words)

    # ------------------------------------------------------------ 当事人

    def _parties_tab(self, case: CaseDetail) -> list[QWidget]:
        blocks: list[QWidget] = []
        for party in case.parties:
            title = SpacedLabel(party_title(party))
            title.setProperty("bold", True)
            blocks.append(title)
            lines = party_lines(party)
            for agent in party.agents:
                lines.append(
                    f"委托代理人：{agent.name}（{agent.authority_kind.label}"
                    + (
                        f"，{plain_date_text(agent.authorised_on)}授权"
                        if agent.authorised_on
                        else ""
                    )
                    + "）"
                    + (f"　权限：{agent.authority}" if agent.authority else "")
                )
            details = paragraph("\n".join(lines))
            details.setContentsMargins(32, 0, 0, 4)
            blocks.append(details)
            blocks.append(
                self._buttons(
                    ("添加委托代理人", partial(self.open_agent, party.id, None)),
                    *(
                        (f"修改代理人{a.name}", partial(self.open_agent, party.id, a))
                        for a in party.agents
                    ),
                    ("删除这位当事人", partial(self.remove_party, party)),
                )
            )
        if not blocks:
            blocks.append(paragraph("没有当事人"))
        participants = "\n".join(
            f"{p.name}（{p.kind.label}" + (f"，{p.organisation}" if p.organisation else "") + "）"
            for p in case.participants
        )
        return [
            self._section(
                "当事人",
                *blocks,
                self._buttons(("修改当事人或添加当事人", self.edit_registration)),
            ),
            self._section(
                "邀请参与调解的人员",
                paragraph(participants or "没有"),
                self._buttons(("添加参与人员", lambda: self.open_participant(None))),
            ),
        ]

    # ------------------------------------------------------------ 调解员

    def _panel_tab(self, case: CaseDetail) -> list[QWidget]:
        lines = "\n".join(f"{m.role.label}：{m.name}" for m in case.panel)
        history = panels.panel_history(self.db, case.id)
        return [
            self._section(
                "调解员",
                paragraph(lines or "还没有调解员：请点“从名册抽选”"),
                self._buttons(
                    ("从名册抽选", self.open_draw, "panel.draw"),
                    ("逐个指定", self.open_panel, "panel.add"),
                    ("申请回避", self.open_recusal, "panel.recusal"),
                ),
                self._buttons(
                    *(
                        (
                            f"去掉{m.name}",
                            lambda m=m: self.remove_panel_member(m.mediator_id),
                            "panel.remove",
                        )
                        for m in case.panel
                    ),
                ),
            ),
            self._section(
                "抽选和调整记录",
                paragraph("\n".join(history.draws) or "没有"),
            ),
            self._section("回避申请", paragraph("\n".join(history.recusals) or "没有")),
        ]

    # ------------------------------------------------------------ 调解记录

    def _sessions_tab(self, case: CaseDetail) -> list[QWidget]:
        widgets: list[QWidget] = []
        for number, s in enumerate(case.sessions, 1):
            when = s.held_at.astimezone().strftime("%Y-%m-%d %H:%M")
            text = [
                f"时间：{when}　地点：{s.place or '没有填写'}",
                f"{'调查人' if s.kind is SessionKind.INVESTIGATION else '调解员'}："
                + "、".join(s.mediators_present.splitlines()),
                f"{'被调查人' if s.kind is SessionKind.INVESTIGATION else '当事人'}："
                + "、".join(s.parties_present.splitlines()),
            ]
            if s.participants_present:
                text.append("其他参加人：" + "、".join(s.participants_present.splitlines()))
            if s.statements:
                text.append(f"陈述：{s.statements}")
            if s.facts_verified:
                text.append(f"查明的事实：{s.facts_verified}")
            if s.outcome:
                text.append(f"结果：{s.outcome}")
            widgets.append(
                self._section(
                    f"{number}. {s.kind.label}记录",
                    paragraph("\n".join(text)),
                    self._buttons(("修改", partial(self.open_session, s.kind, s))),
                )
            )
        if not widgets:
            widgets.append(paragraph("还没有调查记录或调解记录。"))
        widgets.append(
            self._buttons(
                ("添加调解记录", lambda: self.open_session(SessionKind.MEDIATION, None)),
                ("添加调查记录", lambda: self.open_session(SessionKind.INVESTIGATION, None)),
            )
        )
        return widgets

    # ------------------------------------------------------------ 协议

    def _who(self, index: int | None) -> str:
        names = [p.name for p in self.case.parties]
        return names[index] if index is not None and 0 <= index < len(names) else ""

    def _agreement_tab(self, case: CaseDetail) -> list[QWidget]:
        agreement = case.agreement
        edit_row = self._buttons(("录入/修改协议", self.edit_agreement, "agreement.save"))
        if agreement is None:
            return [
                self._section(
                    "调解协议", paragraph("尚未录入协议。请按下面的“录入/修改协议”填写。"), edit_row
                )
            ]
        terms: list[str] = []
        for number, term in enumerate(agreement.terms, 1):
            details = [
                f"履行人：{self._who(term.obligor)}" if self._who(term.obligor) else "",
                f"权利人：{self._who(term.obligee)}" if self._who(term.obligee) else "",
                f"{'每月' if _monthly(term) else ''}金额：{money_text(term.amount)}"
                if term.amount is not None
                else "",
            ]
            detail = "　".join(item_text(d) for d in details if d)
            when = describe(term.schedule) if term.schedule else ""
            terms.append(
                f"{number}. {term.text}"
                + (f"\n　　{detail}" if detail else "")
                + (f"\n　　履行方式：{when}" if when else "")
            )
        pairs: list[tuple[str, QWidget | str]] = [
            ("协议形式", agreement.form.label),
            ("达成日期", date_text(agreement.reached_on) if agreement.reached_on else "没有填写"),
            ("纠纷主要事实", agreement.facts or "没有填写"),
            ("争议事项", agreement.issues or "没有填写"),
            ("各方责任", agreement.responsibility or "没有填写"),
            ("协议内容", "\n".join(terms) or "没有填写"),
        ]
        if agreement.total_amount is not None:
            pairs.append(("金额合计", money_text(agreement.total_amount)))
        confirmation = "没有申请"
        if agreement.confirmation_applied_on:
            confirmation = (
                f"{date_text(agreement.confirmation_applied_on)}向{agreement.confirmation_court}申请"
                + (f"；{agreement.confirmation_result}" if agreement.confirmation_result else "")
            )
        schedule_buttons: list[ButtonSpec] = [
            (f"第{n}项的履行方式", partial(self.open_schedule, t), "obligation.schedule")
            for n, t in enumerate(agreement.terms, 1)
            if t.schedule is not None
        ]
        return [
            self._section("调解协议", self._pairs(pairs), edit_row),
            self._section("履行方式", self._buttons(*schedule_buttons)),
            self._section(
                "司法确认",
                paragraph(confirmation),
                self._buttons(("登记司法确认", self.open_confirmation)),
            ),
        ]

    # ------------------------------------------------------------ 履行与回访

    def _term_state(self, term: TermView, today: date) -> str:
        assert term.schedule is not None
        status = obligation_status(term.schedule, term.payments, today)
        parts = [status.state.label]
        if status.state is ObligationState.OVERDUE:
            parts.append(f"逾期{status.days_late}天")
        if status.next_due and status.state is not ObligationState.PERFORMED:
            parts.append(f"下一期限{date_text(status.next_due)}")
        if status.outstanding_fen:
            parts.append(f"到期未付{yuan_figures(status.outstanding_fen)}")
        if status.paid_fen:
            parts.append(f"已付{yuan_figures(status.paid_fen)}")
        return "，".join(parts)

    def _performance_tab(self, case: CaseDetail) -> list[QWidget]:
        widgets: list[QWidget] = []
        today = date.today()
        terms = [t for t in (case.agreement.terms if case.agreement else ()) if t.schedule]
        for term in terms:
            assert term.schedule is not None
            performed = (
                obligation_status(term.schedule, term.payments, today).state
                is ObligationState.PERFORMED
            )
            records = "".join(
                f"\n　　{date_text(p.on)}　"
                + (yuan_figures(p.amount_fen) if p.amount_fen is not None else "已履行")
                + (f"　{note}" if note else "")
                for p, note in zip(term.payments, term.payment_notes, strict=False)
            )
            widgets.append(
                self._section(
                    f"第{term.position + 1}项：{term.text}",
                    paragraph(
                        f"履行方式：{describe(term.schedule)}\n"
                        f"现在：{self._term_state(term, today)}\n"
                        f"履行记录：{records or '还没有'}"
                    ),
                    self._buttons(
                        *(() if performed else (("登记履行", lambda t=term: self.open_payment(t)),))
                    ),
                )
            )
        if not widgets:
            widgets.append(paragraph("没有需要履行的义务（协议达成后在这里登记履行情况）。"))
        visits = "\n".join(
            f"{date_text(f.on)}　{f.by_name}回访{f.met_with}："
            + ("已履行" if f.performed else "未履行" if f.performed is False else "")
            + (f"，{f.satisfaction.label}" if f.satisfaction else "")
            + (f"。{f.notes}" if f.notes else "")
            + (f"\n　　遗留风险：{f.risks}；措施：{f.measures}" if f.risks else "")
            for f in case.follow_ups
        )
        widgets.append(
            self._section(
                "回访",
                paragraph(visits or "还没有回访记录"),
                self._buttons(
                    ("登记回访", lambda: self.open_follow_up(None)),
                    *(
                        (f"修改{date_text(f.on)}的回访", lambda f=f: self.open_follow_up(f))
                        for f in case.follow_ups
                    ),
                ),
            )
        )
        return widgets

    # ------------------------------------------------------------ 卷宗

    def _dossier_tab(self, case: CaseDetail) -> list[QWidget]:
        widgets: list[QWidget] = []
        for attachment in case.attachments:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            size = (
                f"{attachment.size / 1024:.0f} KB"
                if attachment.size >= 1024
                else f"{attachment.size} 字节"
            )
            added = attachment.added_at.astimezone().strftime("%Y-%m-%d")
            owner = next((p.name for p in case.parties if p.id == attachment.party_id), "")
            kind = attachment.kind.label + (f"（{owner}）" if owner else "")
            line.addWidget(
                paragraph(
                    f"{kind}：{attachment.original_name}　{size}　{added}"
                    + (f"\n{attachment.description}" if attachment.description else "")
                ),
                1,
            )
            opener = button("打开")
            opener.setAccessibleName(f"打开{attachment.original_name}")
            opener.clicked.connect(lambda _=False, a=attachment: self.open_attachment(a.sha256))
            line.addWidget(opener, 0, Qt.AlignmentFlag.AlignVCenter)
            widgets.append(row)
        if not widgets:
            widgets.append(paragraph("还没有附件。证据、照片、收据、扫描件都可以附在案件上。"))
        items = check_dossier(case)
        gaps = missing_items(items)
        summary = "卷宗齐全。" if not gaps else f"还缺{len(gaps)}项，补齐后再归档："
        notified = (
            f"权利义务告知书：{case.rights_notified_on:%Y-%m-%d}告知"
            if case.rights_notified_on
            else "权利义务告知书：还没有记下告知日期"
        )
        sections = [
            self._section(
                "卷宗是否完整",
                paragraph(summary),
                paragraph("\n".join(i.line() for i in items)),
                paragraph(notified),
                self._buttons(("记下告知日期", self.open_rights_notice)),
            ),
            self._section("附件", *widgets, self._buttons(("添加附件", self.add_attachment))),
        ]
        if case.dossier_note:
            sections.append(self._section("卷宗情况说明", paragraph(case.dossier_note)))
        if case.status in CLOSED_STATUSES:  # 以案定补: the class of a case whose mediation ended
            from ui.subsidy_dialog import SubsidySection

            sections.append(SubsidySection(self.db, case.id))
        sections.append(self._section("打印文书", *self.print_rows(case)))
        return sections

    # ------------------------------------------------------------ actions

    def do_main_action(self) -> None:
        _, what = case_actions.main_action(self.case)
        if what.startswith("event:"):
            self.open_event(CaseEvent(what.removeprefix("event:")))
        elif what == "agreement":
            self.show_tab("agreement")
            self.edit_agreement()
        elif what == "payment":
            self.show_tab("performance")
            terms = [
                t for t in (self.case.agreement.terms if self.case.agreement else ()) if t.schedule
            ]
            today = date.today()
            open_terms = [
                t
                for t in terms
                if t.schedule
                and obligation_status(t.schedule, t.payments, today).state
                is not ObligationState.PERFORMED
            ]
            if open_terms:
                self.open_payment(open_terms[0])
        elif what == "follow_up":
            self.show_tab("performance")
            self.open_follow_up(None)
        elif what == "amend":
            self.amend_archived()

    def _run(self, dialog: RecordDialog) -> bool:
        self.dialog = dialog
        try:
            accepted = bool(dialog.exec())
        finally:
            self.dialog = None
            dialog.deleteLater()  # a child of the page: closed, it must not linger
        if accepted and dialog.changed is not None:
            self.changed = dialog.changed
        return accepted

    def open_event(self, event: CaseEvent) -> None:
        self._run(case_actions.event_dialog(self, self.db, self.case, event))

    def open_escalation(self) -> None:
        self._run(case_actions.escalate_dialog(self, self.db, self.case))

    def open_extension(self) -> None:
        self._run(case_actions.extension_dialog(self, self.db, self.case))

    def open_risk(self) -> None:
        self._run(case_actions.risk_dialog(self, self.db, self.case))

    def open_agent(self, party_id: int, agent) -> None:  # type: ignore[no-untyped-def]
        self._run(case_actions.agent_dialog(self, self.db, self.case, party_id, agent))

    def open_participant(self, participant) -> None:  # type: ignore[no-untyped-def]
        self._run(case_actions.participant_dialog(self, self.db, self.case, participant))

    def open_panel(self) -> None:
        self._run(case_actions.panel_dialog(self, self.db, self.case))

    def open_draw(self) -> None:
        from ui.panel_draw_dialog import PanelDrawDialog

        dialog = PanelDrawDialog(self, self.db, self.case)
        dialog.exec()

    def open_recusal(self) -> None:
        self._run(case_actions.recusal_dialog(self, self.db, self.case))

    def open_session(self, kind: SessionKind, session) -> None:  # type: ignore[no-untyped-def]
        self._run(case_actions.session_dialog(self, self.db, self.case, kind, session))

    def open_schedule(self, term: TermView) -> None:
        self._run(case_actions.schedule_dialog(self, self.db, self.case, term))

    def open_payment(self, term: TermView) -> None:
        self._run(case_actions.payment_dialog(self, self.db, self.case, term))

    def open_follow_up(self, visit) -> None:  # type: ignore[no-untyped-def]
        self._run(case_actions.follow_up_dialog(self, self.db, self.case, visit))

    def open_confirmation(self) -> None:
        self._run(case_actions.confirmation_dialog(self, self.db, self.case))

    def remove_party(self, party: PartyView) -> None:
        question = removal_question(self.case, party)
        if question is not None and not messages.confirm(
            self, "删除当事人", question, "删除这位当事人", "不删除"
        ):
            return
        run_operation(
            self, people.remove_party, self.db, self.case_id, party.id, error_title="没有删除"
        )

    def remove_panel_member(self, mediator_id: int) -> None:
        run_operation(self, people.remove_panel_member, self.db, self.case_id, mediator_id)

    def add_attachment(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择要附上的文件", str(Path.home()))
        if path:
            self._run(case_actions.attachment_dialog(self, self.db, self.case, path))

    def open_rights_notice(self) -> None:
        self._run(case_actions.rights_notice_dialog(self, self.db, self.case))

    def open_attachment(self, sha256: str) -> None:
        try:
            path = sittings.attachment_file(self.db, sha256)
        except UserError as error:
            messages.show_error(self, error.message, "打不开附件")
            return
        self.opener(path)

    def delete_case(self) -> None:
        """其他办理 → 删除本案: for good, after the question naming the case (administrator)."""
        from app.services.retention import delete_case

        if not messages.confirm(
            self, "删除案件", deletion_question(self.case), "删除这件案件", "不删除"
        ):
            return
        number, case_id, database = self.case.number, self.case_id, self.db.path

        def deleted(_result: object) -> None:
            from ui import drafts

            drafts.discard_case(database, case_id)  # what was typed for it goes with it
            messages.show_info(self.parentWidget(), f"案件“{number}”已删除。", "已删除")

        run_operation(
            self,
            delete_case,
            self.db,
            self.case_id,
            on_done=deleted,
            origin=self,
            in_thread=True,
            wait_text="正在删除……",
        )

    def edit_registration(self, amendment_reason: str = "") -> None:
        from ui.register_dialog import RegisterDialog

        dialog = RegisterDialog(self.db, self, self.case, amendment_reason=amendment_reason)
        self.dialog = dialog
        try:
            if dialog.exec() and dialog.changed is not None:
                self.changed = dialog.changed
        finally:
            self.dialog = None
            dialog.deleteLater()

    def amend_archived(self) -> None:
        reason, ok = QInputDialog.getMultiLineText(
            self,
            "归档后更正",
            "案件已经归档。更正的原因会记入办理经过。\n请写明为什么要更正：",
        )
        if ok and reason.strip():
            self.edit_registration(amendment_reason=reason)
        elif ok:
            messages.show_info(self, "没有写更正的原因，案件没有改动。", "没有更正")

    # ------------------------------------------------------------ agreement

    def edit_agreement(self) -> None:
        if self.case.status == CaseStatus.ARCHIVED:
            messages.show_info(self, "这个案件已经归档，协议不能再修改。", "不能修改")
            return
        dialog = self.make_agreement_dialog()
        self.dialog = dialog
        try:
            if dialog.exec() and dialog.changed is not None:
                self.changed = dialog.changed  # the page has read it again (the broadcast)
        finally:
            self.dialog = None
            dialog.deleteLater()

    def make_agreement_dialog(self):  # type: ignore[no-untyped-def]
        from ui.agreement_dialog import AgreementDialog

        return AgreementDialog(self.db, self.case, self)

    # ------------------------------------------------------------ printing

    def print_agreement(self) -> None:
        if self.case.agreement is None:
            messages.show_info(
                self,
                "这个案件还没有录入协议，没有可以打印的协议书。\n请先按“录入/修改协议”填写。",
                "还没有协议",
            )
            return
        hints = check_agreement_wording(self.case.agreement, self.case.parties)
        if hints and not messages.confirm(
            self,
            "打印前请看一下",
            "协议中有几处可能写得不够清楚（不影响打印）：\n\n"
            + "\n".join(f"· {h}" for h in hints)
            + "\n\n可以先回去修改协议，也可以照样打印。",
            "照样打印",
            "回去修改",
        ):
            return
        title = agreement_title(self.case)  # an oral agreement prints as its register
        # One for each party and one the committee keeps (People's Mediation Law art. 29).
        copies = len(self.case.parties) + 1
        self.open_print(
            PrintRequest("agreement", title, self.case_id, self.case.number, copies=copies)
        )

    def open_print(self, request: PrintRequest) -> None:
        """The print dialog for `request`: the preview, then the printer or a file."""
        from ui.print_dialog import PrintDialog

        dialog = PrintDialog(
            self.db,
            request,
            self,
            opener=self.opener,
            ask_path=self.ask_path,
            **self.print_options,  # type: ignore[arg-type]
        )
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._print_closed(dialog))
        dialog.open()  # window-modal, and the page's own work goes on meanwhile

    def _print_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def print_rows(self, case: CaseDetail) -> list[QWidget]:
        """A row for the whole dossier and one for each form of the case (one for each sitting,
        follow-up or agent of a form printed for each), each with 打印; every form also offers
        its blank (空白表), for a party to fill in by hand."""
        from app.documents.forms.registry import FORMS, items

        rows = [
            self._print_row(
                "整个卷宗（封面、目录、全部文书和附件，页码连续）",
                PrintRequest("dossier", "人民调解卷宗", case.id, case.number),
            )
        ]
        for spec in FORMS.values():
            blank = PrintRequest(spec.key, f"空白{spec.name}")
            if spec.key == "oral_agreement":  # the case's own prints under 协议 ("agreement")
                rows.append(self._print_row(spec.name, None, blank))
                continue
            if spec.key == "agreement":
                if case.agreement is None:
                    rows.append(self._print_row(f"{spec.name}（还没有录入协议）", None, blank))
                else:
                    title = agreement_title(case)
                    request = PrintRequest(
                        "agreement", title, case.id, case.number, copies=len(case.parties) + 1
                    )
                    rows.append(self._print_row(title, request, blank))
                continue
            if spec.per == "case":
                request = PrintRequest(spec.key, spec.name, case.id, case.number)
                rows.append(self._print_row(spec.name, request, blank))
                continue
            found = items(spec, case)
            if not found:
                rows.append(self._print_row(f"{spec.name}（这个案件还没有）", None, blank))
            for k, (item_id, label) in enumerate(found):
                request = PrintRequest(spec.key, spec.name, case.id, case.number, item_id)
                rows.append(
                    self._print_row(f"{spec.name}（{label}）", request, blank if k == 0 else None)
                )
        return rows

    def _print_row(
        self, name: str, request: PrintRequest | None, blank: PrintRequest | None = None
    ) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(paragraph(name), 1)
        if request is not None:
            do_print = button("打印")
            do_print.setAccessibleName(f"打印{name}")
            do_print.clicked.connect(lambda _=False, r=request: self.open_print(r))
            line.addWidget(do_print, 0, Qt.AlignmentFlag.AlignVCenter)
        if blank is not None:
            do_blank = button("空白表")
            do_blank.setAccessibleName(f"打印空白{blank.title.removeprefix('空白')}")
            do_blank.setToolTip("打印不填内容的表，让当事人手写")
            do_blank.clicked.connect(lambda _=False, r=blank: self.open_print(r))
            line.addWidget(do_blank, 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    def _show_notice(self, text: str, kind: str) -> None:
        self.notice.set_text(text)
        set_notice_kind(self.notice, kind)
        self.notice.show()
