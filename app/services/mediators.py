"""The mediator roster (五老 and others): adding and correcting mediators, their record, the
committee's categories and the composition rules of art. 8."""

from __future__ import annotations

import re
import uuid as uuidlib
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db.models import (
    Agreement,
    Case,
    Committee,
    ElderCategoryRow,
    MediationSession,
    Mediator,
    MediatorAbsence,
    MediatorRelation,
    MediatorSpecialty,
    PanelMember,
    Training,
)
from app.domain.codes import (
    CaseStatus,
    DisputeType,
    PanelRole,
    RelationKind,
    Sex,
    Tier,
)
from app.domain.errors import NotFoundError, UserError
from app.domain.fields import clean_text, max_length
from app.domain.lifecycle import CLOSED_STATUSES
from app.domain.panel import PanelSizes
from app.domain.roster import (
    AbsenceDraft,
    MediatorDraft,
    RelationDraft,
    TrainingDraft,
    check_mediator,
)
from app.domain.validation import shown_value
from app.domain.values import Place
from app.services.database import Database
from app.services.operations import DEFAULT_ACTOR
from app.services.records import row_fields, row_id
from app.views import (
    AbsenceView,
    CaseRoleCount,
    Changed,
    MediatorRecord,
    MediatorView,
    RelationView,
    RosterRow,
    TrainingView,
)

#: Names on a sitting's record are written one a line, or with 、 or commas between them.
_NAMES_SPLIT = re.compile(r"[\s、，,；;]+")
#: Statuses whose panel is still at work: they count against a mediator's limit.
OPEN_STATUSES = tuple(s.value for s in CaseStatus if s not in CLOSED_STATUSES)
#: Art. 8: a committee has three to nine members.
COMMITTEE_MIN, COMMITTEE_MAX = 3, 9


def elder_categories(db: Database) -> list[tuple[str, str]]:
    """(code, label) of the committee's elder categories, in their order."""
    with db.reading() as session:
        return category_pairs(session)


def category_pairs(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(ElderCategoryRow.code, ElderCategoryRow.label).order_by(ElderCategoryRow.position)
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
        ethnicity=mediator.ethnicity,
        languages=mediator.languages,
        case_limit=mediator.case_limit,
        committee_member=mediator.committee_member,
        notes=mediator.notes,
    )


def _loaded() -> Any:
    return select(Mediator).options(
        selectinload(Mediator.specialties),
        selectinload(Mediator.absences),
        selectinload(Mediator.trainings),
        selectinload(Mediator.relations),
    )


def list_mediators(db: Database, active_only: bool = False) -> list[MediatorView]:
    labels = dict(elder_categories(db))
    with db.reading() as session:
        query = select(Mediator).options(selectinload(Mediator.specialties)).order_by(Mediator.id)
        if active_only:
            query = query.where(Mediator.active.is_(True))
        return [to_view(m, labels) for m in session.scalars(query)]


def find_mediator(session: Session, ref: str | int) -> Mediator:
    """A mediator by id, uuid or exact name (a name two mediators share is refused)."""
    text = str(ref).strip()
    query = _loaded()
    by_id = row_id(ref)
    if by_id is not None:
        found = list(session.scalars(query.where(Mediator.id == by_id)))
    else:
        found = list(
            session.scalars(query.where(or_(Mediator.uuid == text.lower(), Mediator.name == text)))
        )
    if not found:
        raise NotFoundError(
            f"名册中找不到调解员“{shown_value(text, 40)}”。请核对姓名，或用 roster list 查看。"
        )
    if len(found) > 1:
        raise UserError(
            f"名册中有{len(found)}位叫“{text}”的调解员，请改用编号（uuid）指明是哪一位。"
        )
    return found[0]


def snapshot_mediator(m: Mediator) -> dict[str, Any]:
    """Every field of a mediator and their lists, for the audit entry."""
    fields = row_fields(m)
    fields["specialties"] = ",".join(s.dispute_type for s in m.specialties)
    for name in ("absences", "trainings", "relations"):
        for i, child in enumerate(getattr(m, name)):
            fields.update({k: v for k, v in row_fields(child, f"{name}.{i}.").items()})
            fields.pop(f"{name}.{i}.mediator_id", None)
    return fields


