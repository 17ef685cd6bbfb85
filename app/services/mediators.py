"""The mediator roster (五老 and others)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db.models import ElderCategoryRow, Mediator
from app.domain.codes import DisputeType, Sex
from app.domain.values import Place
from app.services.database import Database
from app.views import MediatorView


def elder_categories(db: Database) -> list[tuple[str, str]]:
    """(code, label) of the committee's elder categories, in their order."""
    with db.reading() as session:
        rows = session.execute(
            select(ElderCategoryRow.code, ElderCategoryRow.label).order_by(
                ElderCategoryRow.position
            )
        )
        return [(code, label) for code, label in rows]


def to_view(mediator: Mediator, labels: dict[str, str]) -> MediatorView:
    return MediatorView(
        id=mediator.id,
        uuid=mediator.uuid,
        name=mediator.name,
        sex=Sex(mediator.sex) if mediator.sex else None,
        birth_date=mediator.birth_date,
        elder_category=mediator.elder_category,
        elder_category_label=labels.get(mediator.elder_category or "", ""),
        phone=mediator.phone,
        place=Place(mediator.compound, mediator.building, mediator.unit, mediator.room),
        specialties=tuple(DisputeType(s.dispute_type) for s in mediator.specialties),
        active=mediator.active,
    )


def list_mediators(db: Database, active_only: bool = False) -> list[MediatorView]:
    labels = dict(elder_categories(db))
    with db.reading() as session:
        query = select(Mediator).options(selectinload(Mediator.specialties)).order_by(Mediator.id)
        if active_only:
            query = query.where(Mediator.active.is_(True))
        return [to_view(m, labels) for m in session.scalars(query)]
