"""SQLAlchemy 2 models for the whole case life cycle.

The schema is created and changed only by the Alembic migrations in `app/db/migrations`; these
classes describe it for queries. Codes are stored as their English strings (see
`app.domain.codes`), money as integer fen, dates as dates, timestamps in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Committee(Base):
    """The mediation committee this database belongs to (one row) and its document settings."""

    __tablename__ = "committee"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    short_name: Mapped[str] = mapped_column(String(20))
    #: e.g. "（{year}）{short}人调字第{seq}号"; see app.domain.numbering.
    number_pattern: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    print_effect_sentence: Mapped[bool] = mapped_column(Boolean, default=True)
    print_confirmation_hint: Mapped[bool] = mapped_column(Boolean, default=True)


class Setting(Base):
    """Small key/value preferences (text size, last folder…)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ElderCategoryRow(Base):
    """五老 categories; a committee may rename or add its own."""

    __tablename__ = "elder_category"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Mediator(Base):
    """人民调解员 — a member of the roster."""

    __tablename__ = "mediator"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    sex: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    elder_category: Mapped[str | None] = mapped_column(ForeignKey("elder_category.code"))
    phone: Mapped[str] = mapped_column(String(40), default="")
    compound: Mapped[str] = mapped_column(String(60), default="")
    building: Mapped[str] = mapped_column(String(30), default="")
    unit: Mapped[str] = mapped_column(String(30), default="")
    room: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    specialties: Mapped[list[MediatorSpecialty]] = relationship(
        cascade="all, delete-orphan", order_by="MediatorSpecialty.position"
    )


class MediatorSpecialty(Base):
    """A dispute type a mediator is good at; `position` keeps the order they were listed in."""

    __tablename__ = "mediator_specialty"

    mediator_id: Mapped[int] = mapped_column(
        ForeignKey("mediator.id", ondelete="CASCADE"), primary_key=True
    )
    dispute_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CaseNumberSequence(Base):
    """The last sequence number handed out per year: numbers are never reused."""

    __tablename__ = "case_number_sequence"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Case(Base):
    """纠纷案件 — one dispute from registration to archive."""

    __tablename__ = "dispute_case"
    __table_args__ = (
        Index("ix_case_received_on", "received_on"),
        Index("ix_case_status", "status"),
        Index("ix_case_tier", "tier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    number_year: Mapped[int | None] = mapped_column(Integer)
    number_seq: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    dispute_type: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(40))
    received_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    declined_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(String(20))
    tier_resolved: Mapped[str | None] = mapped_column(String(20))
    compound: Mapped[str] = mapped_column(String(60), default="")
    building: Mapped[str] = mapped_column(String(30), default="")
    unit: Mapped[str] = mapped_column(String(30), default="")
    room: Mapped[str] = mapped_column(String(30), default="")
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    persons_involved: Mapped[int | None] = mapped_column(Integer)
    facts: Mapped[str] = mapped_column(Text, default="")
    #: Route the parties were told of when mediation failed, or where the case was referred.
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    parties: Mapped[list[Party]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Party.position"
    )
    requests: Mapped[list[CaseRequest]] = relationship(
        cascade="all, delete-orphan", order_by="CaseRequest.position"
    )
    risk_flags: Mapped[list[CaseRiskFlag]] = relationship(cascade="all, delete-orphan")
    panel: Mapped[list[PanelMember]] = relationship(
        cascade="all, delete-orphan", order_by="PanelMember.id"
    )
    escalations: Mapped[list[Escalation]] = relationship(
        cascade="all, delete-orphan", order_by="Escalation.id"
    )
    agreement: Mapped[Agreement | None] = relationship(cascade="all, delete-orphan", uselist=False)
    sessions: Mapped[list[MediationSession]] = relationship(
        cascade="all, delete-orphan", order_by="MediationSession.held_at"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        cascade="all, delete-orphan", order_by="FollowUp.id"
    )


class CaseRequest(Base):
    """当事人申请事项 — one numbered request."""

    __tablename__ = "case_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class CaseRiskFlag(Base):
    __tablename__ = "case_risk_flag"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("dispute_case.id", ondelete="CASCADE"), primary_key=True
    )
    flag: Mapped[str] = mapped_column(String(40), primary_key=True)


class Party(Base):
    """当事人 — a natural person or an organisation."""

    __tablename__ = "party"
    __table_args__ = (Index("ix_party_case", "case_id"), Index("ix_party_name", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(10))
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_number: Mapped[str] = mapped_column(String(18), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    occupation: Mapped[str] = mapped_column(String(100), default="")
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    legal_representative: Mapped[str] = mapped_column(String(60), default="")

    case: Mapped[Case] = relationship(back_populates="parties")
    agents: Mapped[list[Agent]] = relationship(cascade="all, delete-orphan")


class Agent(Base):
    """委托代理人 of a party, with the authority granted."""

    __tablename__ = "agent"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(40), default="")
    authority: Mapped[str] = mapped_column(Text, default="")


class PanelMember(Base):
    """A mediator on a case's panel and how they came to be on it."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("case_id", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id"))
    role: Mapped[str] = mapped_column(String(20))
    #: "committee" (designated, art. 19) or "parties" (chosen by the parties).
    chosen_by: Mapped[str] = mapped_column(String(20), default="committee")
    reason: Mapped[str] = mapped_column(Text, default="")

    mediator: Mapped[Mediator] = relationship()


class Escalation(Base):
    """One move between tiers (building → courtyard → community → referred out)."""

    __tablename__ = "escalation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    from_tier: Mapped[str] = mapped_column(String(20))
    to_tier: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class MediationSession(Base):
    """调解记录 — one sitting: when, where, who, what was said, the outcome."""

    __tablename__ = "mediation_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    statements: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")


class Agreement(Base):
    """调解协议 (written or oral) and its judicial confirmation."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("dispute_case.id", ondelete="CASCADE"), unique=True
    )
    form: Mapped[str] = mapped_column(String(20))
    reached_on: Mapped[date | None] = mapped_column(Date)
    facts: Mapped[str] = mapped_column(Text, default="")
    issues: Mapped[str] = mapped_column(Text, default="")
    responsibility: Mapped[str] = mapped_column(Text, default="")
    confirmation_applied_on: Mapped[date | None] = mapped_column(Date)
    confirmation_court: Mapped[str] = mapped_column(String(100), default="")
    confirmation_result: Mapped[str] = mapped_column(String(100), default="")

    obligations: Mapped[list[Obligation]] = relationship(
        cascade="all, delete-orphan", order_by="Obligation.position"
    )


class Obligation(Base):
    """One term of an agreement: who owes whom what, by when; tracked to performance."""

    __tablename__ = "obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    obligor_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    obligee_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    performed_on: Mapped[date | None] = mapped_column(Date)

    obligor: Mapped[Party | None] = relationship(foreign_keys=[obligor_party_id])
    obligee: Mapped[Party | None] = relationship(foreign_keys=[obligee_party_id])


class FollowUp(Base):
    """回访 — a visit after the agreement to see it performed."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("mediator.id"))
    performed: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")

    mediator: Mapped[Mediator | None] = relationship()


class AuditEntry(Base):
    """One line per service call that changed data: who did what, when (UTC)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")