def draft_of(m: Mediator) -> MediatorDraft:
    """The form's values for editing a mediator."""
    return MediatorDraft(
        name=m.name,
        sex=m.sex or "",
        ethnicity=m.ethnicity,
        birth_date=m.birth_date,
        elder_category=m.elder_category or "",
        compound=m.compound,
        building=m.building,
        unit=m.unit,
        room=m.room,
        phone=m.phone,
        specialties=[s.dispute_type for s in m.specialties],
        languages=m.languages,
        active=m.active,
        committee_member=m.committee_member,
        case_limit=m.case_limit,
        notes=m.notes,
        absences=[AbsenceDraft(a.from_on, a.to_on, a.reason) for a in m.absences],
        trainings=[TrainingDraft(t.on, t.topic, "", t.minutes) for t in m.trainings],
        relations=[
            RelationDraft(r.person_name, r.kind, r.id_number, r.phone, r.notes) for r in m.relations
        ],
    )


def mediator_draft(db: Database, ref: str | int) -> MediatorDraft:
    with db.reading() as session:
        return draft_of(find_mediator(session, ref))


def fill_mediator(m: Mediator, clean: MediatorDraft) -> None:
    """Write a checked draft into a row; the lists are replaced as a whole."""
    m.name = clean.name
    m.sex = clean.sex or None
    m.ethnicity = clean.ethnicity
    m.birth_date = clean.birth_date
    m.elder_category = clean.elder_category or None
    m.compound, m.building, m.unit, m.room = clean.compound, clean.building, clean.unit, clean.room
    m.phone = clean.phone
    m.languages = clean.languages
    m.active = clean.active
    m.committee_member = clean.committee_member
    m.case_limit = clean.case_limit
    m.notes = clean.notes
    if [s.dispute_type for s in m.specialties] != clean.specialties:
        m.specialties = [
            MediatorSpecialty(dispute_type=code, position=i)
            for i, code in enumerate(clean.specialties)
        ]
    m.absences = [
        MediatorAbsence(from_on=a.from_on, to_on=a.to_on, reason=a.reason) for a in clean.absences
    ]
    m.trainings = [Training(on=t.on, topic=t.topic, minutes=t.minutes) for t in clean.trainings]
    m.relations = [
        MediatorRelation(
            person_name=r.person_name,
            kind=r.kind,
            id_number=r.id_number,
            phone=r.phone,
            notes=r.notes,
        )
        for r in clean.relations
    ]


def save_mediator(
    db: Database,
    draft: MediatorDraft,
    *,
    mediator_id: int | None = None,
    actor: str = DEFAULT_ACTOR,
    today: date | None = None,
) -> tuple[MediatorView, Changed]:
    """Add a mediator to the roster, or correct one (`mediator_id`)."""
    today = today or date.today()
    name = "mediator.add" if mediator_id is None else "mediator.edit"
    with db.operation(actor, name) as op:
        session = op.session
        pairs = category_pairs(session)
        clean = check_mediator(draft, categories={c for c, _ in pairs}, today=today)
        if mediator_id is None:
            m = Mediator(uuid=str(uuidlib.uuid4()))
            session.add(m)
            fill_mediator(m, clean)
            session.flush()
            op.track("mediator", m.uuid, lambda: snapshot_mediator(m), new=True)
        else:
            m = find_mediator(session, mediator_id)
            op.track("mediator", m.uuid, lambda: snapshot_mediator(m))
            fill_mediator(m, clean)
        session.flush()
        op.result = to_view(m, dict(pairs))
        op.refresh(Changed(mediators=True))
    return op.outcome


def set_mediator_active(
    db: Database, ref: str | int, active: bool, *, actor: str = DEFAULT_ACTOR
) -> tuple[MediatorView, Changed]:
    """Take a mediator off duty (they stay on the roster and in every record) or back on."""
    with db.operation(actor, "mediator.activate" if active else "mediator.deactivate") as op:
        m = find_mediator(op.session, ref)
        op.track("mediator", m.uuid, lambda: snapshot_mediator(m))
        m.active = active
        op.session.flush()
        op.result = to_view(m, dict(category_pairs(op.session)))
        op.refresh(Changed(mediators=True))
    return op.outcome


# --- Workload -------------------------------------------------------------------------------


