"""Loading a case with everything it carries, and flattening it into fields for the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import (
    Agreement,
    Base,
    Case,
    CaseRiskFlag,
    FollowUp,
    Obligation,
    PanelMember,
    Party,
)
from app.domain.errors import NotFoundError
from app.domain.schedule import Instalment as DomainInstalment
from app.domain.schedule import ObligationState, Schedule, ScheduleKind, obligation_status
from app.domain.schedule import Payment as DomainPayment
from app.domain.validation import shown_value

#: Columns that say nothing a person changed: keys, links to the parent, bookkeeping times.
_SKIPPED = {
    "id",
    "case_id",
    "agreement_id",
    "obligation_id",
    "party_id",
    "created_at",
    "updated_at",
    # Derived from the name by the operation layer (search), not typed by anyone.
    "name_initials",
}


#: The largest id SQLite keeps (a signed 64-bit integer).
_LARGEST_ID = 2**63 - 1


def row_id(ref: str | int) -> int | None:
    """The database id `ref` names, or None when it names a record otherwise (a uuid, a case
    number, a name). Only ASCII digits are an id: "²" and "١٢" pass `str.isdigit`, and `int`
    refuses the one and reads the other. Digits beyond what SQLite keeps name no row (0):
    handed to SQLite they would be an error, not an answer."""
    if isinstance(ref, int):
        return ref if 0 <= ref <= _LARGEST_ID else 0
    text = ref.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= 19 and int(text) <= _LARGEST_ID else 0


def find_case(session: Session, ref: str | int) -> Case:
    """A case by database id, uuid or case number, with its children loaded."""
    query = select(Case).options(
        selectinload(Case.parties).selectinload(Party.agents),
        selectinload(Case.requests),
        selectinload(Case.risk_flags),
        selectinload(Case.panel).selectinload(PanelMember.mediator),
        selectinload(Case.escalations),
        selectinload(Case.agreement)
        .selectinload(Agreement.obligations)
        .selectinload(Obligation.instalments),
        selectinload(Case.agreement)
        .selectinload(Agreement.obligations)
        .selectinload(Obligation.payments),
        selectinload(Case.follow_ups).selectinload(FollowUp.mediator),
        selectinload(Case.sessions),
        selectinload(Case.status_changes),
        selectinload(Case.participants),
        selectinload(Case.attachments),
        selectinload(Case.recusals),
        selectinload(Case.panel_draws),
    )
    text = str(ref).strip()
    by_id = row_id(ref)
    if by_id is not None:
        query = query.where(Case.id == by_id)
    else:
        query = query.where(or_(Case.uuid == text.lower(), Case.number == text))
    case = session.scalar(query)
    if case is None:
        raise NotFoundError(
            f"找不到案件“{shown_value(text, 40)}”。请核对案件编号，例如（2026）飞人调字第12号。"
        )
    return case


def row_fields(row: Base, prefix: str = "") -> dict[str, Any]:
    """The columns of one row as `prefix + name`, leaving out keys and bookkeeping."""
    mapper = inspect(row).mapper
    return {
        f"{prefix}{attr.key}": getattr(row, attr.key)
        for attr in mapper.column_attrs
        if attr.key not in _SKIPPED
    }


def snapshot_case(case: Case) -> dict[str, Any]:
    """Every field of a case and its children, flat: ``parties.12.name``, ``status`` …

    Children are keyed by their id, which never changes when they are edited, so the audit
    entry of an edit names exactly the field that changed ("parties.12.phone").
    """
    fields = row_fields(case)
    for name in (
        "parties",
        "requests",
        "panel",
        "escalations",
        "sessions",
        "follow_ups",
        "status_changes",
        "participants",
        "attachments",
        "recusals",
        "panel_draws",
    ):
        for child in getattr(case, name):
            fields.update(row_fields(child, f"{name}.{child.id}."))
    for recusal in case.recusals:
        # `row_fields` drops party_id as an agent's link to its parent; here it says who asked.
        fields[f"recusals.{recusal.id}.party_id"] = recusal.party_id
    for party in case.parties:
        for agent in party.agents:
            fields.update(row_fields(agent, f"parties.{party.id}.agents.{agent.id}."))
    fields["risk_flags"] = ",".join(sorted(f.flag for f in case.risk_flags))
    if case.agreement is not None:
        fields.update(row_fields(case.agreement, "agreement."))
        for o in case.agreement.obligations:
            fields.update(row_fields(o, f"obligations.{o.id}."))
            for i in o.instalments:
                fields.update(row_fields(i, f"obligations.{o.id}.instalments.{i.id}."))
            for p in o.payments:
                fields.update(row_fields(p, f"obligations.{o.id}.payments.{p.id}."))
    return fields


def schedule_of(obligation: Obligation) -> Schedule | None:
    """When an obligation falls due, as the domain reads it; None for a term nobody must perform.

    A term without an obligor (双方今后和睦相处) is a statement, not an obligation: it has no
    schedule and the performance records and the to-do list leave it out.
    """
    if obligation.obligor_party_id is None and obligation.obligor is None:
        return None
    return schedule_from(
        obligation.schedule_kind,
        obligation.due_on,
        obligation.amount_fen,
        obligation.day_of_month,
        obligation.starts_on,
        obligation.until,
        [
            (i.due_on, i.amount_fen)
            for i in sorted(obligation.instalments, key=lambda i: i.position)
        ],
    )


def schedule_from(
    kind_code: str | None,
    due_on: date | None,
    amount_fen: int | None,
    day_of_month: int | None,
    starts_on: date | None,
    until: date | None,
    instalments: list[tuple[date, int | None]],
) -> Schedule:
    """The schedule an obligation's columns describe (instalments in their order)."""
    kind = ScheduleKind(kind_code or ScheduleKind.ONE_OFF.value)
    if kind is ScheduleKind.INSTALMENTS:
        return Schedule.in_instalments(DomainInstalment(d, a) for d, a in instalments)
    if kind is ScheduleKind.RECURRING:
        assert day_of_month is not None and starts_on is not None
        return Schedule.monthly(day_of_month, amount_fen, starts_on, until)
    return Schedule.one_off(due_on, amount_fen)


def payments_of(obligation: Obligation) -> tuple[DomainPayment, ...]:
    """The performance records, oldest first; a performed_on date counts as the last record."""
    records = [
        DomainPayment(p.on, p.amount_fen)
        for p in sorted(obligation.payments, key=lambda p: (p.on, p.id or 0))
    ]
    return tuple(records)


def is_performed(obligation: Obligation, today: date) -> bool:
    """Performed by its records, or marked performed on a day (the agreement form's column)."""
    schedule = schedule_of(obligation)
    if schedule is None:
        return True
    if obligation.performed_on is not None and not obligation.payments:
        return True
    status = obligation_status(schedule, payments_of(obligation), today)
    return status.state is ObligationState.PERFORMED


def sync_risk_flags(case: Case, flags: list[str]) -> None:
    """Make the case's flags exactly `flags`, keeping the rows that stay (their key is the flag)."""
    wanted = set(flags)
    case.risk_flags = [f for f in case.risk_flags if f.flag in wanted]
    have = {f.flag for f in case.risk_flags}
    case.risk_flags.extend(CaseRiskFlag(flag=f) for f in flags if f not in have)
