"""以案定补: the committee's subsidy scheme, each closed case's class, and a period's claim sheet
(per mediator and in total, with the cases held back for an incomplete dossier and why).

The rules and the arithmetic are `app.domain.subsidy`; this module reads the cases, checks
their dossiers (`app.domain.dossier.check_dossier`) and writes the committee's decisions
through the operation layer. A claim reads its period's cases set-based — a few queries a
thousand cases, what the claim needs and no more — and asks the dossier check once for each
shape of dossier rather than once a case (`claim_cases`). The Excel sheet is
`app.services.subsidy_sheet`; the PDF is the form `app.documents.forms.subsidy_claim`.

A case's mediation *ended* on the day of its first outcome — the agreement, the failure,
termination, withdrawal, referral or the refusal to accept it — and that day places it in a
claim period (an agreement case is claimed when agreed, not when performed). The class may be
set on an archived case: it is the committee's decision about the claim, not a change to the
file, and it is recorded in the case's history like any change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from sqlalchemy import BindParameter, bindparam, exists, func, select, union_all
from sqlalchemy.orm import Session, aliased

from app.db.models import (
    Agreement,
    Attachment,
    Case,
    Committee,
    Escalation,
    MediationSession,
    Mediator,
    Obligation,
    PanelMember,
    Party,
    StatusChange,
)
from app.domain.codes import (
    AgreementForm,
    AttachmentKind,
    CaseStatus,
    DisputeType,
    Labelled,
    PanelRole,
    PartyKind,
    PartyRole,
    SessionKind,
    Source,
    Tier,
)
from app.domain.dossier import DossierItem, check_dossier, missing_items
from app.domain.errors import UserError, ValidationError
from app.domain.fields import clean_text, max_length
from app.domain.lifecycle import CLOSED_STATUSES, CaseEvent
from app.domain.money import from_fen, to_fen
from app.domain.subsidy import (
    CaseClass,
    CaseFacts,
    ClaimCase,
    ClaimSheet,
    Ending,
    Scheme,
    Seat,
    claim,
    suggest_class,
)
from app.domain.tiers import tier_rank
from app.services.database import Database
from app.services.detail import to_detail
from app.services.files import write_atomically
from app.services.operations import DEFAULT_ACTOR
from app.services.records import row_fields
from app.views import (
    AgreementView,
    AttachmentView,
    CaseDetail,
    Changed,
    PartyView,
    SessionView,
    StatusChangeView,
    TermView,
)

Format = Literal["pdf", "docx", "xlsx"]
L = TypeVar("L", bound=Labelled)

#: The events that end a case's mediation, and how.
ENDING_EVENTS: dict[str, Ending | None] = {
    CaseEvent.REACH_AGREEMENT.value: None,  # written or oral: the agreement says
    CaseEvent.FAIL.value: Ending.UNSUCCESSFUL,
    CaseEvent.TERMINATE.value: Ending.UNSUCCESSFUL,
    CaseEvent.WITHDRAW.value: Ending.UNSUCCESSFUL,
    CaseEvent.REFER.value: Ending.UNSUCCESSFUL,
    CaseEvent.DECLINE.value: Ending.DECLINED,
}
_CLOSED = sorted(s.value for s in CLOSED_STATUSES)
#: A reason for departing from the suggestion is at least this long (“同意” says nothing).
REASON_MIN = 4
REASON_MAX = max_length("case.subsidy_reason")


# ================================================================== the scheme


def _committee(session: Session) -> Committee:
    committee = session.scalar(select(Committee).limit(1))
    if committee is None:
        raise UserError("数据库中还没有调解委员会信息，请先初始化。")
    return committee


def stored_scheme(text: str) -> Scheme:
    """The scheme as stored on the committee ("" is the default)."""
    try:
        return Scheme.from_json(text or "")
    except UserError as error:
        raise UserError(
            "保存的补贴办法读不出来，请在“以案定补”中重新设定（或用 subsidy scheme --set）："
            + error.message
        ) from None


def subsidy_scheme(db: Database) -> Scheme:
    with db.reading() as session:
        return stored_scheme(_committee(session).subsidy_scheme)


def update_scheme(
    db: Database, scheme: Scheme | str, *, actor: str = DEFAULT_ACTOR
) -> tuple[Scheme, Changed]:
    """Set the committee's scheme (a `Scheme`, or its JSON text, checked whole first)."""
    chosen = Scheme.from_json(scheme) if isinstance(scheme, str) else scheme
    with db.operation(actor, "subsidy.scheme") as op:
        committee = _committee(op.session)
        op.track("committee", None, lambda: row_fields(committee))
        # Written out even when it is the default: a later version's defaults must not change
        # a scheme the committee has set.
        committee.subsidy_scheme = chosen.to_json()
        op.result = chosen
        op.refresh(Changed(settings=True))
    return op.outcome


