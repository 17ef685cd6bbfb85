"""待办: what is late or falls due soon, over every case that is still being worked on.

The deadlines themselves are computed by `app.domain.deadlines`; this module reads the few
facts they need from the database in three queries, whatever the number of cases.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Agreement, Case, Committee, FollowUp, Obligation
from app.domain.codes import AgreementForm, CaseStatus
from app.domain.deadlines import (
    CaseDeadlineFacts,
    DueItem,
    ObligationFacts,
    case_due_items,
    sort_due,
)
from app.services.database import Database
from app.services.records import payments_of, schedule_of

#: Statuses with a deadline: open mediation, agreements being performed, follow-up due.
_WATCHED = (
    CaseStatus.ACCEPTED,
    CaseStatus.MEDIATING,
    CaseStatus.AGREEMENT_REACHED,
    CaseStatus.PERFORMING,
    CaseStatus.PERFORMED,
    CaseStatus.FOLLOWED_UP,
)

DEFAULT_HORIZON_DAYS = 7


def deadline_facts(case: Case, last_follow_up_on: date | None) -> CaseDeadlineFacts:
    """The facts of one loaded case (agreement, obligations and payments loaded)."""
    agreement = case.agreement
    obligations: list[ObligationFacts] = []
    for o in agreement.obligations if agreement else []:
        schedule = schedule_of(o)
        if schedule is None or (o.performed_on is not None and not o.payments):
            continue
        obligations.append(
            ObligationFacts(o.id, o.position + 1, o.text, schedule, payments_of(o))
        )
    return CaseDeadlineFacts(
        case_id=case.id,
        case_number=case.number,
        status=CaseStatus(case.status),
        accepted_on=case.accepted_on,
        mediation_extended_to=case.mediation_extended_to,
        agreement_form=AgreementForm(agreement.form) if agreement else None,
        agreement_effective_on=agreement.reached_on if agreement else None,
        confirmation_applied_on=agreement.confirmation_applied_on if agreement else None,
        obligations=tuple(obligations),
        performed_on=case.performed_on,
        last_follow_up_on=last_follow_up_on,
    )


def _follow_up_days(session: Session) -> int:
    days = session.scalar(select(Committee.follow_up_days).limit(1))
    return days if days is not None else 30


def due_items(
    db: Database,
    today: date | None = None,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    case_id: int | None = None,
) -> list[DueItem]:
    """Everything late or due within `horizon_days`, most urgent first (one case if asked)."""
    today = today or date.today()
    with db.reading() as session:
        query = (
            select(Case)
            .where(Case.status.in_([s.value for s in _WATCHED]))
            .options(
                selectinload(Case.agreement)
                .selectinload(Agreement.obligations)
                .selectinload(Obligation.payments),
                selectinload(Case.agreement)
                .selectinload(Agreement.obligations)
                .selectinload(Obligation.instalments),
            )
        )
        if case_id is not None:
            query = query.where(Case.id == case_id)
        cases = list(session.scalars(query))
        last_visit: dict[int, date] = defaultdict(lambda: date.min)
        visits = select(FollowUp.case_id, func.max(FollowUp.on)).group_by(FollowUp.case_id)
        if case_id is not None:
            visits = visits.where(FollowUp.case_id == case_id)
        for visited_case, on in session.execute(visits):
            last_visit[visited_case] = on
        follow_up_days = _follow_up_days(session)
        items: list[DueItem] = []
        for case in cases:
            facts = deadline_facts(case, last_visit.get(case.id))
            items.extend(
                case_due_items(
                    facts, today, horizon_days=horizon_days, follow_up_days=follow_up_days
                )
            )
    return sort_due(items)
