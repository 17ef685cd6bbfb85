"""One party (当事人) of the register form: a person or an organisation."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.codes import PartyKind, PartyRole, Sex
from app.domain.drafts import PartyDraft
from app.domain.validation import RESIDENT_ID_EXAMPLE
from ui import style
from ui.widgets import (
    ErrorLabel,
    ErrorMap,
    Field,
    FormGrid,
    OptionalDate,
    button,
    combo,
    hint,
    select_code,
)


class PartySection(QGroupBox):
    """Role and kind first; then the fields of a person, or of an organisation."""

    remove_requested = Signal(object)

    def __init__(self, index: int, role: PartyRole, removable: bool) -> None:
        super().__init__()
        #: The saved party shown here (None: a new one).
        self.party_id: int | None = None
        #: The same person found in an earlier case, offered by the returning box.
        self.returning_party: PartyDraft | None = None
        self.title_label = QLabel()
        style.make_heading(self.title_label)
        self.remove_button = button("删除这位当事人")
        self.remove_button.setVisible(removable)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        #: Errors about this party as a whole (not about one of its fields).
        self.error = ErrorLabel()

        self.role = combo(PartyRole.choices())
        select_code(self.role, role.value)
        self.kind = combo(PartyKind.choices())
        self.name = QLineEdit()
        self.sex = combo([(None, "未填写"), *Sex.choices()])
        self.ethnicity = QLineEdit()
        self.birth = OptionalDate("填写出生日期")
        self.id_number = QLineEdit()
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.occupation = QLineEdit()
        self.org_name = QLineEdit()
        self.credit_code = QLineEdit()
        self.representative = QLineEdit()
        self.org_phone = QLineEdit()
        self.org_address = QLineEdit()

        self.grid = FormGrid()
        g = self.grid
        self.f_role = g.add("身份", self.role, stretch=False)
        self.f_kind = g.add(
            "类别", self.kind, "自然人就是个人；公司、物业、商店等选“单位”", stretch=False
        )
        self.person: dict[str, Field] = {
            "name": g.add("姓名", self.name, "必须填写"),
            "sex": g.add("性别", self.sex, stretch=False),
            "ethnicity": g.add("民族", self.ethnicity, "例如：汉族"),
            "birth_date": g.add(
                "出生日期", self.birth, "有身份证号的可以不填", focus=self.birth.edit
            ),
            "id_number": g.add(
                "身份证号", self.id_number, f"18位，最后一位可以是X，例如 {RESIDENT_ID_EXAMPLE}"
            ),
            "phone": g.add("联系电话", self.phone, "手机11位；固定电话要带区号，例如 0373-1234567"),
            "address": g.add("住址", self.address),
            "occupation": g.add("职业", self.occupation, "例如：退休"),
        }
        self.organisation: dict[str, Field] = {
            "name": g.add("单位名称", self.org_name, "必须填写，写全称"),
            "credit_code": g.add("统一社会信用代码", self.credit_code, "18位，在营业执照上"),
            "legal_representative": g.add("法定代表人", self.representative),
            "phone": g.add("联系电话", self.org_phone, "手机11位；固定电话要带区号"),
            "address": g.add("地址", self.org_address),
        }
        #: "这位当事人以前来过" with a button that fills the form from the earlier case.
        self.returning_label = hint("")
        self.returning_button = button("用以前的资料填写")
        returning = QHBoxLayout()
        returning.addWidget(self.returning_label, 1)
        returning.addWidget(self.returning_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.returning_box = QWidget()
        self.returning_box.setLayout(returning)
        self.returning_box.hide()
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.returning_box)
        layout.addWidget(g)
        self.kind.currentIndexChanged.connect(self._show_kind)
        self.set_index(index)
        self._show_kind()

    def set_index(self, index: int) -> None:
        self.index = index
        self.title_label.setText(f"第{index + 1}位当事人")
        self.setAccessibleName(f"第{index + 1}位当事人")

    def is_person(self) -> bool:
        return self.kind.currentData() == PartyKind.PERSON.value

    def _show_kind(self) -> None:
        person = self.is_person()
        for fields, visible in ((self.person, person), (self.organisation, not person)):
            for item in fields.values():
                item.label.setVisible(visible)
                item.box.setVisible(visible)

    def current_fields(self) -> dict[str, Field]:
        fields = {"role": self.f_role, "kind": self.f_kind}
        fields.update(self.person if self.is_person() else self.organisation)
        return fields

    def register_errors(self, errors: ErrorMap) -> None:
        prefix = f"parties[{self.index}]"
        errors.add_group(prefix, self.error, focus=self.role)
        for key, item in self.current_fields().items():
            errors.add_field(f"{prefix}.{key}", item)

    def focus_order(self) -> list[QWidget]:
        widgets: list[QWidget] = [self.remove_button, self.role, self.kind]
        widgets += [self.name, self.sex, self.ethnicity, self.birth.switch, self.birth.edit]
        widgets += [self.id_number, self.phone, self.address, self.occupation]
        widgets += [self.org_name, self.credit_code, self.representative, self.org_phone]
        widgets.append(self.org_address)
        return widgets

    def fill(self, draft: PartyDraft) -> None:
        """Show a saved (or drafted) party; its id goes back with the corrections."""
        self.party_id = draft.id
        select_code(self.role, draft.role)
        select_code(self.kind, draft.kind)
        person = draft.kind == PartyKind.PERSON.value
        (self.name if person else self.org_name).setText(draft.name)
        select_code(self.sex, draft.sex)
        self.ethnicity.setText(draft.ethnicity)
        self.birth.set_value(draft.birth_date)
        self.id_number.setText(draft.id_number)
        (self.phone if person else self.org_phone).setText(draft.phone)
        (self.address if person else self.org_address).setText(draft.address)
        self.occupation.setText(draft.occupation)
        self.credit_code.setText(draft.credit_code)
        self.representative.setText(draft.legal_representative)
        self._show_kind()

    def draft(self) -> PartyDraft:
        """What was typed, exactly; the service checks it."""
        role = str(self.role.currentData())
        if self.is_person():
            return PartyDraft(
                id=self.party_id,
                role=role,
                kind=PartyKind.PERSON.value,
                name=self.name.text(),
                sex=self.sex.currentData(),
                ethnicity=self.ethnicity.text(),
                birth_date=self.birth.value(),
                id_number=self.id_number.text(),
                phone=self.phone.text(),
                address=self.address.text(),
                occupation=self.occupation.text(),
            )
        return PartyDraft(
            id=self.party_id,
            role=role,
            kind=PartyKind.ORGANIZATION.value,
            name=self.org_name.text(),
            phone=self.org_phone.text(),
            address=self.org_address.text(),
            credit_code=self.credit_code.text(),
            legal_representative=self.representative.text(),
        )

    def state(self) -> tuple[object, ...]:
        """Everything typed or chosen, the hidden kind's fields too (for "anything typed?")."""
        edits = (
            self.name,
            self.ethnicity,
            self.id_number,
            self.phone,
            self.address,
            self.occupation,
            self.org_name,
            self.credit_code,
            self.representative,
            self.org_phone,
            self.org_address,
        )
        chosen = (self.role.currentData(), self.kind.currentData(), self.sex.currentData())
        return (*chosen, self.birth.value(), *(edit.text() for edit in edits))

    def display_name(self) -> str:
        name = (self.name.text() if self.is_person() else self.org_name.text()).strip()
        return name
