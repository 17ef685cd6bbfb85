"""登记新纠纷: the acceptance registration form, in the order of the paper form."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import DisputeType, PartyRole, Source, Tier
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import ValidationError
from app.domain.values import Place
from app.services.cases import register_case
from app.services.database import Database
from app.services.people import find_returning_parties, update_case
from app.views import CaseDetail, Changed
from ui import drafts, messages
from ui.draft_keeper import DraftKeeper
from ui.operations import run_operation, with_changed
from ui.party_form import PartySection
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    ErrorLabel,
    ErrorMap,
    FormGrid,
    MultiLineEdit,
    button,
    chain_tab_order,
    combo,
    date_edit,
    frame_form,
    from_qdate,
    heading,
    hint,
    reveal,
    select_code,
    to_qdate,
)


class RegisterDialog(QDialog):
    """Fill in, press "保存登记"; wrong fields get red words underneath and nothing is lost."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        case: CaseDetail | None = None,
        amendment_reason: str = "",
    ) -> None:
        super().__init__(parent)
        self.db = db
        #: The saved case being corrected (None: a new registration).
        self.case = case
        self.amendment_reason = amendment_reason
        self.result_case: CaseDetail | None = None
        self.changed: Changed | None = None
        self.draft_key = drafts.draft_key(
            db.path, "case" if case else "register", case.id if case else None
        )
        self.setWindowTitle(f"修改登记　{case.number}" if case else "登记新纠纷")
        self.setModal(True)

        self.title = QLineEdit()
        self.dispute_type = combo(DisputeType.choices())
        select_code(self.dispute_type, DisputeType.NEIGHBOURHOOD.value)
        self.source = combo(Source.choices())
        self.received_on = date_edit()
        self.tier = combo(Tier.choices())
        self.compound = QLineEdit()
        self.building = QLineEdit()
        self.unit = QLineEdit()
        self.room = QLineEdit()
        self.amount = QLineEdit()
        self.facts = MultiLineEdit(lines=4)
        self.requests = MultiLineEdit(lines=3)

        place = QWidget()
        place_row = QHBoxLayout(place)
        place_row.setContentsMargins(0, 0, 0, 0)
        place_row.setSpacing(8)
        for text, edit, stretch in (
            ("小区", self.compound, 3),
            ("楼", self.building, 2),
            ("单元", self.unit, 2),
            ("室", self.room, 2),
        ):
            label = QLabel(text)
            label.setBuddy(edit)
            place_row.addWidget(label)
            place_row.addWidget(edit, stretch)

        self.form = FormGrid()
        f = self.form
        self.errors = ErrorMap()
        self.errors.add_field(
            "title", f.add("纠纷名称（案由）", self.title, "必须填写，例如：楼上渗水纠纷")
        )
        self.errors.add_field("dispute_type", f.add("纠纷类型", self.dispute_type, stretch=False))
        self.errors.add_field("source", f.add("案件来源", self.source, stretch=False))
        self.errors.add_field(
            "received_on",
            f.add("受理日期", self.received_on, "点右边的箭头可以在日历上选", stretch=False),
        )
        self.errors.add_field("tier", f.add("化解层级", self.tier, stretch=False))
        self.errors.add_field(
            "place",
            f.add(
                "发生地点",
                place,
                "例如：铁西小区　3号楼　2单元　301",
                focus=self.compound,
            ),
        )
        self.errors.add_field(
            "amount", f.add("涉及金额（元）", self.amount, "没有可以不填，例如 1250.50")
        )
        self.errors.add_field("facts", f.add("纠纷简要情况", self.facts))
        self.errors.add_field(
            "requests",
            f.add("申请事项", self.requests, "一行写一项，例如：要求对方赔偿维修费"),
        )

        self.parties_error = ErrorLabel()
        self.errors.add_group("parties", self.parties_error)
        self.parties: list[PartySection] = []
        self.parties_box = QVBoxLayout()
        self.parties_box.setSpacing(16)
        self.add_party_button = button("再添加一位当事人")
        self.add_party_button.clicked.connect(lambda: self.add_party(focus=True))

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(20, 16, 20, 20)
        column.setSpacing(12)
        column.addWidget(heading("案件情况"))
        column.addWidget(self.form)
        column.addSpacing(12)
        column.addWidget(heading("当事人"))
        column.addWidget(hint("至少要有一位申请人和一位被申请人。"))
        column.addWidget(self.parties_error)
        column.addLayout(self.parties_box)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_party_button, 0, Qt.AlignmentFlag.AlignVCenter)
        add_row.addStretch(1)
        column.addLayout(add_row)
        column.addStretch(1)
        frame = frame_form(self, content, "保存登记", self.save, self.reject)
        self.scroll, self.summary = frame.scroll, frame.summary
        self.cancel_button, self.save_button = frame.cancel_button, frame.save_button
        self.errors.general = self.summary

        if case is None:
            self.add_party(PartyRole.APPLICANT)
            self.add_party(PartyRole.RESPONDENT)
        else:
            self.save_button.setText("保存修改")
            self.fill(case_draft(case))
            # The tier moves only by an escalation, recorded with its reason.
            self.tier.setEnabled(False)
            self.tier.setToolTip("层级只能在案件页用“移交上一级”改变")
        self._initial = self.state()
        self.keeper = DraftKeeper(
            self,
            self.draft_key,
            db.path,
            case.id if case else None,
            lambda: dataclasses.asdict(self.draft()),
            self.is_dirty,
        )
        kept = self.keeper.offer()
        if kept is not None:
            self.fill(draft_from_values(kept))
        self.keeper.watch(self)
        fit_to_screen(self)  # the buttons below the scrolling form stay above the taskbar
        self.title.setFocus()

    # ------------------------------------------------------------ parties

    def add_party(
        self, role: PartyRole = PartyRole.RESPONDENT, focus: bool = False
    ) -> PartySection:
        section = PartySection(len(self.parties), role, removable=len(self.parties) >= 2)
        section.remove_requested.connect(self.remove_party)
        for edit in (section.id_number, section.phone, section.name):
            edit.editingFinished.connect(lambda s=section: self.look_for_returning(s))
        section.returning_button.clicked.connect(lambda: self.use_returning(section))
        if hasattr(self, "keeper"):
            self.keeper.watch(section)
        self.parties.append(section)
        self.parties_box.addWidget(section)
        self._after_parties_change()
        if focus:
            QTimer.singleShot(0, self, lambda: reveal(self.scroll, section.role))
        return section

    def look_for_returning(self, section: PartySection) -> None:
        """Before a new party is typed in full, offer the same person from an earlier case."""
        if section.party_id is not None or section.returning_box.isVisible():
            return
        found = find_returning_parties(
            self.db,
            id_number=section.id_number.text(),
            phone=section.phone.text() if section.is_person() else section.org_phone.text(),
            name=section.display_name(),
            exclude_case_id=self.case.id if self.case else None,
            limit=1,
        )
        if not found:
            return
        earlier = found[0]
        how = {"id_number": "身份证号相同", "phone": "电话相同", "name": "姓名相同"}
        section.returning_label.set_text(
            f"这位当事人以前来过（{how[earlier.matched_on]}）：{earlier.party.name}，"
            f"{earlier.case_number}　{earlier.case_title}"
        )
        section.returning_party = earlier.party
        section.returning_box.show()

    def use_returning(self, section: PartySection) -> None:
        """Fill the section from the earlier case (the role stays as chosen here)."""
        earlier = section.returning_party
        if earlier is None:
            return
        role = str(section.role.currentData())
        section.fill(dataclasses.replace(earlier, role=role, id=None))
        section.returning_box.hide()
        section.name.setFocus()

    def remove_party(self, section: PartySection) -> None:
        name = section.display_name()
        who = f"第{section.index + 1}位当事人" + (f"“{name}”" if name else "")
        if not messages.confirm(
            self,
            "删除当事人",
            f"要把{who}从这次登记中删除吗？\n已经填写的这位当事人的内容会一起删除。",
            "删除这位当事人",
        ):
            return
        self.parties.remove(section)
        section.setParent(None)
        section.deleteLater()
        for index, item in enumerate(self.parties):
            item.set_index(index)
        self._after_parties_change()
        self.add_party_button.setFocus()

    def _after_parties_change(self) -> None:
        width = max([self.form.label_width()] + [p.grid.label_width() for p in self.parties])
        self.form.align_labels(width)
        for party in self.parties:
            party.grid.align_labels(width)
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        """Tab follows the paper form, including parties added later."""
        chain: list[QWidget] = [
            self.title,
            self.dispute_type,
            self.source,
            self.received_on,
            self.tier,
            self.compound,
            self.building,
            self.unit,
            self.room,
            self.amount,
            self.facts,
            self.requests,
        ]
        for party in self.parties:
            chain += party.focus_order()
        chain += [self.add_party_button, self.cancel_button, self.save_button]
        chain_tab_order(chain)

    # ------------------------------------------------------------ saving

    def fill(self, draft: CaseDraft) -> None:
        """Show a case (to correct it) or a kept draft."""
        self.title.setText(draft.title)
        select_code(self.dispute_type, draft.dispute_type)
        select_code(self.source, draft.source)
        if draft.received_on is not None:
            self.received_on.setDate(to_qdate(draft.received_on))
        select_code(self.tier, draft.tier)
        self.compound.setText(draft.place.compound)
        self.building.setText(draft.place.building)
        self.unit.setText(draft.place.unit)
        self.room.setText(draft.place.room)
        self.amount.setText(draft.amount)
        self.facts.set_text(draft.facts)
        self.requests.set_text("\n".join(draft.requests))
        for section in list(self.parties):
            self.parties.remove(section)
            section.setParent(None)
            section.deleteLater()
        for party in draft.parties:
            self.add_party(PartyRole(party.role)).fill(party)
        for index, section in enumerate(self.parties):
            section.remove_button.setVisible(index >= 2 or self.case is not None)

    # ------------------------------------------------------------ drafts

    def draft(self) -> CaseDraft:
        """The form as typed: nothing trimmed or corrected here (the service does that).

        What the case has and this form does not show (the persons involved, the risk flags,
        set on the case page) goes back as it is: a correction of an address must not clear
        them."""
        kept = case_draft(self.case) if self.case is not None else CaseDraft()
        return CaseDraft(
            persons_involved=kept.persons_involved,
            risk_flags=kept.risk_flags,
            title=self.title.text(),
            dispute_type=str(self.dispute_type.currentData()),
            source=str(self.source.currentData()),
            received_on=from_qdate(self.received_on.date()),
            tier=str(self.tier.currentData()),
            place=Place(
                self.compound.text(), self.building.text(), self.unit.text(), self.room.text()
            ),
            amount=self.amount.text(),
            facts=self.facts.text(),
            requests=self.requests.text().splitlines(),
            parties=[party.draft() for party in self.parties],
        )

    def save(self) -> None:
        if self.case is not None:
            run_operation(
                self,
                with_changed(update_case),
                self.db,
                self.case.id,
                self.draft(),
                amendment_reason=self.amendment_reason,
                on_done=self._saved,
                on_fields=self.show_errors,
                origin=self,
                error_title="没有保存",
            )
            return
        run_operation(
            self,
            with_changed(register_case),
            self.db,
            self.draft(),
            on_done=self._saved,
            on_fields=self.show_errors,
            origin=self,
            error_title="没有保存",
        )

    def _saved(self, saved: tuple[CaseDetail, Changed]) -> None:
        self.result_case, self.changed = saved
        self.keeper.discard()
        self.accept()

    def error_map(self) -> ErrorMap:
        """Fields of parties depend on person/organisation: map them as they are now."""
        self.errors.remove_prefix("parties[")
        if self.parties:  # "needs an applicant and a respondent": the first role to change
            self.errors.group_focus["parties"] = self.parties[0].role
        for party in self.parties:
            party.register_errors(self.errors)
        return self.errors

    def show_errors(self, errors: list[ValidationError]) -> None:
        """Each message beside its field (or in the summary line); focus on the first."""
        for label in self.findChildren(ErrorLabel):
            label.clear_message()
        first = self.error_map().show(errors).first
        if first is not None:
            target = first
            body = self.scroll.widget()
            if body is not None and (body_layout := body.layout()) is not None:
                body_layout.activate()
            reveal(self.scroll, target)
            # Once the red lines have taken their room, scroll again to the final place.
            QTimer.singleShot(0, self, lambda: reveal(self.scroll, target))

    def state(self) -> tuple[object, ...]:
        """Everything typed or chosen, also in fields hidden now (the other kind of party)."""
        return (self.draft(), *(party.state() for party in self.parties))

    def is_dirty(self) -> bool:
        return self.state() != self._initial

    def reject(self) -> None:
        if self.is_dirty() and not messages.confirm(
            self,
            "放弃修改" if self.case else "放弃登记",
            "已经填写的内容还没有保存。\n要放弃吗？放弃后填写的内容不会保留。",
            "放弃",
            "继续填写",
        ):
            return
        self.keeper.discard()
        super().reject()