# ================================================================== one case's class


def ending_of(case: CaseDetail) -> tuple[date, Ending] | None:
    """When and how the case's mediation ended; None while it has not."""
    first = next((s for s in case.status_history if s.event in ENDING_EVENTS), None)
    agreement = case.agreement
    return _ending(
        case.status,
        None if first is None else (first.event, first.on),
        None if agreement is None else (agreement.form, agreement.reached_on),
        case.declined_reason,
        case.accepted_on,
        case.closed_on,
        case.received_on,
    )


def _ending(
    status: CaseStatus,
    first_step: tuple[str, date] | None,
    agreement: tuple[AgreementForm, date | None] | None,
    declined_reason: str,
    accepted_on: date | None,
    closed_on: date | None,
    received_on: date,
) -> tuple[date, Ending] | None:
    """`ending_of` from what it reads of the case: its first step that ended mediation (event,
    day), its agreement (form, day) — the claim reads these for thousands of cases at once."""
    if status not in CLOSED_STATUSES:
        return None
    agreed = (
        Ending.ORAL
        if agreement is not None and agreement[0] is AgreementForm.ORAL
        else Ending.WRITTEN
    )
    if first_step is not None:
        event, on = first_step
        return on, ENDING_EVENTS[event] or agreed
    # A case imported at its status, without the steps that brought it there.
    if declined_reason and accepted_on is None:
        return closed_on or received_on, Ending.DECLINED
    if agreement is not None:
        return agreement[1] or closed_on or received_on, agreed
    return closed_on or received_on, Ending.UNSUCCESSFUL


def facts_of(case: CaseDetail) -> CaseFacts:
    """What the suggestion looks at; a case referred out counts at the tier it left from."""
    return _facts(
        case.tier_resolved or case.tier,
        [e.from_tier for e in case.escalations],
        None if case.amount is None else to_fen(case.amount),
        case.persons_involved,
        case.dispute_type,
    )


def _facts(
    tier: Tier,
    left_from: list[Tier],
    amount_fen: int | None,
    persons: int | None,
    dispute_type: DisputeType,
) -> CaseFacts:
    """`facts_of` from what it reads of the case; `left_from`: the tiers its escalations left."""
    if tier is Tier.REFERRED:
        left = [t for t in left_from if t is not Tier.REFERRED]
        tier = max(left, key=tier_rank) if left else Tier.COMMUNITY
    return CaseFacts(amount_fen, persons, tier, dispute_type)


@dataclass(frozen=True)
class ClassDecision:
    """A case's subsidy class as decided, and what the scheme suggests for it and why."""

    case_id: int
    case_number: str
    status: CaseStatus
    #: None while the case is still open (no class can be decided yet).
    ending: Ending | None
    ended_on: date | None
    class_code: str | None
    class_label: str
    reason: str
    useful: bool
    oral_proof: bool
    suggested: CaseClass
    suggestion_reasons: tuple[str, ...]
    classes: tuple[CaseClass, ...]

    @property
    def closed(self) -> bool:
        return self.ending is not None

    def summary(self) -> str:
        """补贴类别：一般（建议：一般——涉及金额…）"""
        why = "；".join(self.suggestion_reasons)
        suggested = f"建议“{self.suggested.label}”：{why}"
        if self.ending is None:
            return f"案件还在办理中，结案后再确定补贴类别。{suggested}。"
        if self.class_code is None:
            return f"补贴类别还没有确定。{suggested}。"
        text = f"补贴类别：“{self.class_label}”。{suggested}。"
        if self.reason:
            text += f"确定的理由：{self.reason}"
        return text


