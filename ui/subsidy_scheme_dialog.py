"""补贴办法: the committee's 以案定补 scheme — the case classes from the simplest to the most
serious (name, amount, the facts that suggest each), the shares for oral agreements with proof
and for failed but useful mediation, and how the panel's roles divide a case's amount.

What is typed is handed to `Scheme.from_data` as it stands, so the window checks exactly what
`subsidy scheme --set` checks, and each problem is shown under its field.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import DisputeType, Tier
from app.domain.errors import ValidationError
from app.domain.money import format_yuan, from_fen, parse_money, to_fen
from app.domain.subsidy import MAX_CLASSES, CaseClass, Scheme, fraction_text
from app.services.database import Database
from app.views import Changed
from ui.operations import run_operation
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    ErrorLabel,
    ErrorMap,
    FormGrid,
    button,
    chain_tab_order,
    combo,
    frame_form,
    frame_side_button,
    heading,
    hint,
    reveal,
    select_code,
    wide_enough,
)

NO_TIER = ""
TIER_CHOICES = (
    (NO_TIER, "不作条件"),
    (Tier.COURTYARD.value, "院落"),
    (Tier.COMMUNITY.value, "社区"),
)


def _yuan_text(fen: int | None) -> str:
    return "" if fen is None else format_yuan(from_fen(fen), grouped=False)


class TypesDialog(QDialog):
    """The dispute types that suggest a class, each a check box."""

    def __init__(self, parent: QWidget | None, chosen: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("选择纠纷类型")
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(20, 12, 20, 12)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for i, kind in enumerate(DisputeType):
            box = QCheckBox(kind.label)
            box.setChecked(kind.value in chosen)
            grid.addWidget(box, i // 3, i % 3)
            self.boxes.append((kind.value, box))
        frame = frame_form(self, body, "确定", self.accept, self.reject)
        wide_enough(frame.scroll)
        fit_to_screen(self, width=720, fill_height=False)

    def chosen(self) -> list[str]:
        return [code for code, box in self.boxes if box.isChecked()]


class ClassBlock(QWidget):
    """One class of the scheme: its name and amount, and the facts that suggest it."""

    def __init__(self, dialog: SchemeDialog, case_class: CaseClass, index: int) -> None:
        super().__init__()
        self.dialog = dialog
        self.code = case_class.code
        self.types = [t.value for t in case_class.dispute_types]
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 8)
        column.setSpacing(6)
        self.title = heading("")
        self.remove_button = button("删除这个类别")
        self.remove_button.clicked.connect(lambda _=False: dialog.remove_class(self))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        column.addLayout(top)
        self.grid = FormGrid()
        self.label = QLineEdit(case_class.label)
        self.label.setMaxLength(20)
        self.amount = QLineEdit(_yuan_text(case_class.amount_fen))
        self.amount.setPlaceholderText("例如 200")
        self.min_amount = QLineEdit(_yuan_text(case_class.min_amount_fen))
        self.min_amount.setPlaceholderText("不填：不作条件")
        self.min_persons = QLineEdit(str(case_class.min_persons or ""))
        self.min_persons.setPlaceholderText("不填：不作条件")
        self.min_tier = combo(TIER_CHOICES)
        select_code(self.min_tier, case_class.min_tier.value if case_class.min_tier else NO_TIER)
        self.types_button = button("")
        self.types_button.clicked.connect(self.choose_types)
        self._show_types()
        self.fields = {
            "label": self.grid.add("名称：", self.label, stretch=False),
            "amount": self.grid.add("补贴金额（元）：", self.amount, stretch=False),
        }
        self.condition_hint = hint("满足下面任一项时，程序建议这个类别：")
        self.first_hint = hint("第一类是其余的案件：没有达到后面各类条件的，都建议这一类。")
        for words in (self.condition_hint, self.first_hint):
            self.grid.grid.addWidget(words, self.grid.grid.rowCount(), 0, 1, 2)
        self.conditions = {
            "amount_at_least": self.grid.add("涉及金额满（元）：", self.min_amount, stretch=False),
            "persons_at_least": self.grid.add("涉及人数满：", self.min_persons, stretch=False),
            "tier_at_least": self.grid.add("化解层级达到：", self.min_tier, stretch=False),
            "dispute_types": self.grid.add("纠纷类型：", self.types_button, stretch=False),
        }
        self.fields |= self.conditions
        column.addWidget(self.grid)
        self.set_index(index)

    def set_index(self, index: int) -> None:
        self.index = index
        self.title.set_text(f"第{index + 1}类")
        self.label.setAccessibleName(f"第{index + 1}类的名称")
        self.amount.setAccessibleName(f"第{index + 1}类的补贴金额")
        first = index == 0
        self.first_hint.setVisible(first)
        self.condition_hint.setVisible(not first)
        for item in self.conditions.values():
            item.label.setVisible(not first)
            item.box.setVisible(not first)

    def _show_types(self) -> None:
        labels = [DisputeType(t).label for t in self.types]
        self.types_button.setText("、".join(labels) if labels else "不作条件（点此选择）")
        self.types_button.setAccessibleName("选择纠纷类型")

    def choose_types(self) -> None:
        dialog = TypesDialog(self, self.types)
        try:
            if dialog.exec():
                self.types = dialog.chosen()
                self._show_types()
        finally:
            dialog.deleteLater()

    def inputs(self) -> list[QWidget]:
        return [
            self.remove_button,
            self.label,
            self.amount,
            self.min_amount,
            self.min_persons,
            self.min_tier,
            self.types_button,
        ]

    def data(self) -> dict[str, Any]:
        """The class as typed; the first class's conditions are never asked (it is the rest)."""
        entry: dict[str, Any] = {
            "code": self.code,
            "label": self.label.text().strip(),
            "amount": self.amount.text().strip(),
        }
        if self.index == 0:
            return entry
        if self.min_amount.text().strip():
            entry["amount_at_least"] = self.min_amount.text().strip()
        persons = unicodedata.normalize("NFKC", self.min_persons.text()).strip()
        if persons:
            entry["persons_at_least"] = int(persons) if persons.isdigit() else persons
        if self.min_tier.currentData():
            entry["tier_at_least"] = str(self.min_tier.currentData())
        if self.types:
            entry["dispute_types"] = list(self.types)
        return entry


