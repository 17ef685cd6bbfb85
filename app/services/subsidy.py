"""以案定补: the committee's subsidy scheme, each closed case's class, and a period's claim sheet
(per mediator and in total, with the cases held back for an incomplete dossier and why).

The rules and the arithmetic are `app.domain.subsidy`; this module reads the cases, checks
their dossiers (`app.domain.dossier.check_dossier`) and writes the committee's decisions
through the operation layer. The Excel sheet is `app.services.subsidy_sheet`; the PDF is the
form `app.documents.forms.subsidy_claim`.

A case's mediation *ended* on the day of its first outcome — the agreement, the failure,
termination, withdrawal, referral or the refusal to accept it — and that day places it in a
claim period (an agreement case is claimed when agreed, not when performed). The class may be
set on an archived case: it is the committee's decision about the claim, not a change to the
file, and it is recorded in the case's history like any change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

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
from app.domain.dossier import check_dossier, missing_items
from app.domain.errors import UserError, ValidationError
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
    EscalationView,
    PanelMemberView,
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
REASON_MAX = 500


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
    if case.status not in CLOSED_STATUSES:
        return None
    agreed = (
        Ending.ORAL
        if case.agreement is not None and case.agreement.form is AgreementForm.ORAL
        else Ending.WRITTEN
    )
    for step in case.status_history:
        if step.event in ENDING_EVENTS:
            return step.on, ENDING_EVENTS[step.event] or agreed
    # A case imported at its status, without the steps that brought it there.
    if case.declined_reason and case.accepted_on is None:
        return case.closed_on or case.received_on, Ending.DECLINED
    if case.agreement is not None:
        return case.agreement.reached_on or case.closed_on or case.received_on, agreed
    return case.closed_on or case.received_on, Ending.UNSUCCESSFUL


def facts_of(case: CaseDetail) -> CaseFacts:
    """What the suggestion looks at; a case referred out counts at the tier it left from."""
    tier = case.tier_resolved or case.tier
    if tier is Tier.REFERRED:
        left = [e.from_tier for e in case.escalations if e.from_tier is not Tier.REFERRED]
        tier = max(left, key=tier_rank) if left else Tier.COMMUNITY
    amount = None if case.amount is None else to_fen(case.amount)
    return CaseFacts(amount, case.persons_involved, tier, case.dispute_type)


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
    reason = (reason or "").strip()
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
        if len(reason) > REASON_MAX:
            raise ValidationError("reason", "理由", f"最多{REASON_MAX}个字，请写得简短些")
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
    """Cases that may have ended in the period: a first ending step in it, or — for a case
    imported at its status without its steps — its closing or agreement day in it."""
    ending = sorted(ENDING_EVENTS)
    first = (
        select(StatusChange.case_id, func.min(StatusChange.id).label("first_id"))
        .where(StatusChange.event.in_(ending))
        .group_by(StatusChange.case_id)
        .subquery()
    )
    stepped = (
        select(StatusChange.case_id)
        .join(first, StatusChange.id == first.c.first_id)
        .where(StatusChange.on.between(start, end))
    )
    steps = exists().where(StatusChange.case_id == Case.id, StatusChange.event.in_(ending))
    agreed_in = exists().where(
        Agreement.case_id == Case.id, Agreement.reached_on.between(start, end)
    )
    stepless = (
        select(Case.id)
        .where(Case.status.in_(_CLOSED), ~steps)
        .where(or_(Case.closed_on.between(start, end), agreed_in))
    )
    found = set(session.scalars(stepped)) | set(session.scalars(stepless))
    return sorted(found)


def claim_details(session: Session, ids: list[int]) -> list[CaseDetail]:
    """The cases' views with what the claim reads — status and steps, parties, panel, tiers,
    agreement and terms, sittings, attachments and the dossier's dates — read with a few Core
    queries instead of the whole case (a year's claim reads thousands of cases). Lists the
    claim does not read (requests, agents, follow-ups, payments…) are left empty; a test holds
    the dossier check, the ending and the suggestion's facts equal to those of `to_detail`.
    """
    details: list[CaseDetail] = []
    for chunk in _chunks(ids):
        details += _details_of(session, chunk)
    return details


_CODES: dict[type[Labelled], dict[str, Labelled]] = {}


def _code(kind: type[L], code: str) -> L:
    """The member of `kind` with this code, from a table: calling an enum class is slow, and a
    year's claim reads a quarter of a million codes."""
    table = _CODES.get(kind)
    if table is None:
        table = _CODES[kind] = {m.value: m for m in kind}
    return table[code]  # type: ignore[return-value]


def _details_of(session: Session, ids: list[int]) -> list[CaseDetail]:
    grouped: dict[str, dict[int, list[Any]]] = {}
    # Core on the session's connection: the ORM's result machinery would double the time.
    connection = session.connection()

    def rows(name: str, query: Any) -> None:
        table = grouped.setdefault(name, {})
        for row in connection.execute(query).all():
            table.setdefault(row.case_id, []).append(row)

    rows(
        "parties",
        select(Party.case_id, Party.id, Party.position, Party.role, Party.kind, Party.name)
        .where(Party.case_id.in_(ids))
        .order_by(Party.case_id, Party.position),
    )
    rows(
        "panel",
        select(
            PanelMember.case_id,
            PanelMember.mediator_id,
            PanelMember.role,
            Mediator.uuid,
            Mediator.name,
        )
        .join(Mediator, Mediator.id == PanelMember.mediator_id)
        .where(PanelMember.case_id.in_(ids))
        .order_by(PanelMember.case_id, PanelMember.id),
    )
    rows(
        "escalations",
        select(
            Escalation.case_id,
            Escalation.from_tier,
            Escalation.to_tier,
            Escalation.on,
            Escalation.id,
        )
        .where(Escalation.case_id.in_(ids))
        .order_by(Escalation.case_id, Escalation.on, Escalation.id),
    )
    rows(
        "steps",
        select(
            StatusChange.case_id,
            StatusChange.event,
            StatusChange.from_status,
            StatusChange.to_status,
            StatusChange.on,
        )
        .where(StatusChange.case_id.in_(ids))
        .order_by(StatusChange.case_id, StatusChange.id),
    )
    rows(
        "sessions",
        select(
            MediationSession.case_id,
            MediationSession.id,
            MediationSession.kind,
            MediationSession.held_at,
        )
        .where(MediationSession.case_id.in_(ids))
        .order_by(MediationSession.case_id, MediationSession.held_at, MediationSession.id),
    )
    rows(
        "attachments",
        select(
            Attachment.case_id,
            Attachment.id,
            Attachment.sha256,
            Attachment.original_name,
            Attachment.size,
            Attachment.added_at,
            Attachment.kind,
            Attachment.party_id,
        )
        .where(Attachment.case_id.in_(ids))
        .order_by(Attachment.case_id, Attachment.id),
    )
    rows(
        "agreement",
        select(Agreement.case_id, Agreement.id, Agreement.form, Agreement.reached_on).where(
            Agreement.case_id.in_(ids)
        ),
    )
    rows(
        "terms",
        select(Agreement.case_id, Obligation.id, Obligation.position, Obligation.text)
        .join(Obligation, Obligation.agreement_id == Agreement.id)
        .where(Agreement.case_id.in_(ids))
        .order_by(Agreement.case_id, Obligation.position),
    )
    cases = connection.execute(
        select(
            Case.id,
            Case.uuid,
            Case.number,
            Case.title,
            Case.dispute_type,
            Case.source,
            Case.received_on,
            Case.tier,
            Case.status,
            Case.amount_fen,
            Case.persons_involved,
            Case.accepted_on,
            Case.declined_reason,
            Case.tier_resolved,
            Case.performed_on,
            Case.closed_on,
            Case.rights_notified_on,
        )
        .where(Case.id.in_(ids))
        .order_by(Case.id)
    ).all()

    def of(name: str, case_id: int) -> list[Any]:
        return grouped[name].get(case_id, [])

    out: list[CaseDetail] = []
    for c in cases:
        agreed = of("agreement", c.id)
        agreement = None
        if agreed:
            agreement = AgreementView(
                form=_code(AgreementForm, agreed[0].form),
                reached_on=agreed[0].reached_on,
                terms=tuple(TermView(t.position, t.text, id=t.id) for t in of("terms", c.id)),
            )
        out.append(
            CaseDetail(
                id=c.id,
                uuid=c.uuid,
                number=c.number,
                title=c.title,
                dispute_type=_code(DisputeType, c.dispute_type),
                source=_code(Source, c.source),
                received_on=c.received_on,
                tier=_code(Tier, c.tier),
                status=_code(CaseStatus, c.status),
                amount=from_fen(c.amount_fen) if c.amount_fen is not None else None,
                persons_involved=c.persons_involved,
                parties=tuple(
                    PartyView(
                        p.id, p.position, _code(PartyRole, p.role), _code(PartyKind, p.kind), p.name
                    )
                    for p in of("parties", c.id)
                ),
                panel=tuple(
                    PanelMemberView(m.mediator_id, m.uuid, m.name, _code(PanelRole, m.role))
                    for m in of("panel", c.id)
                ),
                escalations=tuple(
                    EscalationView(_code(Tier, e.from_tier), _code(Tier, e.to_tier), e.on)
                    for e in of("escalations", c.id)
                ),
                agreement=agreement,
                accepted_on=c.accepted_on,
                declined_reason=c.declined_reason,
                tier_resolved=_code(Tier, c.tier_resolved) if c.tier_resolved else None,
                performed_on=c.performed_on,
                closed_on=c.closed_on,
                rights_notified_on=c.rights_notified_on,
                status_history=tuple(
                    StatusChangeView(
                        event=s.event,
                        event_label=s.event,
                        from_status=_code(CaseStatus, s.from_status) if s.from_status else None,
                        to_status=_code(CaseStatus, s.to_status),
                        on=s.on,
                    )
                    for s in of("steps", c.id)
                ),
                sessions=tuple(
                    SessionView(m.id, _code(SessionKind, m.kind), m.held_at)
                    for m in of("sessions", c.id)
                ),
                attachments=tuple(
                    AttachmentView(
                        a.id,
                        a.sha256,
                        a.original_name,
                        a.size,
                        a.added_at,
                        "",
                        _code(AttachmentKind, a.kind),
                        a.party_id,
                    )
                    for a in of("attachments", c.id)
                ),
            )
        )
    return out


def claim_cases(session: Session, scheme: Scheme, start: date, end: date) -> list[ClaimCase]:
    """The cases whose mediation ended between `start` and `end` (both included)."""
    ids = _candidates(session, start, end)
    subsidy = {
        row.id: row
        for chunk in _chunks(ids)
        for row in session.execute(
            select(
                Case.id,
                Case.subsidy_class,
                Case.subsidy_reason,
                Case.subsidy_useful,
                Case.subsidy_oral_proof,
            ).where(Case.id.in_(chunk))
        )
    }
    found: list[ClaimCase] = []
    for detail in claim_details(session, ids):
        ended = ending_of(detail)
        if ended is None or not start <= ended[0] <= end:
            continue
        decided = subsidy[detail.id]
        suggested, reasons = suggest_class(scheme, facts_of(detail))
        found.append(
            ClaimCase(
                case_id=detail.id,
                number=detail.number,
                title=detail.title,
                ended_on=ended[0],
                ending=ended[1],
                class_code=decided.subsidy_class,
                suggested=suggested,
                suggestion_reasons=reasons,
                reason=decided.subsidy_reason,
                oral_proof=decided.subsidy_oral_proof,
                useful=decided.subsidy_useful,
                panel=tuple(Seat(m.mediator_id, m.name, m.role) for m in detail.panel),
                missing=missing_items(check_dossier(detail)),
            )
        )
    return found


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