def _decision(case: Case, scheme: Scheme) -> ClassDecision:
    detail = to_detail(case)
    ended = ending_of(detail)
    suggested, reasons = suggest_class(scheme, facts_of(detail))
    return ClassDecision(
        case_id=case.id,
        case_number=case.number,
        status=CaseStatus(case.status),
        ending=ended[1] if ended else None,
        ended_on=ended[0] if ended else None,
        class_code=case.subsidy_class,
        class_label=scheme.label_of(case.subsidy_class),
        reason=case.subsidy_reason,
        useful=case.subsidy_useful,
        oral_proof=case.subsidy_oral_proof,
        suggested=suggested,
        suggestion_reasons=reasons,
        classes=scheme.classes,
    )


def class_decision(db: Database, case_ref: str | int) -> ClassDecision:
    from app.services.records import find_case

    with db.reading() as session:
        scheme = stored_scheme(_committee(session).subsidy_scheme)
        return _decision(find_case(session, case_ref), scheme)


def set_case_class(
    db: Database,
    case_ref: str | int,
    class_ref: str | None,
    reason: str = "",
    *,
    useful: bool | None = None,
    oral_proof: bool | None = None,
    actor: str = DEFAULT_ACTOR,
) -> tuple[ClassDecision, Changed]:
    """Decide the subsidy class of a closed case (a code or label of the scheme; None: not yet
    decided). A class other than the suggested one needs `reason`. `useful` marks failed but
    useful mediation, `oral_proof` an oral agreement with proof; None leaves them as they are.
    """
    reason = clean_text(reason, "case.subsidy_reason", field="reason", label="理由")
    with db.operation(actor, "subsidy.class", case=case_ref, allow_archived=True) as op:
        case = op.the_case
        scheme = stored_scheme(_committee(op.session).subsidy_scheme)
        before = _decision(case, scheme)
        if before.ending is None:
            raise UserError(
                f"案件{case.number}还在办理中（{before.status.label}），"
                "调解结束（达成协议、调解不成、撤回等）以后才能确定补贴类别。"
            )
        chosen: CaseClass | None = None
        if class_ref is not None and str(class_ref).strip():
            chosen = scheme.find(str(class_ref))
            if chosen is None:
                raise ValidationError(
                    "class",
                    "补贴类别",
                    f"补贴办法中没有“{class_ref}”，可以选：{scheme.class_names()}",
                )
        if chosen is not None and chosen != before.suggested and len(reason) < REASON_MIN:
            raise ValidationError(
                "reason",
                "理由",
                f"所选的“{chosen.label}”与建议的“{before.suggested.label}”不同，请写明理由，"
                "例如“双方多次反复，调解五次才达成协议”",
            )
        if useful and before.ending is not Ending.UNSUCCESSFUL:
            raise ValidationError(
                "useful",
                "调解不成但有成效",
                f"这个案件是“{before.ending.label}”，只有调解未成的案件才能这样认定",
            )
        if oral_proof and before.ending is not Ending.ORAL:
            raise ValidationError(
                "oral_proof",
                "口头协议有证明",
                f"这个案件是“{before.ending.label}”，只有口头协议才需要这样认定",
            )
        case.subsidy_class = chosen.code if chosen is not None else None
        case.subsidy_reason = reason if chosen is not None else ""
        if useful is not None:
            case.subsidy_useful = useful
        if oral_proof is not None:
            case.subsidy_oral_proof = oral_proof
        op.session.flush()
        op.result = _decision(case, scheme)
    return op.outcome


# ================================================================== the claim sheet


def check_period(start: date, end: date) -> None:
    if start > end:
        raise UserError(f"开始日期{start:%Y-%m-%d}晚于结束日期{end:%Y-%m-%d}，请把两个日期对调。")


#: Enough ids for one `IN (…)` and well within SQLite's limit of bound parameters.
_CHUNK = 900


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def _candidates(session: Session, start: date, end: date) -> list[int]:
    """Cases that may have ended in the period: their first ending step in it, or — for a case
    imported at its status without its steps — its closing or agreement day in it.

    The steps have no index by day: the period's ending steps are found in one pass over the
    steps, and one is its case's first when no ending step of the case has a smaller id
    (looked up through the case's index) — rather than grouping every step of every case to
    find each case's first, which took as long as the rest of the claim."""
    ending = sorted(ENDING_EVENTS)
    step, before = aliased(StatusChange), aliased(StatusChange)
    stepped = select(step.case_id).where(
        step.event.in_(ending),
        step.on.between(start, end),
        ~exists().where(
            before.case_id == step.case_id, before.event.in_(ending), before.id < step.id
        ),
    )
    days = union_all(
        select(Case.id).where(Case.closed_on.between(start, end)),
        select(Agreement.case_id).where(Agreement.reached_on.between(start, end)),
    )
    steps = exists().where(StatusChange.case_id == Case.id, StatusChange.event.in_(ending))
    stepless = select(Case.id).where(Case.id.in_(days), Case.status.in_(_CLOSED), ~steps)
    return sorted(set(session.scalars(stepped)) | set(session.scalars(stepless)))