class SchemeDialog(QDialog):
    """The committee's 以案定补 scheme; saved whole, as one change in the history."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(self, parent: QWidget | None, db: Database) -> None:
        super().__init__(parent)
        from app.services.subsidy import subsidy_scheme

        self.db = db
        self.saved: Scheme | None = None
        self.setWindowTitle("补贴办法")
        scheme = subsidy_scheme(db)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(20, 12, 20, 12)
        column.setSpacing(10)
        column.addWidget(heading("案件类别（从简单到复杂）"))
        column.addWidget(
            hint("每个结案的案件由委员会确定一个类别；程序按下面的条件建议，不同时要写明理由。")
        )
        self.classes_box = QVBoxLayout()
        column.addLayout(self.classes_box)
        self.blocks: list[ClassBlock] = []
        self.add_button = button("增加一个类别")
        self.add_button.clicked.connect(self.add_class)
        row = QHBoxLayout()
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        column.addLayout(row)

        column.addWidget(heading("按比例计补"))
        self.shares = FormGrid()
        self.oral = QLineEdit()
        self.useful = QLineEdit()
        self.share_fields = {
            "oral_agreement_with_proof": self.shares.add(
                "口头协议有证明的，按类别金额的：",
                self.oral,
                "没有证明材料（录音、签字的登记表或证人）的口头协议不计补贴",
                stretch=False,
            ),
            "failed_but_useful": self.shares.add(
                "调解不成但有成效的，按类别金额的：",
                self.useful,
                "其他调解未成的案件不计补贴",
                stretch=False,
            ),
        }
        column.addWidget(self.shares)
        column.addWidget(heading("调解员之间怎样分"))
        column.addWidget(
            hint(
                "三项加起来是100%。几位调解员平分“调解员”一项；没有记录人时，它的份额按比例分给其他人。"
            )
        )
        self.roles_error = ErrorLabel()
        column.addWidget(self.roles_error)
        self.roles = FormGrid()
        self.lead = QLineEdit()
        self.member = QLineEdit()
        self.recorder = QLineEdit()
        self.role_fields = {
            "roles.lead": self.roles.add("主持人：", self.lead, stretch=False),
            "roles.member": self.roles.add("调解员（几位平分）：", self.member, stretch=False),
            "roles.recorder": self.roles.add("记录人：", self.recorder, stretch=False),
        }
        column.addWidget(self.roles)
        column.addStretch(1)
        for edit in (self.oral, self.useful, self.lead, self.member, self.recorder):
            edit.setPlaceholderText("例如 50% 或 1/2")
        frame = frame_form(self, body, "保存", self.save, self.reject)
        self.scroll = frame.scroll
        self.summary = frame.summary
        self.cancel_button = frame.cancel_button
        self.save_button = frame.save_button
        self.defaults_button = button("恢复默认")
        self.defaults_button.clicked.connect(lambda _=False: self.show_scheme(Scheme()))
        frame_side_button(frame, self.defaults_button)
        self.show_scheme(scheme)
        fit_to_screen(self, width=1000)

    # ------------------------------------------------------------ the fields

    def show_scheme(self, scheme: Scheme) -> None:
        for block in list(self.blocks):
            self._drop(block)
        for i, case_class in enumerate(scheme.classes):
            self._add_block(case_class, i)
        self.oral.setText(fraction_text(scheme.oral_share))
        self.useful.setText(fraction_text(scheme.useful_share))
        self.lead.setText(fraction_text(scheme.lead_share))
        self.member.setText(fraction_text(scheme.member_share))
        self.recorder.setText(fraction_text(scheme.recorder_share))
        self._after_change()

    def _add_block(self, case_class: CaseClass, index: int) -> ClassBlock:
        block = ClassBlock(self, case_class, index)
        self.blocks.append(block)
        self.classes_box.addWidget(block)
        return block

    def _drop(self, block: ClassBlock) -> None:
        self.blocks.remove(block)
        self.classes_box.removeWidget(block)
        block.setParent(None)
        block.deleteLater()

    def add_class(self) -> None:
        taken = {b.code for b in self.blocks}
        n = len(self.blocks) + 1
        while f"class_{n}" in taken:
            n += 1
        last = self.blocks[-1].amount.text().strip() if self.blocks else ""
        try:  # the new class pays at least what the one before it pays
            amount = to_fen(parse_money(last)) if last else 0
        except ValidationError:
            amount = 0
        block = self._add_block(CaseClass(f"class_{n}", "", amount), len(self.blocks))
        block.show()  # now, so that the focus can go to it (the layout would show it later)
        self._after_change()
        reveal(self.scroll, block.label)

    def remove_class(self, block: ClassBlock) -> None:
        self._drop(block)
        for i, b in enumerate(self.blocks):
            b.set_index(i)
        self._after_change()

    def _after_change(self) -> None:
        for block in self.blocks:
            block.remove_button.setVisible(len(self.blocks) > 1)
        self.add_button.setEnabled(len(self.blocks) < MAX_CLASSES)
        order: list[QWidget] = []
        for block in self.blocks:
            order += block.inputs()
        order += [self.add_button, self.oral, self.useful, self.lead, self.member, self.recorder]
        order += [self.defaults_button, self.cancel_button, self.save_button]
        chain_tab_order(order)
        self.errors = ErrorMap()
        for i, block in enumerate(self.blocks):
            for key, item in block.fields.items():
                self.errors.add_field(f"classes[{i}].{key}", item)
        for key, item in (self.share_fields | self.role_fields).items():
            self.errors.add_field(key, item)
        self.errors.add_group("roles", self.roles_error, self.lead)
        self.errors.general = self.summary
        grids = [b.grid for b in self.blocks] + [self.shares, self.roles]
        width = max(g.label_width() for g in grids)
        for g in grids:
            g.align_labels(width)

    def data(self) -> dict[str, Any]:
        """What is typed, in the scheme's JSON shape (checked by `Scheme.from_data`)."""
        return {
            "classes": [block.data() for block in self.blocks],
            "oral_agreement_with_proof": self.oral.text().strip(),
            "failed_but_useful": self.useful.text().strip(),
            "roles": {
                "lead": self.lead.text().strip(),
                "member": self.member.text().strip(),
                "recorder": self.recorder.text().strip(),
            },
        }

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        from app.services.subsidy import update_scheme

        data = self.data()

        def work() -> tuple[Scheme, Changed]:
            return update_scheme(self.db, Scheme.from_data(data))

        run_operation(
            self,
            work,
            on_done=self._saved,
            on_fields=self.show_errors,
            origin=self,
            error_title="补贴办法没有保存",
        )

    def _saved(self, scheme: Scheme) -> None:
        self.saved = scheme
        self.accept()

    def show_errors(self, errors: list[ValidationError]) -> None:
        first = self.errors.show(errors).first
        if first is not None:
            reveal(self.scroll, first)
