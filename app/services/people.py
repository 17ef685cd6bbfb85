"""Correcting a case and its people: case fields, parties, agents, invited participants, and
recognising a party who has been here before.

Parties are edited in place (a party keeps its id, so the agreement's terms and the audit
entries still point at the same person); a removal that would orphan a term is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.db.models import (
    Agent,
    Case,
    CaseRequest,
    Mediator,
    PanelMember,
    Participant,
    Party,
    StatusChange,
)
from app.domain.codes import CaseStatus, PanelChoice, PanelRole, PartyRole, Tier
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import NotFoundError, UserError, ValidationError
from app.domain.fields import clean_text
from app.domain.money import to_fen
from app.domain.rules import CleanParty, check_case, choose
from app.domain.work import AgentDraft, ParticipantDraft, check_agent, check_participant
from app.services import accounts
from app.services.database import Database
from app.services.detail import fresh_detail
from app.services.operations import DEFAULT_ACTOR
from app.services.panels import exclusion_of
from app.services.records import sync_risk_flags
from app.views import CaseDetail, Changed


def _fill_party(party: Party, clean: CleanParty, position: int) -> None:
    party.position = position
    party.role = clean.role.value
    party.kind = clean.kind.value
    party.name = clean.name
    party.sex = clean.sex.value if clean.sex else None
    party.ethnicity = clean.ethnicity
    party.birth_date = clean.birth_date
    party.id_number = clean.id_number
    party.phone = clean.phone
    party.address = clean.address
    party.occupation = clean.occupation
    party.credit_code = clean.credit_code
    party.legal_representative = clean.legal_representative


def _terms_naming(case: Case, party: Party) -> list[int]:
    """The item numbers of the agreement's terms in which `party` owes or is owed."""
    if case.agreement is None:
        return []
    return [
        o.position + 1
        for o in case.agreement.obligations
        if party in (o.obligor, o.obligee) or party.id in (o.obligor_party_id, o.obligee_party_id)
    ]


def removal_consequence(case: Case, party: Party) -> str:
    """What removing `party` would do, for the confirmation question (or why it cannot)."""
    terms = _terms_naming(case, party)
    if terms:
        items = "、".join(f"第{n}项" for n in terms)
        return f"{party.name}是调解协议{items}的当事人，不能删除；请先修改协议中的这几项。"
    agents = f"，连同他的{len(party.agents)}位委托代理人" if party.agents else ""
    return f"将从案件中删除当事人{party.name}{agents}。打印过的文书不会改变，需要重新打印。"


def _sync_parties(case: Case, parties: tuple[CleanParty, ...]) -> None:
    existing = {p.id: p for p in case.parties}
    kept: list[Party] = []
    for position, clean in enumerate(parties):
        party = existing.pop(clean.id, None) if clean.id is not None else None
        if party is None:
            party = Party()
        _fill_party(party, clean, position)
        kept.append(party)
    for removed in existing.values():
        if _terms_naming(case, removed):
            raise UserError(removal_consequence(case, removed))
    case.parties = kept


def _first_record(case: Case) -> tuple[date, str] | None:
    """The earliest day the case's records carry after its registration, and what it is: the
    day it was received may not be corrected to after it (an export would not read back)."""
    days: list[tuple[date, str]] = [
        (c.on, "办理记录") for c in case.status_changes if c.event not in ("register", "import")
    ]
    days += [(e.on, "层级变更") for e in case.escalations]
    # As the sitting's form shows it: the local day of the moment.
    days += [(s.held_at.astimezone().date(), "调查或调解记录") for s in case.sessions]
    days += [(f.on, "回访") for f in case.follow_ups]
    if case.agreement is not None:
        if case.agreement.reached_on is not None:
            days.append((case.agreement.reached_on, "调解协议"))
        days += [(p.on, "履行记录") for o in case.agreement.obligations for p in o.payments]
    return min(days, default=None)


