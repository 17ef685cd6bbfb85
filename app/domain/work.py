"""The records of a case's work, as typed and as checked: agents, participants, sittings,
payments, follow-ups, judicial confirmation and risk.

Each record has one dataclass: the form fills it with what was typed, `check_…` returns the same
record with its values cleaned (stripped text, parsed money) or raises `ValidationErrors` naming
every wrong field, so a form keeps what was typed and shows each message beside its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from app.domain.codes import (
    AuthorityKind,
    ParticipantKind,
    RiskFlag,
    RiskLevel,
    Satisfaction,
    SessionKind,
)
from app.domain.errors import ValidationError, ValidationErrors
from app.domain.fields import clean_text, max_length, text_field
from app.domain.money import parse_money
from app.domain.rules import check_not_too_early, choose
from app.domain.validation import check_phone


def _date_in_case(
    value: date | None, field_name: str, label: str, *, since: date, today: date
) -> date:
    """A day of the case's work: not before the dispute was received, not after today."""
    if value is None:
        raise ValidationError(field_name, label, "请填写日期，例如 2026-03-02")
    if value > today:
        raise ValidationError(field_name, label, f"{value:%Y-%m-%d}还没到，不能晚于今天，请核对")
    if value < since:
        raise ValidationError(
            field_name, label, f"不能早于案件的登记日期（{since:%Y-%m-%d}），请核对"
        )
    return value


