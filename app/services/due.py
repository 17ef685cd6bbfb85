"""待办: what is late or falls due soon, over every case that is still being worked on.

The deadlines themselves are computed by `app.domain.deadlines`; this module reads the few
columns they need with plain queries (no ORM objects: loading whole cases for 10,000 files
took seconds), and only for the cases that can have a deadline on the day asked about:

- accepted or mediating: the one-month norm;
- agreement reached or being performed: the obligations, and the confirmation window;
- performed: the follow-up due after performance;
- followed up: only the confirmation window, so only written agreements of the last 30 days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Agreement, Case, Committee, FollowUp, Instalment, Obligation, Payment
from app.domain.codes import AgreementForm, CaseStatus
from app.domain.deadlines import (
    CONFIRMATION_DAYS,
    CaseDeadlineFacts,
    DueItem,
    ObligationFacts,
    case_due_items,
    sort_due,
)
from app.domain.errors import ValidationError
from app.domain.rules import EARLIEST_RECEIVED
from app.domain.schedule import Payment as DomainPayment
from app.services.database import Database
from app.services.records import schedule_from

DEFAULT_HORIZON_DAYS = 7
#: How far ahead the list may be asked for: a later day is a year typed wrong (9999 for 2026),
#: and counting from it would run past the last day a date can hold.
LATEST_AHEAD = timedelta(days=10 * 366)
#: Cases whose items are remembered (`_case_items`): more than the watched cases of 100,000.
CACHED_CASES = 20_000

_PERFORMING = (CaseStatus.AGREEMENT_REACHED, CaseStatus.PERFORMING)
_AGREED = (*_PERFORMING, CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP)
# Looked up by value: calling the enum for each of thousands of rows is a tenth of the time.
_STATUS_OF = {s.value: s for s in CaseStatus}
_FORM_OF = {f.value: f for f in AgreementForm}


def _check_day(day: date) -> None:
    """The day the list is asked for: one a committee's records can have (since 1990), and not
    further ahead than `LATEST_AHEAD`."""
    if day < EARLIEST_RECEIVED:
        raise ValidationError(
            "on",
            "日期",
            f"{day.isoformat()}早于{EARLIEST_RECEIVED.year}年，请核对年份，例如 2026-11-05",
        )
    if day > date.today() + LATEST_AHEAD:
        raise ValidationError(
            "on", "日期", f"{day.isoformat()}是十年以后，太远了，请核对年份，例如 2026-11-05"
        )


def _follow_up_days(session: Session) -> int:
    days = session.scalar(select(Committee.follow_up_days).limit(1))
    return days if days is not None else 30


#: The shortest month: a norm "one month after acceptance" is never sooner than this.
_SHORTEST_MONTH = timedelta(days=28)


def _watched_cases(
    session: Session, today: date, horizon: timedelta, follow_up_days: int, case_id: int | None
) -> list[Any]:
    """The cases that can have an item today; the domain decides exactly which they have.

    The filters are generous (a month counted as 28 days), so no case with an item is left out,
    and they spare the domain the thousands of cases whose deadlines are far off or done.
    """
    recent = today - timedelta(days=CONFIRMATION_DAYS)
    soon = today + horizon
    open_mediation = and_(
        Case.status.in_([CaseStatus.ACCEPTED.value, CaseStatus.MEDIATING.value]),
        or_(
            Case.mediation_extended_to <= soon,
            and_(Case.mediation_extended_to.is_(None), Case.accepted_on <= soon - _SHORTEST_MONTH),
        ),
    )
    visited_since = (
        select(FollowUp.id)
        .where(FollowUp.case_id == Case.id, FollowUp.on >= Case.performed_on)
        .exists()
    )
    follow_up_due = and_(
        Case.status == CaseStatus.PERFORMED.value,
        Case.performed_on <= soon - timedelta(days=follow_up_days),
        ~visited_since,
    )
    confirmation_open = and_(
        Case.status.in_([s.value for s in _AGREED]),
        # Through the agreements of the last 30 days (their index on the day reached): asked
        # first whether the confirmation was applied for, SQLite read nearly every agreement.
        Case.id.in_(select(Agreement.case_id).where(Agreement.reached_on >= recent)),
        Agreement.form == AgreementForm.WRITTEN.value,
        Agreement.confirmation_applied_on.is_(None),
    )
    query = (
        select(
            Case.id,
            Case.number,
            Case.status,
            Case.accepted_on,
            Case.mediation_extended_to,
            Case.performed_on,
            Agreement.form,
            Agreement.reached_on,
            Agreement.confirmation_applied_on,
        )
        .outerjoin(Agreement, Agreement.case_id == Case.id)
        .where(
            or_(
                Case.status.in_([s.value for s in _PERFORMING]),
                open_mediation,
                follow_up_due,
                confirmation_open,
            )
        )
    )
    if case_id is not None:
        query = query.where(Case.id == case_id)
    return list(session.connection().execute(query))  # rows unpack as tuples


def _obligations(session: Session, case_id: int | None) -> dict[int, list[ObligationFacts]]:
    """The obligations of cases being performed, with their schedules and records, by case id.

    Selected by a join on the case's status rather than a list of ids, so 100,000 cases never
    meet SQLite's limit on query parameters.
    """
    performing = [s.value for s in _PERFORMING]
    scope = (
        select(Obligation.id)
        .join(Agreement, Obligation.agreement_id == Agreement.id)
        .join(Case, Agreement.case_id == Case.id)
        .where(Case.status.in_(performing), Obligation.obligor_party_id.is_not(None))
    )
    if case_id is not None:
        scope = scope.where(Case.id == case_id)
    rows = list(
        session.connection().execute(
            select(
                Agreement.case_id,
                Obligation.id,
                Obligation.position,
                Obligation.text,
                Obligation.schedule_kind,
                Obligation.due_on,
                Obligation.amount_fen,
                Obligation.day_of_month,
                Obligation.starts_on,
                Obligation.until,
                Obligation.performed_on,
            )
            .join(Agreement, Obligation.agreement_id == Agreement.id)
            .where(Obligation.id.in_(scope))
            .order_by(Agreement.case_id, Obligation.position)
        )
    )
    parts: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    paid: dict[int, list[DomainPayment]] = defaultdict(list)
    for ob, due, amount in session.connection().execute(
        select(Instalment.obligation_id, Instalment.due_on, Instalment.amount_fen)
        .where(Instalment.obligation_id.in_(scope))
        .order_by(Instalment.obligation_id, Instalment.position)
    ):
        parts[ob].append((due, amount))
    for ob, on, amount in session.connection().execute(
        select(Payment.obligation_id, Payment.on, Payment.amount_fen)
        .where(Payment.obligation_id.in_(scope))
        .order_by(Payment.obligation_id, Payment.on, Payment.id)
    ):
        paid[ob].append(DomainPayment(on, amount))
    found: dict[int, list[ObligationFacts]] = defaultdict(list)
    for case, ob, position, text, kind, due_on, amount, day, starts, until, done in rows:
        records = paid.get(ob, ())
        if done is not None and not records:
            continue  # marked performed on the agreement form, with no records: done
        schedule = schedule_from(kind, due_on, amount, day, starts, until, parts.get(ob, []))
        found[case].append(ObligationFacts(ob, position + 1, text, schedule, tuple(records)))
    return found


def due_items(
    db: Database,
    today: date | None = None,
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    case_id: int | None = None,
) -> list[DueItem]:
    """Everything late or due within `horizon_days`, most urgent first (one case if asked)."""
    today = today or date.today()
    _check_day(today)
    with db.reading() as session:
        follow_up_days = _follow_up_days(session)
        horizon = timedelta(days=horizon_days)
        cases = _watched_cases(session, today, horizon, follow_up_days, case_id)
        obligations = _obligations(session, case_id)
        visits = (
            select(FollowUp.case_id, func.max(FollowUp.on))
            .join(Case, FollowUp.case_id == Case.id)
            .where(Case.status == CaseStatus.PERFORMED.value)
            .group_by(FollowUp.case_id)
        )
        last_visit: dict[int, date] = {
            row[0]: row[1] for row in session.connection().execute(visits)
        }
    none: tuple[ObligationFacts, ...] = ()
    items: list[DueItem] = []
    for (
        case,
        number,
        status,
        accepted_on,
        extended_to,
        performed_on,
        form,
        reached_on,
        applied_on,
    ) in cases:
        facts = CaseDeadlineFacts(
            case,
            number,
            _STATUS_OF[status],
            accepted_on,
            extended_to,
            _FORM_OF.get(form) if form else None,
            reached_on,
            applied_on,
            tuple(obligations[case]) if case in obligations else none,
            performed_on,
            last_visit.get(case),
        )
        items += _case_items(facts, today, horizon_days, follow_up_days)
    return sort_due(items)


@lru_cache(maxsize=CACHED_CASES)
def _case_items(
    facts: CaseDeadlineFacts, today: date, horizon_days: int, follow_up_days: int
) -> tuple[DueItem, ...]:
    """One case's items, remembered: they are a pure function of these (hashable) facts, so a
    case that has not changed since the list was last built costs a lookup, not the domain's
    work again (the window rebuilds the list after every change)."""
    return tuple(
        case_due_items(facts, today, horizon_days=horizon_days, follow_up_days=follow_up_days)
    )
