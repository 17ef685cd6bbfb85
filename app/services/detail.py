"""Reading one case whole: the ORM rows turned into the frozen `CaseDetail` views."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.db.models import Case, Payment, StatusChange
from app.domain.codes import (
    AgreementForm,
    AttachmentKind,
    AuthorityKind,
    CaseStatus,
    DisputeType,
    PanelRole,
    ParticipantKind,
    PartyKind,
    PartyRole,
    RiskFlag,
    RiskLevel,
    Satisfaction,
    SessionKind,
    Sex,
    Source,
    Tier,
)
from app.domain.lifecycle import CaseEvent
from app.domain.money import from_fen
from app.domain.values import Place
from app.services.accounts import shown_detail
from app.services.database import Database
from app.services.records import find_case, payments_of, schedule_of
from app.views import (
    AgentView,
    AgreementView,
    AttachmentView,
    CaseDetail,
    EscalationView,
    FollowUpView,
    PanelMemberView,
    ParticipantView,
    PartyView,
    SessionView,
    StatusChangeView,
    TermView,
)

__all__ = ["case_detail", "case_for_paper", "fresh_detail", "get_case", "to_detail"]


def case_detail(session: Session, ref: str | int) -> CaseDetail:
    return to_detail(find_case(session, ref))


def get_case(db: Database, ref: str | int) -> CaseDetail:
    """The case as the person signed in may see it: ID numbers and phones masked for a role
    that may not see them (app.services.accounts). A paper that must carry them whole reads
    `case_for_paper`."""
    with db.reading() as session:
        detail = case_detail(session, ref)
    return shown_detail(db, detail)


def case_for_paper(db: Database, ref: str | int) -> CaseDetail:
    """The case whole, ID numbers and phones as stored: for the legal papers printed from it
    (the parties sign them) and the digest of what they say; never for a screen."""
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
                    id=o.id,
                    schedule=schedule_of(o),
                    payments=payments_of(o),
                    payment_ids=tuple(p.id for p in sorted(o.payments, key=_payment_order)),
                    payment_notes=tuple(p.note for p in sorted(o.payments, key=_payment_order)),
                )
                for o in a.obligations
            ),
            confirmation_applied_on=a.confirmation_applied_on,
            confirmation_court=a.confirmation_court,
            confirmation_result=a.confirmation_result,
            confirmation_decided_on=a.confirmation_decided_on,
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
                agents=tuple(
                    AgentView(
                        id=g.id,
                        name=g.name,
                        phone=g.phone,
                        authority_kind=AuthorityKind(g.authority_kind),
                        authorised_on=g.authorised_on,
                        authority=g.authority,
                    )
                    for g in p.agents
                ),
            )
            for p in parties
        ),
        panel=tuple(
            PanelMemberView(m.mediator_id, m.mediator.uuid, m.mediator.name, PanelRole(m.role))
            for m in case.panel
        ),
        escalations=tuple(
            EscalationView(Tier(e.from_tier), Tier(e.to_tier), e.on, e.reason, e.decided_by)
            for e in sorted(case.escalations, key=lambda e: (e.on, e.id))
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
                id=f.id,
                by_mediator_id=f.mediator_id,
                met_with=f.met_with,
                risks=f.risks,
                measures=f.measures,
            )
            for f in sorted(case.follow_ups, key=lambda f: (f.on, f.id))
        ),
        created_at=case.created_at,
        updated_at=case.updated_at,
        accepted_on=case.accepted_on,
        declined_reason=case.declined_reason,
        mediation_extended_to=case.mediation_extended_to,
        extension_reason=case.extension_reason,
        risk_level=RiskLevel(case.risk_level) if case.risk_level else None,
        risk_measures=case.risk_measures,
        police_reported_on=case.police_reported_on,
        escalation_prevented=case.escalation_prevented,
        tier_resolved=Tier(case.tier_resolved) if case.tier_resolved else None,
        performed_on=case.performed_on,
        closed_on=case.closed_on,
        rights_notified_on=case.rights_notified_on,
        dossier_note=case.dossier_note,
        status_history=tuple(
            _status_change_view(c) for c in sorted(case.status_changes, key=lambda c: c.id)
        ),
        sessions=tuple(
            SessionView(
                id=m.id,
                kind=SessionKind(m.kind),
                held_at=m.held_at,
                place=m.place,
                mediators_present=m.mediators_present,
                parties_present=m.parties_present,
                participants_present=m.participants_present,
                recorder=m.recorder,
                statements=m.statements,
                facts_verified=m.facts_verified,
                outcome=m.outcome,
            )
            for m in sorted(case.sessions, key=lambda m: (m.held_at, m.id))
        ),
        participants=tuple(
            ParticipantView(p.id, p.name, ParticipantKind(p.kind), p.organisation, p.phone)
            for p in sorted(case.participants, key=lambda p: p.id)
        ),
        attachments=tuple(
            AttachmentView(
                a.id,
                a.sha256,
                a.original_name,
                a.size,
                a.added_at,
                a.description,
                AttachmentKind(a.kind),
                a.party_id,
            )
            for a in sorted(case.attachments, key=lambda a: a.id)
        ),
    )


def _payment_order(payment: Payment) -> tuple[date, int]:
    return (payment.on, payment.id or 0)


def event_label(event: str) -> str:
    """The Chinese name of a recorded event; registration and imports are not table events."""
    extra = {"register": "登记", "import": "导入", "amend": "归档后更正"}
    if event in extra:
        return extra[event]
    try:
        return CaseEvent(event).label
    except ValueError:
        return event


def _status_change_view(change: StatusChange) -> StatusChangeView:
    return StatusChangeView(
        event=change.event,
        event_label=event_label(change.event),
        from_status=CaseStatus(change.from_status) if change.from_status else None,
        to_status=CaseStatus(change.to_status),
        on=change.on,
        actor=change.actor,
        reason=change.reason,
        withdrawn_by=change.withdrawn_by,
        referred_to=change.referred_to,
        routes=tuple(r for r in change.routes.split(",") if r),
    )


def fresh_detail(session: Session, case: Case) -> CaseDetail:
    """The view of a case an operation has just changed, from the rows already in the session.

    Reading the case again would repeat the fifteen queries that loaded it; after a flush the
    loaded rows are what the database holds (ids and defaults filled in).
    """
    session.flush()
    return to_detail(case)
