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
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.db.types import UTCDateTime


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
    #: "standard", or "gbt9704" for the official-document layout of GB/T 9704.
    page_layout: Mapped[str] = mapped_column(
        String(20), default="standard", server_default="standard"
    )
    #: Days after performance within which a follow-up visit (回访) is due.
    follow_up_days: Mapped[int] = mapped_column(Integer, default=30)
    #: How many panels' worth of open cases a mediator takes at most, unless their own limit says.
    case_limit: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    #: The panel each tier draws, as `app.domain.panel.PanelSizes` JSON ("" = the defaults).
    panel_sizes: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The area has ethnic minorities: art. 8 then asks for minority members on the committee.
    area_has_minorities: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The local per-case subsidy scheme (以案定补) as `app.domain.subsidy.Scheme` JSON
    #: ("" = the defaults).
    subsidy_scheme: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Several people share the PC, each signing in with a role (app.services.accounts); off,
    #: the room works as one person's, every change by 本机用户.
    accounts_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: With accounts on, the window locks after this many minutes without use.
    idle_lock_minutes: Mapped[int] = mapped_column(Integer, default=10, server_default="10")


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ethnicity: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: Languages or dialects besides 普通话, as the committee writes them (“四川话、彝语”).
    languages: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: The most open cases they want at once; None: the committee's `case_limit`.
    case_limit: Mapped[int | None] = mapped_column(Integer)
    #: A member of the mediation committee itself (art. 8), not only on the roster.
    committee_member: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    specialties: Mapped[list[MediatorSpecialty]] = relationship(
        cascade="all, delete-orphan", order_by="MediatorSpecialty.position"
    )
    absences: Mapped[list[MediatorAbsence]] = relationship(
        cascade="all, delete-orphan", order_by="MediatorAbsence.from_on"
    )
    trainings: Mapped[list[Training]] = relationship(
        cascade="all, delete-orphan", order_by="Training.on"
    )
    relations: Mapped[list[MediatorRelation]] = relationship(
        cascade="all, delete-orphan", order_by="MediatorRelation.id"
    )


