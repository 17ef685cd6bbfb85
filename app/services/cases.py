"""Registering, reading and listing cases."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from app.db.models import (
    Agreement,
    Case,
    CaseNumberSequence,
    CaseRequest,
    CaseRiskFlag,
    Committee,
    Escalation,
    FollowUp,
    Obligation,
    PanelMember,
    Party,
)
from app.domain.codes import (
    AgreementForm,
    CaseStatus,
    DisputeType,
    PanelRole,
    PartyKind,
    PartyRole,
    RiskFlag,
    Satisfaction,
    Sex,
    Source,
    Tier,
)
from app.domain.drafts import AgreementDraft, CaseDraft
from app.domain.errors import NotFoundError, UserError
from app.domain.money import from_fen, to_fen
from app.domain.numbering import format_number, parse_number
from app.domain.rules import CleanAgreement, CleanCase, check_agreement, check_case
from app.domain.values import Place
from app.services.audit import record
from app.services.database import Database
from app.services.views import (
    AgreementView,
    CaseDetail,
    CaseQuery,
    CaseRow,
    Changed,
    EscalationView,
    FollowUpView,
    PanelMemberView,
    PartyView,
    TermView,
)

# ---------------------------------------------------------------- numbering


def allocate_number(session: Session, committee: Committee, year: int) -> tuple[str, int]:
    """The next case number of `year`, allocated inside the caller's transaction.

    The UPDATE comes first so SQLite takes the write lock before reading: two program copies
    saving at once cannot both get the same number. A number already taken (e.g. imported from
    another system) is skipped, so a number is never handed out twice.
    """
    bumped = session.execute(
        update(CaseNumberSequence)
        .where(CaseNumberSequence.year == year)
        .values(last_seq=CaseNumberSequence.last_seq + 1)
    ).rowcount
    if not bumped:
        session.add(CaseNumberSequence(year=year, last_seq=1))
        session.flush()
    row = session.get(CaseNumberSequence, year)
    assert row is not None
    session.refresh(row)
    while True:
        number = format_number(committee.number_pattern, committee.short_name, year, row.last_seq)
        if not session.scalar(select(exists().where(Case.number == number))):
            return number, row.last_seq
        row.last_seq += 1
        session.flush()


def claim_number(
    session: Session, committee: Committee, number: str
) -> tuple[int | None, int | None]:
    """Record an existing number (from an import) so the sequence never hands it out again."""
    parts = parse_number(committee.number_pattern, committee.short_name, number)
    if parts is None:
        return None, None
    row = session.get(CaseNumberSequence, parts.year)
    if row is None:
        session.add(CaseNumberSequence(year=parts.year, last_seq=parts.seq))
    elif row.last_seq < parts.seq:
        row.last_seq = parts.seq
    session.flush()
    return parts.year, parts.seq


def reserve_numbers(session: Session, numbers: Iterable[str]) -> None:
    """Claim numbers about to be inserted (an import's), before any number is allocated.

    Otherwise a case without a number, saved first, could be handed one of them, and the case
    that carries it in the file would then clash.
    """
    committee = committee_row(session)
    for number in numbers:
        claim_number(session, committee, number)


def committee_row(session: Session) -> Committee:
    committee = session.scalar(select(Committee).limit(1))
    if committee is None:
        raise UserError("数据库中还没有调解委员会信息，请先初始化。")
    return committee


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class CaseHistory:
    """What an imported or demo case brings beyond registration: panel, tiers, agreement, visits."""

    panel: tuple[tuple[int, PanelRole], ...] = ()
    escalations: tuple[tuple[Tier, Tier, date, str], ...] = ()
    agreement: CleanAgreement | None = None
    #: (date, mediator id or None, performed, satisfaction code or None, notes)
    follow_ups: tuple[tuple[date, int | None, bool | None, str | None, str], ...] = ()


def add_case(
    session: Session,
    clean: CleanCase,
    *,
    case_uuid: str | None = None,
    number: str | None = None,
    history: CaseHistory | None = None,
) -> Case:
    """Insert a checked case with everything it carries, in one flush (no commit)."""
    committee = committee_row(session)
    if number:
        if session.scalar(select(exists().where(Case.number == number))):
            raise UserError(f"案件编号“{number}”已被其他案件使用，编号不能重复。")
        year, seq = claim_number(session, committee, number)
    else:
        number, seq = allocate_number(session, committee, clean.received_on.year)
        year = clean.received_on.year
    parties = [
        Party(
            position=i,
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
        for i, p in enumerate(clean.parties)
    ]
    history = history or CaseHistory()
    case = Case(
        uuid=case_uuid or str(uuid_module.uuid4()),
        number=number,
        number_year=year,
        number_seq=seq,
        title=clean.title,
        dispute_type=clean.dispute_type.value,
        source=clean.source.value,
        received_on=clean.received_on,
        status=clean.status.value,
        tier=clean.tier.value,
        compound=clean.place.compound,
        building=clean.place.building,
        unit=clean.place.unit,
        room=clean.place.room,
        amount_fen=to_fen(clean.amount) if clean.amount is not None else None,
        persons_involved=clean.persons_involved,
        facts=clean.facts,
        declined_reason="",
        outcome_note="",
        parties=parties,
        requests=[CaseRequest(position=i, text=t) for i, t in enumerate(clean.requests)],
        risk_flags=[CaseRiskFlag(flag=f.value) for f in clean.risk_flags],
        panel=[
            PanelMember(mediator_id=mediator_id, role=role.value, chosen_by="committee", reason="")
            for mediator_id, role in history.panel
        ],
        escalations=[
            Escalation(from_tier=a.value, to_tier=b.value, on=on, reason=reason)
            for a, b, on, reason in history.escalations
        ],
        follow_ups=[
            FollowUp(
                on=on, mediator_id=by, performed=performed, satisfaction=satisfaction, notes=notes
            )
            for on, by, performed, satisfaction, notes in history.follow_ups
        ],
    )
    if history.agreement is not None:
        case.agreement = Agreement()
        fill_agreement(case.agreement, parties, history.agreement)
    session.add(case)
    session.flush()
    return case


def fill_agreement(agreement: Agreement, parties: list[Party], clean: CleanAgreement) -> None:
    """Write checked values into an agreement row; terms point at the case's Party rows."""
    agreement.form = clean.form.value
    agreement.reached_on = clean.reached_on
    agreement.facts = clean.facts
    agreement.issues = clean.issues
    agreement.responsibility = clean.responsibility
    agreement.confirmation_court = agreement.confirmation_court or ""
    agreement.confirmation_result = agreement.confirmation_result or ""
    agreement.obligations = [
        Obligation(
            position=i,
            text=t.text,
            obligor=parties[t.obligor] if t.obligor is not None else None,
            obligee=parties[t.obligee] if t.obligee is not None else None,
            amount_fen=to_fen(t.amount) if t.amount is not None else None,
            due_on=t.due,
            performed_on=t.performed_on,
        )
        for i, t in enumerate(clean.terms)
    ]


def set_agreement(session: Session, case: Case, clean: CleanAgreement) -> Agreement:
    """Replace an existing case's agreement and its obligations (no commit)."""
    parties = sorted(case.parties, key=lambda p: p.position)
    if case.agreement is None:
        case.agreement = Agreement()
    fill_agreement(case.agreement, parties, clean)
    session.flush()
    return case.agreement


def register_case(
    db: Database, draft: CaseDraft, today: date | None = None
) -> tuple[CaseDetail, Changed]:
    """登记新纠纷: check, allocate the number, save, audit — one transaction."""
    clean = check_case(draft, today)
    with db.transaction() as session:
        case = add_case(session, clean)
        record(session, "register_case", "case", case.id, case.number)
        detail = case_detail(session, case.id)
    return detail, Changed(cases=frozenset({detail.id}), case_list=True)


def save_agreement(
    db: Database, case_ref: str | int, draft: AgreementDraft
) -> tuple[CaseDetail, Changed]:
    """Write or rewrite the agreement of a case (not of an archived one)."""
    with db.transaction() as session:
        case = find_case(session, case_ref)
        if case.status == CaseStatus.ARCHIVED:
            raise UserError(f"案件{case.number}已归档，不能再修改协议。")
        clean = check_agreement(draft, len(case.parties), received_on=case.received_on)
        set_agreement(session, case, clean)
        record(session, "save_agreement", "case", case.id, case.number)
        detail = case_detail(session, case.id)
    return detail, Changed(cases=frozenset({detail.id}))


# ---------------------------------------------------------------- reading


def find_case(session: Session, ref: str | int) -> Case:
    """A case by database id, uuid or case number."""
    query = select(Case).options(
        selectinload(Case.parties),
        selectinload(Case.requests),
        selectinload(Case.risk_flags),
        selectinload(Case.panel).selectinload(PanelMember.mediator),
        selectinload(Case.escalations),
        selectinload(Case.agreement).selectinload(Agreement.obligations),
        selectinload(Case.follow_ups).selectinload(FollowUp.mediator),
    )
    text = str(ref).strip()
    if isinstance(ref, int) or text.isdigit():
        query = query.where(Case.id == int(text))
    else:
        query = query.where(or_(Case.uuid == text.lower(), Case.number == text))
    case = session.scalar(query)
    if case is None:
        raise NotFoundError(f"找不到案件“{ref}”。请核对案件编号，例如（2026）飞人调字第12号。")
    return case


def case_detail(session: Session, ref: str | int) -> CaseDetail:
    return to_detail(find_case(session, ref))


def get_case(db: Database, ref: str | int) -> CaseDetail:
    with db.reading() as session:
        return case_detail(session, ref)


def to_detail(case: Case) -> CaseDetail:
    parties = sorted(case.parties, key=lambda p: p.position)
    index_of = {p.id: i for i, p in enumerate(parties)}
    agreement = None
    if case.agreement is not None:
        a = case.agreement
        agreement = AgreementView(
            form=AgreementForm(a.form),
            reached_on=a.reached_on,
            facts=a.facts,
            issues=a.issues,
            responsibility=a.responsibility,
            terms=tuple(
                TermView(
                    position=o.position,
                    text=o.text,
                    obligor=index_of.get(o.obligor_party_id) if o.obligor_party_id else None,
                    obligee=index_of.get(o.obligee_party_id) if o.obligee_party_id else None,
                    amount=from_fen(o.amount_fen) if o.amount_fen is not None else None,
                    due=o.due_on,
                    performed_on=o.performed_on,
                )
                for o in a.obligations
            ),
        )
    return CaseDetail(
        id=case.id,
        uuid=case.uuid,
        number=case.number,
        title=case.title,
        dispute_type=DisputeType(case.dispute_type),
        source=Source(case.source),
        received_on=case.received_on,
        tier=Tier(case.tier),
        status=CaseStatus(case.status),
        place=Place(case.compound, case.building, case.unit, case.room),
        amount=from_fen(case.amount_fen) if case.amount_fen is not None else None,
        persons_involved=case.persons_involved,
        risk_flags=tuple(
            sorted((RiskFlag(f.flag) for f in case.risk_flags), key=list(RiskFlag).index)
        ),
        facts=case.facts,
        requests=tuple(r.text for r in case.requests),
        parties=tuple(
            PartyView(
                id=p.id,
                position=p.position,
                role=PartyRole(p.role),
                kind=PartyKind(p.kind),
                name=p.name,
                sex=Sex(p.sex) if p.sex else None,
                ethnicity=p.ethnicity,
                birth_date=p.birth_date,
                id_number=p.id_number,
                phone=p.phone,
                address=p.address,
                occupation=p.occupation,
                credit_code=p.credit_code,
                legal_representative=p.legal_representative,
            )
            for p in parties
        ),
        panel=tuple(
            PanelMemberView(m.mediator_id, m.mediator.uuid, m.mediator.name, PanelRole(m.role))
            for m in case.panel
        ),
        escalations=tuple(
            EscalationView(Tier(e.from_tier), Tier(e.to_tier), e.on, e.reason)
            for e in case.escalations
        ),
        agreement=agreement,
        follow_ups=tuple(
            FollowUpView(
                on=f.on,
                by_mediator_uuid=f.mediator.uuid if f.mediator else None,
                by_name=f.mediator.name if f.mediator else "",
                performed=f.performed,
                satisfaction=Satisfaction(f.satisfaction) if f.satisfaction else None,
                notes=f.notes,
            )
            for f in case.follow_ups
        ),
        created_at=case.created_at,
        updated_at=case.updated_at,
    )


# ---------------------------------------------------------------- the case list

#: Sort keys the list offers, each mapped to SQL (ties broken by id so paging is stable).
SORT_COLUMNS = {
    "received_on": (Case.received_on,),
    "number": (Case.number_year, Case.number_seq, Case.number),
    "title": (Case.title,),
    "status": (Case.status,),
    "tier": (Case.tier,),
}


def _filtered(query: CaseQuery, base: Select) -> Select:
    conditions = []
    if query.statuses:
        conditions.append(Case.status.in_(sorted(query.statuses)))
    if query.tiers:
        conditions.append(Case.tier.in_(sorted(query.tiers)))
    text = query.text.strip()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        conditions.append(
            or_(
                Case.title.like(like),
                Case.number.like(like),
                exists().where(and_(Party.case_id == Case.id, Party.name.like(like))),
            )
        )
    return base.where(*conditions) if conditions else base


def count_cases(db: Database, query: CaseQuery = CaseQuery()) -> int:
    with db.reading() as session:
        return session.scalar(_filtered(query, select(func.count(Case.id)))) or 0


def list_cases(
    db: Database, query: CaseQuery = CaseQuery(), offset: int = 0, limit: int = 200
) -> list[CaseRow]:
    """One page of the case list, read with Core into plain rows."""
    columns = SORT_COLUMNS.get(query.sort, SORT_COLUMNS["received_on"])
    order = [c.desc() if query.descending else c.asc() for c in columns]
    order.append(Case.id.desc() if query.descending else Case.id.asc())
    base = select(
        Case.id,
        Case.uuid,
        Case.number,
        Case.title,
        Case.status,
        Case.tier,
        Case.received_on,
        Case.dispute_type,
    )
    statement = _filtered(query, base).order_by(*order).offset(offset).limit(limit)
    with db.reading() as session:
        rows = session.execute(statement).all()
        ids = [r.id for r in rows]
        names: dict[int, list[str]] = {}
        if ids:
            for case_id, name in session.execute(
                select(Party.case_id, Party.name)
                .where(Party.case_id.in_(ids))
                .order_by(Party.case_id, Party.position)
            ):
                names.setdefault(case_id, []).append(name)
    return [
        CaseRow(
            id=r.id,
            uuid=r.uuid,
            number=r.number,
            title=r.title,
            status=CaseStatus(r.status),
            tier=Tier(r.tier),
            received_on=r.received_on,
            dispute_type=DisputeType(r.dispute_type),
            parties="、".join(names.get(r.id, [])),
        )
        for r in rows
    ]
