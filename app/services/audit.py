"""The audit log: one entry per service call that changes data, in the same transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db.models import AuditEntry


def record(
    session: Session,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    detail: str = "",
) -> None:
    session.add(AuditEntry(action=action, entity=entity, entity_id=entity_id, detail=detail))
