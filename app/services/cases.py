"""Registering, reading and listing cases."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    UnaryExpression,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.db.models import (
    Agent,
    Agreement,
    Attachment,
    Case,
    CaseNumberSequence,
    CaseRequest,
    CaseRiskFlag,
    Committee,
    Escalation,
    FollowUp,
    Instalment,
    MediationSession,
    Obligation,
    PanelMember,
    Participant,
    Party,
    Payment,
    StatusChange,
)
from app.domain.codes import (
    CaseStatus,
    DisputeType,
    PanelRole,
    Tier,
)
from app.domain.drafts import AgreementDraft, CaseDraft
from app.domain.errors import UserError, ValidationError
from app.domain.money import to_fen
from app.domain.numbering import format_number, parse_number
from app.domain.rules import CleanAgreement, CleanCase, check_agreement, check_case
from app.services.database import Database
from app.services.detail import case_detail as case_detail  # re-exported
from app.services.detail import fresh_detail
from app.services.detail import get_case as get_case  # re-exported
from app.services.detail import to_detail as to_detail  # re-exported
from app.services.operations import DEFAULT_ACTOR
from app.services.records import snapshot_case
from app.views import (
    CaseDetail,
    CaseQuery,
    CaseRow,
    Changed,
)

# ---------------------------------------------------------------- numbering


def allocate_number(session: Session, committee: Committee, year: int) -> tuple[str, int]:
    """The next case number of `year`, allocated inside the caller's transaction.

    The UPDATE comes first so SQLite takes the write lock before reading: two program copies
    saving at once cannot both get the same number. A number already taken (e.g. imported from
    another system) is skipped, so a number is never handed out twice.
    """
    bumped = cast(  # an UPDATE's result is a CursorResult; SQLAlchemy types it as Result
        CursorResult[Any],
        session.execute(
            update(CaseNumberSequence)
            .where(CaseNumberSequence.year == year)
            .values(last_seq=CaseNumberSequence.last_seq + 1)
        ),
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
class PanelSeat:
    """A mediator on the panel, and how the panel came to have them (art. 19)."""

    mediator_id: int
    role: PanelRole
    #: "committee" (designated) or "parties" (chosen by the parties).
    chosen_by: str = "committee"
    reason: str = ""


@dataclass(frozen=True)
class TierMove:
    """One escalation between tiers, and who decided it."""

    from_tier: Tier
    to_tier: Tier
    on: date
    reason: str = ""
    decided_by: str = ""


@dataclass(frozen=True)
class Visit:
    """One follow-up visit (回访)."""

    on: date
    mediator_id: int | None
    performed: bool | None
    satisfaction: str | None
    notes: str = ""
    met_with: str = ""
    risks: str = ""
    measures: str = ""


@dataclass(frozen=True)
class StatusStep:
    """One recorded move of the case's status, as the status history holds it."""

    event: str
    from_status: CaseStatus | None
    to_status: CaseStatus
    on: date
    actor: str = ""
    reason: str = ""
    withdrawn_by: str = ""
    #: app.domain.codes.ReferralTarget code
    referred_to: str | None = None
    #: app.domain.codes.FailureRoute codes
    routes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgentRecord:
    """委托代理人 of the party at index `party` of the case's parties."""

    party: int
    name: str
    phone: str = ""
    authority_kind: str = "general"
    authorised_on: date | None = None
    authority: str = ""


@dataclass(frozen=True)
class ParticipantRecord:
    """Someone invited to help (art. 20): not a party, not a mediator."""

    name: str
    kind: str
    organisation: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SessionRecord:
    """调查记录 or 调解记录; those present are names, one per line; `held_at` is aware."""

    kind: str
    held_at: datetime
    place: str = ""
    mediators_present: str = ""
    parties_present: str = ""
    participants_present: str = ""
    recorder: str = ""
    statements: str = ""
    facts_verified: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class AttachmentRecord:
    """A file of the case known by its content hash (the content itself travels apart)."""

    sha256: str
    original_name: str
    size: int
    added_at: datetime
    description: str = ""
    #: app.domain.codes.AttachmentKind code
    kind: str = "other"
    #: The index in the case's parties of the party the file belongs to, if it is one's.
    party: int | None = None


