"""What services return and documents print from: plain frozen dataclasses, never ORM objects.

Services build these; the document forms and the window only read them, so a form never
needs a service or the database to print. They carry label-ready codes (enums) and exact
values (`Decimal` yuan, `date`, timezone-aware UTC timestamps).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from app.domain.codes import (
    AgreementForm,
    AttachmentKind,
    AuthorityKind,
    CaseStatus,
    DisputeType,
    PanelRole,
    ParticipantKind,
    PartyKind,
    PartyRole,
    RelationKind,
    RiskFlag,
    RiskLevel,
    Satisfaction,
    SessionKind,
    Sex,
    Source,
    Tier,
)
from app.domain.schedule import Payment, Schedule
from app.domain.values import Place, age_on, mask_id_number


@dataclass(frozen=True)
class CommitteeInfo:
    """The committee's settings that appear on documents."""

    name: str
    short_name: str
    number_pattern: str
    print_effect_sentence: bool = True
    print_confirmation_hint: bool = True
    follow_up_days: int = 30
    #: "standard", or "gbt9704" (GB/T 9704 official-document layout).
    page_layout: str = "standard"
    #: The committee's wording of standard texts, (key, text) (`app.domain.wording`), and how
    #: many changes it has made (a printed document records the number).
    texts: tuple[tuple[str, str], ...] = ()
    wording_version: int = 0

    def text(self, key: str) -> str:
        """The committee's wording of `key`, else the standard one."""
        from app.domain.wording import STANDARD

        return dict(self.texts).get(key, STANDARD[key].default)


@dataclass(frozen=True)
class AgentView:
    """委托代理人 of a party, with the authority the party gave."""

    id: int
    name: str
    phone: str = ""
    authority_kind: AuthorityKind = AuthorityKind.GENERAL
    authorised_on: date | None = None
    authority: str = ""


@dataclass(frozen=True)
class PartyView:
    """当事人 — a person or an organisation in a case, in the order entered."""

    id: int
    position: int
    role: PartyRole
    kind: PartyKind
    name: str
    sex: Sex | None = None
    ethnicity: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    address: str = ""
    occupation: str = ""
    credit_code: str = ""
    legal_representative: str = ""
    agents: tuple[AgentView, ...] = ()

    def age_on(self, on: date) -> int | None:
        return age_on(self.birth_date, on) if self.birth_date else None

    @property
    def masked_id_number(self) -> str:
        """ID numbers are sensitive (PIPL): lists show only the first 6 and last 4."""
        return mask_id_number(self.id_number)


@dataclass(frozen=True)
class PanelMemberView:
    mediator_id: int
    mediator_uuid: str
    name: str
    role: PanelRole


