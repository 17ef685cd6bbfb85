"""After the agreement: when each obligation falls due, what was performed, the follow-up
visits, judicial confirmation and the risk of the dispute flaring up again.

A record of performance may move the case on by itself (履行中, 履行完毕): the status follows
the facts, through the same status table as a person's event (`case_life.follow_performance`).
"""

from __future__ import annotations

from datetime import date

from app.db.models import Case, FollowUp, Instalment, Obligation, Payment
from app.domain.codes import CaseStatus
from app.domain.errors import NotFoundError, UserError
from app.domain.money import to_fen
from app.domain.schedule import Schedule, ScheduleKind, validate_schedule
from app.domain.work import (
    ConfirmationDraft,
    FollowUpDraft,
    PaymentDraft,
    RiskDraft,
    check_confirmation,
    check_follow_up,
    check_payment,
    check_risk,
)
from app.services.case_life import follow_performance
from app.services.database import Database
from app.services.detail import fresh_detail
from app.services.operations import DEFAULT_ACTOR
from app.services.records import schedule_of, sync_risk_flags
from app.views import CaseDetail, Changed

#: Statuses in which performance is recorded: the agreement is reached and not yet archived.
_PERFORMANCE_OPEN = frozenset(
    {
        CaseStatus.AGREEMENT_REACHED,
        CaseStatus.PERFORMING,
        CaseStatus.PERFORMED,
        CaseStatus.FOLLOWED_UP,
    }
)


def _obligation(case: Case, obligation_id: int) -> Obligation:
    for obligation in case.agreement.obligations if case.agreement else []:
        if obligation.id == obligation_id:
            return obligation
    raise NotFoundError(f"案件{case.number}的协议中没有这一项义务，可能已被修改，请重新打开案件。")


def set_schedule(
    db: Database,
    case_ref: str | int,
    obligation_id: int,
    schedule: Schedule,
    *,
    actor: str = DEFAULT_ACTOR,
) -> tuple[CaseDetail, Changed]:
    """Say how an obligation is performed: once, in instalments, or every month."""
    validate_schedule(schedule)
    with db.operation(actor, "obligation.schedule", case=case_ref) as op:
        obligation = _obligation(op.the_case, obligation_id)
        if obligation.obligor is None and obligation.obligor_party_id is None:
            raise UserError(
                f"协议第{obligation.position + 1}项没有写明义务人，不是需要履行的义务；"
                "请先在协议中选择由哪一方履行。"
            )
        obligation.schedule_kind = schedule.kind.value
        obligation.due_on = schedule.due if schedule.kind is ScheduleKind.ONE_OFF else None
        obligation.amount_fen = (
            schedule.amount_fen
            if schedule.kind is not ScheduleKind.INSTALMENTS
            else sum(i.amount_fen or 0 for i in schedule.instalments) or None
        )
        obligation.day_of_month = schedule.day_of_month
        obligation.starts_on = schedule.start
        obligation.until = schedule.until
        obligation.instalments = [
            Instalment(position=i, due_on=part.due, amount_fen=part.amount_fen)
            for i, part in enumerate(schedule.instalments)
        ]
        op.session.flush()
        op.result = fresh_detail(op.session, op.the_case)
        op.refresh(Changed(due=True))
    return op.outcome


def record_payment(
    db: Database,
    case_ref: str | int,
    obligation_id: int,
    draft: PaymentDraft,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """登记履行: money paid (all or part) or an act done, on a day."""
    today = today or date.today()
    with db.operation(actor, "payment.record", case=case_ref) as op:
        case = op.the_case
        if CaseStatus(case.status) not in _PERFORMANCE_OPEN:
            raise UserError(
                f"案件现在是“{CaseStatus(case.status).label}”；达成协议以后才能登记履行情况。"
            )
        obligation = _obligation(case, obligation_id)
        schedule = schedule_of(obligation)
        if schedule is None:
            raise UserError(f"协议第{obligation.position + 1}项没有义务人，不需要登记履行。")
        agreed = case.agreement.reached_on if case.agreement else None
        since = agreed or case.received_on
        clean = check_payment(draft, money=schedule.is_money, since=since, today=today)
        obligation.payments.append(
            Payment(
                on=clean.on,
                amount_fen=to_fen(clean.amount) if clean.amount is not None else None,
                note=clean.note,
            )
        )
        op.session.flush()
        follow_performance(op.session, case, op.actor, today, clean.on)
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True, due=True))
    return op.outcome