@dataclass(frozen=True)
class TermPerformance:
    """How one agreement term falls due and what was performed against it.

    `instalments` are (due, amount in fen or None); `payments` (day, amount in fen or None,
    note), oldest first. For "recurring" the term's amount is per month.
    """

    schedule_kind: str = "one_off"
    day_of_month: int | None = None
    starts_on: date | None = None
    until: date | None = None
    instalments: tuple[tuple[date, int | None], ...] = ()
    payments: tuple[tuple[date, int | None, str], ...] = ()


@dataclass(frozen=True)
class Confirmation:
    """司法确认 of the agreement (art. 33)."""

    applied_on: date | None = None
    court: str = ""
    result: str = ""
    decided_on: date | None = None


@dataclass(frozen=True)
class CaseLife:
    """The case's own fields that its life fills in after registration."""

    accepted_on: date | None = None
    declined_reason: str = ""
    tier_resolved: Tier | None = None
    mediation_extended_to: date | None = None
    extension_reason: str = ""
    risk_level: str | None = None
    risk_measures: str = ""
    police_reported_on: date | None = None
    escalation_prevented: bool = False
    outcome_note: str = ""
    performed_on: date | None = None
    closed_on: date | None = None
    archived_at: datetime | None = None
    #: The day the 权利义务告知书 was given.
    rights_notified_on: date | None = None
    #: 卷宗情况说明
    dossier_note: str = ""
    #: 以案定补: the class the committee decided (a code of its scheme), its reason, and the
    #: two findings the claim pays for (failed but useful; an oral agreement with proof).
    subsidy_class: str | None = None
    subsidy_reason: str = ""
    subsidy_useful: bool = False
    subsidy_oral_proof: bool = False


@dataclass(frozen=True)
class CaseHistory:
    """What an imported or demo case brings beyond registration: its whole life so far.

    The first three kinds of record may be given as the short tuples the demo uses, or as
    `PanelSeat`, `TierMove` and `Visit` with every field.
    """

    panel: tuple[tuple[int, PanelRole] | PanelSeat, ...] = ()
    escalations: tuple[tuple[Tier, Tier, date, str] | TierMove, ...] = ()
    agreement: CleanAgreement | None = None
    #: (date, mediator id or None, performed, satisfaction code or None, notes) or `Visit`
    follow_ups: tuple[tuple[date, int | None, bool | None, str | None, str] | Visit, ...] = ()
    #: From the first move to the last; empty: one "register" or "import" step is written.
    status_history: tuple[StatusStep, ...] = ()
    life: CaseLife = CaseLife()
    agents: tuple[AgentRecord, ...] = ()
    participants: tuple[ParticipantRecord, ...] = ()
    #: In the order held.
    sessions: tuple[SessionRecord, ...] = ()
    attachments: tuple[AttachmentRecord, ...] = ()
    #: One per term of `agreement`, in the same order; empty: every term one-off, unperformed.
    performance: tuple[TermPerformance, ...] = ()
    confirmation: Confirmation = Confirmation()


def _seat(entry: tuple[int, PanelRole] | PanelSeat) -> PanelSeat:
    return entry if isinstance(entry, PanelSeat) else PanelSeat(*entry)


def _move(entry: tuple[Tier, Tier, date, str] | TierMove) -> TierMove:
    return entry if isinstance(entry, TierMove) else TierMove(*entry)


def _visit(entry: tuple[date, int | None, bool | None, str | None, str] | Visit) -> Visit:
    return entry if isinstance(entry, Visit) else Visit(*entry)


