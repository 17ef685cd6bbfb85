"""Checking drafts: every wrong field is reported at once, each with how to fix it.

Returns clean, typed values for the database layer; never changes the draft, so a form can
keep what the person typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from app.domain.codes import (
    AgreementForm,
    CaseStatus,
    DisputeType,
    Labelled,
    PartyKind,
    PartyRole,
    RiskFlag,
    Sex,
    Source,
    Tier,
)
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import ValidationError, ValidationErrors
from app.domain.money import parse_money
from app.domain.validation import (
    check_credit_code,
    check_phone,
    check_resident_id,
    require_text,
    resident_id_birth_date,
    resident_id_sex,
)
from app.domain.values import Place

E = TypeVar("E", bound=Labelled)
T = TypeVar("T")


@dataclass(frozen=True)
class CleanParty:
    role: PartyRole
    kind: PartyKind
    name: str
    sex: Sex | None
    ethnicity: str
    birth_date: date | None
    id_number: str
    phone: str
    address: str
    occupation: str
    credit_code: str
    legal_representative: str


@dataclass(frozen=True)
class CleanCase:
    title: str
    dispute_type: DisputeType
    source: Source
    received_on: date
    tier: Tier
    status: CaseStatus
    place: Place
    amount: Decimal | None
    persons_involved: int | None
    risk_flags: tuple[RiskFlag, ...]
    facts: str
    requests: tuple[str, ...]
    parties: tuple[CleanParty, ...]


@dataclass(frozen=True)
class CleanTerm:
    text: str
    obligor: int | None
    obligee: int | None
    amount: Decimal | None
    due: date | None
    performed_on: date | None


@dataclass(frozen=True)
class CleanAgreement:
    form: AgreementForm
    reached_on: date | None
    facts: str
    issues: str
    responsibility: str
    terms: tuple[CleanTerm, ...]


class _Collector:
    """Runs checks and gathers their errors instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def run(self, check: Callable[[], T], fallback: T) -> T:
        try:
            return check()
        except ValidationError as error:
            self.errors.append(error)
            return fallback
        except ValidationErrors as errors:
            self.errors.extend(errors.errors)
            return fallback

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationErrors(self.errors)


def choose(enum: type[E], value: str | None, field: str, label: str) -> E:
    """A code from a choice list; an unknown code names the allowed ones in Chinese."""
    try:
        return enum(value)
    except ValueError:
        allowed = "、".join(m.label for m in enum)
        raise ValidationError(
            field, label, f"“{value}”不在可选范围内，请从这些中选择：{allowed}"
        ) from None


def check_date_not_future(value: date | None, field: str, label: str, today: date) -> date:
    if value is None:
        raise ValidationError(field, label, "请填写日期，例如 2026-03-02")
    if value > today:
        raise ValidationError(field, label, f"{value:%Y-%m-%d}还没到，不能晚于今天，请核对")
    return value


def optional_text(value: str | None, field: str, label: str, max_length: int = 200) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValidationError(field, label, f"最多{max_length}个字，现在有{len(value)}个字")
    return value


def check_party(draft: PartyDraft, today: date) -> CleanParty:
    c = _Collector()
    role = c.run(lambda: choose(PartyRole, draft.role, "role", "身份"), PartyRole.APPLICANT)
    kind = c.run(lambda: choose(PartyKind, draft.kind, "kind", "类别"), PartyKind.PERSON)
    is_person = kind == PartyKind.PERSON
    name_label = "姓名" if is_person else "单位名称"
    name = c.run(lambda: require_text(draft.name, "name", name_label, max_length=100), "")
    sex = None
    if draft.sex:
        sex = c.run(lambda: choose(Sex, draft.sex, "sex", "性别"), None)
    birth_date = draft.birth_date
    if birth_date is not None and birth_date > today:
        c.errors.append(ValidationError("birth_date", "出生日期", "不能晚于今天，请核对"))
    id_number = ""
    credit_code = ""
    if is_person and (draft.id_number or "").strip():
        id_number = c.run(
            lambda: check_resident_id(draft.id_number, sex=sex, birth_date=birth_date, today=today),
            "",
        )
        if id_number:  # the ID card is the most reliable source of both
            birth_date = birth_date or resident_id_birth_date(id_number)
            sex = sex or resident_id_sex(id_number)
    if not is_person and (draft.credit_code or "").strip():
        credit_code = c.run(lambda: check_credit_code(draft.credit_code), "")
    phone = ""
    if (draft.phone or "").strip():
        phone = c.run(lambda: check_phone(draft.phone), "")
    texts = {
        "ethnicity": c.run(lambda: optional_text(draft.ethnicity, "ethnicity", "民族", 20), ""),
        "address": c.run(lambda: optional_text(draft.address, "address", "住址"), ""),
        "occupation": c.run(
            lambda: optional_text(draft.occupation, "occupation", "职业或职务", 100), ""
        ),
        "legal_representative": c.run(
            lambda: optional_text(
                draft.legal_representative, "legal_representative", "法定代表人", 60
            ),
            "",
        ),
    }
    c.raise_if_any()
    return CleanParty(
        role=role,
        kind=kind,
        name=name,
        sex=sex if is_person else None,
        birth_date=birth_date if is_person else None,
        id_number=id_number,
        phone=phone,
        credit_code=credit_code,
        **texts,
    )


