"""新增调解员 / 修改调解员: the roster form, with the lists of absences, trainings and relations.

Every field of `MediatorDraft`, labelled from `app.domain.roster.FIELDS`; 外出, 培训 and 回避关系
are lists with "添加…" and "删除这一条". Saving goes through `run_operation`; each mistake
shows in red under its field (keys such as "phone" or "trainings[0].hours"), and what was
typed stays, also as a draft until it is saved or given up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import DisputeType, RelationKind, Sex
from app.domain.errors import ValidationError, ValidationErrors
from app.domain.roster import (
    AbsenceDraft,
    MediatorDraft,
    RelationDraft,
    TrainingDraft,
    check_mediator,
    label,
    minutes_to_hours,
)
from app.domain.validation import RESIDENT_ID_EXAMPLE
from app.services.database import Database
from app.services.mediators import elder_categories, mediator_draft, panel_settings, save_mediator
from app.views import Changed, MediatorView
from ui import drafts, messages
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

T = TypeVar("T")

#: Check boxes of the dispute types per line: three fit at every text size.
SPECIALTY_COLUMNS = 3
PHONE_HINT = "手机11位；固定电话要带区号，例如 0373-1234567"
#: The birth-date field, switched on, starts here rather than today: most are past sixty.
BIRTH_START = date(1955, 1, 1)


class Checks(QWidget):
    """Several choices as check boxes, a few to a line."""

    def __init__(self, choices: list[tuple[str, str]], columns: int) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for i, (code, text) in enumerate(choices):
            box = QCheckBox(text)
            grid.addWidget(box, i // columns, i % columns)
            self.boxes.append((code, box))
        grid.setColumnStretch(columns, 1)

    def value(self) -> list[str]:
        return [code for code, box in self.boxes if box.isChecked()]

    def set_value(self, codes: list[str]) -> None:
        for code, box in self.boxes:
            box.setChecked(code in codes)


def labelled_row(*parts: tuple[str, QWidget, int]) -> QWidget:
    """Short fields on one line, each with its own label: 小区 […] 楼栋 […]."""
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.setSpacing(8)
    for text, widget, stretch in parts:
        name = QLabel(text)
        name.setBuddy(widget)
        line.addWidget(name)
        line.addWidget(widget, stretch)
    if not any(stretch for _, _, stretch in parts):
        line.addStretch(1)
    return row


# ---------------------------------------------------------------- the list items


class Entry(QGroupBox):
    """One item of a list: its fields, errors under them, and "删除这一条"."""

    remove_requested = Signal(object)
    #: "第1次培训": the counter word and the noun.
    counter = "条"
    noun = ""

    def __init__(self, index: int) -> None:
        super().__init__()
        #: Came from the saved record (removing it loses saved data: asked first).
        self.saved = False
        self.title_label = QLabel()
        self.title_label.setProperty("bold", True)
        self.remove_button = button("删除这一条")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.error = ErrorLabel()
        self.grid = FormGrid()
        self.fields: dict[str, Field] = {}
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.grid)
        self.set_index(index)

    def set_index(self, index: int) -> None:
        self.index = index
        title = f"第{index + 1}{self.counter}{self.noun}"
        self.title_label.setText(title)
        self.setAccessibleName(title)
        self.remove_button.setAccessibleName(f"删除{title}")

    def title(self) -> str:
        return self.title_label.text()

    def register_errors(self, errors: ErrorMap, prefix: str) -> None:
        where = f"{prefix}[{self.index}]"
        errors.add_group(where, self.error, focus=self.focus_order()[1])
        for key, item in self.fields.items():
            errors.add_field(f"{where}.{key}", item)

    def focus_order(self) -> list[QWidget]:
        """In screen order: "删除这一条" (top right), then the fields."""
        raise NotImplementedError

    def draft(self) -> Any:
        raise NotImplementedError

    def fill(self, draft: Any) -> None:
        raise NotImplementedError

    def typed(self) -> bool:
        """Anything written in it (an item with words in it is asked about before it goes)."""
        return any(edit.text().strip() for edit in self.findChildren(QLineEdit))


class AbsenceEntry(Entry):
    noun = "外出"

    def __init__(self, index: int) -> None:
        super().__init__(index)
        today = date.today()
        self.from_on = date_edit(today)
        self.to_on = date_edit(today + timedelta(days=7))
        self.reason = QLineEdit()
        dates = labelled_row(("从", self.from_on, 0), ("到", self.to_on, 0))
        when = self.grid.add("外出时间", dates, "这些日子不会被抽选办案", focus=self.from_on)
        self.fields = {
            "from_on": when,
            "to_on": dataclasses.replace(when, focus=self.to_on),
            "reason": self.grid.add("原因", self.reason, "例如：去外地看孙子"),
        }

    def focus_order(self) -> list[QWidget]:
        return [self.remove_button, self.from_on, self.to_on, self.reason]

    def draft(self) -> AbsenceDraft:
        return AbsenceDraft(
            from_qdate(self.from_on.date()), from_qdate(self.to_on.date()), self.reason.text()
        )

    def fill(self, draft: AbsenceDraft) -> None:
        if draft.from_on is not None:
            self.from_on.setDate(to_qdate(draft.from_on))
        if draft.to_on is not None:
            self.to_on.setDate(to_qdate(draft.to_on))
        self.reason.setText(draft.reason)


class TrainingEntry(Entry):
    counter = "次"
    noun = "培训"

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.on = date_edit()
        self.topic = QLineEdit()
        self.hours = QLineEdit()
        self.fields = {
            "on": self.grid.add("培训日期", self.on, stretch=False),
            "topic": self.grid.add("培训内容", self.topic, "例如：人民调解法和调解技巧"),
            "hours": self.grid.add("学时（小时）", self.hours, "例如 2；一个半小时写 1.5"),
        }

    def focus_order(self) -> list[QWidget]:
        return [self.remove_button, self.on, self.topic, self.hours]

    def draft(self) -> TrainingDraft:
        return TrainingDraft(from_qdate(self.on.date()), self.topic.text(), self.hours.text())

    def fill(self, draft: TrainingDraft) -> None:
        if draft.on is not None:
            self.on.setDate(to_qdate(draft.on))
        self.topic.setText(draft.topic)
        # A saved training comes as minutes; it is shown, and saved again, as hours.
        self.hours.setText(
            draft.hours or (minutes_to_hours(draft.minutes) if draft.minutes else "")
        )


class RelationEntry(Entry):
    counter = "位"
    noun = "回避对象"

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.person_name = QLineEdit()
        self.kind = combo(RelationKind.choices())
        self.id_number = QLineEdit()
        self.phone = QLineEdit()
        self.notes = QLineEdit()
        g = self.grid
        self.fields = {
            "person_name": g.add("对方姓名", self.person_name, "必须填写"),
            "kind": g.add("关系", self.kind, stretch=False),
            "id_number": g.add(
                "对方身份证号",
                self.id_number,
                f"知道就填，用来认出同名的人；18位，例如 {RESIDENT_ID_EXAMPLE}",
            ),
            "phone": g.add("对方电话", self.phone, "知道就填；" + PHONE_HINT),
            "notes": g.add("说明", self.notes, "例如：女儿的公公"),
        }

    def focus_order(self) -> list[QWidget]:
        return [
            self.remove_button,
            self.person_name,
            self.kind,
            self.id_number,
            self.phone,
            self.notes,
        ]

    def draft(self) -> RelationDraft:
        return RelationDraft(
            self.person_name.text(),
            str(self.kind.currentData()),
            self.id_number.text(),
            self.phone.text(),
            self.notes.text(),
        )

    def fill(self, draft: RelationDraft) -> None:
        self.person_name.setText(draft.person_name)
        select_code(self.kind, draft.kind)
        self.id_number.setText(draft.id_number)
        self.phone.setText(draft.phone)
        self.notes.setText(draft.notes)


class EntryList(QWidget):
    """A heading, what the list is for, its items, and the button that adds one."""

    #: Items were added or removed: the dialog lines up labels and the Tab order again.
    changed = Signal()
    #: A new item's first field, for the dialog to scroll to and focus once laid out.
    wants_focus = Signal(QWidget)

    def __init__(
        self, key: str, title: str, intro: str, add_text: str, make: Callable[[int], Entry]
    ) -> None:
        super().__init__()
        self.key = key
        self._make = make
        self.entries: list[Entry] = []
        self.add_button = button(add_text)
        self.add_button.clicked.connect(lambda: self.add(focus=True))
        self.column = QVBoxLayout()
        self.column.setSpacing(12)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(heading(title))
        layout.addWidget(hint(intro))
        layout.addWidget(self.error)
        layout.addLayout(self.column)
        row = QHBoxLayout()
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        layout.addLayout(row)

    def add(self, draft: object = None, focus: bool = False) -> Entry:
        entry = self._make(len(self.entries))
        if draft is not None:
            entry.fill(draft)
            entry.saved = True
        entry.remove_requested.connect(self.remove)
        self.entries.append(entry)
        self.column.addWidget(entry)
        self.changed.emit()
        if focus:  # the first field of the new item (after its "删除这一条")
            self.wants_focus.emit(entry.focus_order()[1])
        return entry

    def remove(self, entry: Entry) -> None:
        if (entry.saved or entry.typed()) and not messages.confirm(
            self.window(),
            "删除",
            f"要删除{entry.title()}吗？\n保存以后，这一条就从调解员的记录里去掉了。",
            "删除这一条",
        ):
            return
        self.entries.remove(entry)
        entry.setParent(None)
        entry.deleteLater()
        for index, item in enumerate(self.entries):
            item.set_index(index)
        self.changed.emit()
        self.add_button.setFocus()

    def set_drafts(self, items: list[Any]) -> None:
        for entry in self.entries:
            entry.setParent(None)
            entry.deleteLater()
        self.entries = []
        for item in items:
            self.add(item)
        self.changed.emit()

    def drafts(self) -> list[Any]:
        return [entry.draft() for entry in self.entries]

    def register_errors(self, errors: ErrorMap) -> None:
        errors.remove_prefix(self.key)  # the items as they are now: some may have gone
        errors.add_group(self.key, self.error, focus=self.add_button)
        for entry in self.entries:
            entry.register_errors(errors, self.key)

    def focus_order(self) -> list[QWidget]:
        return [w for entry in self.entries for w in entry.focus_order()] + [self.add_button]

    def label_width(self) -> int:
        return max((e.grid.label_width() for e in self.entries), default=0)

    def align_labels(self, width: int) -> None:
        for entry in self.entries:
            entry.grid.align_labels(width)


# ---------------------------------------------------------------- saving


def parse_limit(text: str) -> tuple[int | None, list[ValidationError]]:
    """The typed case limit: None when empty, else whole cases ("5" or "5件")."""
    value = text.strip().removesuffix("件").strip()
    if not value:
        return None, []
    if value.isdecimal():  # full-width digits typed by an input method count as well
        return int(value), []
    problem = "请填写件数，例如 5；不填就按委员会的规定"
    return None, [ValidationError("case_limit", label("case_limit"), problem)]


def save_typed(
    db: Database,
    draft: MediatorDraft,
    problems: list[ValidationError],
    mediator_id: int | None,
) -> tuple[MediatorView, Changed]:
    """Save, unless the form itself found a mistake: then every other field is checked too,
    so all the mistakes show at once, and nothing is saved."""
    if problems:
        categories = {code for code, _ in elder_categories(db)}
        try:
            check_mediator(draft, categories=categories, today=date.today())
        except ValidationErrors as found:
            raise ValidationErrors(problems + found.errors) from None
        raise ValidationErrors(problems)
    return save_mediator(db, draft, mediator_id=mediator_id)


def _made(kind: type[T], data: dict[str, Any]) -> T:
    """A draft dataclass from kept values; a key it no longer has (an older draft) is left out."""
    known = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    return kind(**{k: v for k, v in data.items() if k in known})


def draft_from_values(values: dict[str, Any]) -> tuple[MediatorDraft, str]:
    """A kept draft back as the form's draft and the typed case limit."""
    data = dict(values)
    limit = str(data.pop("case_limit", "") or "")

    def rows(key: str) -> list[dict[str, Any]]:
        return list(data.pop(key, None) or [])

    absences = [_made(AbsenceDraft, a) for a in rows("absences")]
    trainings = [_made(TrainingDraft, t) for t in rows("trainings")]
    relations = [_made(RelationDraft, r) for r in rows("relations")]
    draft = _made(MediatorDraft, data)
    draft = dataclasses.replace(draft, absences=absences, trainings=trainings, relations=relations)
    return draft, limit


