"""Loading a case with everything it carries, and flattening it into fields for the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Agreement, Base, Case, FollowUp, Obligation, PanelMember, Party
from app.domain.errors import NotFoundError

#: Columns that say nothing a person changed: keys, links to the parent, bookkeeping times.
_SKIPPED = {
    "id",
    "case_id",
    "agreement_id",
    "obligation_id",
    "party_id",
    "created_at",
    "updated_at",
}


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
    ):
        for child in getattr(case, name):
            fields.update(row_fields(child, f"{name}.{child.id}."))
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