def add_case(
    session: Session,
    clean: CleanCase,
    *,
    case_uuid: str | None = None,
    number: str | None = None,
    history: CaseHistory | None = None,
    actor: str = DEFAULT_ACTOR,
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
    history = history or CaseHistory()
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
            agents=[
                Agent(
                    name=a.name,
                    phone=a.phone,
                    authority_kind=a.authority_kind,
                    authorised_on=a.authorised_on,
                    authority=a.authority,
                )
                for a in history.agents
                if a.party == i
            ],
        )
        for i, p in enumerate(clean.parties)
    ]
    if any(not 0 <= a.party < len(parties) for a in history.agents):
        raise ValueError("an agent names a party the case does not have")
    if any(a.party is not None and not 0 <= a.party < len(parties) for a in history.attachments):
        raise ValueError("an attachment names a party the case does not have")
    life = history.life
    case = Case(
        uuid=case_uuid or str(uuid_module.uuid4()),
        number=number,
        number_year=year,
        number_seq=seq,
        title=clean.title,
        dispute_type=clean.dispute_type.value,
        source=clean.source.value,
        received_on=clean.received_on,
        accepted_on=life.accepted_on,
        declined_reason=life.declined_reason,
        status=clean.status.value,
        tier=clean.tier.value,
        tier_resolved=life.tier_resolved.value if life.tier_resolved else None,
        compound=clean.place.compound,
        building=clean.place.building,
        unit=clean.place.unit,
        room=clean.place.room,
        amount_fen=to_fen(clean.amount) if clean.amount is not None else None,
        persons_involved=clean.persons_involved,
        facts=clean.facts,
        outcome_note=life.outcome_note,
        mediation_extended_to=life.mediation_extended_to,
        extension_reason=life.extension_reason,
        risk_level=life.risk_level,
        risk_measures=life.risk_measures,
        police_reported_on=life.police_reported_on,
        escalation_prevented=life.escalation_prevented,
        performed_on=life.performed_on,
        closed_on=life.closed_on,
        archived_at=life.archived_at,
        rights_notified_on=life.rights_notified_on,
        dossier_note=life.dossier_note,
        subsidy_class=life.subsidy_class,
        subsidy_reason=life.subsidy_reason,
        subsidy_useful=life.subsidy_useful,
        subsidy_oral_proof=life.subsidy_oral_proof,
        parties=parties,
        requests=[CaseRequest(position=i, text=t) for i, t in enumerate(clean.requests)],
        risk_flags=[CaseRiskFlag(flag=f.value) for f in clean.risk_flags],
        panel=[
            PanelMember(
                mediator_id=s.mediator_id, role=s.role.value, chosen_by=s.chosen_by, reason=s.reason
            )
            for s in map(_seat, history.panel)
        ],
        escalations=[
            Escalation(
                from_tier=m.from_tier.value,
                to_tier=m.to_tier.value,
                on=m.on,
                reason=m.reason,
                decided_by=m.decided_by,
            )
            for m in map(_move, history.escalations)
        ],
        follow_ups=[
            FollowUp(
                on=v.on,
                mediator_id=v.mediator_id,
                performed=v.performed,
                satisfaction=v.satisfaction,
                notes=v.notes,
                met_with=v.met_with,
                risks=v.risks,
                measures=v.measures,
            )
            for v in map(_visit, history.follow_ups)
        ],
        participants=[
            Participant(name=p.name, kind=p.kind, organisation=p.organisation, phone=p.phone)
            for p in history.participants
        ],
        sessions=[
            MediationSession(
                kind=m.kind,
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
            for m in history.sessions
        ],
        attachments=[
            Attachment(
                sha256=a.sha256,
                original_name=a.original_name,
                size=a.size,
                added_at=a.added_at,
                description=a.description,
                kind=a.kind,
            )
            for a in history.attachments
        ],
    )
    case.status_changes = [
        StatusChange(
            event=step.event,
            from_status=step.from_status.value if step.from_status else None,
            to_status=step.to_status.value,
            on=step.on,
            actor=step.actor,
            reason=step.reason,
            withdrawn_by=step.withdrawn_by,
            referred_to=step.referred_to,
            routes=",".join(sorted(step.routes)),
        )
        for step in history.status_history
    ] or [
        # Registered here, or brought by a file that does not say how it got to its status.
        StatusChange(
            event="register" if clean.status == CaseStatus.REGISTERED else "import",
            from_status=None,
            to_status=clean.status.value,
            on=clean.received_on,
            actor=actor,
            reason="",
        )
    ]
    if history.agreement is not None:
        case.agreement = Agreement()
        fill_agreement(case.agreement, parties, history.agreement)
        _fill_performance(case.agreement, history.performance, history.confirmation)
    elif history.performance or history.confirmation != Confirmation():
        raise ValueError("performance or a judicial confirmation without an agreement")
    session.add(case)
    session.flush()
    # An attachment names its party by id, which the party has only now.
    owned = [
        (row, parties[a.party])
        for row, a in zip(case.attachments, history.attachments, strict=True)
        if a.party is not None
    ]
    for row, party in owned:
        row.party_id = party.id
    if owned:
        session.flush()
    return case


def _fill_performance(
    agreement: Agreement, performance: tuple[TermPerformance, ...], confirmation: Confirmation
) -> None:
    """The schedules, instalments and payments of new obligations, and the confirmation."""
    if len(performance) > len(agreement.obligations):
        raise ValueError("more term schedules than the agreement has terms")
    for obligation, term in zip(agreement.obligations, performance, strict=False):
        obligation.schedule_kind = term.schedule_kind
        obligation.day_of_month = term.day_of_month
        obligation.starts_on = term.starts_on
        obligation.until = term.until
        obligation.instalments = [
            Instalment(position=i, due_on=due, amount_fen=amount)
            for i, (due, amount) in enumerate(term.instalments)
        ]
        obligation.payments = [
            Payment(on=on, amount_fen=amount, note=note) for on, amount, note in term.payments
        ]
    agreement.confirmation_applied_on = confirmation.applied_on
    agreement.confirmation_court = confirmation.court
    agreement.confirmation_result = confirmation.result
    agreement.confirmation_decided_on = confirmation.decided_on


def fill_agreement(agreement: Agreement, parties: list[Party], clean: CleanAgreement) -> None:
    """Write checked values into an agreement row; terms point at the case's Party rows.

    An edited term updates its obligation in place, so the obligation keeps its id and the
    payments recorded against it; a term left out is removed, unless something was already
    recorded against it.
    """
    agreement.form = clean.form.value
    agreement.reached_on = clean.reached_on
    agreement.facts = clean.facts
    agreement.issues = clean.issues
    agreement.responsibility = clean.responsibility
    agreement.confirmation_court = agreement.confirmation_court or ""
    agreement.confirmation_result = agreement.confirmation_result or ""
    existing = {o.id: o for o in agreement.obligations if o.id is not None}
    kept: list[Obligation] = []
    for i, t in enumerate(clean.terms):
        obligation = existing.pop(t.id, None) if t.id is not None else None
        if obligation is None:
            obligation = Obligation()
        obligation.position = i
        obligation.text = t.text
        obligation.obligor = parties[t.obligor] if t.obligor is not None else None
        obligation.obligee = parties[t.obligee] if t.obligee is not None else None
        obligation.amount_fen = to_fen(t.amount) if t.amount is not None else None
        obligation.due_on = t.due
        obligation.performed_on = t.performed_on
        kept.append(obligation)
    for removed in existing.values():
        if removed.payments:
            raise UserError(
                f"协议第{removed.position + 1}项（{removed.text[:20]}）已经登记了履行记录，"
                "不能删除。请先删除它的履行记录，或保留这一项。"
            )
    agreement.obligations = kept


def set_agreement(session: Session, case: Case, clean: CleanAgreement) -> Agreement:
    """Write a case's agreement, editing the existing one in place (no commit)."""
    parties = sorted(case.parties, key=lambda p: p.position)
    if case.agreement is None:
        case.agreement = Agreement()
    fill_agreement(case.agreement, parties, clean)
    session.flush()
    return case.agreement


def register_case(
    db: Database, draft: CaseDraft, today: date | None = None, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    """登记新纠纷: check, allocate the number, save, audit — one operation."""
    clean = check_case(draft, today)
    if clean.status != CaseStatus.REGISTERED:
        raise ValidationError(
            "status",
            "办理状态",
            f"新登记的纠纷只能是“{CaseStatus.REGISTERED.label}”；受理、调解等以后的步骤"
            "请在案件页上逐步办理（导入文件可以带着原来的状态）",
        )
    with db.operation(actor, "case.register") as op:
        case = add_case(op.session, clean, actor=op.actor)
        op.track("case", case.uuid, lambda: snapshot_case(case), new=True)
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(cases=frozenset({case.id}), case_list=True, due=True))
    return op.outcome


def save_agreement(
    db: Database, case_ref: str | int, draft: AgreementDraft, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    """Write or rewrite the agreement of a case (refused on an archived one)."""
    with db.operation(actor, "agreement.save", case=case_ref) as op:
        case = op.the_case
        clean = check_agreement(draft, len(case.parties), received_on=case.received_on)
        set_agreement(op.session, case, clean)
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True, due=True))
    return op.outcome