# ---------------------------------------------------------------- the dialog


class MediatorDialog(QDialog):
    """Fill in, press "保存"; wrong fields get red words underneath and nothing is lost."""

    #: The scrolling body. Shadows `QWidget.scroll(dx, dy)`, which nothing calls on a dialog.
    scroll: QScrollArea  # type: ignore[assignment]

    def __init__(
        self, db: Database, parent: QWidget | None = None, mediator_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.mediator_id = mediator_id
        self.result_mediator: MediatorView | None = None
        self.changed: Changed | None = None
        saved = mediator_draft(db, mediator_id) if mediator_id is not None else MediatorDraft()
        self.setWindowTitle(f"修改调解员　{saved.name}" if mediator_id else "新增调解员")
        self.setModal(True)
        committee_limit = panel_settings(db)[0]

        self.name = QLineEdit()
        self.sex = combo([("", "未填写"), *Sex.choices()])
        self.ethnicity = QLineEdit()
        self.birth = OptionalDate("填写出生日期")
        self.category = combo([("", "未填写"), *elder_categories(db)])
        self.compound = QLineEdit()
        self.building = QLineEdit()
        self.unit = QLineEdit()
        self.room = QLineEdit()
        self.phone = QLineEdit()
        self.specialties = Checks(DisputeType.choices(), SPECIALTY_COLUMNS)
        self.languages = QLineEdit()
        self.active = QCheckBox("在岗，可以被抽选办案")
        self.committee_member = QCheckBox("是调解委员会委员")
        self.case_limit = QLineEdit()
        self.notes = MultiLineEdit(lines=3)

        place = labelled_row(
            (label("compound"), self.compound, 3),
            (label("building"), self.building, 2),
            (label("unit"), self.unit, 2),
            (label("room"), self.room, 2),
        )
        self.form = FormGrid()
        f = self.form
        self.errors = ErrorMap()
        add = self.errors.add_field
        add("name", f.add(label("name"), self.name, "必须填写"))
        add("sex", f.add(label("sex"), self.sex, stretch=False))
        add("ethnicity", f.add(label("ethnicity"), self.ethnicity, "例如：汉族"))
        birth = f.add(
            label("birth_date"),
            self.birth,
            "先打勾，再点右边的箭头在日历上选，也可以直接改年月日",
            focus=self.birth.edit,
        )
        add("birth_date", birth)
        add("elder_category", f.add(label("elder_category"), self.category, stretch=False))
        where = f.add("住址", place, "例如：铁西小区　3号楼　2单元　301", focus=self.compound)
        for key, edit in (
            ("compound", self.compound),
            ("building", self.building),
            ("unit", self.unit),
            ("room", self.room),
        ):
            add(key, dataclasses.replace(where, focus=edit))
        add("phone", f.add(label("phone"), self.phone, PHONE_HINT))
        first_box = self.specialties.boxes[0][1]
        kinds = f.add(label("specialties"), self.specialties, focus=first_box)
        # Level with the first line of ticks, not with the middle of all five.
        kinds.label.setMinimumHeight(first_box.sizeHint().height())
        add("specialties", kinds)
        add("languages", f.add(label("languages"), self.languages, "例如：普通话、河南话"))
        add("active", f.add(label("active"), self.active))
        add("committee_member", f.add(label("committee_member"), self.committee_member))
        limit_hint = f"不填就按委员会的规定：每人最多同时办{committee_limit}件"
        add("case_limit", f.add(label("case_limit"), self.case_limit, limit_hint, stretch=False))
        add("notes", f.add(label("notes"), self.notes))

        self.lists = [
            EntryList(
                "absences",
                "外出",
                "出远门、住院等不能办案的日子：这些日子不会被抽选。",
                "添加外出",
                AbsenceEntry,
            ),
            EntryList(
                "trainings",
                "培训",
                "参加过的培训，年底统计学时要用。",
                "添加培训",
                TrainingEntry,
            ),
            EntryList(
                "relations",
                "回避关系",
                "亲属、邻居等：这些人的纠纷，这位调解员要回避，不会被抽选。",
                "添加回避对象",
                RelationEntry,
            ),
        ]
        self.absences, self.trainings, self.relations = self.lists

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(20, 16, 20, 20)
        column.setSpacing(12)
        column.addWidget(heading("基本情况"))
        column.addWidget(self.form)
        for entries in self.lists:
            column.addWidget(entries)
            entries.changed.connect(self._after_lists_change)
            entries.wants_focus.connect(self._reveal_later)
        column.addStretch(1)
        frame = frame_form(self, content, "保存", self.save, self.reject)
        self.scroll, self.summary = frame.scroll, frame.summary
        self.cancel_button, self.save_button = frame.cancel_button, frame.save_button
        self.errors.general = self.summary

        self.fill(saved, "" if saved.case_limit is None else str(saved.case_limit))
        self._initial = self.values()
        key = drafts.draft_key(db.path, "mediator", None, mediator_id)
        self.keeper = DraftKeeper(self, key, db.path, None, self.values, self.is_dirty)
        kept = self.keeper.offer(unchanged=self._initial)
        if kept is not None:
            self.fill(*draft_from_values(kept))
        self.keeper.watch(self)
        for entries in self.lists:
            for entry in entries.entries:
                entry.setProperty("watched", True)
        fit_to_screen(self)  # the buttons below the scrolling form stay above the taskbar
        self.name.setFocus()

    # ------------------------------------------------------------ the form's values

    def fill(self, draft: MediatorDraft, limit_text: str) -> None:
        """Show a saved mediator (to correct them) or a kept draft."""
        self.name.setText(draft.name)
        select_code(self.sex, draft.sex)
        self.ethnicity.setText(draft.ethnicity)
        self.birth.set_value(draft.birth_date)
        if draft.birth_date is None:
            self.birth.edit.setDate(to_qdate(BIRTH_START))
        select_code(self.category, draft.elder_category)
        self.compound.setText(draft.compound)
        self.building.setText(draft.building)
        self.unit.setText(draft.unit)
        self.room.setText(draft.room)
        self.phone.setText(draft.phone)
        self.specialties.set_value(draft.specialties)
        self.languages.setText(draft.languages)
        self.active.setChecked(draft.active)
        self.committee_member.setChecked(draft.committee_member)
        self.case_limit.setText(limit_text)
        self.notes.set_text(draft.notes)
        self.absences.set_drafts(draft.absences)
        self.trainings.set_drafts(draft.trainings)
        self.relations.set_drafts(draft.relations)

    def draft(self) -> tuple[MediatorDraft, list[ValidationError]]:
        """The form as typed (the service trims and checks), and the form's own mistakes."""
        limit, problems = parse_limit(self.case_limit.text())
        typed = MediatorDraft(
            name=self.name.text(),
            sex=str(self.sex.currentData() or ""),
            ethnicity=self.ethnicity.text(),
            birth_date=self.birth.value(),
            elder_category=str(self.category.currentData() or ""),
            compound=self.compound.text(),
            building=self.building.text(),
            unit=self.unit.text(),
            room=self.room.text(),
            phone=self.phone.text(),
            specialties=self.specialties.value(),
            languages=self.languages.text(),
            active=self.active.isChecked(),
            committee_member=self.committee_member.isChecked(),
            case_limit=limit,
            notes=self.notes.text(),
            absences=self.absences.drafts(),
            trainings=self.trainings.drafts(),
            relations=self.relations.drafts(),
        )
        return typed, problems

    def values(self) -> dict[str, Any]:
        """Everything typed, for the draft (the case limit as typed, even if not a number)."""
        return {**dataclasses.asdict(self.draft()[0]), "case_limit": self.case_limit.text()}

    def is_dirty(self) -> bool:
        return self.values() != self._initial

    def _after_lists_change(self) -> None:
        width = max([self.form.label_width()] + [e.label_width() for e in self.lists])
        self.form.align_labels(width)
        for entries in self.lists:
            entries.align_labels(width)
        if hasattr(self, "keeper"):
            for entries in self.lists:
                for entry in entries.entries:
                    if not entry.property("watched"):
                        self.keeper.watch(entry)
                        entry.setProperty("watched", True)
            self.keeper.changed()
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        """Tab follows the form on screen, items added later included."""
        chain: list[QWidget] = [
            self.name,
            self.sex,
            self.ethnicity,
            self.birth.switch,
            self.birth.edit,
            self.category,
            self.compound,
            self.building,
            self.unit,
            self.room,
            self.phone,
            *(box for _, box in self.specialties.boxes),
            self.languages,
            self.active,
            self.committee_member,
            self.case_limit,
            self.notes,
        ]
        for entries in self.lists:
            chain += entries.focus_order()
        chain += [self.cancel_button, self.save_button]
        chain_tab_order(chain)

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        typed, problems = self.draft()
        run_operation(
            self,
            with_changed(save_typed),
            self.db,
            typed,
            problems,
            self.mediator_id,
            on_done=self._saved,
            on_fields=self.show_errors,
            origin=self,
            error_title="没有保存",
        )

    def _saved(self, saved: tuple[MediatorView, Changed]) -> None:
        self.result_mediator, self.changed = saved
        self.keeper.discard()
        self.accept()

    def show_errors(self, errors: list[ValidationError]) -> None:
        """Each message under its field (or in the summary line); focus on the first."""
        for entries in self.lists:
            entries.register_errors(self.errors)
        first = self.errors.show(errors).first
        if first is None:
            return
        body = self.scroll.widget()
        if body is not None and (body_layout := body.layout()) is not None:
            body_layout.activate()
        reveal(self.scroll, first)
        # Once the red lines have taken their room, scroll again to the final place.
        QTimer.singleShot(0, self, lambda: reveal(self.scroll, first))

    def _reveal_later(self, widget: QWidget) -> None:
        """Scroll to the field and focus it once the new item has taken its room."""
        QTimer.singleShot(0, self, lambda: reveal(self.scroll, widget))

    def reject(self) -> None:
        if self.is_dirty() and not messages.confirm(
            self,
            "放弃",
            "已经填写的内容还没有保存。\n要放弃吗？放弃后填写的内容不会保留。",
            "放弃",
            "继续填写",
        ):
            return
        self.keeper.discard()
        super().reject()