def open_case_counts(session: Session) -> Counter[int]:
    """Open cases per mediator id (registered, accepted, mediating)."""
    rows = session.execute(
        select(PanelMember.mediator_id, func.count())
        .join(Case, PanelMember.case_id == Case.id)
        .where(Case.status.in_(OPEN_STATUSES))
        .group_by(PanelMember.mediator_id)
    )
    return Counter({mid: n for mid, n in rows})


def committee_limit(session: Session) -> int:
    limit = session.scalar(select(Committee.case_limit).limit(1))
    return limit if limit else 5


def unavailable_reason(m: Mediator, open_cases: int, limit: int, on: date) -> str:
    if not m.active:
        return "不在岗"
    for a in m.absences:
        if a.from_on <= on <= a.to_on:
            return f"外出至{a.to_on.month}月{a.to_on.day}日"
    if open_cases >= limit:
        return f"已达上限（{open_cases}件在办）"
    return ""


def roster_rows(
    db: Database,
    *,
    on: date | None = None,
    category: str | None = None,
    specialty: DisputeType | None = None,
    available_only: bool = False,
    active_only: bool = False,
) -> list[RosterRow]:
    """The roster page: every mediator with their open cases and whether they can be drawn."""
    on = on or date.today()
    with db.reading() as session:
        labels = dict(category_pairs(session))
        counts = open_case_counts(session)
        default_limit = committee_limit(session)
        query = _loaded().order_by(Mediator.active.desc(), Mediator.name, Mediator.id)
        if category:
            query = query.where(Mediator.elder_category == category)
        if active_only:
            query = query.where(Mediator.active.is_(True))
        rows: list[RosterRow] = []
        for m in session.scalars(query):
            if specialty is not None and specialty.value not in {
                s.dispute_type for s in m.specialties
            }:
                continue
            limit = m.case_limit or default_limit
            why = unavailable_reason(m, counts[m.id], limit, on)
            if available_only and why:
                continue
            rows.append(RosterRow(to_view(m, labels), counts[m.id], limit, why))
        return rows


def mediator_record(db: Database, ref: str | int) -> MediatorRecord:
    """The mediator page and the yearly review: training, cases by role and tier, sessions."""
    with db.reading() as session:
        m = find_mediator(session, ref)
        labels = dict(category_pairs(session))
        limit = m.case_limit or committee_limit(session)
        seats = list(
            session.execute(
                select(PanelMember.role, Case.tier, Case.status, Case.number, Case.id)
                .join(Case, PanelMember.case_id == Case.id)
                .where(PanelMember.mediator_id == m.id)
                .order_by(Case.received_on.desc(), Case.id.desc())
            )
        )
        by: Counter[tuple[str, str]] = Counter((role, tier) for role, tier, *_ in seats)
        case_ids = [row.id for row in seats]
        agreements = 0
        sessions = 0
        if case_ids:
            agreements = (
                session.scalar(
                    select(func.count())
                    .select_from(Agreement)
                    .join(PanelMember, PanelMember.case_id == Agreement.case_id)
                    .where(PanelMember.mediator_id == m.id)
                )
                or 0
            )
            # Sittings name the mediators present as written on the record.
            present = session.scalars(
                select(MediationSession.mediators_present)
                .join(PanelMember, PanelMember.case_id == MediationSession.case_id)
                .where(PanelMember.mediator_id == m.id)
            )
            sessions = sum(1 for text in present if m.name in _NAMES_SPLIT.split(text))
        open_rows = [
            (row.number, CaseStatus(row.status).label)
            for row in seats
            if row.status in OPEN_STATUSES
        ]
        roles = list(PanelRole)
        tiers = list(Tier)
        counts = tuple(
            CaseRoleCount(PanelRole(role), Tier(tier), n)
            for (role, tier), n in sorted(
                by.items(),
                key=lambda kv: (roles.index(PanelRole(kv[0][0])), tiers.index(Tier(kv[0][1]))),
            )
        )
        return MediatorRecord(
            mediator=to_view(m, labels),
            absences=tuple(AbsenceView(a.from_on, a.to_on, a.reason) for a in m.absences),
            trainings=tuple(TrainingView(t.on, t.topic, t.minutes) for t in m.trainings),
            relations=tuple(
                RelationView(r.person_name, RelationKind(r.kind), r.id_number, r.phone, r.notes)
                for r in m.relations
            ),
            by_role_and_tier=counts,
            cases=len(seats),
            sessions_attended=sessions,
            agreements_reached=agreements,
            open_cases=len(open_rows),
            limit=limit,
            open_case_numbers=tuple(open_rows),
        )


