"""Checking drafts: every wrong field is reported at once, each with how to fix it.

Returns clean, typed values for the database layer; never changes the draft, so a form can
keep what the person typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
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
from app.domain.fields import clean_text, text_field
from app.domain.lifecycle import EventInput
from app.domain.money import parse_money
from app.domain.validation import (
    check_credit_code,
    check_phone,
    check_resident_id,
    resident_id_birth_date,
    resident_id_sex,
    shown_value,
    text_within,
)
from app.domain.values import Place, age_on

E = TypeVar("E", bound=Labelled)
T = TypeVar("T")

ADULT_AGE = 18
_TEN_DAYS = timedelta(days=10)
PERSON_NAME_EXAMPLE = text_field("party.person_name").example
ORGANIZATION_NAME_EXAMPLE = text_field("party.organisation_name").example
TERM_EXAMPLE = text_field("term.text").example
#: The 人民调解委员会组织条例 of 1989 set up today's committees: a case received before 1990 is
#: a year typed wrong (0001-01-01 from an empty date, 1926 for 2026), not an old file.
EARLIEST_RECEIVED = date(1990, 1, 1)
#: Nobody living was born before 1900; an earlier year is a typing mistake (1800 for 1980).
EARLIEST_BIRTH = date(1900, 1, 1)
#: An event recorded by another computer may carry its date a day ahead of this one's clock.
CLOCK_SLACK = timedelta(days=1)
#: One request per line of the application (当事人申请事项, numbered 1、2、3…): more than this is
#: a pasted document, not a list of requests.
MAX_REQUESTS = 50
#: Fields only a natural person has, and only an organisation has: a value in the wrong one
#: would be dropped without a word (an organisation has no ID card number to print).
PERSON_ONLY = {
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_number": "身份证号",
}
ORGANIZATION_ONLY = {"credit_code": "统一社会信用代码", "legal_representative": "法定代表人"}


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
    #: The party being edited, None for a new one.
    id: int | None = None


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
    #: The obligation being edited, None for a new one.
    id: int | None = None


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

    def text(
        self,
        value: str | None,
        key: str,
        *,
        field: str | None = None,
        label: str | None = None,
        required: bool = False,
    ) -> str:
        """The text of field `key` (see `app.domain.fields`) cleaned, or "" with its error kept."""
        return self.run(
            lambda: clean_text(value, key, field=field, label=label, required=required), ""
        )

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationErrors(self.errors)


def choose(enum: type[E], value: str | None, field: str, label: str) -> E:
    """A code from a choice list; an unknown code names the allowed ones in Chinese.

    Each choice is shown with its code, 楼栋（building）, because the person who meets this
    message is usually fixing an exchange file, where the code is what must be written.
    """
    try:
        return enum(value)
    except ValueError:
        allowed = "、".join(f"{m.label}（{m.value}）" for m in enum)
        if value is None or not str(value).strip():
            raise ValidationError(field, label, f"没有填写，请从这些中选择：{allowed}") from None
        raise ValidationError(
            field, label, f"“{shown_value(value)}”不在可选范围内，请从这些中选择：{allowed}"
        ) from None


def check_date_not_future(value: date | None, field: str, label: str, today: date) -> date:
    if value is None:
        raise ValidationError(field, label, "请填写日期，例如 2026-03-02")
    if value > today:
        raise ValidationError(field, label, f"{value:%Y-%m-%d}还没到，不能晚于今天，请核对")
    return value


def check_received_on(
    value: date | None, today: date, field: str = "received_on", label: str = "受理日期"
) -> date:
    """The day a case was received: not before `EARLIEST_RECEIVED`, not after today."""
    day = check_date_not_future(value, field, label, today)
    if day < EARLIEST_RECEIVED:
        raise ValidationError(
            field,
            label,
            f"{day:%Y-%m-%d}早于{EARLIEST_RECEIVED.year}年，不可能是受理日期，"
            "请核对年份，例如 2026-03-02",
        )
    return day


def check_not_too_early(value: date | None, field: str, label: str) -> date | None:
    """A day of a case's records, if given, not before `EARLIEST_RECEIVED`: the program keeps
    the work of committees set up since then, so an earlier year was typed wrong."""
    if value is not None and value < EARLIEST_RECEIVED:
        raise ValidationError(
            field,
            label,
            f"{value:%Y-%m-%d}早于{EARLIEST_RECEIVED.year}年，请核对年份，例如 2026-03-02",
        )
    return value


def check_birth_date(
    value: date | None, today: date, field: str = "birth_date", label: str = "出生日期"
) -> date | None:
    """A person's birth date, if given: not before `EARLIEST_BIRTH`, not after today."""
    if value is None:
        return None
    if value > today:
        raise ValidationError(field, label, f"{value:%Y-%m-%d}还没到，不能晚于今天，请核对")
    if value < EARLIEST_BIRTH:
        raise ValidationError(
            field,
            label,
            f"{value:%Y-%m-%d}早于{EARLIEST_BIRTH.year}年，请核对出生年份，例如 1953-04-02",
        )
    return value


