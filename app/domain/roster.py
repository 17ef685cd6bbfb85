"""A mediator as typed on the roster form or a roster sheet, and its checks.

One description per field (`FIELDS`): the form, the Excel sheet and the messages take their
Chinese labels and limits from here; a text field's label, limit and whether it may run over
lines come from the program's one table of text fields (`app.domain.fields`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import ParamSpec, TypeVar

from app.domain.codes import DisputeType, RelationKind, Sex
from app.domain.errors import ValidationError, ValidationErrors
from app.domain.fields import clean_text, text_field
from app.domain.rules import check_mediator_birth_date, check_not_too_early, choose
from app.domain.validation import check_phone, check_resident_id

P = ParamSpec("P")
T = TypeVar("T")

#: The most open cases one mediator may take on, whatever is typed.
MAX_CASE_LIMIT = 50
#: A training of more than this many hours is a typing mistake (a course is entered per day).
MAX_TRAINING_HOURS = 100


@dataclass(frozen=True)
class FieldInfo:
    label: str
    #: The most characters of a text field; 0 for a field that is not free text.
    limit: int = 0
    #: The key of a free-text field in `app.domain.fields` ("" for any other field).
    key: str = ""


def _text_info(name: str) -> FieldInfo:
    key = f"mediator.{name}"
    spec = text_field(key)
    return FieldInfo(spec.label, spec.max_length, key)


#: In the order of the roster sheet's columns.
FIELDS: dict[str, FieldInfo] = {
    "name": _text_info("name"),
    "sex": FieldInfo("性别"),
    "ethnicity": _text_info("ethnicity"),
    "birth_date": FieldInfo("出生日期"),
    "elder_category": FieldInfo("类别"),
    "compound": _text_info("compound"),
    "building": _text_info("building"),
    "unit": _text_info("unit"),
    "room": _text_info("room"),
    # Checked as a phone number, whose own rules bound it.
    "phone": FieldInfo("联系电话", 40),
    "specialties": FieldInfo("擅长的纠纷类型"),
    "languages": _text_info("languages"),
    "active": FieldInfo("在岗"),
    "committee_member": FieldInfo("调委会委员"),
    "case_limit": FieldInfo("最多同时办理（件）"),
    "notes": _text_info("notes"),
}


def label(name: str) -> str:
    return FIELDS[name].label


@dataclass
class AbsenceDraft:
    from_on: date | None = None
    to_on: date | None = None
    reason: str = ""


@dataclass
class TrainingDraft:
    on: date | None = None
    topic: str = ""
    #: As typed: "2", "1.5"; checked into whole minutes.
    hours: str = ""
    minutes: int = 0


@dataclass
class RelationDraft:
    person_name: str = ""
    kind: str = RelationKind.RELATIVE.value
    id_number: str = ""
    phone: str = ""
    notes: str = ""


@dataclass
class MediatorDraft:
    """What the roster form or a sheet row holds; `check_mediator` returns it cleaned."""

    name: str = ""
    sex: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    elder_category: str = ""
    compound: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    phone: str = ""
    specialties: list[str] = field(default_factory=list)
    languages: str = ""
    active: bool = True
    committee_member: bool = False
    #: None: the committee's limit.
    case_limit: int | None = None
    notes: str = ""
    absences: list[AbsenceDraft] = field(default_factory=list)
    trainings: list[TrainingDraft] = field(default_factory=list)
    relations: list[RelationDraft] = field(default_factory=list)


def hours_to_minutes(text: str, field_name: str = "hours", field_label: str = "学时") -> int:
    """ "1.5" → 90; whole or half hours and the like, at most `MAX_TRAINING_HOURS`."""
    value = text.strip().removesuffix("小时").strip()
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise ValidationError(field_name, field_label, "请填写小时数，例如 2 或 1.5") from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_TRAINING_HOURS:
        raise ValidationError(
            field_name, field_label, f"应在0到{MAX_TRAINING_HOURS}小时之间，例如 2 或 1.5"
        )
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        raise ValidationError(field_name, field_label, "请写到分钟为止，例如 1.5（一个半小时）")
    return int(minutes)


def minutes_to_hours(minutes: int) -> str:
    """90 → "1.5"; 120 → "2"."""
    hours = Decimal(minutes) / 60
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return text or "0"


class _Errors:
    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """The check's result, or None with its error kept."""
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            self.errors.append(error)
            return None


def _text(errors: _Errors, draft: MediatorDraft, name: str, required: bool = False) -> str:
    value = getattr(draft, name)
    got = errors.run(clean_text, value, FIELDS[name].key, field=name, required=required)
    return value if got is None else got


def _record_text(e: _Errors, value: str, key: str, field_name: str, required: bool = False) -> str:
    """A text of an absence, a training or a relation; as typed (stripped) if it is wrong."""
    got = e.run(clean_text, value, key, field=field_name, required=required)
    return value.strip() if got is None else got