@dataclass(frozen=True)
class TermView:
    """One numbered term of an agreement; obligor/obligee index into `CaseDetail.parties`."""

    position: int
    text: str
    obligor: int | None = None
    obligee: int | None = None
    amount: Decimal | None = None
    due: date | None = None
    performed_on: date | None = None
    #: The obligation's id (payments and the to-do list refer to it).
    id: int | None = None
    #: When it falls due; None for a term that is no obligation (a statement of fact).
    schedule: Schedule | None = None
    #: 履行记录, oldest first (with their ids in `payment_ids`, same order).
    payments: tuple[Payment, ...] = ()
    payment_ids: tuple[int, ...] = ()
    payment_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgreementView:
    """调解协议 — written or oral."""

    form: AgreementForm
    reached_on: date | None
    facts: str = ""
    issues: str = ""
    responsibility: str = ""
    terms: tuple[TermView, ...] = ()
    #: 司法确认 (art. 33): applied on, the court, its ruling and the day it ruled.
    confirmation_applied_on: date | None = None
    confirmation_court: str = ""
    confirmation_result: str = ""
    confirmation_decided_on: date | None = None

    @property
    def total_amount(self) -> Decimal | None:
        amounts = [t.amount for t in self.terms if t.amount is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None


@dataclass(frozen=True)
class EscalationView:
    from_tier: Tier
    to_tier: Tier
    on: date
    reason: str = ""
    decided_by: str = ""


@dataclass(frozen=True)
class FollowUpView:
    on: date
    by_mediator_uuid: str | None
    by_name: str
    performed: bool | None
    satisfaction: Satisfaction | None
    notes: str = ""
    id: int | None = None
    by_mediator_id: int | None = None
    met_with: str = ""
    risks: str = ""
    measures: str = ""


@dataclass(frozen=True)
class StatusChangeView:
    """One step of the case's life: what happened, when, by whom and why."""

    event: str
    event_label: str
    from_status: CaseStatus | None
    to_status: CaseStatus
    on: date
    actor: str = ""
    reason: str = ""
    withdrawn_by: str = ""
    referred_to: str | None = None
    #: Failure routes told to the parties, as codes.
    routes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionView:
    """调查记录 or 调解记录 — one sitting; those present are names, one per line."""

    id: int
    kind: SessionKind
    held_at: datetime
    place: str = ""
    mediators_present: str = ""
    parties_present: str = ""
    participants_present: str = ""
    recorder: str = ""
    statements: str = ""
    facts_verified: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class ParticipantView:
    """Someone invited to help (art. 20), neither party nor mediator."""

    id: int
    name: str
    kind: ParticipantKind
    organisation: str = ""
    phone: str = ""


@dataclass(frozen=True)
class AttachmentView:
    """A file kept with the case (evidence, a photo, a signed paper), stored by content hash."""

    id: int
    sha256: str
    original_name: str
    size: int
    added_at: datetime
    description: str = ""
    kind: AttachmentKind = AttachmentKind.OTHER
    #: The id of the party the file belongs to (an identity proof), None for the case's.
    party_id: int | None = None


@dataclass(frozen=True)
class CaseDetail:
    """Everything about one case that a page or a printed form needs."""

    id: int
    uuid: str
    number: str
    title: str
    dispute_type: DisputeType
    source: Source
    received_on: date
    tier: Tier
    status: CaseStatus
    place: Place = field(default_factory=Place)
    amount: Decimal | None = None
    persons_involved: int | None = None
    risk_flags: tuple[RiskFlag, ...] = ()
    facts: str = ""
    requests: tuple[str, ...] = ()
    parties: tuple[PartyView, ...] = ()
    panel: tuple[PanelMemberView, ...] = ()
    escalations: tuple[EscalationView, ...] = ()
    agreement: AgreementView | None = None
    follow_ups: tuple[FollowUpView, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    accepted_on: date | None = None
    declined_reason: str = ""
    #: The one-month norm moved by the parties' consent, and why.
    mediation_extended_to: date | None = None
    extension_reason: str = ""
    risk_level: RiskLevel | None = None
    risk_measures: str = ""
    police_reported_on: date | None = None
    escalation_prevented: bool = False
    tier_resolved: Tier | None = None
    performed_on: date | None = None
    closed_on: date | None = None
    status_history: tuple[StatusChangeView, ...] = ()
    sessions: tuple[SessionView, ...] = ()
    participants: tuple[ParticipantView, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()
    #: The day the parties were given the 权利义务告知书.
    rights_notified_on: date | None = None
    #: 卷宗情况说明.
    dossier_note: str = ""

    @property
    def copies(self) -> int:
        """Art. 29: one copy for each party and one for the committee."""
        return len(self.parties) + 1

    def parties_in(self, role: PartyRole) -> tuple[PartyView, ...]:
        return tuple(p for p in self.parties if p.role == role)


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list (read with a Core query, not the ORM)."""

    id: int
    uuid: str
    number: str
    title: str
    status: CaseStatus
    tier: Tier
    received_on: date
    dispute_type: DisputeType
    parties: str = ""


@dataclass(frozen=True)
class Changed:
    """What an operation changed, so every open view refreshes just what it shows.

    `cases` names the cases whose page must reload; `case_list` the list (a listed column or
    the set of cases changed); `due` the 待办 view; `mediators` the roster; `settings` the
    committee's settings.
    """

    cases: frozenset[int] = frozenset()
    case_list: bool = False
    mediators: bool = False
    settings: bool = False
    due: bool = False

    def __or__(self, other: Changed) -> Changed:
        return Changed(
            cases=self.cases | other.cases,
            case_list=self.case_list or other.case_list,
            mediators=self.mediators or other.mediators,
            settings=self.settings or other.settings,
            due=self.due or other.due,
        )

    @property
    def everything(self) -> bool:
        """An import or the demo: more changed than is worth naming."""
        return self.case_list and self.mediators and self.settings and self.due


@dataclass(frozen=True)
class MediatorView:
    """人民调解员 on the roster."""

    id: int
    uuid: str
    name: str
    sex: Sex | None
    birth_date: date | None
    elder_category: str | None
    elder_category_label: str
    phone: str
    place: Place
    specialties: tuple[DisputeType, ...]
    active: bool
    ethnicity: str = ""
    languages: str = ""
    #: Their own limit of open cases; None: the committee's.
    case_limit: int | None = None
    committee_member: bool = False
    notes: str = ""


@dataclass(frozen=True)
class AbsenceView:
    from_on: date
    to_on: date
    reason: str


@dataclass(frozen=True)
class TrainingView:
    on: date
    topic: str
    minutes: int


@dataclass(frozen=True)
class RelationView:
    person_name: str
    kind: RelationKind
    id_number: str
    phone: str
    notes: str


@dataclass(frozen=True)
class RosterRow:
    """One line of the roster page: the mediator and where they stand today."""

    mediator: MediatorView
    open_cases: int
    #: The limit that applies (their own, else the committee's).
    limit: int
    #: "" when they can be drawn today, else why not (不在岗, 外出至…, 已达上限).
    unavailable: str


@dataclass(frozen=True)
class CaseRoleCount:
    """Cases a mediator sat on in one role at one tier."""

    role: PanelRole
    tier: Tier
    cases: int


@dataclass(frozen=True)
class MediatorRecord:
    """Everything the committee reviews of one mediator each year."""

    mediator: MediatorView
    absences: tuple[AbsenceView, ...]
    trainings: tuple[TrainingView, ...]
    relations: tuple[RelationView, ...]
    by_role_and_tier: tuple[CaseRoleCount, ...]
    cases: int
    sessions_attended: int
    agreements_reached: int
    open_cases: int
    limit: int
    #: (number, status label) of the cases still open, newest first.
    open_case_numbers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CaseQuery:
    """What the case list shows: filters, search text and order.

    Defined here, beside the views, so the window can build one without loading the database
    layer (SQLAlchemy takes ~400 ms to import).
    """

    statuses: frozenset[str] = field(default_factory=frozenset)
    tiers: frozenset[str] = field(default_factory=frozenset)
    text: str = ""
    sort: str = "received_on"
    descending: bool = True