def check_case_day(
    value: date | None,
    field: str,
    label: str,
    *,
    received_on: date,
    today: date,
    slack: timedelta = CLOCK_SLACK,
) -> date:
    """A day in a case's life (an event, an escalation, a sitting in an imported file): not
    before the case was received, and not after today by more than `slack` — a file written
    on a computer whose clock runs a day ahead is still believed, a year ahead is not."""
    if value is None:
        raise ValidationError(field, label, "请填写日期，例如 2026-03-02")
    if value < received_on:
        raise ValidationError(
            field,
            label,
            f"{value:%Y-%m-%d}早于这件纠纷的受理日期{received_on:%Y-%m-%d}："
            "受理以前不会有办理记录，请核对",
        )
    if value > today + slack:
        raise ValidationError(field, label, f"{value:%Y-%m-%d}还没到，不能晚于今天，请核对")
    return value


def check_event_input(given: EventInput) -> EventInput:
    """What was typed for an event of the status table (a reason, who withdrew), bounded and
    printable, stripped; `ValidationErrors` naming each wrong field otherwise."""
    c = _Collector()
    reason = c.text(given.reason, "event.reason", field="reason")
    withdrawn_by = c.text(given.withdrawn_by, "event.withdrawn_by", field="withdrawn_by")
    c.raise_if_any()
    return replace(given, reason=reason, withdrawn_by=withdrawn_by)


def check_mediator_birth_date(
    value: date | None, today: date, field: str = "birth_date", label: str = "出生日期"
) -> date | None:
    """A mediator is an adult (People's Mediation Law art. 14): born, not before 1900, and at
    least 18."""
    value = check_birth_date(value, today, field, label)
    if value is None:
        return None
    age = age_on(value, today)
    if age < ADULT_AGE:
        raise ValidationError(
            field,
            label,
            f"按这个日期，调解员现在只有{age}岁；人民调解员应是年满{ADULT_AGE}周岁的成年人，"
            "请核对出生年份，例如 1953-04-02",
        )
    return value


def optional_text(
    value: str | None,
    field: str,
    label: str,
    max_length: int = 200,
    *,
    multiline: bool | None = None,
) -> str:
    """An optional text stripped, within `max_length`, free of control characters; callers
    with a field of `app.domain.fields` use `clean_text`, which knows both from the table."""
    return text_within(value, field, label, max_length=max_length, multiline=multiline)


def _misplaced_fields(draft: PartyDraft, is_person: bool) -> list[ValidationError]:
    """Values typed into fields the other kind of party has (a person's credit code…)."""
    if is_person:
        wrong, fix = ORGANIZATION_ONLY, "自然人不填这一项；如果这位当事人是单位，请把类别改为“单位”"
    else:
        wrong, fix = (
            PERSON_ONLY,
            "单位没有这一项，请删去；如果这位当事人是个人，请把类别改为“自然人”",
        )
    errors = []
    for key, label in wrong.items():
        value = getattr(draft, key)
        if value is not None and str(value).strip():
            errors.append(ValidationError(key, label, fix))
    return errors


