"""录入/修改协议: the agreement of a case and its numbered terms (who owes whom what, by when)."""

from __future__ import annotations

import dataclasses
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import AgreementForm
from app.domain.drafts import AgreementDraft, TermDraft
from app.domain.errors import ValidationError
from app.services.cases import save_agreement
from app.services.database import Database
from app.views import CaseDetail, Changed, TermView
from ui import drafts, messages, style
from ui.draft_keeper import DraftKeeper
from ui.operations import run_operation, with_changed
from ui.screen_fit import fit_to_screen
from ui.widgets import (
    ErrorLabel,
    ErrorMap,
    Field,
    FormGrid,
    MultiLineEdit,
    OptionalDate,
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

NOBODY = "无"


class TermSection(QGroupBox):
    """One term: what is to be done, by whom, for whom, how much, by when."""

    remove_requested = Signal(object)

    def __init__(
        self, index: int, parties: list[tuple[int, str]], term: TermView | None = None
    ) -> None:
        super().__init__()
        #: The obligation edited (payments and its schedule stay with it); None for a new term.
        self.term_id = term.id if term else None
        self.performed_on = term.performed_on if term else None
        self.title_label = QLabel()
        style.make_heading(self.title_label)
        self.remove_button = button("删除这条")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        #: Errors about this term as a whole (not about one of its fields).
        self.error = ErrorLabel()

        choices: list[tuple[object, str]] = [(None, NOBODY), *parties]
        self.text = MultiLineEdit(lines=2)
        self.obligor = combo(choices)
        self.obligee = combo(choices)
        self.amount = QLineEdit()
        self.due = OptionalDate("有期限")
        if term is not None:
            self.text.set_text(term.text)
            select_code(self.obligor, term.obligor)
            select_code(self.obligee, term.obligee)
            self.amount.setText(f"{term.amount:.2f}" if term.amount is not None else "")
            self.due.set_value(term.due)

        self.grid = FormGrid()
        g = self.grid
        self.fields: dict[str, Field] = {
            "text": g.add("内容", self.text, "例如：被申请人赔偿申请人维修费"),
            "obligor": g.add(
                "履行人", self.obligor, "由谁来做（付钱、修理、道歉……）", stretch=False
            ),
            "obligee": g.add("权利人", self.obligee, "为谁做、付给谁", stretch=False),
            "amount": g.add("金额（元）", self.amount, "不涉及钱的可以不填，例如 1250.50"),
            "due": g.add("履行期限", self.due, "在这一天以前做完", focus=self.due.edit),
        }
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(g)
        self.set_index(index)

    def set_index(self, index: int) -> None:
        self.index = index
        self.title_label.setText(f"第{index + 1}条")
        self.setAccessibleName(f"第{index + 1}条协议内容")

    def register_errors(self, errors: ErrorMap) -> None:
        prefix = f"terms[{self.index}]"
        # Errors about the term as a whole ("terms[0]", or a part not on screen) go on top.
        errors.add_group(prefix, self.error, focus=self.text)
        for key, item in self.fields.items():
            errors.add_field(f"{prefix}.{key}", item)

    def focus_order(self) -> list[QWidget]:
        return [
            self.remove_button,
            self.text,
            self.obligor,
            self.obligee,
            self.amount,
            self.due.switch,
            self.due.edit,
        ]

    def fill(self, draft: TermDraft) -> None:
        """Show a kept draft of this term, exactly as it was typed."""
        self.term_id = draft.id
        self.performed_on = draft.performed_on
        self.text.set_text(draft.text)
        select_code(self.obligor, draft.obligor)
        select_code(self.obligee, draft.obligee)
        self.amount.setText(draft.amount)
        self.due.set_value(draft.due)

    def draft(self) -> TermDraft:
        return TermDraft(
            text=self.text.text(),
            obligor=self.obligor.currentData(),
            obligee=self.obligee.currentData(),
            amount=self.amount.text(),
            due=self.due.value(),
            performed_on=self.performed_on,
            id=self.term_id,
        )


class AgreementDialog(QDialog):
    """Write or rewrite the agreement; wrong fields get red words, nothing typed is lost."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(self, db: Database, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.case = case
        self.changed: Changed | None = None
        self.result_case: CaseDetail | None = None
        self.setWindowTitle(f"录入/修改协议 — {case.number}")
        self.parties = [(i, f"{p.role.label}　{p.name}") for i, p in enumerate(case.parties)]
        agreement = case.agreement

        self.form_choice = combo(AgreementForm.choices())
        self.reached_on = date_edit(agreement.reached_on if agreement else date.today())
        self.facts = MultiLineEdit(lines=4)
        self.issues = MultiLineEdit(lines=3)
        self.responsibility = MultiLineEdit(lines=3)
        if agreement is not None:
            select_code(self.form_choice, agreement.form.value)
            self.facts.set_text(agreement.facts)
            self.issues.set_text(agreement.issues)
            self.responsibility.set_text(agreement.responsibility)
        else:  # the registered facts are the usual starting point
            self.facts.set_text(case.facts)

        self.form = FormGrid()
        f = self.form
        self.errors = ErrorMap()
        self.errors.add_field(
            "form",
            f.add("协议形式", self.form_choice, "口头协议由调解员记录，当天生效", stretch=False),
        )
        self.errors.add_field("reached_on", f.add("达成日期", self.reached_on, stretch=False))
        self.errors.add_field("facts", f.add("纠纷主要事实", self.facts))
        self.errors.add_field("issues", f.add("争议事项", self.issues))
        self.errors.add_field("responsibility", f.add("各方责任", self.responsibility))

        self.terms: list[TermSection] = []
        self.terms_box = QVBoxLayout()
        self.terms_box.setSpacing(16)
        self.add_button = button("添加一条")
        self.add_button.clicked.connect(lambda: self.add_term(focus=True))
        self.terms_error = ErrorLabel()
        # "No terms" is fixed with "添加一条": the focus goes there.
        self.errors.add_group("terms", self.terms_error, focus=self.add_button)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(20, 16, 20, 20)
        column.setSpacing(12)
        column.addWidget(heading(f"调解协议　{case.number}"))
        column.addWidget(self.form)
        column.addSpacing(12)
        column.addWidget(heading("协议内容"))
        column.addWidget(hint("每一条写清楚：谁、为谁、做什么、多少钱、什么时候以前做完。"))
        column.addWidget(self.terms_error)
        column.addLayout(self.terms_box)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignVCenter)
        add_row.addStretch(1)
        column.addLayout(add_row)
        column.addStretch(1)
        frame = frame_form(self, content, "保存协议", self.save, self.reject)
        self.scroll, self.summary = frame.scroll, frame.summary
        self.cancel_button, self.save_button = frame.cancel_button, frame.save_button
        self.errors.general = self.summary

        for term in agreement.terms if agreement else ():
            self.add_term(term)
        if not self.terms:
            self.add_term()
        self._initial = self.draft()
        self.keeper = DraftKeeper(
            self,
            drafts.draft_key(db.path, "agreement", case.id),
            db.path,
            case.id,
            lambda: dataclasses.asdict(self.draft()),
            lambda: self.draft() != self._initial,
        )
        kept = self.keeper.offer()
        if kept is not None:
            values = dict(kept)
            terms = [TermDraft(**t) for t in values.pop("terms", [])]
            self.fill(AgreementDraft(terms=terms, **values))
        self.keeper.watch(self)
        fit_to_screen(self)  # the buttons below the scrolling form stay above the taskbar
        self.form_choice.setFocus()

    # ------------------------------------------------------------ drafts

    def fill(self, draft: AgreementDraft) -> None:
        select_code(self.form_choice, draft.form)
        if draft.reached_on is not None:
            self.reached_on.setDate(to_qdate(draft.reached_on))
        self.facts.set_text(draft.facts)
        self.issues.set_text(draft.issues)
        self.responsibility.set_text(draft.responsibility)
        for section in list(self.terms):
            self.terms.remove(section)
            section.setParent(None)
            section.deleteLater()
        for term in draft.terms:
            self.add_term().fill(term)
        if not self.terms:
            self.add_term()

    # ------------------------------------------------------------ terms

    def add_term(self, term: TermView | None = None, focus: bool = False) -> TermSection:
        section = TermSection(len(self.terms), self.parties, term)
        section.remove_requested.connect(self.remove_term)
        if hasattr(self, "keeper"):
            self.keeper.watch(section)
        self.terms.append(section)
        self.terms_box.addWidget(section)
        self._after_terms_change()
        if focus:
            QTimer.singleShot(0, self, lambda: reveal(self.scroll, section.text))
        return section

    def remove_term(self, section: TermSection) -> None:
        text = section.text.text().strip()
        shown = text if len(text) <= 30 else text[:30] + "……"
        what = f"第{section.index + 1}条" + (f"“{shown}”" if shown else "（还没有填写内容）")
        if not messages.confirm(
            self,
            "删除协议内容",
            f"要删除{what}吗？\n按“保存协议”以后才会真正从协议中去掉；按“取消”可以放弃这次修改。",
            "删除这条",
        ):
            return
        self.terms.remove(section)
        section.setParent(None)
        section.deleteLater()
        for index, item in enumerate(self.terms):
            item.set_index(index)
        self._after_terms_change()
        self.add_button.setFocus()

    def _after_terms_change(self) -> None:
        width = max([self.form.label_width()] + [t.grid.label_width() for t in self.terms])
        self.form.align_labels(width)
        for term in self.terms:
            term.grid.align_labels(width)
        chain: list[QWidget] = [
            self.form_choice,
            self.reached_on,
            self.facts,
            self.issues,
            self.responsibility,
        ]
        for term in self.terms:
            chain += term.focus_order()
        chain += [self.add_button, self.cancel_button, self.save_button]
        chain_tab_order(chain)

    # ------------------------------------------------------------ saving

    def draft(self) -> AgreementDraft:
        return AgreementDraft(
            form=str(self.form_choice.currentData()),
            reached_on=from_qdate(self.reached_on.date()),
            facts=self.facts.text(),
            issues=self.issues.text(),
            responsibility=self.responsibility.text(),
            terms=[term.draft() for term in self.terms],
        )

    def save(self) -> None:
        run_operation(
            self,
            with_changed(save_agreement),
            self.db,
            self.case.id,
            self.draft(),
            on_done=self._saved,
            on_fields=self.show_errors,
            origin=self,
            error_title="协议没有保存",
        )

    def _saved(self, saved: tuple[CaseDetail, Changed]) -> None:
        self.result_case, self.changed = saved
        self.keeper.discard()
        self.accept()

    def show_errors(self, errors: list[ValidationError]) -> None:
        """Each message beside its field, its term or the terms (else in the summary line)."""
        for label in self.findChildren(ErrorLabel):
            label.clear_message()
        self.errors.remove_prefix("terms[")
        for term in self.terms:
            term.register_errors(self.errors)
        first = self.errors.show(errors).first
        if first is not None:
            target = first
            body = self.scroll.widget()
            if body is not None and (body_layout := body.layout()) is not None:
                body_layout.activate()
            reveal(self.scroll, target)
            QTimer.singleShot(0, self, lambda: reveal(self.scroll, target))

    def reject(self) -> None:
        if self.draft() != self._initial and not messages.confirm(
            self,
            "放弃修改",
            "协议的修改还没有保存。\n要放弃这些修改吗？",
            "放弃修改",
            "继续填写",
        ):
            return
        self.keeper.discard()
        super().reject()