# ---------------------------------------------------------------- reading


# ---------------------------------------------------------------- the case list

#: Sort keys the list offers, each mapped to SQL (ties broken by id so paging is stable).
SORT_COLUMNS = {
    "received_on": (Case.received_on,),
    "number": (Case.number_year, Case.number_seq, Case.number),
    "title": (Case.title,),
    "status": (Case.status,),
    "tier": (Case.tier,),
}


def _filtered(
    query: CaseQuery, base: Select, session: Session, *, in_order: bool = False
) -> Select:
    """`base` with the query's filters; `in_order`: read along the sort's index (see
    `_in_order`), so a filter's column is wrapped (`status || ''`) to keep its index unused."""
    conditions: list[ColumnElement[bool]] = []
    sort_column = query.sort if query.sort in SORT_COLUMNS else "received_on"
    for codes, column, name in (
        (query.statuses, Case.status, "status"),
        (query.tiers, Case.tier, "tier"),
    ):
        if codes:
            compared = column.concat("") if in_order and name != sort_column else column
            conditions.append(compared.in_(sorted(codes)))
    if query.text.strip():
        # The search service's rules, so the list finds what `search` finds.
        from app.services.search import text_condition

        matching = text_condition(session.connection(), query.text)
        if matching is not None:
            conditions.append(matching)
    return base.where(*conditions) if conditions else base


