"""What the agreement forms say alike: parties' names and ages, terms, performance, signatures.

The written agreement (人民调解协议书) and the oral agreement register (人民调解口头协议登记表)
state the same agreement; these helpers make them state it in the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.documents.text import (
    cn_date,
    cn_number,
    paragraphs,
    say_amount,
    sentence,
    yuan_figures,
    yuan_text,
)
from app.documents.tree import PAGE_LAYOUTS, Align, Block, Numbering, Paragraph, Style, numbered
from app.domain.codes import PanelRole, PartyKind, PartyRole, SessionKind
from app.domain.schedule import ObligationState, ScheduleKind, describe, obligation_status
from app.views import AgreementView, CaseDetail, CommitteeInfo, PartyView, TermView

#: The line an organisation's legal representative signs on, with a rule to write the office
#: they hold on (an organisation signs through its representative and is sealed). Full-width
#: low lines, not spaces: a line of text, not a gap a reader could take for a column break.
REPRESENTATIVE = "法定代表人（职务：＿＿＿＿）签名："


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
    """The term as agreed, saying its amount once in figures and capitals: where the text
    already names the amount, there (人民币1250.50元（大写：壹仟贰佰伍拾元伍角）), else after it."""
    text = term.text.strip()
    if term.amount is None:
        return sentence(text)
    said = say_amount(text, term.amount)
    if said is not None:
        return sentence(said)
    head = text.rstrip("。；;，,. ")
    amount = yuan_text(term.amount)
    if term.schedule is not None and term.schedule.kind is ScheduleKind.RECURRING:
        return f"{head}，每月金额为{amount}。" if head else f"每月{amount}。"
    return f"{head}，金额为{amount}。" if head else f"{amount}。"


def facts_and_issues(case: CaseDetail) -> list[str]:
    """The facts and issues as the agreement states them (the facts at registration if none)."""
    agreement = case.agreement
    facts = agreement.facts if agreement and agreement.facts else case.facts
    return paragraphs(facts) + (paragraphs(agreement.issues) if agreement else [])


#: What heads the recorded requests under the facts and issues.
REQUESTS = "申请事项："


def requests(case: CaseDetail) -> list[str]:
    """The requests recorded at registration (申请事项), numbered 1. 2. as the application
    numbers them; none if none were recorded."""
    asked = [text.strip() for text in case.requests if text.strip()]
    return [numbered(k, Numbering.ARABIC) + sentence(text) for k, text in enumerate(asked, 1)]


def mediation_place(case: CaseDetail) -> tuple[str, str]:
    """(label, place) for a form's place of mediation: where the last mediation session was
    held; failing that, where the dispute arose, labelled so (纠纷发生地) rather than passed
    off as the place of mediation; ("调解地点", "") when neither is on record."""
    held = [s for s in case.sessions if s.kind is SessionKind.MEDIATION and s.place.strip()]
    if held:
        return "调解地点", max(held, key=lambda s: s.held_at).place.strip()
    if not case.place.is_empty():
        return "纠纷发生地", case.place.text()
    return "调解地点", ""


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
    and its representative signs. One label for the whole party (see `party_signatures` for
    the organisation's seal area and representative's line)."""
    if party.kind is PartyKind.ORGANIZATION:
        return f"{party.role.label}{party.name}（单位盖章）：\n法定代表人或委托代理人（签名）："
    return f"{party.role.label}{party.name}（{person}）："


def party_signatures(case: CaseDetail, person: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parties' signature labels and, per label, the line a representative signs on
    (`SignatureBlock.left` and `.representatives`): an organisation's label names it to be
    sealed, and its legal representative signs with the office held (`REPRESENTATIVE`)."""
    labels, representatives = [], []
    for party in signing_parties(case):
        if party.kind is PartyKind.ORGANIZATION:
            labels.append(f"{party.role.label}{party.name}（单位盖章）：")
            representatives.append(REPRESENTATIVE)
        else:
            labels.append(f"{party.role.label}{party.name}（{person}）：")
            representatives.append("")
    return tuple(labels), tuple(representatives)


def committee_lines(case: CaseDetail, recorder: str = "记录人") -> tuple[str, ...]:
    """A signature line for every mediator of the panel (the lead first, as the panel lists
    them), each naming who signs on it, then the recorder's (`recorder` names the role: the
    register's 登记人); without a panel, one blank line for a mediator and one for the
    recorder, to write in by hand."""
    order = {PanelRole.LEAD: 0, PanelRole.MEMBER: 1}
    mediators = sorted((m for m in case.panel if m.role in order), key=lambda m: order[m.role])
    recorders = [m for m in case.panel if m.role is PanelRole.RECORDER]
    lines = [f"人民调解员{m.name}（签名）：" for m in mediators] or ["人民调解员（签名）："]
    lines += [f"{recorder}{m.name}（签名）：" for m in recorders] or [f"{recorder}（签名）："]
    return tuple(lines)


def page_layout(committee: CommitteeInfo) -> str:
    """The committee's page layout for its documents (`Document.layout`); the standard one
    for a setting this version does not know (a newer program's)."""
    return committee.page_layout if committee.page_layout in PAGE_LAYOUTS else "standard"


def signing_parties(case: CaseDetail) -> tuple[PartyView, ...]:
    """Who signs: the parties, or an applicant and a respondent unnamed, to write in by hand."""
    return case.parties or (
        PartyView(0, 0, PartyRole.APPLICANT, PartyKind.PERSON, ""),
        PartyView(0, 1, PartyRole.RESPONDENT, PartyKind.PERSON, ""),
    )


def headed(blocks: Sequence[Block], committee: CommitteeInfo) -> tuple[Block, ...]:
    """The form's blocks under the committee's header line (文书抬头), when it has one."""
    header = committee.text("header")
    if not header:
        return tuple(blocks)
    line = Paragraph(header, Style.SMALL, Align.CENTER, indent=False, keep_with_next=True)
    return (line, *blocks)