def check_mediator(draft: MediatorDraft, *, categories: set[str], today: date) -> MediatorDraft:
    """The draft cleaned, or `ValidationErrors` naming every wrong field."""
    e = _Errors()
    name = _text(e, draft, "name", required=True)
    sex = draft.sex.strip()
    if sex:
        chosen_sex = e.run(choose, Sex, sex, "sex", label("sex"))
        sex = chosen_sex.value if chosen_sex else sex
    birth = e.run(check_mediator_birth_date, draft.birth_date, today)
    category = draft.elder_category.strip()
    if category and category not in categories:
        e.errors.append(
            ValidationError(
                "elder_category", label("elder_category"), "不在本委员会的类别中，请从列表中选择"
            )
        )
    phone = draft.phone.strip()
    if phone:
        checked = e.run(check_phone, phone, "phone", label("phone"))
        phone = checked if checked else phone
    specialties: list[str] = []
    for code in draft.specialties:
        kind = e.run(choose, DisputeType, code, "specialties", label("specialties"))
        if kind is not None and kind.value not in specialties:
            specialties.append(kind.value)
    limit = draft.case_limit
    if limit is not None and not 1 <= limit <= MAX_CASE_LIMIT:
        e.errors.append(
            ValidationError(
                "case_limit", label("case_limit"), f"应在1到{MAX_CASE_LIMIT}件之间，或者不填"
            )
        )
    absences = [_check_absence(e, a, i) for i, a in enumerate(draft.absences)]
    trainings = [_check_training(e, t, i, today) for i, t in enumerate(draft.trainings)]
    relations = [_check_relation(e, r, i, today) for i, r in enumerate(draft.relations)]
    cleaned = replace(
        draft,
        name=name,
        sex=sex,
        ethnicity=_text(e, draft, "ethnicity"),
        birth_date=draft.birth_date if birth is None else birth,
        elder_category=category,
        compound=_text(e, draft, "compound"),
        building=_text(e, draft, "building"),
        unit=_text(e, draft, "unit"),
        room=_text(e, draft, "room"),
        phone=phone,
        specialties=specialties,
        languages=_text(e, draft, "languages"),
        notes=_text(e, draft, "notes"),
        absences=absences,
        trainings=trainings,
        relations=relations,
    )
    if e.errors:
        raise ValidationErrors(e.errors)
    return cleaned


def _check_absence(e: _Errors, a: AbsenceDraft, i: int) -> AbsenceDraft:
    where = f"absences[{i}]"
    if a.from_on is None or a.to_on is None:
        e.errors.append(
            ValidationError(f"{where}.from_on", "外出时间", "请填写外出的开始和结束日期")
        )
        return a
    if a.to_on < a.from_on:
        e.errors.append(
            ValidationError(f"{where}.to_on", "外出时间", "结束日期不能早于开始日期，请核对")
        )
    e.run(check_not_too_early, a.from_on, f"{where}.from_on", "外出时间")
    return replace(a, reason=_record_text(e, a.reason, "absence.reason", f"{where}.reason"))


def _check_training(e: _Errors, t: TrainingDraft, i: int, today: date) -> TrainingDraft:
    where = f"trainings[{i}]"
    if t.on is None:
        e.errors.append(ValidationError(f"{where}.on", "培训日期", "请填写日期，例如 2026-03-02"))
    elif t.on > today:
        e.errors.append(ValidationError(f"{where}.on", "培训日期", "还没到，请在培训以后再登记"))
    else:
        e.run(check_not_too_early, t.on, f"{where}.on", "培训日期")
    topic = _record_text(e, t.topic, "training.topic", f"{where}.topic", required=True)
    minutes = t.minutes
    if t.hours.strip():
        got = e.run(hours_to_minutes, t.hours, f"{where}.hours", "学时")
        minutes = got if got is not None else 0
    elif minutes <= 0:
        e.errors.append(ValidationError(f"{where}.hours", "学时", "请填写小时数，例如 2 或 1.5"))
    return replace(t, topic=topic, minutes=minutes)


def _check_relation(e: _Errors, r: RelationDraft, i: int, today: date) -> RelationDraft:
    where = f"relations[{i}]"
    name = _record_text(
        e, r.person_name, "relation.person_name", f"{where}.person_name", required=True
    )
    kind = e.run(choose, RelationKind, r.kind, f"{where}.kind", "关系")
    id_number = r.id_number.strip().upper()
    if id_number:
        got = e.run(check_resident_id, id_number, f"{where}.id_number", "对方身份证号", today=today)
        id_number = got if got else id_number
    phone = r.phone.strip()
    if phone:
        got = e.run(check_phone, phone, f"{where}.phone", "对方电话")
        phone = got if got else phone
    return replace(
        r,
        person_name=name,
        kind=kind.value if kind else r.kind,
        id_number=id_number,
        phone=phone,
        notes=_record_text(e, r.notes, "relation.notes", f"{where}.notes"),
    )
