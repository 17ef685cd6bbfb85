"""What the agreement forms say alike: parties' names and ages, terms, performance, signatures.

The written agreement (人民调解协议书) and the oral agreement register (人民调解口头协议登记表)
state the same agreement; these helpers make them state it in the same words.
"""

from __future__ import annotations

from datetime import date

from app.documents.text import cn_date, cn_number, sentence, yuan_figures, yuan_text
from app.domain.codes import PartyKind, PartyRole
from app.domain.schedule import ObligationState, ScheduleKind, describe, obligation_status
from app.views import AgreementView, CaseDetail, PartyView, TermView


def age_text(party: PartyView, on: date) -> str:
    """'45岁' on the given day; '' when the birth date is not recorded."""
    age = party.age_on(on)
    return f"{age}岁" if age is not None else ""


def party_name(case: CaseDetail, index: int | None) -> str:
    """'被申请人李四' for an index into case.parties; '' if it points nowhere."""
    if index is None or not 0 <= index < len(case.parties):
        return ""
    party = case.parties[index]
    return f"{party.role.label}{party.name}"


def sorted_terms(agreement: AgreementView | None) -> list[TermView]:
    """The terms in their agreed order (none without an agreement)."""
    return sorted(agreement.terms, key=lambda t: t.position) if agreement else []


def term_text(term: TermView) -> str:
    """The term as agreed, with its amount in figures and capitals."""
    text = term.text.strip()
    monthly = term.schedule is not None and term.schedule.kind is ScheduleKind.RECURRING
    if term.amount is not None and monthly:
        head = text.rstrip("。；;，,. ")
        amount = yuan_text(term.amount)
        return f"{head}，每月金额为{amount}。" if head else f"每月{amount}。"
    if term.amount is not None:
        head = text.rstrip("。；;，,. ")
        return (
            f"{head}，金额为{yuan_text(term.amount)}。" if head else f"{yuan_text(term.amount)}。"
        )
    return sentence(text)


def performance(case: CaseDetail, number: int, term: TermView) -> str:
    """How and by when a term is performed, one line per term that says something:

    第二项：由被申请人李四于2026年4月1日前向申请人张三支付人民币1250.50元。
    第一项：由被申请人李四于2026年3月30日前按约定自行履行。

    A payment whose payer or payee is not recorded (older data) refers to the term itself
    rather than print a payment from nobody to nobody.
    """
    obligor, obligee = party_name(case, term.obligor), party_name(case, term.obligee)
    if not (obligor or term.due or term.amount is not None):
        return ""
    label = cn_number(number)
    by = f"由{obligor}" if obligor else ""
    if term.schedule is not None and term.schedule.kind is not ScheduleKind.ONE_OFF:
        # Instalments and monthly payments are worded as agreed, never as one payment.
        to = f"向{obligee}" if obligee and term.schedule.is_money else ""
        return f"第{label}项：{by}{to}{describe(term.schedule)}。"
    due = f"于{cn_date(term.due)}前" if term.due else ""
    if term.amount is None:
        return f"第{label}项：{by}{due}按约定自行履行。"
    to = f"向{obligee}" if obligee else ""
    unknown = "、".join(
        role for role, name in (("付款人", obligor), ("收款人", obligee)) if not name
    )
    see = f"（{unknown}见协议第{label}项）" if unknown else ""
    return f"第{label}项：{by}{due}{to}支付{yuan_figures(term.amount)}{see}。"


def performed_on(term: TermView, today: date) -> date | None:
    """The day a term was fully performed by its records, or as marked; None while open."""
    if term.schedule is None or not term.payments:
        return term.performed_on
    status = obligation_status(term.schedule, term.payments, today)
    if status.state is not ObligationState.PERFORMED:
        return None
    return max((d.performed_on for d in status.dues if d.performed_on), default=None)


def performances(case: CaseDetail, terms: list[TermView]) -> list[str]:
    """`performance` of every term that says something, numbered as the terms are."""
    return [line for k, t in enumerate(terms, 1) if (line := performance(case, k, t))]


def signature_line(party: PartyView, person: str) -> str:
    """A party's signature label naming who signs on it (two applicants must not get the same
    line): `person` is what a person does, e.g. '签名盖章或按指印'; an organisation is sealed
    and its representative signs."""
    if party.kind is PartyKind.ORGANIZATION:
        return f"{party.role.label}{party.name}（单位盖章）：\n法定代表人或委托代理人（签名）："
    return f"{party.role.label}{party.name}（{person}）："


def signing_parties(case: CaseDetail) -> tuple[PartyView, ...]:
    """Who signs: the parties, or an applicant and a respondent unnamed, to write in by hand."""
    return case.parties or (
        PartyView(0, 0, PartyRole.APPLICANT, PartyKind.PERSON, ""),
        PartyView(0, 1, PartyRole.RESPONDENT, PartyKind.PERSON, ""),
    )