def party_label(index: int, draft: PartyDraft) -> str:
    name = (draft.name or "").strip()
    return f"第{index + 1}位当事人{f'（{name}）' if name else ''}的"


def check_case(draft: CaseDraft, today: date | None = None) -> CleanCase:
    """Check a whole case; raises `ValidationErrors` listing every wrong field."""
    today = today or date.today()
    c = _Collector()
    title = c.run(lambda: require_text(draft.title, "title", "纠纷名称（案由）"), "")
    dispute_type = c.run(
        lambda: choose(DisputeType, draft.dispute_type, "dispute_type", "纠纷类型"),
        DisputeType.OTHER,
    )
    source = c.run(lambda: choose(Source, draft.source, "source", "案件来源"), Source.OTHER)
    tier = c.run(lambda: choose(Tier, draft.tier, "tier", "化解层级"), Tier.BUILDING)
    status = c.run(
        lambda: choose(CaseStatus, draft.status, "status", "办理状态"), CaseStatus.REGISTERED
    )
    received_on = c.run(
        lambda: check_date_not_future(draft.received_on, "received_on", "受理日期", today), today
    )
    amount = None
    if (draft.amount or "").strip():
        amount = c.run(lambda: parse_money(draft.amount, "amount", "涉及金额"), None)
    persons = draft.persons_involved
    if persons is not None and not 0 <= persons <= 100000:
        c.errors.append(ValidationError("persons_involved", "涉及人数", "应为0或正整数"))
    flags: list[RiskFlag] = []
    for i, flag in enumerate(draft.risk_flags):
        flags.append(
            c.run(lambda f=flag, i=i: choose(RiskFlag, f, f"risk_flags[{i}]", "风险"), None)
        )
    facts = c.run(lambda: optional_text(draft.facts, "facts", "纠纷简要情况", 5000), "")
    requests = tuple(r.strip() for r in draft.requests if r and r.strip())
    place = Place(
        *(
            s.strip()
            for s in (
                draft.place.compound,
                draft.place.building,
                draft.place.unit,
                draft.place.room,
            )
        )
    )
    parties: list[CleanParty] = []
    for index, party in enumerate(draft.parties):
        try:
            parties.append(check_party(party, today))
        except ValidationErrors as errors:
            prefix = party_label(index, party)
            c.errors.extend(e.within(f"parties[{index}]", prefix) for e in errors.errors)
    roles = {(p.role or "") for p in draft.parties}
    if PartyRole.APPLICANT not in roles or PartyRole.RESPONDENT not in roles:
        c.errors.append(
            ValidationError(
                "parties", "当事人", "纠纷至少要有一位申请人和一位被申请人，请把双方都填上"
            )
        )
    c.raise_if_any()
    return CleanCase(
        title=title,
        dispute_type=dispute_type,
        source=source,
        received_on=received_on,
        tier=tier,
        status=status,
        place=place,
        amount=amount,
        persons_involved=persons,
        risk_flags=tuple(dict.fromkeys(f for f in flags if f is not None)),
        facts=facts,
        requests=requests,
        parties=tuple(parties),
    )


def check_agreement(draft: AgreementDraft, party_count: int) -> CleanAgreement:
    """Check an agreement; obligor/obligee must point at one of the case's parties."""
    c = _Collector()
    form = c.run(
        lambda: choose(AgreementForm, draft.form, "form", "协议形式"), AgreementForm.WRITTEN
    )
    terms: list[CleanTerm] = []
    for index, term in enumerate(draft.terms):
        try:
            terms.append(check_term(term, party_count))
        except ValidationErrors as errors:
            c.errors.extend(
                e.within(f"terms[{index}]", f"第{index + 1}条协议内容的") for e in errors.errors
            )
    texts = [
        c.run(lambda: optional_text(draft.facts, "facts", "纠纷主要事实", 5000), ""),
        c.run(lambda: optional_text(draft.issues, "issues", "争议事项", 5000), ""),
        c.run(lambda: optional_text(draft.responsibility, "responsibility", "各方责任", 5000), ""),
    ]
    c.raise_if_any()
    return CleanAgreement(form, draft.reached_on, *texts, terms=tuple(terms))


def check_term(term: TermDraft, party_count: int) -> CleanTerm:
    c = _Collector()
    text = c.run(lambda: require_text(term.text, "text", "内容", max_length=2000), "")
    amount = None
    if (term.amount or "").strip():
        amount = c.run(lambda: parse_money(term.amount, "amount", "金额"), None)
    for attr, label in (("obligor", "履行人"), ("obligee", "权利人")):
        value = getattr(term, attr)
        if value is not None and not 0 <= value < party_count:
            c.errors.append(ValidationError(attr, label, "应是本案的一位当事人，请重新选择"))
    c.raise_if_any()
    return CleanTerm(text, term.obligor, term.obligee, amount, term.due, term.performed_on)