_CODES: dict[type[Labelled], dict[str, Labelled]] = {}


def _code(kind: type[L], code: str) -> L:
    """The member of `kind` with this code, from a table: calling an enum class is slow, and a
    year's claim reads a quarter of a million codes."""
    table = _CODES.get(kind)
    if table is None:
        table = _CODES[kind] = {m.value: m for m in kind}
    return table[code]  # type: ignore[return-value]


# ------------------------------------------------------------ the dossiers of many cases
#
# The completeness check is `app.domain.dossier.check_dossier`'s alone: what is required, and
# what to do about each gap. A year's claim asks it of ten thousand cases, and building each
# case's view to ask it cost most of the claim; so the claim reads, set-based, only what the
# check reads of a case, and asks the check once for every shape of dossier instead of once a
# case (`_dossier_gaps`). A test holds the answers equal to the check of each whole case.

#: What the dossier check reads of a case besides its parties: whether it was accepted,
#: declined, its parties notified of their rights, the case closed; the events of its steps,
#: the kinds of its sittings and of its files (each as "a,b,a": `_codes`); its agreement's form
#: and whether it has terms. Thousands of cases share a few dozen shapes.
_Shape = tuple[bool, bool, bool, bool, str, str, tuple[AgreementForm, bool] | None, str]
#: What the dossier check reads of one case: its shape, its parties, and the kinds of the
#: files that belong to each party (by the party's id).
_Dossier = tuple[_Shape, tuple[PartyView, ...], Mapping[int, frozenset[str]]]
_NONE_BOUND: Mapping[int, frozenset[str]] = MappingProxyType({})


#: A day and a moment for the stand-in's dates: the check asks only whether there is one.
_ANY_DAY = date(2000, 1, 1)
_ANY_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)


def _stand_in(
    shape: _Shape, parties: tuple[PartyView, ...], bound: Mapping[int, frozenset[str]]
) -> CaseDetail:
    """A case that stands for every case of `shape` in the dossier check, with `parties`: a day
    where the case has one, one step of each event, one sitting and one file of each kind, the
    parties' files by party, one term if the agreement has any. The check asks whether there is
    a day, a step, a sitting or a file of a kind, never how many or which; should it ever ask
    more, the test that holds the claim's answers to each whole case's fails."""
    accepted, declined, notified, closed, events, sittings, agreement, kinds = shape

    def file(kind: str, party_id: int | None) -> AttachmentView:
        return AttachmentView(0, "", "", 0, _ANY_MOMENT, "", _code(AttachmentKind, kind), party_id)

    return CaseDetail(
        id=0,
        uuid="",
        number="",
        title="",
        dispute_type=DisputeType.OTHER,
        source=Source.APPLICATION,
        received_on=_ANY_DAY,
        tier=Tier.BUILDING,
        status=CaseStatus.REGISTERED,
        parties=parties,
        agreement=(
            None
            if agreement is None
            else AgreementView(agreement[0], None, terms=(TermView(1, ""),) if agreement[1] else ())
        ),
        accepted_on=_ANY_DAY if accepted else None,
        declined_reason="不予受理" if declined else "",
        closed_on=_ANY_DAY if closed else None,
        rights_notified_on=_ANY_DAY if notified else None,
        status_history=tuple(
            StatusChangeView(e, e, None, CaseStatus.REGISTERED, _ANY_DAY) for e in _codes(events)
        ),
        sessions=tuple(
            SessionView(0, _code(SessionKind, k), _ANY_MOMENT) for k in _codes(sittings)
        ),
        attachments=(
            *(file(kind, None) for kind in _codes(kinds)),
            *(file(kind, party) for party, own in bound.items() for kind in sorted(own)),
        ),
    )


