"""One mediator's record: what the committee reviews each year (培训、办案、外出、回避).

Their particulars; the cases they sat on in all and by role and tier (a small table), the
sittings they attended, the agreements reached, the cases open now with their numbers; the
trainings with the total hours; absences; and the people they must step aside for (回避),
by name, with ID numbers masked. "修改资料" opens the roster form.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import PanelRole, Tier
from app.domain.errors import UserError
from app.domain.roster import minutes_to_hours
from app.domain.schedule import cn_date
from app.domain.values import age_on, mask_id_number
from app.services.database import Database
from app.services.mediators import mediator_record, roster_rows
from app.views import Changed, MediatorRecord
from ui.operations import operation_bus
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    SpacedLabel,
    button,
    chain_tab_order,
    heading,
    keep_together,
    paragraph,
    scroll_area,
)


def day(value: date) -> str:
    return keep_together(cn_date(value))


def hours(minutes: int) -> str:
    return f"{minutes_to_hours(minutes)}小时"


def particulars(record: MediatorRecord, today: date) -> list[tuple[str, str]]:
    m = record.mediator
    born = ""
    if m.birth_date:
        born = f"{day(m.birth_date)}（{age_on(m.birth_date, today)}岁）"
    limit = f"{record.limit}件" + ("" if m.case_limit else "（按委员会的规定）")
    pairs = [
        ("姓名", m.name),
        ("类别", m.elder_category_label or "没有填写"),
        ("性别", m.sex.label if m.sex else "没有填写"),
        ("出生日期", born or "没有填写"),
        ("民族", m.ethnicity or "没有填写"),
        ("住址", m.place.text() or "没有填写"),
        ("联系电话", m.phone or "没有填写"),
        ("擅长", "、".join(s.label for s in m.specialties) or "没有填写"),
        ("语言或方言", m.languages or "没有填写"),
        ("调委会委员", "是" if m.committee_member else "不是"),
        ("最多同时办理", limit),
    ]
    if m.notes:
        pairs.append(("备注", m.notes))
    return pairs


def open_cases_text(record: MediatorRecord) -> str:
    head = f"现在在办{record.open_cases}件（最多{record.limit}件）"
    if not record.open_case_numbers:
        return head + "。"
    return head + "：\n" + "\n".join(f"{n}，{status}" for n, status in record.open_case_numbers)


def small_table(
    name: str, headers: list[str], rows: list[list[str]], wide: int | None = None
) -> QGroupBox:
    """A few rows under bold headers, in a frame: columns line up, unlike spaced text.

    `wide` is the column of long words (a topic): it wraps; the others keep their width.
    The first column names the row, so each cell reads out as "主持人，楼栋：3件".
    """
    box = QGroupBox()
    box.setAccessibleName(name)
    grid = QGridLayout(box)
    grid.setHorizontalSpacing(32)
    grid.setVerticalSpacing(6)
    top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
    for column, text in enumerate(headers):
        head = QLabel(text)
        head.setProperty("bold", True)
        grid.addWidget(head, 0, column, top_left)
    for number, row in enumerate(rows, 1):
        for column, text in enumerate(row):
            cell = paragraph(text) if column == wide else QLabel(text)
            if column == 0:
                cell.setProperty("bold", not headers[0])  # a row's name without a header
            else:
                cell.setAccessibleName(f"{row[0]}，{headers[column]}：{text}")
            grid.addWidget(cell, number, column, top_left)
    grid.setColumnStretch(wide if wide is not None else len(headers), 1)
    return box


def case_table(record: MediatorRecord) -> QGroupBox:
    """Cases by role (rows) and tier (columns), with the totals: the yearly review's table."""
    counts = Counter({(c.role, c.tier): c.cases for c in record.by_role_and_tier})
    tiers = list(Tier)
    rows = []
    for role in [*PanelRole, None]:
        values = [
            sum(n for (r, t), n in counts.items() if (role is None or r == role) and t == tier)
            for tier in tiers
        ]
        name = role.label if role else "合计"
        rows.append([name, *(f"{n}件" for n in [*values, sum(values)])])
    return small_table("按角色和层级的案件数", ["", *(t.label for t in tiers), "合计"], rows)


def trainings_table(record: MediatorRecord) -> list[QWidget]:
    if not record.trainings:
        return [paragraph("还没有培训记录。")]
    # The long words last: the hours stay beside their day instead of across the page.
    rows = [[day(t.on), hours(t.minutes), t.topic] for t in record.trainings]
    total = sum(t.minutes for t in record.trainings)
    return [
        small_table("培训记录", ["日期", "学时", "培训内容"], rows, wide=2),
        paragraph(f"合计{len(record.trainings)}次，{hours(total)}"),
    ]