def remove_payment(
    db: Database,
    case_ref: str | int,
    payment_id: int,
    *,
    actor: str = DEFAULT_ACTOR,
) -> tuple[CaseDetail, Changed]:
    """Delete a record typed by mistake (the audit entry keeps what it said)."""
    with db.operation(actor, "payment.remove", case=case_ref) as op:
        case = op.the_case
        for obligation in case.agreement.obligations if case.agreement else []:
            obligation.payments = [p for p in obligation.payments if p.id != payment_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(due=True))
    return op.outcome


def save_follow_up(
    db: Database,
    case_ref: str | int,
    draft: FollowUpDraft,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """Add or correct a 回访: any time after registration; the 回访完成 event needs one."""
    today = today or date.today()
    with db.operation(actor, "follow_up.save", case=case_ref) as op:
        case = op.the_case
        clean = check_follow_up(draft, since=case.received_on, today=today)
        row = next((f for f in case.follow_ups if f.id == clean.id), None) if clean.id else None
        if clean.id is not None and row is None:
            raise NotFoundError("这条回访记录已被删除，请关闭后重新打开案件。")
        if row is None:
            row = FollowUp()
            case.follow_ups.append(row)
        assert clean.on is not None
        row.on = clean.on
        row.mediator_id = clean.mediator_id
        row.met_with = clean.met_with
        row.performed = clean.performed
        row.satisfaction = clean.satisfaction
        row.risks = clean.risks
        row.measures = clean.measures
        row.notes = clean.notes
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(due=True))
    return op.outcome


def remove_follow_up(
    db: Database, case_ref: str | int, follow_up_id: int, *, actor: str = DEFAULT_ACTOR
) -> tuple[CaseDetail, Changed]:
    with db.operation(actor, "follow_up.remove", case=case_ref) as op:
        case = op.the_case
        if case.status == CaseStatus.FOLLOWED_UP and len(case.follow_ups) == 1:
            raise UserError("案件已经“回访完成”，至少要保留一条回访记录。")
        case.follow_ups = [f for f in case.follow_ups if f.id != follow_up_id]
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(due=True))
    return op.outcome


def save_confirmation(
    db: Database,
    case_ref: str | int,
    draft: ConfirmationDraft,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """司法确认: the joint application to the court and its ruling (art. 33)."""
    today = today or date.today()
    with db.operation(actor, "agreement.confirmation", case=case_ref) as op:
        agreement = op.the_case.agreement
        if agreement is None:
            raise UserError("案件还没有调解协议；达成书面协议以后才能申请司法确认。")
        clean = check_confirmation(draft, effective_on=agreement.reached_on, today=today)
        agreement.confirmation_applied_on = clean.applied_on
        agreement.confirmation_court = clean.court
        agreement.confirmation_result = clean.result
        agreement.confirmation_decided_on = clean.decided_on
        op.session.flush()
        op.result = fresh_detail(op.session, op.the_case)
        op.refresh(Changed(due=True))
    return op.outcome


def save_risk(
    db: Database,
    case_ref: str | int,
    draft: RiskDraft,
    *,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """The risk of the dispute flaring up: flags, level, measures, police report (art. 25)."""
    today = today or date.today()
    with db.operation(actor, "case.risk", case=case_ref) as op:
        case = op.the_case
        clean = check_risk(draft, since=case.received_on, today=today)
        sync_risk_flags(case, clean.flags)
        case.risk_level = clean.level
        case.risk_measures = clean.measures
        case.police_reported_on = clean.police_reported_on
        case.escalation_prevented = clean.escalation_prevented
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True))
    return op.outcome
