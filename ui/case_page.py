"""The case page: everything about one case, with "打印协议" as the next step."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import CaseStatus, PartyKind
from app.services.cases import get_case
from app.services.database import Database
from app.services.printing import agreement_title
from app.views import CaseDetail, Changed, PartyView
from ui import messages, print_flow
from ui.case_table_model import date_text as plain_date_text
from ui.operations import operation_bus
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    WORD_JOINER,
    SpacedLabel,
    button,
    heading,
    keep_together,
    notice,
    paragraph,
    scroll_area,
    set_notice_kind,
)

Opener = Callable[[Path], object]
PathAsker = Callable[[QWidget, str, Path], Path | None]
FormatAsker = Callable[[QWidget], str | None]


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


class CasePage(QDialog):
    """Read a case; print its agreement as PDF or Word; enter or change the agreement."""

    def __init__(
        self,
        db: Database,
        case_id: int,
        parent: QWidget | None = None,
        opener: Opener | None = None,
        ask_path: PathAsker | None = None,
        ask_format: FormatAsker | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.case_id = case_id
        #: Set when something of the case was saved here, so the list is read again.
        self.changed: Changed | None = None
        self.opener: Opener = opener or print_flow.open_file
        self.ask_path: PathAsker = ask_path or print_flow.ask_path
        self.ask_format: FormatAsker = ask_format or print_flow.ask_format
        self.last_saved: Path | None = None
        self._job: print_flow.PrintJob | None = None

        self.title_label = heading("")
        self.print_button = button("打印协议", primary=True)
        self.print_button.setToolTip("把调解协议书保存为PDF或Word文件，然后打开它去打印")
        self.edit_button = button("录入/修改协议")
        self.close_button = button("关闭")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_agreement)
        self.edit_button.clicked.connect(self.edit_agreement)
        self.close_button.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        actions = QHBoxLayout()
        actions.setSpacing(16)
        # Aligned, each button keeps its own height: the row never squeezes the main one.
        actions.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignVCenter)
        actions.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignVCenter)
        actions.addStretch(1)

        self.busy_label = QLabel("正在生成协议书，请稍候……")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # moving bar: "working", no percentage to guess
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setAccessibleName("正在生成协议书")
        busy = QHBoxLayout()
        busy.addWidget(self.busy_label)
        busy.addWidget(self.busy_bar, 1)
        self.busy_box = QWidget()
        self.busy_box.setLayout(busy)
        self.busy_box.hide()
        self.notice = notice()
        self.notice.hide()

        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(20, 8, 20, 20)
        self.body_layout.setSpacing(12)
        self.scroll = scroll_area(self.body)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.busy_box)
        layout.addWidget(self.notice)
        layout.addWidget(self.scroll, 1)
        self.load()
        operation_bus().operation_done.connect(self._operation_done)
        fit_to_screen(self)  # the buttons above the scrolling case stay on the screen
        self.print_button.setFocus()

    # ------------------------------------------------------------ showing the case

    def load(self) -> None:
        self.case = get_case(self.db, self.case_id)
        case = self.case
        self.setWindowTitle(f"案件 {case.number}")
        self.title_label.set_text(f"{case.number}　{case.title}")
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        for section in (
            self._case_section(case),
            self._parties_section(case),
            self._panel_section(case),
            self._agreement_section(case),
        ):
            self.body_layout.addWidget(section)
        self.body_layout.addStretch(1)

    def _operation_done(self, changed: Changed, origin: object) -> None:
        """Saved anywhere in the program: read the case again if it is this one."""
        if self.case_id in changed.cases or changed.everything:
            self.load()

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

    def _case_section(self, case: CaseDetail) -> QWidget:
        if case.escalations:
            moves = "\n".join(
                f"{date_text(e.on)}　{e.from_tier.label} → {e.to_tier.label}"
                + (f"（{e.reason}）" if e.reason else "")
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
        if case.risk_flags:
            pairs.append(("风险提示", "、".join(f.label for f in case.risk_flags)))
        pairs.append(("纠纷简要情况", case.facts or "没有填写"))
        if case.requests:
            pairs.append(
                ("申请事项", "\n".join(f"{i}. {r}" for i, r in enumerate(case.requests, 1)))
            )
        return self._section("案件情况", self._pairs(pairs))

    def _parties_section(self, case: CaseDetail) -> QWidget:
        blocks: list[QWidget] = []
        for party in case.parties:
            title = SpacedLabel(party_title(party))
            title.setProperty("bold", True)
            blocks.append(title)
            details = paragraph("\n".join(party_lines(party)))
            details.setContentsMargins(32, 0, 0, 8)
            blocks.append(details)
        if not blocks:
            blocks.append(paragraph("没有当事人"))
        return self._section("当事人", *blocks)

    def _panel_section(self, case: CaseDetail) -> QWidget:
        if not case.panel:
            return self._section("调解员", paragraph("还没有指定调解员"))
        lines = "\n".join(f"{m.role.label}：{m.name}" for m in case.panel)
        return self._section("调解员", paragraph(lines))

    def _agreement_section(self, case: CaseDetail) -> QWidget:
        agreement = case.agreement
        if agreement is None:
            return self._section(
                "调解协议", paragraph("尚未录入协议。请按上面的“录入/修改协议”填写。")
            )
        names = [p.name for p in case.parties]

        def who(index: int | None) -> str:
            return names[index] if index is not None and 0 <= index < len(names) else ""

        terms: list[str] = []
        for number, term in enumerate(agreement.terms, 1):
            details = [
                f"履行人：{who(term.obligor)}" if who(term.obligor) else "",
                f"权利人：{who(term.obligee)}" if who(term.obligee) else "",
                f"金额：{money_text(term.amount)}" if term.amount is not None else "",
                f"履行期限：{date_text(term.due)}" if term.due else "",
            ]
            detail = "　".join(item_text(d) for d in details if d)
            terms.append(f"{number}. {term.text}" + (f"\n　　{detail}" if detail else ""))
        pairs: list[tuple[str, QWidget | str]] = [
            ("协议形式", agreement.form.label),
            (
                "达成日期",
                date_text(agreement.reached_on) if agreement.reached_on else "没有填写",
            ),
            ("纠纷主要事实", agreement.facts or "没有填写"),
            ("争议事项", agreement.issues or "没有填写"),
            ("各方责任", agreement.responsibility or "没有填写"),
            ("协议内容", "\n".join(terms) or "没有填写"),
        ]
        if agreement.total_amount is not None:
            pairs.append(("金额合计", money_text(agreement.total_amount)))
        return self._section("调解协议", self._pairs(pairs))

    # ------------------------------------------------------------ agreement

    def edit_agreement(self) -> None:
        if self.case.status == CaseStatus.ARCHIVED:
            messages.show_info(self, "这个案件已经归档，协议不能再修改。", "不能修改")
            return
        dialog = self.make_agreement_dialog()
        if dialog.exec() and dialog.changed is not None:
            self.changed = dialog.changed  # the page has read it again already (the broadcast)

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
        fmt = self.ask_format(self)
        if fmt is None:
            return
        title = agreement_title(self.case)  # an oral agreement prints as its register
        suggested = print_flow.suggested_path(self.case.number, fmt, title=title)
        target = self.ask_path(self, fmt, suggested)
        if target is None:
            return
        self.start_print(fmt, target)

    def start_print(self, fmt: str, target: Path) -> None:
        self.notice.hide()
        self._set_busy(True)
        job = print_flow.PrintJob(self.db, self.case_id, fmt, target)
        job.signals.done.connect(self._print_done)
        job.signals.failed.connect(self._print_failed)
        self._job = job
        QThreadPool.globalInstance().start(job)

    def is_busy(self) -> bool:
        return self._job is not None

    def _set_busy(self, busy: bool) -> None:
        self.busy_box.setVisible(busy)
        for widget in (self.print_button, self.edit_button, self.close_button):
            widget.setEnabled(not busy)

    def _print_done(self, path_text: str, title: str) -> None:
        self._job = None
        self._set_busy(False)
        path = Path(path_text)
        self.last_saved = path
        opened = self.opener(path)
        text = f"✔ {title}已保存到：{path}"
        if opened is False:
            text += "\n没能自动打开这个文件，请到这个文件夹里双击它。"
        self._show_notice(text, "ok")
        self.print_button.setFocus()

    def _print_failed(self, message: str) -> None:
        self._job = None
        self._set_busy(False)
        messages.show_error(self, message, "协议书没有保存")
        self.print_button.setFocus()

    def _show_notice(self, text: str, kind: str) -> None:
        self.notice.set_text(text)
        set_notice_kind(self.notice, kind)
        self.notice.show()

    def reject(self) -> None:
        if self.is_busy():  # the document is still being written: closing would lose it
            return
        super().reject()