# --- Categories and the committee -----------------------------------------------------------


def save_category(
    db: Database, label: str, *, code: str | None = None, actor: str = DEFAULT_ACTOR
) -> tuple[list[tuple[str, str]], Changed]:
    """Rename a category (`code`) or add a new one; the five elders' codes never change."""
    text = clean_text(label, "elder_category.label", field="label")
    if not text:
        raise UserError(
            f"类别名称应是1到{max_length('elder_category.label')}个字，例如“老党员”或“退役军人”。"
        )
    with db.operation(actor, "category.rename" if code else "category.add") as op:
        session = op.session
        pairs = category_pairs(session)
        if any(lab == text and c != code for c, lab in pairs):
            raise UserError(f"已经有叫“{text}”的类别了。")
        if code is not None:
            found = session.get(ElderCategoryRow, code)
            if found is None:
                raise NotFoundError("找不到这个类别，可能已被删除。")
            row = found
            op.track("elder_category", None, lambda: row_fields(row))
            row.label = text
        else:
            n = 1
            existing = {c for c, _ in pairs}
            while f"custom_{n}" in existing:
                n += 1
            row = ElderCategoryRow(code=f"custom_{n}", label=text, position=len(pairs))
            session.add(row)
            session.flush()
            op.track("elder_category", None, lambda: row_fields(row), new=True)
        session.flush()
        op.result = category_pairs(session)
        op.refresh(Changed(mediators=True, settings=True))
    return op.outcome


def panel_settings(db: Database) -> tuple[int, PanelSizes, bool]:
    """(committee's limit of open cases, panel sizes, area has minorities)."""
    with db.reading() as session:
        c = session.scalar(select(Committee).limit(1))
        if c is None:
            return 5, PanelSizes(), False
        return c.case_limit, PanelSizes.from_json(c.panel_sizes), c.area_has_minorities


def update_panel_settings(
    db: Database,
    *,
    case_limit: int | None = None,
    sizes: PanelSizes | None = None,
    area_has_minorities: bool | None = None,
    actor: str = DEFAULT_ACTOR,
) -> Changed:
    with db.operation(actor, "committee.panel_settings") as op:
        c = op.session.scalar(select(Committee).limit(1))
        if c is None:
            raise UserError("数据库中还没有调解委员会信息，请先初始化。")
        op.track("committee", None, lambda: row_fields(c))
        if case_limit is not None:
            if not 1 <= case_limit <= 50:
                raise UserError("每位调解员最多同时办理的件数应在1到50之间，例如5件。")
            c.case_limit = case_limit
        if sizes is not None:
            c.panel_sizes = sizes.to_json()
        if area_has_minorities is not None:
            c.area_has_minorities = area_has_minorities
        op.refresh(Changed(settings=True, mediators=True))
    return op.changed


def composition_warnings(db: Database) -> list[str]:
    """Where the committee falls short of art. 8, in plain Chinese; empty when it does not."""
    with db.reading() as session:
        members = list(
            session.execute(
                select(Mediator.sex, Mediator.ethnicity).where(
                    Mediator.committee_member.is_(True), Mediator.active.is_(True)
                )
            )
        )
        minorities_expected = bool(session.scalar(select(Committee.area_has_minorities).limit(1)))
    warnings: list[str] = []
    n = len(members)
    if n < COMMITTEE_MIN:
        warnings.append(
            f"调解委员会现有委员{n}人，少于法定的{COMMITTEE_MIN}人（人民调解法第八条：三至九人）。"
            "请在名册中把委员勾选为“调委会委员”，或增补委员。"
        )
    elif n > COMMITTEE_MAX:
        warnings.append(
            f"调解委员会现有委员{n}人，多于法定的{COMMITTEE_MAX}人（第八条：三至九人）。"
        )
    if n and not any(sex == Sex.FEMALE.value for sex, _ in members):
        warnings.append("调解委员会中没有女性委员；第八条要求应当有妇女成员。")
    if minorities_expected and not any(e and e != "汉族" for _, e in members):
        warnings.append("本地区有少数民族居住，第八条要求委员会中应当有少数民族成员。")
    return warnings