class _Checks:
    """Collects the errors of one record instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []

    def text(
        self, value: str, key: str, *, label: str | None = None, required: bool = False
    ) -> str:
        """The text of field `key` (``"session.place"``: its limit and whether it may run over
        lines are in `app.domain.fields`), cleaned; as typed with its error kept otherwise."""
        try:
            return clean_text(value, key, label=label, required=required)
        except ValidationError as error:
            self.errors.append(error)
            return value

    def day(
        self, value: date | None, name: str, label: str, since: date, today: date
    ) -> date | None:
        try:
            return _date_in_case(value, name, label, since=since, today=today)
        except ValidationError as error:
            self.errors.append(error)
            return value

    def early(self, value: date | None, name: str, label: str) -> None:
        """A day of a record with no case day before it to compare with (an authorisation may
        be signed before the case is received): only a year nobody can mean is refused."""
        try:
            check_not_too_early(value, name, label)
        except ValidationError as error:
            self.errors.append(error)

    def phone(self, value: str, name: str = "phone", label: str = "联系电话") -> str:
        if not value.strip():
            return ""
        try:
            return check_phone(value, name, label)
        except ValidationError as error:
            self.errors.append(error)
            return value

    def add(self, name: str, label: str, problem: str) -> None:
        self.errors.append(ValidationError(name, label, problem))

    def done(self) -> None:
        if self.errors:
            raise ValidationErrors(self.errors)


# --- People -----------------------------------------------------------------------------------


@dataclass
class AgentDraft:
    """委托代理人 of one party; `id` when an existing agent is edited."""

    name: str = ""
    phone: str = ""
    authority_kind: str = AuthorityKind.GENERAL.value
    authorised_on: date | None = None
    #: What the power of attorney allows, in its words (代为承认、放弃、变更请求，签署协议…).
    authority: str = ""
    id: int | None = None


def check_agent(draft: AgentDraft, *, since: date, today: date) -> AgentDraft:
    c = _Checks()
    name = c.text(draft.name, "agent.name", required=True)
    phone = c.phone(draft.phone)
    try:
        kind = choose(AuthorityKind, draft.authority_kind, "authority_kind", "授权类型").value
    except ValidationError as error:
        c.errors.append(error)
        kind = draft.authority_kind
    authorised_on = draft.authorised_on
    if authorised_on is not None and authorised_on > today:
        c.add("authorised_on", "授权日期", f"{authorised_on:%Y-%m-%d}还没到，不能晚于今天，请核对")
    c.early(authorised_on, "authorised_on", "授权日期")
    authority = c.text(draft.authority, "agent.authority")
    if kind == AuthorityKind.SPECIAL and not authority:
        c.add(
            "authority",
            "代理权限",
            "特别授权要写明代理人可以做什么，例如 代为承认、放弃、变更调解请求，代为签署调解协议",
        )
    c.done()
    return replace(
        draft, name=name, phone=phone, authority_kind=kind, authority=authority, id=draft.id
    )


@dataclass
class ParticipantDraft:
    """Someone invited to help mediate (art. 20): a relative, neighbour, expert…"""

    name: str = ""
    kind: str = ParticipantKind.RELATIVE.value
    organisation: str = ""
    phone: str = ""
    id: int | None = None


def check_participant(draft: ParticipantDraft) -> ParticipantDraft:
    c = _Checks()
    name = c.text(draft.name, "participant.name", required=True)
    try:
        kind = choose(ParticipantKind, draft.kind, "kind", "身份").value
    except ValidationError as error:
        c.errors.append(error)
        kind = draft.kind
    organisation = c.text(draft.organisation, "participant.organisation")
    phone = c.phone(draft.phone)
    c.done()
    return replace(draft, name=name, kind=kind, organisation=organisation, phone=phone)


# --- Sittings ---------------------------------------------------------------------------------


@dataclass
class SessionDraft:
    """调查记录 or 调解记录. Those present are names, one per line."""

    kind: str = SessionKind.MEDIATION.value
    #: Local time as typed (the service stores it in UTC).
    held_at: datetime | None = None
    place: str = ""
    mediators_present: str = ""
    parties_present: str = ""
    participants_present: str = ""
    recorder: str = ""
    statements: str = ""
    facts_verified: str = ""
    outcome: str = ""
    id: int | None = None


def _names(text: str) -> str:
    """One name per line, in the order typed; commas and 、 also separate names."""
    for separator in ("，", ",", "、", "；", ";"):
        text = text.replace(separator, "\n")
    return "\n".join(n.strip() for n in text.splitlines() if n.strip())


def _names_in(c: _Checks, typed: str, key: str, label: str) -> str:
    """The names of field `key`, one per line, each no longer than a name may be."""
    names = _names(c.text(typed, key, label=label))
    if any(len(name) > max_length("party.person_name") for name in names.splitlines()):
        c.add(
            key.rpartition(".")[2],
            label,
            f"一行写一位，每位最多{max_length('party.person_name')}个字，请核对是否漏了换行",
        )
    return names


def check_session(draft: SessionDraft, *, since: date, now: datetime) -> SessionDraft:
    c = _Checks()
    try:
        kind = choose(SessionKind, draft.kind, "kind", "记录类别").value
    except ValidationError as error:
        c.errors.append(error)
        kind = draft.kind
    held_at = draft.held_at
    if held_at is None:
        c.add("held_at", "时间", "请填写日期和时间，例如 2026-03-02 09:30")
    else:
        c.day(held_at.date(), "held_at", "时间", since, now.date())
    place = c.text(draft.place, "session.place")
    investigation = kind == SessionKind.INVESTIGATION
    label = "调查人" if investigation else text_field("session.mediators_present").label
    mediators = _names_in(c, draft.mediators_present, "session.mediators_present", label)
    if not mediators:
        c.add("mediators_present", label, "请至少填写一位，例如 王建国")
    label = "被调查人" if investigation else text_field("session.parties_present").label
    parties = _names_in(c, draft.parties_present, "session.parties_present", label)
    if not parties:
        c.add("parties_present", label, "请至少填写一位")
    participants = _names_in(
        c,
        draft.participants_present,
        "session.participants_present",
        text_field("session.participants_present").label,
    )
    statements = c.text(draft.statements, "session.statements")
    facts = c.text(draft.facts_verified, "session.facts_verified")
    outcome = c.text(draft.outcome, "session.outcome")
    recorder = c.text(draft.recorder, "session.recorder")
    c.done()
    return replace(
        draft,
        kind=kind,
        place=place,
        mediators_present=mediators,
        parties_present=parties,
        participants_present=participants,
        recorder=recorder,
        statements=statements,
        facts_verified=facts,
        outcome=outcome,
    )


# --- Performance ------------------------------------------------------------------------------


@dataclass
class PaymentDraft:
    """履行记录: what was performed on a day — an amount of money, or an act (amount empty)."""

    on: date | None = None
    amount: str = ""
    note: str = ""


@dataclass(frozen=True)
class CleanPayment:
    on: date
    amount: Decimal | None
    note: str


def check_payment(draft: PaymentDraft, *, money: bool, since: date, today: date) -> CleanPayment:
    """`money`: the obligation is a sum, so the amount is required (and only then allowed)."""
    c = _Checks()
    on = c.day(draft.on, "on", "履行日期", since, today)
    amount: Decimal | None = None
    if money:
        try:
            amount = parse_money(draft.amount, "amount", "履行金额")
            if amount <= 0:
                c.add("amount", "履行金额", "应大于0；部分履行的，填写实际收到的金额")
        except ValidationError as error:
            c.errors.append(error)
    elif draft.amount.strip():
        c.add("amount", "履行金额", "这项义务不是支付金钱，不用填写金额，请清空")
    note = c.text(draft.note, "payment.note")
    c.done()
    assert on is not None
    return CleanPayment(on, amount, note)


@dataclass
class FollowUpDraft:
    """回访: who visited whom, what they found, and what was done about it."""

    on: date | None = None
    mediator_id: int | None = None
    met_with: str = ""
    performed: bool | None = None
    satisfaction: str | None = None
    risks: str = ""
    measures: str = ""
    notes: str = ""
    id: int | None = None


def check_follow_up(draft: FollowUpDraft, *, since: date, today: date) -> FollowUpDraft:
    c = _Checks()
    c.day(draft.on, "on", "回访日期", since, today)
    if draft.mediator_id is None:
        c.add("mediator_id", "回访人", "请选择回访的调解员")
    met_with = c.text(draft.met_with, "follow_up.met_with", required=True)
    satisfaction = draft.satisfaction or None
    if satisfaction is not None:
        try:
            satisfaction = choose(Satisfaction, satisfaction, "satisfaction", "满意程度").value
        except ValidationError as error:
            c.errors.append(error)
    risks = c.text(draft.risks, "follow_up.risks")
    measures = c.text(draft.measures, "follow_up.measures")
    if risks and not measures:
        c.add(
            "measures",
            "采取的措施",
            "发现了遗留风险，请写明采取了什么措施，例如 约谈双方、通报社区民警",
        )
    notes = c.text(draft.notes, "follow_up.notes")
    c.done()
    return replace(
        draft,
        met_with=met_with,
        satisfaction=satisfaction,
        risks=risks,
        measures=measures,
        notes=notes,
    )


@dataclass
class ConfirmationDraft:
    """司法确认 (art. 33): applied or not, when, which court, what it ruled and when."""

    applied_on: date | None = None
    court: str = ""
    result: str = ""
    decided_on: date | None = None


def check_confirmation(
    draft: ConfirmationDraft, *, effective_on: date | None, today: date
) -> ConfirmationDraft:
    c = _Checks()
    court = c.text(draft.court, "confirmation.court")
    result = c.text(draft.result, "confirmation.result")
    applied = draft.applied_on
    c.early(applied, "applied_on", "申请日期")
    c.early(draft.decided_on, "decided_on", "裁定日期")
    if applied is None:
        if court or result or draft.decided_on:
            c.add("applied_on", "申请日期", "填写了法院或结果，请也填写申请司法确认的日期")
    else:
        if applied > today:
            c.add("applied_on", "申请日期", f"{applied:%Y-%m-%d}还没到，不能晚于今天，请核对")
        if effective_on is not None and applied < effective_on:
            c.add(
                "applied_on",
                "申请日期",
                f"不能早于调解协议生效的日期（{effective_on:%Y-%m-%d}），请核对",
            )
        if not court:
            c.add("court", "受理法院", "请填写向哪个人民法院申请，例如 飞云区人民法院")
    decided = draft.decided_on
    if decided is not None:
        if applied is not None and decided < applied:
            c.add("decided_on", "裁定日期", "不能早于申请日期，请核对")
        if decided > today:
            c.add("decided_on", "裁定日期", f"{decided:%Y-%m-%d}还没到，不能晚于今天，请核对")
        if not result:
            c.add("result", "确认结果", "填写了裁定日期，请也写明结果，例如 确认有效")
    c.done()
    return replace(draft, court=court, result=result)


@dataclass
class RiskDraft:
    """Risk of escalation (art. 25): flags, a level, what was done, any report to the police."""

    flags: list[str] = field(default_factory=list)
    level: str | None = None
    measures: str = ""
    police_reported_on: date | None = None
    escalation_prevented: bool = False


def check_risk(draft: RiskDraft, *, since: date, today: date) -> RiskDraft:
    c = _Checks()
    flags: list[str] = []
    for index, flag in enumerate(draft.flags):
        try:
            flags.append(choose(RiskFlag, flag, f"flags[{index}]", "风险").value)
        except ValidationError as error:
            c.errors.append(error)
    level = draft.level or None
    if level is not None:
        try:
            level = choose(RiskLevel, level, "level", "预警等级").value
        except ValidationError as error:
            c.errors.append(error)
    measures = c.text(draft.measures, "risk.measures")
    if level in (RiskLevel.ORANGE, RiskLevel.RED) and not measures:
        c.add("measures", "预防措施", "橙色、红色预警要写明采取的预防措施，例如 派员稳控、通报民警")
    if draft.police_reported_on is not None:
        c.day(draft.police_reported_on, "police_reported_on", "报告公安机关日期", since, today)
    c.done()
    return replace(
        draft,
        flags=sorted(set(flags), key=[f.value for f in RiskFlag].index),
        level=level,
        measures=measures,
    )
