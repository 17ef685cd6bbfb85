"""Moving a case through its life: events of the status table, escalations, the extension of
the one-month norm, and the amendment of an archived case.

The rules live in `app.domain.lifecycle` and `app.domain.tiers`; this module only gathers the
facts they need from the database, applies the move and records it (a `StatusChange` row with
date, actor and reason, or an `Escalation` row) — all inside one operation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from app.db.models import Case, Escalation, StatusChange
from app.domain.codes import CaseStatus, Tier
from app.domain.deadlines import one_month_after
from app.domain.dossier import check_dossier, missing_text
from app.domain.errors import UserError, ValidationError
from app.domain.fields import clean_text
from app.domain.lifecycle import (
    CLOSED_STATUSES,
    CaseEvent,
    CaseFacts,
    EventInput,
    check_event,
)
from app.domain.rules import check_event_input
from app.domain.tiers import (
    check_escalation,
    check_escalation_decided_by,
    check_escalation_reason,
)
from app.services.database import Database
from app.services.detail import fresh_detail
from app.services.operations import DEFAULT_ACTOR
from app.services.records import is_performed, schedule_of
from app.views import CaseDetail, Changed

#: Events after which mediation is over: the day is the case's 结案 day.
_CLOSING = frozenset(
    {
        CaseEvent.DECLINE,
        CaseEvent.FAIL,
        CaseEvent.WITHDRAW,
        CaseEvent.TERMINATE,
        CaseEvent.REFER,
        CaseEvent.COMPLETE_PERFORMANCE,
    }
)
#: Events that end the case where it stands, so its tier is the tier it was resolved at.
_RESOLVING = frozenset({CaseEvent.REACH_AGREEMENT, CaseEvent.FAIL, CaseEvent.TERMINATE})


def case_facts(case: Case, today: date) -> CaseFacts:
    """The counts the status table asks about, read from the saved case."""
    obligations = case.agreement.obligations if case.agreement else []
    due = [o for o in obligations if schedule_of(o) is not None]
    return CaseFacts(
        agreement_terms=len(obligations),
        obligations=len(due),
        obligations_performed=sum(1 for o in due if is_performed(o, today)),
        follow_ups=len(case.follow_ups),
    )


def _last_move_on(case: Case) -> date:
    days = [c.on for c in case.status_changes]
    return max(days) if days else case.received_on


def _check_event_day(case: Case, on: date, today: date) -> None:
    if on > today:
        raise ValidationError("on", "日期", f"{on:%Y-%m-%d}还没到，不能晚于今天，请核对")
    last = _last_move_on(case)
    if on < last:
        raise ValidationError(
            "on", "日期", f"不能早于案件上一步办理的日期（{last:%Y-%m-%d}），请核对"
        )


def _note_incomplete_dossier(session: Session, case: Case, given: EventInput, on: date) -> None:
    """An incomplete dossier is archived only with a reason, kept in its 卷宗情况说明."""
    items = check_dossier(fresh_detail(session, case))
    gaps = missing_text(items)
    if not gaps:
        return
    reason = given.reason.strip()
    if not reason:
        raise UserError(
            f"卷宗还缺：{gaps}。请先补齐（在“卷宗”页按“检查卷宗”看怎么补）；"
            "如果确实要归档，请写明原因，原因会写进卷宗情况说明。"
        )
    note = f"{on:%Y年%m月%d日}归档时卷宗缺{gaps}。原因：{reason}"
    # Bounded as the note typed on its own is: an export must read back in.
    case.dossier_note = clean_text(
        f"{case.dossier_note}\n{note}", "case.dossier_note", field="reason"
    )


def _actor_as_decider(actor: str) -> str:
    """Who records a move decided it unless told otherwise: their name is then kept as the
    decider's, within that field as a file holds it."""
    return clean_text(actor, "escalation.decided_by", field="actor", label="办理人")


def move(
    session: Session,
    case: Case,
    event: CaseEvent,
    given: EventInput,
    on: date,
    actor: str,
    today: date,
) -> None:
    """Check `event` against the table and apply it to `case` (inside an open operation);
    `given` is what `check_event_input` returned."""
    status = CaseStatus(case.status)
    row = check_event(status, event, case_facts(case, today), given)
    _check_event_day(case, on, today)
    case.status = row.next.value
    match event:
        case CaseEvent.ACCEPT:
            case.accepted_on = on
        case CaseEvent.DECLINE:
            case.declined_reason = given.reason.strip()
        case CaseEvent.REFER:
            target = given.referred_to.label if given.referred_to else "社区以外"
            # The reason is also the escalation's, whose field is shorter than an event's.
            case.escalations.append(
                Escalation(
                    from_tier=case.tier,
                    to_tier=Tier.REFERRED.value,
                    on=on,
                    reason=check_escalation_reason(given.reason, required=False) or f"移交{target}",
                    decided_by=_actor_as_decider(actor),
                )
            )
            case.tier = Tier.REFERRED.value
            case.tier_resolved = Tier.REFERRED.value
        case CaseEvent.COMPLETE_PERFORMANCE:
            case.performed_on = on
        case CaseEvent.ARCHIVE:
            _note_incomplete_dossier(session, case, given, on)
            case.archived_at = datetime.now(UTC)
        case _:
            pass
    if event in _RESOLVING:
        case.tier_resolved = case.tier
    if event in _CLOSING:
        case.closed_on = on
    case.status_changes.append(
        StatusChange(
            event=event.value,
            from_status=status.value,
            to_status=row.next.value,
            on=on,
            actor=actor,
            reason=given.reason.strip(),
            withdrawn_by=given.withdrawn_by.strip(),
            referred_to=given.referred_to.value if given.referred_to else None,
            routes=",".join(sorted(r.value for r in given.routes)),
        )
    )
    session.flush()