class MediatorAbsence(Base):
    """Away from – to (inclusive): not drawn for a panel on those days."""

    __tablename__ = "mediator_absence"
    __table_args__ = (Index("ix_absence_mediator", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id", ondelete="CASCADE"))
    from_on: Mapped[date] = mapped_column(Date)
    to_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class Training(Base):
    """A training a mediator attended (committees review these every year)."""

    __tablename__ = "mediator_training"
    __table_args__ = (Index("ix_training_mediator", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    #: Length in minutes, so half hours need no fractions (shown as 1.5小时).
    minutes: Mapped[int] = mapped_column(Integer, default=0)


class MediatorRelation(Base):
    """A person the mediator is close to: a case with this person as a party is a conflict."""

    __tablename__ = "mediator_relation"
    __table_args__ = (Index("ix_relation_mediator", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id", ondelete="CASCADE"))
    person_name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: `app.domain.codes.RelationKind`.
    kind: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(String(200), default="")


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
        # The days the statistics count by (app.services.statistics).
        Index("ix_case_accepted_on", "accepted_on"),
        Index("ix_case_closed_on", "closed_on"),
        # The case list's sorts by number and by title (app.services.cases.SORT_COLUMNS).
        Index("ix_case_number_order", "number_year", "number_seq", "number"),
        Index("ix_case_title", "title"),
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
    #: The one-month norm moved by agreement of both parties (None: no extension).
    mediation_extended_to: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    #: red / orange / yellow (app.domain.codes.RiskLevel), None when not assessed.
    risk_level: Mapped[str | None] = mapped_column(String(10))
    risk_measures: Mapped[str] = mapped_column(Text, default="")
    #: Art. 25: a dispute that may turn violent is reported to the police.
    police_reported_on: Mapped[date | None] = mapped_column(Date)
    escalation_prevented: Mapped[bool] = mapped_column(Boolean, default=False)
    performed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    #: The day the parties were given the 权利义务告知书 (and signed that they had it).
    rights_notified_on: Mapped[date | None] = mapped_column(Date)
    #: 卷宗情况说明: what the committee says of the file, e.g. why it was archived incomplete.
    dossier_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The subsidy class the committee gave the closed case (a code of its scheme), None: not
    #: yet decided; the reason when it departs from the suggested class.
    subsidy_class: Mapped[str | None] = mapped_column(String(20))
    subsidy_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Mediation that failed but was useful (the scheme may pay part of the class for it).
    subsidy_useful: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: An oral agreement with proof of it (a recording, signed register, witnesses).
    subsidy_oral_proof: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

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
    status_changes: Mapped[list[StatusChange]] = relationship(
        cascade="all, delete-orphan", order_by="StatusChange.id"
    )
    participants: Mapped[list[Participant]] = relationship(
        cascade="all, delete-orphan", order_by="Participant.id"
    )
    recusals: Mapped[list[Recusal]] = relationship(
        cascade="all, delete-orphan", order_by="Recusal.id"
    )
    panel_draws: Mapped[list[PanelDraw]] = relationship(
        cascade="all, delete-orphan", order_by="PanelDraw.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        cascade="all, delete-orphan", order_by="Attachment.id"
    )


class StatusChange(Base):
    """One move of the case's status: the event, when, by whom and why."""

    __tablename__ = "status_change"
    __table_args__ = (Index("ix_status_change_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str] = mapped_column(String(40))
    on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Withdrawn by whom (a party's name or "申请人").
    withdrawn_by: Mapped[str] = mapped_column(String(100), default="")
    #: app.domain.codes.ReferralTarget
    referred_to: Mapped[str | None] = mapped_column(String(40))
    #: app.domain.codes.FailureRoute codes, comma-separated, in code order.
    routes: Mapped[str] = mapped_column(String(100), default="")


class Participant(Base):
    """An invited participant (art. 20): a relative, neighbour, expert or other helper."""

    __tablename__ = "participant"
    __table_args__ = (Index("ix_participant_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    #: app.domain.codes.ParticipantKind
    kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class Attachment(Base):
    """Evidence or another file of the case, stored once under its content hash."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    description: Mapped[str] = mapped_column(Text, default="")
    #: `app.domain.codes.AttachmentKind`: identity proof, evidence, a signed paper …
    kind: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    #: The party the file belongs to (an identity proof names whose it is).
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))


class CaseRequest(Base):
    """当事人申请事项 — one numbered request."""

    __tablename__ = "case_request"
    __table_args__ = (Index("ix_case_request_case", "case_id"),)

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
    __table_args__ = (
        Index("ix_party_case", "case_id"),
        Index("ix_party_name", "name"),
        Index("ix_party_id_number", "id_number"),
        Index("ix_party_phone", "phone"),
        Index("ix_party_initials", "name_initials"),
    )

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
    #: The name's pinyin initials ("lxy" for 李秀英; every reading of a polyphonic character,
    #: "|"-separated), kept by the operation layer for search.
    name_initials: Mapped[str] = mapped_column(String(200), default="", server_default="")

    case: Mapped[Case] = relationship(back_populates="parties")
    agents: Mapped[list[Agent]] = relationship(cascade="all, delete-orphan", order_by="Agent.id")


class Agent(Base):
    """委托代理人 of a party, with the authority granted."""

    __tablename__ = "agent"
    __table_args__ = (Index("ix_agent_party", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: "general" (一般授权) or "special" (特别授权: may admit, waive or settle claims).
    authority_kind: Mapped[str] = mapped_column(String(20), default="general")
    authorised_on: Mapped[date | None] = mapped_column(Date)
    authority: Mapped[str] = mapped_column(Text, default="")


class PanelMember(Base):
    """A mediator on a case's panel and how they came to be on it."""

    __tablename__ = "panel_member"
    __table_args__ = (
        UniqueConstraint("case_id", "mediator_id"),
        Index("ix_panel_member_mediator", "mediator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id"))
    role: Mapped[str] = mapped_column(String(20))
    #: "committee" (designated, art. 19) or "parties" (chosen by the parties).
    chosen_by: Mapped[str] = mapped_column(String(20), default="committee")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The party who chose this mediator, when the parties chose.
    chosen_by_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("party.id", ondelete="SET NULL")
    )

    mediator: Mapped[Mediator] = relationship()


class Recusal(Base):
    """回避: a party asked that a mediator not mediate their case; always honoured."""

    __tablename__ = "recusal"
    __table_args__ = (Index("ix_recusal_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    mediator_id: Mapped[int] = mapped_column(ForeignKey("mediator.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id", ondelete="SET NULL"))
    on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)


class PanelDraw(Base):
    """One forming of a case's panel: a draw, a redraw or a change by hand, with its reasons.

    `explanation` keeps the whole reasoning as it stood (JSON of `app.domain.panel.Proposal`),
    so the committee can show a party years later why each mediator was or was not chosen.
    """

    __tablename__ = "panel_draw"
    __table_args__ = (Index("ix_panel_draw_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    draw_no: Mapped[int] = mapped_column(Integer)
    #: draw / redraw / override
    kind: Mapped[str] = mapped_column(String(20))
    #: `app.domain.codes.PanelMode`.
    mode: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")


class Escalation(Base):
    """One move between tiers (building → courtyard → community → referred out)."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    from_tier: Mapped[str] = mapped_column(String(20))
    to_tier: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Who decided the move (a mediator's or the director's name).
    decided_by: Mapped[str] = mapped_column(String(60), default="")


class MediationSession(Base):
    """调查记录 or 调解记录 — one sitting: when, where, who, what was said, the outcome."""

    __tablename__ = "mediation_session"
    __table_args__ = (Index("ix_session_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    #: "investigation" (调查) or "mediation" (调解).
    kind: Mapped[str] = mapped_column(String(20), default="mediation")
    held_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200), default="")
    #: Names of those present, one per line: mediators, parties, invited participants.
    mediators_present: Mapped[str] = mapped_column(Text, default="")
    parties_present: Mapped[str] = mapped_column(Text, default="")
    participants_present: Mapped[str] = mapped_column(Text, default="")
    statements: Mapped[str] = mapped_column(Text, default="")
    facts_verified: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    #: 记录人 — who kept the record (a mediator or the committee's clerk).
    recorder: Mapped[str] = mapped_column(String(60), default="")


class Agreement(Base):
    """调解协议 (written or oral) and its judicial confirmation."""

    __tablename__ = "agreement"
    __table_args__ = (
        # The days the statistics count by (app.services.statistics).
        Index("ix_agreement_reached_on", "reached_on", "case_id"),
        Index("ix_agreement_applied_on", "confirmation_applied_on"),
        Index("ix_agreement_decided_on", "confirmation_decided_on"),
    )

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
    confirmation_decided_on: Mapped[date | None] = mapped_column(Date)

    obligations: Mapped[list[Obligation]] = relationship(
        cascade="all, delete-orphan", order_by="Obligation.position"
    )


class Obligation(Base):
    """One term of an agreement: who owes whom what, by when; tracked to performance."""

    __tablename__ = "obligation"
    __table_args__ = (Index("ix_obligation_agreement", "agreement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    obligor_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    obligee_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    #: Marked fully performed on this date (a non-money term, or a file that only says so).
    performed_on: Mapped[date | None] = mapped_column(Date)
    #: app.domain.schedule.ScheduleKind; for "recurring", `amount_fen` is per month.
    schedule_kind: Mapped[str] = mapped_column(String(20), default="one_off")
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    instalments: Mapped[list[Instalment]] = relationship(
        cascade="all, delete-orphan", order_by="Instalment.position"
    )
    payments: Mapped[list[Payment]] = relationship(
        cascade="all, delete-orphan", order_by="Payment.on, Payment.id"
    )
    obligor: Mapped[Party | None] = relationship(foreign_keys=[obligor_party_id])
    obligee: Mapped[Party | None] = relationship(foreign_keys=[obligee_party_id])


class Instalment(Base):
    """One instalment of an obligation paid in parts."""

    __tablename__ = "instalment"
    __table_args__ = (Index("ix_instalment_obligation", "obligation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligation.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int | None] = mapped_column(Integer)


class Payment(Base):
    """A performance recorded against an obligation: a (partial) payment or an act done."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_obligation", "obligation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligation.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class FollowUp(Base):
    """回访 — a visit after the agreement to see it performed."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_case", "case_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("mediator.id"))
    performed: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    #: Whom the visitor met, what risks remain, what was done about them.
    met_with: Mapped[str] = mapped_column(String(200), default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    mediator: Mapped[Mediator | None] = relationship()


class AuditEntry(Base):
    """One entry per operation (app.services.operations): who changed what, when, from what.

    `before` and `after` are canonical JSON (sorted keys, no floats, ISO dates) of the fields
    that changed. Each entry carries the hash of the entry before it and of its own content
    (app.services.audit), so a row changed or deleted outside the program is found. The hash
    covers salted digests of `before` and `after`, not the texts: when a case is deleted at
    the end of its retention period its entries' texts are blanked (`erased_at` set) and the
    chain still holds.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(60), default="")
    #: The operation's name, e.g. "case.register", "case.escalate".
    action: Mapped[str] = mapped_column(String(60))
    #: What kind of thing changed ("case", "committee", "database") and its uuid, if any.
    entity: Mapped[str] = mapped_column(String(40), default="")
    entity_uuid: Mapped[str | None] = mapped_column(String(36))
    before: Mapped[str] = mapped_column(Text, default="{}")
    after: Mapped[str] = mapped_column(Text, default="{}")
    #: SHA-256 (hex) of the previous entry ("" for the first) and of this one's content.
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")
    #: A random value mixed into the two digests below, so a digest left after blanking tells
    #: nothing (without it a short text such as one ID number could be found by trying them).
    #: Blanked with the texts.
    salt: Mapped[str] = mapped_column(String(32), default="")
    #: SHA-256 (hex) of the salt and `before`, and of the salt and `after`: what the hash covers.
    before_digest: Mapped[str] = mapped_column(String(64), default="")
    after_digest: Mapped[str] = mapped_column(String(64), default="")
    #: When `before` and `after` were blanked because the case was deleted (None: they are
    #: whole). Not hashed: it is written long after the entry.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditSeal(Base):
    """The newest audit entry's id and hash (one row), written with every entry.

    The chain alone cannot tell that its last entries were deleted; the seal can.
    """

    __tablename__ = "audit_seal"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[int] = mapped_column(Integer, default=0)


class Account(Base):
    """A person who signs in when accounts are on: the name the audit log records, the role
    (app.domain.roles.Role) and the argon2id hash of the PIN or password — never the PIN."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    #: argon2-cffi's encoded hash, which carries its own salt and cost parameters.
    pin_hash: Mapped[str] = mapped_column(String(200))
    #: A deactivated account keeps its row: the audit log and the records name it.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    #: An administrator set this PIN; the person is asked to choose their own.
    must_change_pin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Wrong PINs since the last right one, and when the last was typed: the wait grows with them.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PrintedDocument(Base):
    """A form printed from a case: what was printed, when, by whom, and the code on the paper.

    `content_sha256` is the hash of the stored content the form printed (not of the file), so
    `verify` can tell whether a paper still matches the record.
    """

    __tablename__ = "printed_document"
    __table_args__ = (Index("ix_printed_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id", ondelete="CASCADE"))
    form: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(60), default="")
    #: The committee wording version the form used (0: the standard texts).
    wording_version: Mapped[int] = mapped_column(Integer, default=0)


class Wording(Base):
    """One version of a standard text the committee changed (rights notice, header, effect)."""

    __tablename__ = "wording"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(60), default="")


class ScreeningRound(Base):
    """矛盾纠纷排查 — one round of screening an area for disputes: when, where, by whom."""

    __tablename__ = "screening_round"
    __table_args__ = (Index("ix_screening_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    held_on: Mapped[date] = mapped_column(Date)
    area: Mapped[str] = mapped_column(String(200))
    screened_by: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    findings: Mapped[list[ScreeningFinding]] = relationship(
        cascade="all, delete-orphan", order_by="ScreeningFinding.position"
    )


class ScreeningFinding(Base):
    """What a screening round found: registered as a case, resolved on the spot, or watched."""

    __tablename__ = "screening_finding"
    __table_args__ = (
        Index("ix_finding_round", "round_id"),
        Index("ix_finding_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("screening_round.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    #: app.domain.codes.FindingOutcome
    outcome: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("dispute_case.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