def absences_table(record: MediatorRecord) -> QWidget:
    if not record.absences:
        return paragraph("没有登记外出。")
    rows = [[day(a.from_on), day(a.to_on), a.reason] for a in record.absences]
    return small_table("外出", ["从", "到", "原因"], rows, wide=2)


def relations_table(record: MediatorRecord) -> QWidget:
    """Names and the tie only; an ID number masked (the phone stays in the form)."""
    if not record.relations:
        return paragraph("没有登记。")
    rows = [
        [r.person_name, r.kind.label, mask_id_number(r.id_number) if r.id_number else "没有填写"]
        for r in record.relations
    ]
    return small_table("回避关系", ["姓名", "关系", "身份证号"], rows)


def _pairs(pairs: list[tuple[str, str]]) -> QWidget:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(16)
    grid.setVerticalSpacing(8)
    grid.setColumnStretch(1, 1)
    for row, (name, value) in enumerate(pairs):
        label = QLabel(f"{name}：")
        label.setProperty("hint", True)
        grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(paragraph(value), row, 1)
    return box


class MediatorPage(QDialog):
    """The record of one mediator; `修改资料` opens the roster form on them."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(self, db: Database, mediator_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.mediator_id = mediator_id
        #: The dialog open from this page (tests drive it), None when none is.
        self.dialog: QDialog | None = None
        self.title_label = heading("")
        self.state_label = SpacedLabel("")
        self.state_label.setProperty("bold", True)
        self.edit_button = button("修改资料", primary=True)
        self.edit_button.setToolTip("修改这位调解员的资料、外出、培训和回避关系")
        self.edit_button.setDefault(True)
        self.edit_button.clicked.connect(self.edit)
        self.close_button = button("关闭")
        self.close_button.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        # The state beside the button: at 200% a line of its own would take a row of the body.
        actions = QHBoxLayout()
        actions.setSpacing(24)
        actions.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignVCenter)
        actions.addWidget(self.state_label, 1, Qt.AlignmentFlag.AlignVCenter)

        self.body = QWidget()
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(20, 8, 20, 20)
        self.column.setSpacing(12)
        self.scroll = scroll_area(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.scroll, 1)
        self.load()
        operation_bus().operation_done.connect(self._operation_done)
        chain_tab_order([self.edit_button, self.close_button])
        fit_to_screen(self)
        self.edit_button.setFocus()

    def load(self) -> None:
        self.record = mediator_record(self.db, self.mediator_id)
        record = self.record
        m = record.mediator
        today = date.today()
        self.setWindowTitle(f"调解员　{m.name}")
        self.title_label.set_text(f"调解员　{m.name}")
        row = next((r for r in roster_rows(self.db, on=today) if r.mediator.id == m.id), None)
        state = (row.unavailable if row else "") or "在岗可抽选"
        self.state_label.set_text(
            f"现在：{state}。在办{record.open_cases}件，最多{record.limit}件。"
        )
        while self.column.count():
            item = self.column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        work = (
            f"共参加{record.cases}件案件，参加调解{record.sessions_attended}次，"
            f"达成协议{record.agreements_reached}件。"
        )
        sections: list[tuple[str, list[QWidget]]] = [
            ("基本情况", [_pairs(particulars(record, today))]),
            ("办案情况", [paragraph(work), case_table(record), paragraph(open_cases_text(record))]),
            ("培训", trainings_table(record)),
            ("外出（这些日子不安排办案）", [absences_table(record)]),
            ("回避关系（这些人的纠纷不让他/她调解）", [relations_table(record)]),
        ]
        for title, widgets in sections:
            self.column.addWidget(heading(title))
            for widget in widgets:
                self.column.addWidget(widget)
        self.column.addStretch(1)

    def _operation_done(self, changed: Changed, origin: object) -> None:
        """Saved anywhere: the roster or a case (the cases counted here) may have changed."""
        if changed.mediators or changed.cases or changed.case_list:
            try:
                self.load()
            except UserError:  # no longer on the roster (replaced by an import)
                self.reject()

    def make_dialog(self) -> QDialog:
        from ui.mediator_dialog import MediatorDialog

        return MediatorDialog(self.db, self, self.mediator_id)

    def edit(self) -> None:
        dialog = self.make_dialog()
        self.dialog = dialog
        try:
            dialog.exec()
        finally:
            self.dialog = None
            dialog.deleteLater()