def update_case(
    db: Database,
    case_ref: str | int,
    draft: CaseDraft,
    *,
    amendment_reason: str = "",
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """Save corrections to a case's registration and its parties.

    The status and the tier do not change here: they move only by events and escalations,
    each recorded with its reason. An archived case takes a correction only as an amendment
    with its reason (归档后更正), which its history keeps.
    """
    today = today or date.today()
    amendment_reason = clean_text(
        amendment_reason, "case.amendment_reason", field="amendment_reason"
    )
    name = "case.amend" if amendment_reason else "case.update"
    with db.operation(actor, name, case=case_ref, allow_archived=True) as op:
        case = op.the_case
        archived = case.status == CaseStatus.ARCHIVED
        if archived and not amendment_reason:
            raise UserError(
                f"案件{case.number}已归档，不能直接修改。如需更正，请选择“归档后更正”，"
                "并写明更正的原因。"
            )
        # A form filled from a masked view sends the masked ID numbers back unchanged.
        clean = check_case(accounts.kept_hidden(case, draft), today)
        if clean.tier.value != case.tier:
            raise ValidationError(
                "tier",
                "化解层级",
                f"案件现在在“{Tier(case.tier).label}”；层级只能通过“移交上一级”改变，并写明原因",
            )
        first = _first_record(case)
        if first is not None and clean.received_on > first[0]:
            day, what = first
            raise ValidationError(
                "received_on",
                "受理日期",
                f"不能晚于案件第一次办理的日期（{day:%Y-%m-%d}，{what}），请核对",
            )
        case.title = clean.title
        case.dispute_type = clean.dispute_type.value
        case.source = clean.source.value
        case.received_on = clean.received_on
        case.compound, case.building = clean.place.compound, clean.place.building
        case.unit, case.room = clean.place.unit, clean.place.room
        case.amount_fen = to_fen(clean.amount) if clean.amount is not None else None
        case.persons_involved = clean.persons_involved
        case.facts = clean.facts
        if [r.text for r in case.requests] != list(clean.requests):
            case.requests = [CaseRequest(position=i, text=t) for i, t in enumerate(clean.requests)]
        sync_risk_flags(case, [f.value for f in clean.risk_flags])
        _sync_parties(case, clean.parties)
        if archived:
            case.status_changes.append(
                StatusChange(
                    event="amend",
                    from_status=case.status,
                    to_status=case.status,
                    on=today,
                    actor=op.actor,
                    reason=amendment_reason,
                )
            )
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True, due=True))
    return op.outcome


def remove_party(
    db: Database, case_ref: str | int, party_id: int, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    """Remove one party (asked first in the window, with `removal_consequence`)."""
    with db.operation(actor, "party.remove", case=case_ref) as op:
        case = op.the_case
        party = _party(case, party_id)
        if _terms_naming(case, party):
            raise UserError(removal_consequence(case, party))
        remaining = [p for p in case.parties if p is not party]
        for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
            if not any(p.role == role for p in remaining):
                raise UserError(
                    f"{party.name}是案件唯一的{role.label}，不能删除；"
                    f"一个案件至少要有一位{role.label}。可以先添加另一位{role.label}。"
                )
        case.parties = remaining
        for position, p in enumerate(sorted(remaining, key=lambda p: p.position)):
            p.position = position
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True))
    return op.outcome


def _party(case: Case, party_id: int) -> Party:
    for party in case.parties:
        if party.id == party_id:
            return party
    raise NotFoundError(f"案件{case.number}中没有这位当事人（编号{party_id}），可能已被删除。")


# --- Agents and participants ------------------------------------------------------------------