def count_cases(db: Database, query: CaseQuery = CaseQuery()) -> int:
    # count(*), not count(id): SQLite then counts the entries of its smallest index without
    # reading a row (0.1 ms instead of 25 ms over 100,000 cases).
    counted = select(func.count()).select_from(Case)
    with db.reading() as session:
        return session.scalar(_filtered(query, counted, session)) or 0


def _in_order(session: Session, query: CaseQuery, rows: int) -> bool:
    """Whether a filtered page is best read along the sort's index, skipping the cases the
    filters leave out, rather than through the filters' index with everything they match
    sorted.

    Without statistics of how the cases spread over the statuses SQLite always takes the
    filter's index: right for 500 cases being mediated, but 500 ms for 68,000 archived ones,
    sorted to show 200. Reading in order costs about `rows * all / matching` index entries,
    the other way `matching`: in order once `matching² > rows * all`.
    """
    if not (query.statuses or query.tiers) or query.text.strip():
        return False
    matching = session.scalar(_filtered(query, select(func.count()).select_from(Case), session))
    total = session.scalar(select(func.count()).select_from(Case))
    return bool(matching and total and matching * matching > rows * total)


def list_cases(
    db: Database, query: CaseQuery = CaseQuery(), offset: int = 0, limit: int = 200
) -> list[CaseRow]:
    """One page of the case list, read with Core into plain rows."""
    columns = SORT_COLUMNS.get(query.sort, SORT_COLUMNS["received_on"])
    order: list[UnaryExpression[Any]] = [c.desc() if query.descending else c.asc() for c in columns]
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
    with db.reading() as session:
        in_order = _in_order(session, query, offset + limit)
        statement = (
            _filtered(query, base, session, in_order=in_order)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
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