def _dossier_gaps(dossiers: Sequence[_Dossier]) -> list[tuple[DossierItem, ...]]:
    """`missing_items(check_dossier(case))` of each case, asking the check twice a shape.

    For a shape the check is asked of a stand-in with no parties, and of one with the parties
    of all the shape's cases: the second answers the first's items with one item a party put
    in at one place, in the parties' order, and each case gets the first's items with its own
    parties' put in there. Should the check ever answer otherwise, each case is asked alone."""
    by_shape: dict[_Shape, list[int]] = defaultdict(list)
    for i, dossier in enumerate(dossiers):
        by_shape[dossier[0]].append(i)
    gaps: list[tuple[DossierItem, ...]] = [()] * len(dossiers)
    for shape, members in by_shape.items():
        parties = tuple(p for i in members for p in dossiers[i][1])
        bound = {p: kinds for i in members for p, kinds in dossiers[i][2].items()}
        base = check_dossier(_stand_in(shape, (), _NONE_BOUND))
        whole = check_dossier(_stand_in(shape, parties, bound))
        at = _parties_at(base, whole, len(parties))
        if at is None:
            for i in members:
                gaps[i] = missing_items(check_dossier(_stand_in(*dossiers[i])))
            continue
        items = iter(whole[at : at + len(parties)])
        before, after = base[:at], base[at:]
        for i in members:
            gaps[i] = missing_items((*before, *islice(items, len(dossiers[i][1])), *after))
    return gaps


def _parties_at(
    base: tuple[DossierItem, ...], whole: tuple[DossierItem, ...], parties: int
) -> int | None:
    """Where `whole` is `base` with `parties` items put in at one place; None if it is not."""
    if len(whole) != len(base) + parties:
        return None
    at = next((i for i, (a, b) in enumerate(zip(base, whole, strict=False)) if a != b), len(base))
    return at if whole[:at] == base[:at] and whole[at + parties :] == base[at:] else None


# ------------------------------------------------------------ the cases of a claim

#: A chunk of case ids, the one parameter of the claim's reading queries (built once).
_IDS: BindParameter[int] = bindparam("ids", expanding=True)


def _kinds(column: Any, case_id: Any) -> Any:
    """The codes in `column` of a case's rows as "a,b,a" (None: no rows): read as a set, and
    SQLite's DISTINCT costs more than the repeats."""
    return select(func.group_concat(column)).where(case_id == Case.id).scalar_subquery()


_FIRST_STEP = aliased(StatusChange, name="first_step")
#: A case's row for the claim, one row a case: its own columns, its agreement's, its first
#: step that ended mediation, what its dossier holds; the subsidy decision's last.
_CASES = (
    select(
        Case.id,
        Case.number,
        Case.title,
        Case.dispute_type,
        Case.received_on,
        Case.tier,
        Case.status,
        Case.amount_fen,
        Case.persons_involved,
        Case.accepted_on,
        Case.declined_reason,
        Case.tier_resolved,
        Case.closed_on,
        Case.rights_notified_on,
        Agreement.form,
        Agreement.reached_on,
        exists().where(Obligation.agreement_id == Agreement.id),
        _FIRST_STEP.event,
        _FIRST_STEP.on,
        _kinds(StatusChange.event, StatusChange.case_id),
        _kinds(MediationSession.kind, MediationSession.case_id),
        _kinds(Attachment.kind, Attachment.case_id),
        Case.subsidy_class,
        Case.subsidy_reason,
        Case.subsidy_useful,
        Case.subsidy_oral_proof,
    )
    .outerjoin(Agreement, Agreement.case_id == Case.id)
    .outerjoin(
        _FIRST_STEP,
        _FIRST_STEP.id
        == select(func.min(StatusChange.id))
        .where(StatusChange.case_id == Case.id, StatusChange.event.in_(sorted(ENDING_EVENTS)))
        .scalar_subquery(),
    )
    .where(Case.id.in_(_IDS))
    .order_by(Case.id)
)
#: The rows of the cases' parties, panels, escalations and party's files the claim reads.
_PARTIES = (
    select(Party.case_id, Party.id, Party.position, Party.role, Party.kind, Party.name)
    .where(Party.case_id.in_(_IDS))
    .order_by(Party.case_id, Party.position)
)
_PANELS = (
    select(PanelMember.case_id, PanelMember.mediator_id, PanelMember.role)
    .where(PanelMember.case_id.in_(_IDS))
    .order_by(PanelMember.case_id, PanelMember.id)
)
_LEFT_FROM = select(Escalation.case_id, Escalation.from_tier).where(Escalation.case_id.in_(_IDS))
_PARTY_FILES = (
    select(Attachment.case_id, Attachment.party_id, Attachment.kind)
    .distinct()
    .where(Attachment.case_id.in_(_IDS), Attachment.party_id.is_not(None))
)


