"""The committee's wording of the standard texts, versioned: each change is kept, never
overwritten, so what any printed document said can be found again."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Wording
from app.domain.wording import STANDARD, Wordings, check_wording
from app.services.database import Database
from app.services.operations import DEFAULT_ACTOR
from app.views import Changed


def wordings_in(session: Session) -> Wordings:
    """The texts in force: for each key its latest version; "" back to the standard text."""
    latest: dict[str, str] = {}
    rows = session.execute(select(Wording.key, Wording.text).order_by(Wording.key, Wording.version))
    for key, text in rows:
        latest[key] = text
    version = session.scalar(select(func.count()).select_from(Wording)) or 0
    return Wordings(version, {k: t for k, t in latest.items() if t and k in STANDARD})


def current_wordings(db: Database) -> Wordings:
    with db.reading() as session:
        return wordings_in(session)


def wording_history(db: Database, key: str) -> list[tuple[int, str, str, str]]:
    """(version, when in local time, who, text) of every change of `key`, oldest first."""
    with db.reading() as session:
        rows = session.execute(
            select(Wording.version, Wording.created_at, Wording.actor, Wording.text)
            .where(Wording.key == key)
            .order_by(Wording.version)
        )
        return [
            (v, f"{at.astimezone():%Y-%m-%d %H:%M}", actor, text) for v, at, actor, text in rows
        ]


def save_wording(
    db: Database, key: str, text: str, *, actor: str = DEFAULT_ACTOR
) -> tuple[Wordings, Changed]:
    """A new version of one text; "" returns to the standard text (also a version)."""
    cleaned = check_wording(key, text)
    current = current_wordings(db)
    if current.texts.get(key, "") == cleaned:
        return current, Changed()  # the same words: no new version, nothing in the history
    with db.operation(actor, "wording.change") as op:
        session = op.session
        last = session.scalar(select(func.max(Wording.version)).where(Wording.key == key)) or 0
        session.add(Wording(key=key, version=last + 1, text=cleaned, actor=op.actor))
        session.flush()
        op.note.update({"key": key, "version": last + 1, "text": cleaned})
        op.result = wordings_in(session)
        op.refresh(Changed(settings=True))
    return op.outcome