def check_party(draft: PartyDraft, today: date) -> CleanParty:
    c = _Collector()
    role = c.run(lambda: choose(PartyRole, draft.role, "role", "身份"), PartyRole.APPLICANT)
    kind = c.run(lambda: choose(PartyKind, draft.kind, "kind", "类别"), PartyKind.PERSON)
    is_person = kind == PartyKind.PERSON
    name_key = "party.person_name" if is_person else "party.organisation_name"
    name = c.text(draft.name, name_key, field="name", required=True)
    c.errors.extend(_misplaced_fields(draft, is_person))
    sex = None
    birth_date = None
    id_number = ""
    credit_code = ""
    if is_person:
        if draft.sex:
            sex = c.run(lambda: choose(Sex, draft.sex, "sex", "性别"), None)
        birth_date = draft.birth_date
        c.run(lambda: check_birth_date(birth_date, today), None)
        if (draft.id_number or "").strip():
            id_number = c.run(
                lambda: check_resident_id(
                    draft.id_number, sex=sex, birth_date=birth_date, today=today
                ),
                "",
            )
        if id_number:  # the ID card is the most reliable source of both
            birth_date = birth_date or resident_id_birth_date(id_number)
            sex = sex or resident_id_sex(id_number)
    elif (draft.credit_code or "").strip():
        credit_code = c.run(lambda: check_credit_code(draft.credit_code), "")
    phone = ""
    if (draft.phone or "").strip():
        phone = c.run(lambda: check_phone(draft.phone), "")
    texts = {
        "ethnicity": c.text(draft.ethnicity, "party.ethnicity") if is_person else "",
        "address": c.text(draft.address, "party.address"),
        "occupation": c.text(draft.occupation, "party.occupation"),
        "legal_representative": ""
        if is_person
        else c.text(draft.legal_representative, "party.legal_representative"),
    }
    c.raise_if_any()
    return CleanParty(
        role=role,
        kind=kind,
        name=name,
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone,
        credit_code=credit_code,
        id=draft.id,
        **texts,
    )


def party_label(index: int, draft: PartyDraft) -> str:
    """第2位当事人（李秀英）的: the name as typed, but cut short and with anything unprintable
    shown as “?”, since it is the name itself that may be wrong."""
    name = shown_value((draft.name or "").strip())
    return f"第{index + 1}位当事人{f'（{name}）' if name else ''}的"