#: A `ClaimCase`'s fields but the last, in order.
_Fields = tuple[
    int,
    str,
    str,
    date,
    Ending,
    str | None,
    CaseClass,
    tuple[str, ...],
    str,
    bool,
    bool,
    tuple[Seat, ...],
]


def _codes(codes: str) -> list[str]:
    """The codes of a `_kinds` column, each once, in order."""
    return sorted(set(codes.split(","))) if codes else []


def claim_cases(session: Session, scheme: Scheme, start: date, end: date) -> list[ClaimCase]:
    """The cases whose mediation ended between `start` and `end` (both included).

    Read set-based, a chunk of cases at a time: one row a case, and the rows of its parties,
    panel, escalations and parties' files; how it ended and its facts are worked out by
    `ending_of`'s and `facts_of`'s rules, its dossier by `_dossier_gaps`. Rows are unpacked,
    not read by column name: a year's claim reads a hundred thousand."""
    connection = session.connection()
    names: dict[int, str] = {
        i: name for i, name in session.execute(select(Mediator.id, Mediator.name))
    }
    # Each case's fields in `ClaimCase`'s order but its dossier's gaps, which are found for
    # all the cases at once.
    found: list[_Fields] = []
    dossiers: list[_Dossier] = []
    for chunk in _chunks(_candidates(session, start, end)):
        ids = {"ids": chunk}
        parties: dict[int, list[PartyView]] = defaultdict(list)
        for case_id, party_id, position, role, kind, name in connection.execute(_PARTIES, ids):
            party = PartyView(
                party_id, position, _code(PartyRole, role), _code(PartyKind, kind), name
            )
            parties[case_id].append(party)
        panels: dict[int, list[Seat]] = defaultdict(list)
        for case_id, mediator_id, role in connection.execute(_PANELS, ids):
            panels[case_id].append(Seat(mediator_id, names[mediator_id], _code(PanelRole, role)))
        left_from: dict[int, list[Tier]] = defaultdict(list)
        for case_id, tier in connection.execute(_LEFT_FROM, ids):
            left_from[case_id].append(_code(Tier, tier))
        bound: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for case_id, owner, kind in connection.execute(_PARTY_FILES, ids):
            if owner is not None:  # as the query asks; said again for the type checker
                bound[case_id][owner].add(kind)
        for row in connection.execute(_CASES, ids):
            (case_id, number, title, dispute_type, received_on, tier, status, amount_fen,
             persons, accepted_on, declined_reason, tier_resolved, closed_on, notified_on,
             form, agreed_on, has_terms, first_event, first_on, events, sittings, kinds,
             class_code, reason, useful, oral_proof) = row  # fmt: skip
            agreement = None if form is None else (_code(AgreementForm, form), agreed_on)
            ended = _ending(
                _code(CaseStatus, status),
                None if first_event is None else (first_event, first_on),
                agreement,
                declined_reason,
                accepted_on,
                closed_on,
                received_on,
            )
            if ended is None or not start <= ended[0] <= end:
                continue
            facts = _facts(
                _code(Tier, tier_resolved or tier),
                left_from.get(case_id, []),
                amount_fen,
                persons,
                _code(DisputeType, dispute_type),
            )
            suggested, reasons = suggest_class(scheme, facts)
            found.append(
                (case_id, number, title, *ended, class_code, suggested, reasons, reason,
                 oral_proof, useful, tuple(panels.get(case_id, ())))
            )  # fmt: skip
            shape: _Shape = (
                accepted_on is not None,
                bool(declined_reason),
                notified_on is not None,
                closed_on is not None,
                events or "",
                sittings or "",
                None if agreement is None else (agreement[0], bool(has_terms)),
                kinds or "",
            )
            files = bound.get(case_id)
            own = _NONE_BOUND if files is None else {p: frozenset(k) for p, k in files.items()}
            dossiers.append((shape, tuple(parties.get(case_id, ())), own))
    gaps = _dossier_gaps(dossiers)
    return [ClaimCase(*case, missing=missing) for case, missing in zip(found, gaps, strict=True)]