def case_draft(case: CaseDetail) -> CaseDraft:
    """The registration form as it opens on a saved case."""
    return CaseDraft(
        title=case.title,
        dispute_type=case.dispute_type.value,
        source=case.source.value,
        received_on=case.received_on,
        tier=case.tier.value,
        status=case.status.value,
        place=case.place,
        amount=f"{case.amount:.2f}" if case.amount is not None else "",
        persons_involved=case.persons_involved,
        risk_flags=[f.value for f in case.risk_flags],
        facts=case.facts,
        requests=list(case.requests),
        parties=[
            PartyDraft(
                id=p.id,
                role=p.role.value,
                kind=p.kind.value,
                name=p.name,
                sex=p.sex.value if p.sex else None,
                ethnicity=p.ethnicity,
                birth_date=p.birth_date,
                id_number=p.id_number,
                phone=p.phone,
                address=p.address,
                occupation=p.occupation,
                credit_code=p.credit_code,
                legal_representative=p.legal_representative,
            )
            for p in case.parties
        ],
    )


def draft_from_values(values: dict[str, object]) -> CaseDraft:
    """A kept draft back as the form's draft (dates are already dates)."""
    data = dict(values)
    # `dataclasses.asdict` of a CaseDraft: the place as a dict, the parties as a list of dicts.
    place = cast(dict[str, Any], data.pop("place", None) or {})
    parties = [PartyDraft(**p) for p in cast(list[dict[str, Any]], data.pop("parties", None) or [])]
    return CaseDraft(place=Place(**place), parties=parties, **data)  # type: ignore[arg-type]