def check_case(draft: CaseDraft, today: date | None = None) -> CleanCase:
    """Check a whole case; raises `ValidationErrors` listing every wrong field."""
    today = today or date.today()
    c = _Collector()
    title = c.text(draft.title, "case.title", required=True)
    dispute_type = c.run(
        lambda: choose(DisputeType, draft.dispute_type, "dispute_type", "纠纷类型"),
        DisputeType.OTHER,
    )
    source = c.run(lambda: choose(Source, draft.source, "source", "案件来源"), Source.OTHER)
    tier = c.run(lambda: choose(Tier, draft.tier, "tier", "化解层级"), Tier.BUILDING)
    status = c.run(
        lambda: choose(CaseStatus, draft.status, "status", "办理状态"), CaseStatus.REGISTERED
    )
    received_on = c.run(lambda: check_received_on(draft.received_on, today), today)
    amount = None
    if (draft.amount or "").strip():
        amount = c.run(lambda: parse_money(draft.amount, "amount", "涉及金额"), None)
    persons = draft.persons_involved
    if persons is not None and not 0 <= persons <= 100000:
        c.errors.append(ValidationError("persons_involved", "涉及人数", "应为0或正整数"))
    flags: list[RiskFlag] = []
    for i, flag in enumerate(draft.risk_flags):
        try:
            flags.append(choose(RiskFlag, flag, f"risk_flags[{i}]", "风险"))
        except ValidationError as error:
            c.errors.append(error)
    facts = c.text(draft.facts, "case.facts")
    requests = _check_requests(c, draft.requests)
    place = Place(
        *(
            # The form shows the four parts as one field, 发生地点; the label says which part.
            c.text(getattr(draft.place, part), f"case.{part}", field="place")
            for part in ("compound", "building", "unit", "room")
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


def _check_requests(c: _Collector, typed: list[str]) -> tuple[str, ...]:
    """The requests that are not blank, each one line. A wrong one is named by its number as
    the application prints it (blank lines are not counted) and reported on the requests'
    one field, where the form shows it."""
    label = text_field("case.request").label
    requests: list[str] = []
    number = 0
    for request in typed:
        if not (request or "").strip():
            continue
        number += 1
        text = c.text(request, "case.request", field="requests", label=f"第{number}项{label}")
        if text:
            requests.append(text)
    if len(requests) > MAX_REQUESTS:
        c.errors.append(
            ValidationError(
                "requests",
                text_field("case.request").label,
                f"最多{MAX_REQUESTS}项，现在有{len(requests)}项，请合并或删减一些",
            )
        )
    return tuple(requests)


def check_agreement(
    draft: AgreementDraft,
    party_count: int,
    *,
    received_on: date | None = None,
    today: date | None = None,
) -> CleanAgreement:
    """Check an agreement of a case with `party_count` parties, received on `received_on`.

    Obligor/obligee must point at one of the case's parties; the agreement cannot be dated
    before the case was received or after today, and no term can fall due before it.
    """
    today = today or date.today()
    c = _Collector()
    form = c.run(
        lambda: choose(AgreementForm, draft.form, "form", "协议形式"), AgreementForm.WRITTEN
    )
    reached_on = c.run(lambda: _check_reached_on(draft.reached_on, received_on, today), None)
    if form == AgreementForm.WRITTEN and not draft.terms:
        c.errors.append(
            ValidationError("terms", "协议条款", f"协议至少要有一条内容，例如 {TERM_EXAMPLE}")
        )
    terms: list[CleanTerm] = []
    for index, term in enumerate(draft.terms):
        try:
            terms.append(check_term(term, party_count, reached_on=reached_on))
        except ValidationErrors as errors:
            c.errors.extend(
                e.within(f"terms[{index}]", f"协议第{index + 1}条的") for e in errors.errors
            )
    facts = c.text(draft.facts, "agreement.facts")
    issues = c.text(draft.issues, "agreement.issues")
    responsibility = c.text(draft.responsibility, "agreement.responsibility")
    c.raise_if_any()
    return CleanAgreement(form, reached_on, facts, issues, responsibility, terms=tuple(terms))


def _check_reached_on(value: date | None, received_on: date | None, today: date) -> date | None:
    """An agreement is reached after the case is received and not later than today."""
    if value is None:
        return None
    if value > today:
        raise ValidationError(
            "reached_on", "达成日期", f"{value:%Y-%m-%d}还没到，不能晚于今天，请核对"
        )
    if received_on is not None and value < received_on:
        raise ValidationError(
            "reached_on",
            "达成日期",
            f"不能早于这件纠纷的受理日期{received_on:%Y-%m-%d}：受理以后才能调解达成协议，请核对",
        )
    return value


def check_term(term: TermDraft, party_count: int, *, reached_on: date | None = None) -> CleanTerm:
    c = _Collector()
    text = c.text(term.text, "term.text", required=True)
    amount = None
    if (term.amount or "").strip():
        amount = c.run(lambda: parse_money(term.amount, "amount", "金额"), None)
    in_range = True
    for attr, label in (("obligor", "履行人"), ("obligee", "权利人")):
        value = getattr(term, attr)
        if value is not None and not 0 <= value < party_count:
            in_range = False
            c.errors.append(ValidationError(attr, label, "应是本案的一位当事人，请重新选择"))
    c.errors.extend(_term_party_problems(term, in_range))
    if term.due is not None and reached_on is not None and term.due < reached_on:
        c.errors.append(
            ValidationError(
                "due",
                "履行期限",
                f"不能早于协议达成日期{reached_on:%Y-%m-%d}，请核对"
                f"（例如达成后十天：{reached_on + _TEN_DAYS:%Y-%m-%d}）",
            )
        )
    c.raise_if_any()
    return CleanTerm(
        text, term.obligor, term.obligee, amount, term.due, term.performed_on, id=term.id
    )


def _term_party_problems(term: TermDraft, in_range: bool) -> list[ValidationError]:
    """Who owes whom: a money term needs a payer, and nobody owes themselves."""
    errors = []
    if (term.amount or "").strip() and term.obligor is None:
        errors.append(
            ValidationError("obligor", "履行人", "付款的条款要写明由谁支付，请填上履行人")
        )
    if in_range and term.obligor is not None and term.obligor == term.obligee:
        errors.append(
            ValidationError(
                "obligee",
                "权利人",
                "不能和履行人是同一位当事人：履行人是做事或付钱的一方，权利人是为之做事、"
                "收钱的另一方，请核对",
            )
        )
    return errors