def save_agent(
    db: Database,
    case_ref: str | int,
    party_id: int,
    draft: AgentDraft,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """Add or correct a party's 委托代理人."""
    today = today or date.today()
    with db.operation(actor, "agent.save", case=case_ref) as op:
        case = op.the_case
        party = _party(case, party_id)
        clean = check_agent(accounts.kept_hidden_agent(case, draft), since=date.min, today=today)
        agent = next((a for a in party.agents if a.id == clean.id), None) if clean.id else None
        if clean.id is not None and agent is None:
            raise NotFoundError("这位委托代理人已被删除，请关闭后重新打开案件。")
        if agent is None:
            agent = Agent()
            party.agents.append(agent)
        agent.name = clean.name
        agent.phone = clean.phone
        agent.authority_kind = clean.authority_kind
        agent.authorised_on = clean.authorised_on
        agent.authority = clean.authority
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome


def remove_agent(
    db: Database, case_ref: str | int, agent_id: int, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    with db.operation(actor, "agent.remove", case=case_ref) as op:
        case = op.the_case
        for party in case.parties:
            party.agents = [a for a in party.agents if a.id != agent_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome


def save_participant(
    db: Database, case_ref: str | int, draft: ParticipantDraft, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    """Add or correct someone invited to help (art. 20)."""
    with db.operation(actor, "participant.save", case=case_ref) as op:
        case = op.the_case
        clean = check_participant(accounts.kept_hidden_participant(case, draft))
        row = next((p for p in case.participants if p.id == clean.id), None) if clean.id else None
        if clean.id is not None and row is None:
            raise NotFoundError("这位参与人员已被删除，请关闭后重新打开案件。")
        if row is None:
            row = Participant()
            case.participants.append(row)
        row.name, row.kind = clean.name, clean.kind
        row.organisation, row.phone = clean.organisation, clean.phone
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome


def remove_participant(
    db: Database, case_ref: str | int, participant_id: int, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    with db.operation(actor, "participant.remove", case=case_ref) as op:
        case = op.the_case
        case.participants = [p for p in case.participants if p.id != participant_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
    return op.outcome


# --- Returning parties ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturningParty:
    """The same person in an earlier case, offered before a new party is typed in full."""

    case_id: int
    case_number: str
    case_title: str
    received_on: date
    #: How the match was found: "id_number", "phone" or "name".
    matched_on: str
    #: The party as recorded there, ready to fill the form (without its id).
    party: PartyDraft


def _as_draft(p: Party) -> PartyDraft:
    return PartyDraft(
        role=p.role,
        kind=p.kind,
        name=p.name,
        sex=p.sex,
        ethnicity=p.ethnicity,
        birth_date=p.birth_date,
        id_number=p.id_number,
        phone=p.phone,
        address=p.address,
        occupation=p.occupation,
        credit_code=p.credit_code,
        legal_representative=p.legal_representative,
    )


def find_returning_parties(
    db: Database,
    *,
    id_number: str = "",
    phone: str = "",
    name: str = "",
    exclude_case_id: int | None = None,
    limit: int = 10,
) -> list[ReturningParty]:
    """Parties in other cases with the same ID number, phone or exact name; best match first.

    An ID number identifies a person; a phone nearly; a name only suggests, so name matches
    come last. Each person appears once, with their latest case. A role that may not see ID
    numbers and phones gets back only those it typed to find the person.
    """
    id_number, phone, name = id_number.strip().upper(), phone.strip(), name.strip()
    conditions: list[ColumnElement[bool]] = []
    if id_number:
        conditions.append(Party.id_number == id_number)
    if phone:
        conditions.append(Party.phone == phone)
    if name:
        conditions.append(Party.name == name)
    if not conditions:
        return []
    with db.reading() as session:
        found = _returning(session, conditions, id_number, phone, exclude_case_id, limit)
    if accounts.may_see_identity(db):
        return found
    return [replace(r, party=accounts.typed_only(r.party, id_number, phone)) for r in found]


def _returning(
    session: Session,
    conditions: list[ColumnElement[bool]],
    id_number: str,
    phone: str,
    exclude_case_id: int | None,
    limit: int,
) -> list[ReturningParty]:
    query = (
        select(Party, Case)
        .join(Case, Party.case_id == Case.id)
        .where(or_(*conditions))
        .order_by(Case.received_on.desc(), Case.id.desc())
        .limit(200)
    )
    if exclude_case_id is not None:
        query = query.where(Case.id != exclude_case_id)
    found: list[tuple[int, ReturningParty]] = []
    seen: set[str] = set()
    for party, case in session.execute(query):
        if id_number and party.id_number == id_number:
            rank, how = 0, "id_number"
        elif phone and party.phone == phone:
            rank, how = 1, "phone"
        else:
            rank, how = 2, "name"
        key = party.id_number or party.credit_code or f"{party.name}|{party.phone}"
        if key in seen:
            continue
        seen.add(key)
        found.append(
            (
                rank,
                ReturningParty(
                    case.id, case.number, case.title, case.received_on, how, _as_draft(party)
                ),
            )
        )
    found.sort(key=lambda pair: pair[0])
    return [r for _, r in found[:limit]]


# --- The panel --------------------------------------------------------------------------------


def add_panel_member(
    db: Database,
    case_ref: str | int,
    mediator_id: int,
    role: PanelRole,
    *,
    chosen_by: str = "committee",
    reason: str = "",
    actor: str = DEFAULT_ACTOR,
) -> tuple[CaseDetail, Changed]:
    """Put a mediator on the case's panel by hand (the committee designates, or the parties
    choose, art. 19); one mediator once, and one 主持人 per panel."""
    chosen = choose(PanelChoice, chosen_by, "chosen_by", "产生方式").value
    reason = clean_text(reason, "panel.reason", field="reason")
    with db.operation(actor, "panel.add", case=case_ref) as op:
        case = op.the_case
        mediator = op.session.get(Mediator, mediator_id)
        if mediator is None:
            raise NotFoundError("找不到这位调解员，可能已从名册中删除。")
        if not mediator.active:
            raise UserError(f"{mediator.name}已不在岗，不能再指定为调解员。")
        # The same rules as a draw: a conflict of interest or a full caseload is never seated.
        barred = exclusion_of(op.session, case, mediator_id, date.today())
        if barred:
            raise UserError(f"{mediator.name}不能参加本案：{'；'.join(barred)}。")
        if any(m.mediator_id == mediator_id for m in case.panel):
            raise UserError(f"{mediator.name}已经在这个案件的调解员中。")
        if role is PanelRole.LEAD and any(m.role == PanelRole.LEAD for m in case.panel):
            raise UserError("已经有主持调解的调解员；一个案件只能有一位主持人。")
        case.panel.append(
            PanelMember(
                mediator_id=mediator_id,
                role=role.value,
                chosen_by=chosen,
                reason=reason,
            )
        )
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True))
    return op.outcome


def remove_panel_member(
    db: Database, case_ref: str | int, mediator_id: int, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    with db.operation(actor, "panel.remove", case=case_ref) as op:
        case = op.the_case
        case.panel = [m for m in case.panel if m.mediator_id != mediator_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True))
    return op.outcome