def claim_sheet(db: Database, start: date, end: date) -> ClaimSheet:
    """以案定补补贴申报表 of the period: claimed cases with each mediator's share, totals per
    mediator and in all, the cases held back (dossier incomplete, class not decided, no
    panel) with what is missing, and the cases the scheme does not pay, with why."""
    check_period(start, end)
    with db.reading() as session:
        committee = _committee(session)
        scheme = stored_scheme(committee.subsidy_scheme)
        cases = claim_cases(session, scheme, start, end)
        return claim(scheme, cases, start, end, committee=committee.name)


def save_claim(
    db: Database,
    start: date,
    end: date,
    fmt: str,
    target: Path | str,
    *,
    today: date | None = None,
) -> Path:
    """The claim sheet written to `target` as Excel (xlsx), PDF or Word (docx)."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in ("xlsx", "pdf", "docx"):
        raise UserError(f"不支持的格式“{fmt}”，补贴申报表只能保存为 xlsx（Excel）、pdf 或 docx。")
    sheet = claim_sheet(db, start, end)
    today = today or date.today()
    if fmt == "xlsx":
        from app.services.subsidy_sheet import write_claim_workbook

        return write_atomically(
            Path(target), lambda handle: write_claim_workbook(sheet, handle, today=today)
        )
    from app.documents import check_printable, render
    from app.documents.forms.subsidy_claim import build_subsidy_claim
    from app.services.database import get_committee

    document = build_subsidy_claim(sheet, get_committee(db), today=today)
    check_printable(document)
    kind: Literal["pdf", "docx"] = "pdf" if fmt == "pdf" else "docx"
    return write_atomically(Path(target), lambda handle: render(document, kind, handle))


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str(from_fen(fen))


def claim_data(sheet: ClaimSheet) -> dict[str, Any]:
    """The claim sheet as JSON data (money as "650.00", dates ISO, codes with labels)."""
    return {
        "committee": sheet.committee,
        "from": sheet.start.isoformat(),
        "to": sheet.end.isoformat(),
        "summary": sheet.summary(),
        "total": _yuan(sheet.total_fen),
        "cases_claimed": len(sheet.lines),
        "mediators": [
            {
                "mediator_id": m.mediator_id,
                "name": m.name,
                "cases": m.cases,
                "as_lead": m.as_lead,
                "as_member": m.as_member,
                "as_recorder": m.as_recorder,
                "amount": _yuan(m.amount_fen),
            }
            for m in sheet.mediators
        ],
        "cases": [
            {
                "case_id": line.case.case_id,
                "number": line.case.number,
                "title": line.case.title,
                "ended_on": line.case.ended_on.isoformat(),
                "ending": line.case.ending.value,
                "class": line.case_class.code,
                "class_label": line.case_class.label,
                "basis": line.basis.value,
                "basis_label": line.basis_text,
                "amount": _yuan(line.amount_fen),
                "shares": [
                    {
                        "mediator_id": s.mediator_id,
                        "name": s.name,
                        "role": s.role.value,
                        "amount": _yuan(s.amount_fen),
                    }
                    for s in line.shares
                ],
            }
            for line in sheet.lines
        ],
        "held": [
            {
                "case_id": h.case.case_id,
                "number": h.case.number,
                "title": h.case.title,
                "ended_on": h.case.ended_on.isoformat(),
                "class": h.case.class_code,
                "suggested": h.case.suggested.code,
                "amount_when_complete": _yuan(h.amount_fen),
                "problems": list(h.problems),
                "missing": [
                    {"key": i.key, "name": i.name, "what_to_do": i.what_to_do} for i in h.missing
                ],
            }
            for h in sheet.held
        ],
        "not_paid": [
            {
                "case_id": u.case.case_id,
                "number": u.case.number,
                "title": u.case.title,
                "ended_on": u.case.ended_on.isoformat(),
                "ending": u.case.ending.value,
                "reason": u.reason,
            }
            for u in sheet.unpaid
        ],
        "scheme": sheet.scheme.to_data(),
    }