def apply_event(
    db: Database,
    case_ref: str | int,
    event: CaseEvent,
    given: EventInput = EventInput(),
    *,
    on: date | None = None,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """受理、调解不成、移交、归档… — one move of the status table, recorded with its reason."""
    today = today or date.today()
    given = check_event_input(given)  # before anything is opened: a wrong text writes nothing
    with db.operation(actor, f"case.{event.value}", case=case_ref) as op:
        move(op.session, op.the_case, event, given, on or today, op.actor, today)
        op.result = fresh_detail(op.session, op.the_case)
        op.refresh(Changed(case_list=True, due=True))
    return op.outcome


def follow_performance(session: Session, case: Case, actor: str, today: date, on: date) -> None:
    """Move the case to 履行中 / 履行完毕 when the records of performance say so.

    Called after a performance record changes: the first record of an agreement being
    performed starts performance; the record that completes the last obligation ends it. A case
    does not move back on its own when a record is deleted — that needs a person's decision.
    """
    facts = case_facts(case, today)
    status = CaseStatus(case.status)
    if facts.obligations == 0:
        return
    day = max(on, _last_move_on(case))
    reason = "根据履行记录自动办理"
    if status is CaseStatus.AGREEMENT_REACHED and facts.obligations_performed < facts.obligations:
        move(
            session, case, CaseEvent.START_PERFORMANCE, EventInput(reason=reason), day, actor, today
        )
        status = CaseStatus.PERFORMING
    if (
        status in (CaseStatus.AGREEMENT_REACHED, CaseStatus.PERFORMING)
        and facts.obligations_performed == facts.obligations
    ):
        move(
            session,
            case,
            CaseEvent.COMPLETE_PERFORMANCE,
            EventInput(reason=reason),
            day,
            actor,
            today,
        )


def escalate(
    db: Database,
    case_ref: str | int,
    to: Tier,
    reason: str,
    *,
    on: date | None = None,
    decided_by: str = "",
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[CaseDetail, Changed]:
    """Hand the dispute up a tier (楼栋 → 院落 → 社区); never down, never sideways."""
    today = today or date.today()
    with db.operation(actor, "case.escalate", case=case_ref) as op:
        case = op.the_case
        if to is Tier.REFERRED:
            raise UserError(
                f"移交社区以外请使用“{CaseEvent.REFER.label}”，并选择接收的部门（街道、司法所、"
                "法院、公安……）。"
            )
        status = CaseStatus(case.status)
        if status in CLOSED_STATUSES:
            raise UserError(
                f"案件已经“{status.label}”，调解已经结束，不能再移交上一级。"
                "只有登记、受理或调解中的案件可以移交。"
            )
        check_escalation(Tier(case.tier), to)
        if not reason.strip():
            raise ValidationError("reason", "移交原因", "请写明为什么要移交上一级，例如 涉及多栋楼")
        reason = check_escalation_reason(reason)
        decided_by = check_escalation_decided_by(decided_by) or _actor_as_decider(op.actor)
        day = on or today
        _check_event_day(case, day, today)
        case.escalations.append(
            Escalation(
                from_tier=case.tier,
                to_tier=to.value,
                on=day,
                reason=reason,
                decided_by=decided_by,
            )
        )
        case.tier = to.value
        op.session.flush()
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(case_list=True))
    return op.outcome


def extend_mediation(
    db: Database,
    case_ref: str | int,
    to: date,
    reason: str,
    *,
    actor: str = DEFAULT_ACTOR,
) -> tuple[CaseDetail, Changed]:
    """Record that both parties agreed to mediate beyond the one-month norm, until `to`."""
    with db.operation(actor, "case.extend", case=case_ref) as op:
        case = op.the_case
        if case.status not in (CaseStatus.ACCEPTED, CaseStatus.MEDIATING):
            raise UserError("只有已受理、调解中的案件可以延长调解期限。")
        norm = one_month_after(case.accepted_on or case.received_on)
        if to <= norm:
            raise ValidationError(
                "to", "延长至", f"应晚于原定期限（{norm:%Y-%m-%d}，受理后一个月），请核对"
            )
        if not reason.strip():
            raise ValidationError(
                "reason",
                "延长原因",
                "请写明双方当事人同意延长的情况，例如 双方同意待鉴定结果出来后再调解",
            )
        case.mediation_extended_to = to
        case.extension_reason = clean_text(reason, "case.extension_reason", field="reason")
        op.result = fresh_detail(op.session, case)
        op.refresh(Changed(due=True))
    return op.outcome
