"""One case whole, as data and as text: what ``case show`` prints, with its audit history.

`case_report` is plain JSON data: dates ISO, money strings of yuan with two decimals ("1000.00"),
enums as their codes, schedules as dicts of their kind's fields. What describes the case itself
is at the top level and survives an export and an import into another database unchanged; what
that database gave the case — its ids, its bookkeeping times — is under ``"database"``, and the
audit entries are under ``"audit"``, so a comparison of two databases drops both
(``include_ids=False, include_audit=False``) and compares the rest. A party is named by its
index in ``"parties"`` (an attachment's ``"party"``, the dossier's ``"identity:1"``), never by
the database's id for it.

`case_text` is the same case for a volunteer to read: Chinese labels, local times, ID numbers
masked (PIPL), each obligation with where it stands today.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import AuditEntry, Case, Mediator
from app.domain.codes import (
    DrawKind,
    FailureRoute,
    PanelChoice,
    PanelMode,
    PanelRole,
    ReferralTarget,
    RiskFlag,
    Tier,
)
from app.domain.dossier import DossierItem, check_dossier
from app.domain.lifecycle import CaseEvent
from app.domain.money import format_yuan, from_fen, to_fen
from app.domain.schedule import (
    Instalment,
    ObligationStatus,
    Payment,
    Schedule,
    ScheduleKind,
    all_due_dates,
    describe,
    obligation_status,
)
from app.domain.tiers import TierFacts, lowest_feasible_tier, settled_at_lowest
from app.domain.values import mask_id_number
from app.services import accounts
from app.services.database import Database
from app.services.detail import to_detail
from app.services.records import find_case
from app.views import (
    AgreementView,
    AttachmentView,
    CaseDetail,
    FollowUpView,
    PanelMemberView,
    PartyView,
    StatusChangeView,
    TermView,
)

__all__ = ["AuditView", "case_audit", "case_report", "case_text", "operation_label"]


@dataclass(frozen=True)
class AuditView:
    """One audit entry of a case: who did which operation when, and the fields it changed."""

    at: datetime
    actor: str
    action: str
    entity: str
    before: dict[str, Any]
    after: dict[str, Any]


#: The operations' names in the volunteer's words; an unknown one is shown as stored.
OPERATION_LABELS = {
    "case.register": "登记",
    "case.update": "修改登记信息",
    "case.amend": "归档后更正",
    "case.escalate": "移交上一级",
    "case.extend": "延长调解期限",
    "case.risk": "风险预警",
    "party.remove": "删除当事人",
    "panel.add": "指定调解员",
    "panel.remove": "撤下调解员",
    "panel.draw": "抽选调解员",
    "panel.override": "人工调整调解员",
    "panel.recusal": "申请回避",
    "agent.save": "保存委托代理人",
    "agent.remove": "删除委托代理人",
    "participant.save": "保存参与调解人员",
    "participant.remove": "删除参与调解人员",
    "session.save": "保存调查或调解记录",
    "session.remove": "删除调查或调解记录",
    "attachment.add": "添加附件",
    "attachment.remove": "删除附件",
    "agreement.save": "保存调解协议",
    "agreement.confirmation": "司法确认",
    "obligation.schedule": "设定履行方式",
    "payment.record": "登记履行",
    "payment.remove": "删除履行记录",
    "follow_up.save": "保存回访",
    "follow_up.remove": "删除回访",
    "exchange.import": "导入",
    "subsidy.class": "确定补贴类别",
}


def operation_label(action: str) -> str:
    """An operation in the volunteer's words: case.accept → 受理 (an event by its own label)."""
    if action in OPERATION_LABELS:
        return OPERATION_LABELS[action]
    if action.startswith("case."):
        try:
            return CaseEvent(action.removeprefix("case.")).label
        except ValueError:
            pass
    return action


def case_audit(session: Session, case_uuid: str) -> list[AuditView]:
    """The audit entries about one case, oldest first."""
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.entity_uuid == case_uuid).order_by(AuditEntry.id)
    )
    return [
        AuditView(r.at, r.actor, r.action, r.entity, json.loads(r.before), json.loads(r.after))
        for r in rows
    ]


@dataclass(frozen=True)
class _Seat:
    """How one panel member came to sit (art. 19), in the order of `CaseDetail.panel`."""

    chosen_by: str
    reason: str
    #: The index in `CaseDetail.parties` of the party who chose them, if one did.
    party: int | None = None


@dataclass(frozen=True)
class _Recusal:
    """回避: a party asked that this mediator step aside."""

    id: int
    mediator_uuid: str
    name: str
    #: The index in `CaseDetail.parties` of the party who asked, if recorded.
    party: int | None
    on: date
    reason: str


@dataclass(frozen=True)
class _Chosen:
    """A mediator a draw seated, as its stored explanation tells."""

    mediator_uuid: str
    name: str
    role: str
    #: `PanelChoice` code; None in an explanation that does not say (a change by hand).
    chosen_by: str | None


@dataclass(frozen=True)
class _Draw:
    """One forming of the panel: a draw, a redraw or a change by hand."""

    id: int
    draw_no: int
    kind: DrawKind
    mode: PanelMode
    at: datetime
    actor: str
    reason: str
    chosen: tuple[_Chosen, ...]


@dataclass(frozen=True)
class _Beyond:
    """What the case's rows hold beyond `CaseDetail`: the outcome note, when the case was
    archived, how each panel member was chosen, the recusals and how the panel was formed."""

    outcome_note: str = ""
    archived_at: datetime | None = None
    panel: tuple[_Seat, ...] = ()
    recusals: tuple[_Recusal, ...] = ()
    draws: tuple[_Draw, ...] = ()


def _chosen(explanation: str) -> tuple[_Chosen, ...]:
    """The seats of a stored explanation; nothing when it cannot be read (it is kept as stored,
    and a damaged one must not stop the case from being shown)."""
    try:
        data = json.loads(explanation) if explanation.strip() else {}
    except (ValueError, RecursionError):
        return ()
    seats = data.get("seats") if isinstance(data, dict) else None
    if not isinstance(seats, list):
        return ()
    return tuple(
        _Chosen(
            str(s.get("mediator") or ""),
            str(s.get("name") or ""),
            str(s.get("role") or ""),
            s["chosen_by"] if isinstance(s.get("chosen_by"), str) else None,
        )
        for s in seats
        if isinstance(s, dict)
    )


def _beyond(session: Session, case: Case) -> _Beyond:
    # Parties by their place in the case's list: that survives an export, their ids do not.
    index_of = {p.id: i for i, p in enumerate(sorted(case.parties, key=lambda p: p.position))}

    def party(party_id: int | None) -> int | None:
        return index_of.get(party_id) if party_id is not None else None

    recused = {r.mediator_id for r in case.recusals}
    # A recused mediator has usually left the panel, so their name is looked up apart.
    names = (
        {
            m.id: (m.uuid, m.name)
            for m in session.execute(
                select(Mediator.id, Mediator.uuid, Mediator.name).where(Mediator.id.in_(recused))
            )
        }
        if recused
        else {}
    )
    return _Beyond(
        outcome_note=case.outcome_note,
        archived_at=case.archived_at,
        panel=tuple(_Seat(m.chosen_by, m.reason, party(m.chosen_by_party_id)) for m in case.panel),
        recusals=tuple(
            _Recusal(
                r.id,
                *names.get(r.mediator_id, ("", "")),
                party(r.party_id),
                r.on,
                r.reason,
            )
            for r in sorted(case.recusals, key=lambda r: r.id)
        ),
        draws=tuple(
            _Draw(
                d.id,
                d.draw_no,
                DrawKind(d.kind),
                PanelMode(d.mode),
                d.at,
                d.actor,
                d.reason,
                _chosen(d.explanation),
            )
            for d in sorted(case.panel_draws, key=lambda d: d.id)
        ),
    )


def _read(db: Database, ref: str | int) -> tuple[CaseDetail, _Beyond, list[AuditView]]:
    with db.reading() as session:
        case = find_case(session, ref)
        detail = to_detail(case)
        beyond, audit = _beyond(session, case), case_audit(session, detail.uuid)
    if accounts.may_see_identity(db):
        return detail, beyond, audit
    # A role that may not see them: masked in the history as on the page.
    masked = [
        replace(e, before=accounts.masked_fields(e.before), after=accounts.masked_fields(e.after))
        for e in audit
    ]
    return accounts.masked_detail(detail), beyond, masked


# --- Facts computed from the case -------------------------------------------------------------


def tier_facts(detail: CaseDetail) -> TierFacts:
    """What the case says about its size; where the parties live is not structured, so unknown."""
    return TierFacts(
        persons_involved=detail.persons_involved,
        amount_fen=to_fen(detail.amount) if detail.amount is not None else None,
        group_dispute=RiskFlag.GROUP_DISPUTE in detail.risk_flags,
    )


def term_status(term: TermView, today: date) -> ObligationStatus | None:
    """Where an obligation stands on `today`; None for a term nobody must perform.

    A term marked performed on a day without records of performance (the agreement form's
    column, an import of version 1) counts as performed in full that day, as the case's status
    and the 待办 list count it.
    """
    if term.schedule is None:
        return None
    payments = term.payments
    if term.performed_on is not None and not payments:
        schedule = term.schedule
        dues = all_due_dates(schedule) or [Instalment(term.performed_on, schedule.amount_fen)]
        payments = tuple(Payment(term.performed_on, d.amount_fen) for d in dues)
    return obligation_status(term.schedule, payments, today)


# --- Data -------------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _yuan(value: Decimal | None) -> str | None:
    return f"{value.quantize(Decimal('0.01'))}" if value is not None else None


def _fen(value: int | None) -> str | None:
    return _yuan(from_fen(value)) if value is not None else None


def _code(value: Any) -> str | None:
    return value.value if value is not None else None


def schedule_data(schedule: Schedule) -> dict[str, Any]:
    """The fields of the schedule's kind, and only those."""
    if schedule.kind is ScheduleKind.ONE_OFF:
        return {
            "kind": schedule.kind.value,
            "due": _day(schedule.due),
            "amount": _fen(schedule.amount_fen),
        }
    if schedule.kind is ScheduleKind.INSTALMENTS:
        return {
            "kind": schedule.kind.value,
            "instalments": [
                {"due": _day(i.due), "amount": _fen(i.amount_fen)} for i in schedule.instalments
            ],
        }
    return {
        "kind": schedule.kind.value,
        "day_of_month": schedule.day_of_month,
        "amount": _fen(schedule.amount_fen),
        "start": _day(schedule.start),
        "until": _day(schedule.until),
    }


def _status_data(status: ObligationStatus) -> dict[str, Any]:
    return {
        "state": status.state.value,
        "next_due": _day(status.next_due),
        "days_late": status.days_late,
        "paid": _fen(status.paid_fen) if status.outstanding_fen is not None else None,
        "outstanding": _fen(status.outstanding_fen),
        "overpaid": _fen(status.overpaid_fen) if status.overpaid_fen else None,
        "total": _fen(status.total_fen),
    }


def _term_data(term: TermView, today: date) -> dict[str, Any]:
    status = term_status(term, today)
    return {
        "position": term.position,
        "text": term.text,
        "obligor": term.obligor,
        "obligee": term.obligee,
        "amount": _yuan(term.amount),
        "due": _day(term.due),
        "performed_on": _day(term.performed_on),
        "schedule": schedule_data(term.schedule) if term.schedule else None,
        "schedule_text": describe(term.schedule) if term.schedule else None,
        "payments": [
            {"on": p.on.isoformat(), "amount": _fen(p.amount_fen), "note": note}
            for p, note in zip(term.payments, term.payment_notes, strict=True)
        ],
        "status": _status_data(status) if status else None,
    }


def _agreement_data(agreement: AgreementView, today: date) -> dict[str, Any]:
    return {
        "form": agreement.form.value,
        "reached_on": _day(agreement.reached_on),
        "facts": agreement.facts,
        "issues": agreement.issues,
        "responsibility": agreement.responsibility,
        "terms": [_term_data(t, today) for t in agreement.terms],
        "total_amount": _yuan(agreement.total_amount),
        "confirmation_applied_on": _day(agreement.confirmation_applied_on),
        "confirmation_court": agreement.confirmation_court,
        "confirmation_result": agreement.confirmation_result,
        "confirmation_decided_on": _day(agreement.confirmation_decided_on),
    }


def _party_data(p: PartyView) -> dict[str, Any]:
    return {
        "position": p.position,
        "role": p.role.value,
        "kind": p.kind.value,
        "name": p.name,
        "sex": _code(p.sex),
        "ethnicity": p.ethnicity,
        "birth_date": _day(p.birth_date),
        "id_number": p.id_number,
        "phone": p.phone,
        "address": p.address,
        "occupation": p.occupation,
        "credit_code": p.credit_code,
        "legal_representative": p.legal_representative,
        "agents": [
            {
                "name": g.name,
                "phone": g.phone,
                "authority_kind": g.authority_kind.value,
                "authorised_on": _day(g.authorised_on),
                "authority": g.authority,
            }
            for g in p.agents
        ],
    }


def _follow_up_data(f: FollowUpView) -> dict[str, Any]:
    return {
        "on": f.on.isoformat(),
        "by_mediator_uuid": f.by_mediator_uuid,
        "by_name": f.by_name,
        "met_with": f.met_with,
        "performed": f.performed,
        "satisfaction": _code(f.satisfaction),
        "risks": f.risks,
        "measures": f.measures,
        "notes": f.notes,
    }


def _change_data(c: StatusChangeView) -> dict[str, Any]:
    return {
        "event": c.event,
        "event_label": c.event_label,
        "from_status": _code(c.from_status),
        "to_status": c.to_status.value,
        "on": c.on.isoformat(),
        "actor": c.actor,
        "reason": c.reason,
        "withdrawn_by": c.withdrawn_by,
        "referred_to": c.referred_to,
        "routes": list(c.routes),
    }


def _draw_data(draw: _Draw) -> dict[str, Any]:
    return {
        "draw_no": draw.draw_no,
        "kind": draw.kind.value,
        "kind_label": draw.kind.label,
        "mode": draw.mode.value,
        "mode_label": draw.mode.label,
        "at": draw.at.isoformat(),
        "actor": draw.actor,
        "reason": draw.reason,
        "chosen": [
            {
                "mediator_uuid": c.mediator_uuid,
                "name": c.name,
                "role": c.role,
                "chosen_by": c.chosen_by,
            }
            for c in draw.chosen
        ],
    }


def _party_position(detail: CaseDetail, party_id: int | None) -> int | None:
    """A party's index in `CaseDetail.parties`: what survives an export, as its id does not."""
    return next((i for i, p in enumerate(detail.parties) if p.id == party_id), None)


def _attachment_data(detail: CaseDetail, a: AttachmentView) -> dict[str, Any]:
    party = _party_position(detail, a.party_id)
    return {
        "sha256": a.sha256,
        "original_name": a.original_name,
        "size": a.size,
        "added_at": a.added_at.isoformat(),
        "description": a.description,
        "kind": a.kind.value,
        "kind_label": a.kind.label,
        "party": party,
        "party_name": _party_name(detail, party) or None,
    }


#: The dossier item of a party's identity proof: its key names the party by the database's id.
_IDENTITY = "identity:"


def _dossier_key(detail: CaseDetail, key: str) -> str:
    """identity:<party id> → identity:<the party's index in "parties">."""
    if not key.startswith(_IDENTITY):
        return key
    try:
        party = _party_position(detail, int(key.removeprefix(_IDENTITY)))
    except ValueError:
        return key
    return f"{_IDENTITY}{party}" if party is not None else key


def _dossier_data(detail: CaseDetail, items: tuple[DossierItem, ...]) -> list[dict[str, Any]]:
    return [
        {
            "key": _dossier_key(detail, i.key),
            "name": i.name,
            "present": i.present,
            "what_to_do": i.what_to_do,
        }
        for i in items
    ]


def _database_data(d: CaseDetail, beyond: _Beyond) -> dict[str, Any]:
    """What the database gave the case; the lists run parallel to the case's own lists."""
    terms = d.agreement.terms if d.agreement else ()
    return {
        "case_id": d.id,
        "created_at": d.created_at.isoformat() if d.created_at else None,
        "updated_at": d.updated_at.isoformat() if d.updated_at else None,
        "parties": [{"id": p.id, "agents": [g.id for g in p.agents]} for p in d.parties],
        "panel": [m.mediator_id for m in d.panel],
        "terms": [{"id": t.id, "payments": list(t.payment_ids)} for t in terms],
        "follow_ups": [{"id": f.id, "by_mediator_id": f.by_mediator_id} for f in d.follow_ups],
        "sessions": [s.id for s in d.sessions],
        "participants": [p.id for p in d.participants],
        "attachments": [a.id for a in d.attachments],
        "recusals": [r.id for r in beyond.recusals],
        "panel_draws": [draw.id for draw in beyond.draws],
    }


def audit_data(entry: AuditView) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "before": entry.before,
        "after": entry.after,
    }


def report_data(
    detail: CaseDetail,
    beyond: _Beyond,
    audit: list[AuditView],
    today: date,
    *,
    include_audit: bool = True,
    include_ids: bool = True,
) -> dict[str, Any]:
    d = detail
    facts = tier_facts(d)
    data: dict[str, Any] = {
        "as_of": today.isoformat(),
        "uuid": d.uuid,
        "number": d.number,
        "title": d.title,
        "dispute_type": d.dispute_type.value,
        "source": d.source.value,
        "received_on": d.received_on.isoformat(),
        "tier": d.tier.value,
        "status": d.status.value,
        "place": {
            "compound": d.place.compound,
            "building": d.place.building,
            "unit": d.place.unit,
            "room": d.place.room,
        },
        "amount": _yuan(d.amount),
        "persons_involved": d.persons_involved,
        "risk_flags": [f.value for f in d.risk_flags],
        "facts": d.facts,
        "requests": list(d.requests),
        "parties": [_party_data(p) for p in d.parties],
        "panel": [
            {
                "mediator_uuid": m.mediator_uuid,
                "name": m.name,
                "role": m.role.value,
                "chosen_by": seat.chosen_by,
                "reason": seat.reason,
                "chosen_by_party": seat.party,
            }
            for m, seat in zip(d.panel, beyond.panel, strict=True)
        ],
        "recusals": [
            {
                "mediator_uuid": r.mediator_uuid,
                "name": r.name,
                "party": r.party,
                "on": r.on.isoformat(),
                "reason": r.reason,
            }
            for r in beyond.recusals
        ],
        "panel_draws": [_draw_data(draw) for draw in beyond.draws],
        "escalations": [
            {
                "from_tier": e.from_tier.value,
                "to_tier": e.to_tier.value,
                "on": e.on.isoformat(),
                "reason": e.reason,
                "decided_by": e.decided_by,
            }
            for e in d.escalations
        ],
        "agreement": _agreement_data(d.agreement, today) if d.agreement else None,
        "follow_ups": [_follow_up_data(f) for f in d.follow_ups],
        "accepted_on": _day(d.accepted_on),
        "declined_reason": d.declined_reason,
        "mediation_extended_to": _day(d.mediation_extended_to),
        "extension_reason": d.extension_reason,
        "risk_level": _code(d.risk_level),
        "risk_measures": d.risk_measures,
        "police_reported_on": _day(d.police_reported_on),
        "escalation_prevented": d.escalation_prevented,
        "tier_resolved": _code(d.tier_resolved),
        "lowest_feasible_tier": lowest_feasible_tier(facts).value,
        "settled_at_lowest": settled_at_lowest(d.tier_resolved, facts),
        "performed_on": _day(d.performed_on),
        "closed_on": _day(d.closed_on),
        "outcome_note": beyond.outcome_note,
        "archived_at": beyond.archived_at.isoformat() if beyond.archived_at else None,
        "status_history": [_change_data(c) for c in d.status_history],
        "sessions": [
            {
                "kind": s.kind.value,
                "held_at": s.held_at.isoformat(),
                "place": s.place,
                "mediators_present": s.mediators_present,
                "parties_present": s.parties_present,
                "participants_present": s.participants_present,
                "recorder": s.recorder,
                "statements": s.statements,
                "facts_verified": s.facts_verified,
                "outcome": s.outcome,
            }
            for s in d.sessions
        ],
        "participants": [
            {"name": p.name, "kind": p.kind.value, "organisation": p.organisation, "phone": p.phone}
            for p in d.participants
        ],
        "attachments": [_attachment_data(d, a) for a in d.attachments],
        "rights_notified_on": _day(d.rights_notified_on),
        "dossier_note": d.dossier_note,
        "dossier": _dossier_data(d, check_dossier(d)),
    }
    if include_ids:
        data["database"] = _database_data(d, beyond)
    if include_audit:
        data["audit"] = [audit_data(e) for e in audit]
    return data


def case_report(
    db: Database,
    ref: str | int,
    today: date | None = None,
    *,
    include_audit: bool = True,
    include_ids: bool = True,
) -> dict[str, Any]:
    """Everything about one case as JSON data (see the module's docstring for the layout).

    `today` is the day the obligations' states are told for (``"as_of"``). `include_ids=False`
    leaves out ``"database"`` (the case's and its children's ids, created_at and updated_at);
    `include_audit=False` leaves out ``"audit"``. Both differ between a database and one an
    export of it was imported into; everything else is the same.
    """
    detail, beyond, audit = _read(db, ref)
    return report_data(
        detail,
        beyond,
        audit,
        today or date.today(),
        include_audit=include_audit,
        include_ids=include_ids,
    )


# --- Text -------------------------------------------------------------------------------------

#: How much of a long value one line of the history repeats; ``--json`` has it whole.
HISTORY_VALUE_CHARS = 60
_NONE = "（空）"


def local_time(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def _money_text(value: Decimal | None) -> str:
    return f"{format_yuan(value)}元" if value is not None else ""


def _fen_text(value: int | None) -> str:
    return _money_text(from_fen(value)) if value is not None else ""


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _joined(*parts: str) -> str:
    """The non-empty parts, separated by "；"."""
    return "；".join(p for p in parts if p)


def _line(head: str, *details: str) -> str:
    """`head`, then the non-empty details after two spaces."""
    rest = _joined(*details)
    return f"{head}  {rest}" if rest else head


def _labelled(label: str, value: object) -> str:
    return f"{label}：{value}" if value not in (None, "") else ""


def _history_value(key: str, value: Any) -> str:
    if value is None or value == "":
        return _NONE
    if key.endswith("id_number") and isinstance(value, str):
        value = mask_id_number(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    text = " ".join(str(value).split())
    if len(text) > HISTORY_VALUE_CHARS:
        text = text[: HISTORY_VALUE_CHARS - 1] + "…"
    return text


def _party_name(detail: CaseDetail, index: int | None) -> str:
    if index is None or not 0 <= index < len(detail.parties):
        return ""
    return detail.parties[index].name


def _section(lines: list[str], title: str, body: list[str], empty: str = "无") -> None:
    lines.append("")
    lines.append(f"【{title}】")
    lines.extend(body or [f"  {empty}"])


def _parties_text(detail: CaseDetail, on: date) -> list[str]:
    out: list[str] = []
    for p in detail.parties:
        age = p.age_on(on)
        out.append(
            _line(
                f"  {p.role.label} {p.name}（{p.kind.label}）",
                p.sex.label if p.sex else "",
                p.ethnicity,
                f"{age}岁" if age is not None else "",
                _labelled("身份证号", p.masked_id_number),
                _labelled("统一社会信用代码", p.credit_code),
                _labelled("法定代表人", p.legal_representative),
                _labelled("职业", p.occupation),
                _labelled("电话", p.phone),
                _labelled("住址", p.address),
            )
        )
        for g in p.agents:
            since = f"，{g.authorised_on:%Y-%m-%d}授权" if g.authorised_on else ""
            out.append(
                _line(
                    f"    委托代理人 {g.name}（{g.authority_kind.label}{since}）",
                    _labelled("权限", g.authority),
                    _labelled("电话", g.phone),
                )
            )
    return out


def _term_text(detail: CaseDetail, term: TermView, today: date) -> list[str]:
    out = [f"  第{term.position + 1}项 {term.text}"]
    if term.schedule is None:
        return out
    status = term_status(term, today)
    assert status is not None
    out.append(
        "     "
        + _joined(
            _labelled("义务人", _party_name(detail, term.obligor)),
            _labelled("权利人", _party_name(detail, term.obligee)),
            describe(term.schedule),
        )
    )
    money = ""
    if status.outstanding_fen is not None:
        money = _joined(
            f"已付{_fen_text(status.paid_fen)}",
            f"到期未付{_fen_text(status.outstanding_fen)}",
            f"共{_fen_text(status.total_fen)}" if status.total_fen is not None else "",
            f"多付{_fen_text(status.overpaid_fen)}" if status.overpaid_fen else "",
        )
    out.append(
        "     "
        + _joined(
            f"今天（{today:%Y-%m-%d}）：{status.state.label}",
            money,
            _labelled(
                "未履行的期限" if status.days_late else "下一期限",
                f"{status.next_due:%Y-%m-%d}" if status.next_due else "",
            ),
            f"逾期{status.days_late}天" if status.days_late else "",
        )
    )
    if term.performed_on is not None and not term.payments:
        out.append(f"     {term.performed_on:%Y-%m-%d}履行完毕（协议书上记载，没有逐笔履行记录）")
    for payment, note in zip(term.payments, term.payment_notes, strict=True):
        paid = _fen_text(payment.amount_fen) if payment.amount_fen is not None else "已履行"
        out.append(f"     履行记录 {payment.on:%Y-%m-%d} {paid}" + (f"  {note}" if note else ""))
    return out


def _agreement_text(detail: CaseDetail, today: date) -> tuple[str, list[str]]:
    a = detail.agreement
    if a is None:
        return "调解协议", []
    title = f"调解协议（{a.form.label}" + (f"，{a.reached_on:%Y-%m-%d}达成" if a.reached_on else "")
    out = [
        f"  {line}"
        for line in (
            _labelled("纠纷事实", a.facts),
            _labelled("争议事项", a.issues),
            _labelled("责任", a.responsibility),
        )
        if line
    ]
    for term in a.terms:
        out.extend(_term_text(detail, term, today))
    if a.total_amount is not None:
        out.append(f"  协议金额合计 {_money_text(a.total_amount)}")
    if a.confirmation_applied_on or a.confirmation_court or a.confirmation_result:
        out.append(
            "  司法确认："
            + _joined(
                f"{a.confirmation_applied_on:%Y-%m-%d}申请" if a.confirmation_applied_on else "",
                a.confirmation_court,
                a.confirmation_result,
                f"{a.confirmation_decided_on:%Y-%m-%d}裁定" if a.confirmation_decided_on else "",
            )
        )
    else:
        out.append("  司法确认：未申请")
    return title + "）", out


def _history_text(audit: list[AuditView]) -> list[str]:
    out: list[str] = []
    for entry in audit:
        label = operation_label(entry.action)
        out.append(f"  {local_time(entry.at)} {entry.actor} {label}（{entry.action}）")
        for key in sorted(set(entry.before) | set(entry.after)):
            if entry.before.get(key) in (None, "") and entry.after.get(key) in (None, ""):
                continue  # a field that came into being empty: nothing to read
            before = _history_value(key, entry.before.get(key))
            after = _history_value(key, entry.after.get(key))
            out.append(f"     {key}：{before} → {after}")
    return out


def detail_text(detail: CaseDetail, beyond: _Beyond, audit: list[AuditView], today: date) -> str:
    """The case for a volunteer: every section, ID numbers masked, times in local time."""
    d = detail
    facts = tier_facts(d)
    lowest = lowest_feasible_tier(facts)
    settled = settled_at_lowest(d.tier_resolved, facts)
    lines = [f"{d.number}  {d.title}", f"状态：{d.status.label}", f"uuid：{d.uuid}"]
    lines.append(
        "  ".join(
            p
            for p in (
                _labelled("纠纷类型", d.dispute_type.label),
                _labelled("来源", d.source.label),
                _labelled("登记日期", f"{d.received_on:%Y-%m-%d}"),
                _labelled("受理日期", f"{d.accepted_on:%Y-%m-%d}" if d.accepted_on else ""),
                _labelled("结案日期", f"{d.closed_on:%Y-%m-%d}" if d.closed_on else ""),
                _labelled("履行完毕", f"{d.performed_on:%Y-%m-%d}" if d.performed_on else ""),
            )
            if p
        )
    )
    extra = [
        _labelled("纠纷地点", d.place.text()),
        _labelled("涉及金额", _money_text(d.amount)),
        _labelled("涉及人数", d.persons_involved),
        _labelled("风险标记", "、".join(f.label for f in d.risk_flags)),
        _labelled("不予受理原因", d.declined_reason),
        _labelled("结果说明", beyond.outcome_note),
        _labelled("归档时间", local_time(beyond.archived_at) if beyond.archived_at else ""),
    ]
    if d.mediation_extended_to:
        extra.append(f"调解期限延长至 {d.mediation_extended_to:%Y-%m-%d}（{d.extension_reason}）")
    lines.extend(e for e in extra if e)
    if d.facts:
        lines.append(f"纠纷事实：{d.facts}")
    lines.extend(f"请求{i}：{text}" for i, text in enumerate(d.requests, 1))

    _section(lines, "当事人", _parties_text(d, today))
    _section(
        lines,
        "调解员",
        [_panel_text(d, m, seat) for m, seat in zip(d.panel, beyond.panel, strict=True)],
        "未指定",
    )
    _section(lines, "回避申请", [_recusal_text(d, r) for r in beyond.recusals])
    _section(lines, "调解员组的组成", [line for draw in beyond.draws for line in _draw_text(draw)])

    tier_lines = [f"  现在：{d.tier.label}；按纠纷大小最低可在：{lowest.label}"]
    if d.tier_resolved is not None:
        verdict = {True: "是", False: "否", None: ""}[settled]
        tier_lines.append(f"  化解于：{d.tier_resolved.label}；在最低可行层级化解：{verdict}")
    tier_lines += [
        f"  {e.on:%Y-%m-%d} {_tier_place(e.from_tier)} → {_tier_place(e.to_tier)}"
        + (f"：{e.reason}" if e.reason else "")
        + (f"（决定人：{e.decided_by}）" if e.decided_by else "")
        for e in d.escalations
    ]
    _section(lines, "层级与移交", tier_lines)

    _section(
        lines,
        "办理经过",
        [_change_text(c) for c in d.status_history],
    )
    _section(
        lines,
        "调查和调解记录",
        [
            _line(
                f"  {local_time(s.held_at)} {s.kind.label}",
                _labelled("地点", s.place),
                _labelled("调解员", "、".join(s.mediators_present.splitlines())),
                _labelled("结果", s.outcome),
            )
            for s in d.sessions
        ],
    )
    _section(
        lines,
        "参与调解人员",
        [
            _line(f"  {p.name}（{p.kind.label}）", p.organisation, _labelled("电话", p.phone))
            for p in d.participants
        ],
    )
    _section(lines, "附件", [_attachment_text(d, a) for a in d.attachments])
    _section(lines, "卷宗", _dossier_text(d))
    title, body = _agreement_text(d, today)
    _section(lines, title, body, "尚未达成")
    _section(
        lines,
        "回访",
        [_follow_up_text(f) for f in d.follow_ups],
    )
    risk = [
        f"  {line}"
        for line in (
            _labelled("预警等级", d.risk_level.label if d.risk_level else ""),
            _labelled("措施", d.risk_measures),
            _labelled(
                "报告公安", f"{d.police_reported_on:%Y-%m-%d}" if d.police_reported_on else ""
            ),
            "已防止纠纷激化" if d.escalation_prevented else "",
        )
        if line
    ]
    _section(lines, "风险", risk)
    _section(lines, "操作记录", _history_text(audit))
    return "\n".join(lines)


def _attachment_text(detail: CaseDetail, a: AttachmentView) -> str:
    owner = _party_name(detail, _party_position(detail, a.party_id))
    return (
        f"  {a.kind.label}{f'（{owner}）' if owner else ''} {a.original_name}"
        f"  {_size_text(a.size)}  {a.added_at.astimezone():%Y-%m-%d}"
        f"  sha256 {a.sha256[:12]}…" + (f"  {a.description}" if a.description else "")
    )


def _dossier_text(detail: CaseDetail) -> list[str]:
    """Each required item, present or with what to do; the notice's day; the file's note."""
    out = [f"  {item.line()}" for item in check_dossier(detail)]
    if detail.rights_notified_on is not None:
        out.append(f"  权利义务告知书：{detail.rights_notified_on:%Y-%m-%d}告知")
    note = detail.dossier_note.splitlines()
    if note:
        out.append(f"  卷宗情况说明：{note[0]}")
        out.extend(f"    {line}" for line in note[1:])
    return out


def _party_who(detail: CaseDetail, index: int | None) -> str:
    """申请人李秀英: a party by their role and name."""
    if index is None or not 0 <= index < len(detail.parties):
        return ""
    party = detail.parties[index]
    return f"{party.role.label}{party.name}"


def _panel_text(detail: CaseDetail, member: PanelMemberView, seat: _Seat) -> str:
    chooser = ""
    if seat.chosen_by == PanelChoice.PARTIES.value:
        who = _party_who(detail, seat.party)
        chooser = f"由{who}选定" if who else PanelChoice.PARTIES.label
    return _line(f"  {member.role.label} {member.name}", chooser, _labelled("说明", seat.reason))


def _recusal_text(detail: CaseDetail, r: _Recusal) -> str:
    who = _party_who(detail, r.party)
    return _line(
        f"  {r.on:%Y-%m-%d} {r.name or '（名册中已没有这位调解员）'}",
        f"由{who}申请" if who else "",
        _labelled("理由", r.reason),
    )


def _role_label(code: str) -> str:
    try:
        return PanelRole(code).label
    except ValueError:
        return code


def _draw_text(draw: _Draw) -> list[str]:
    # A change by hand keeps the number of the draw it changes, so its own number says nothing.
    number = "" if draw.kind is DrawKind.OVERRIDE else f"第{draw.draw_no}次"
    head = f"  {number}{draw.kind.label}（{draw.mode.label}） {local_time(draw.at)}"
    out = [_line(head + (f" {draw.actor}" if draw.actor else ""), _labelled("原因", draw.reason))]
    if draw.chosen:
        out.append("     " + "、".join(f"{_role_label(c.role)} {c.name}" for c in draw.chosen))
    return out


def _change_text(c: StatusChangeView) -> str:
    moved = (f"{c.from_status.label} → " if c.from_status else "") + c.to_status.label
    return _line(
        f"  {c.on:%Y-%m-%d} {c.event_label}：{moved}" + (f"（{c.actor}）" if c.actor else ""),
        _labelled("原因", c.reason),
        _labelled("撤回人", c.withdrawn_by),
        _labelled("移交给", _referral_label(c.referred_to)),
        _labelled("已告知途径", "、".join(_route_label(r) for r in c.routes)),
    )


def _follow_up_text(f: FollowUpView) -> str:
    performed = {True: "已履行", False: "未履行", None: ""}[f.performed]
    return _line(
        f"  {f.on:%Y-%m-%d} {f.by_name or '（未写回访人）'}",
        _labelled("回访对象", f.met_with),
        _labelled("履行情况", performed),
        _labelled("满意度", f.satisfaction.label if f.satisfaction else ""),
        _labelled("发现的风险", f.risks),
        _labelled("措施", f.measures),
        f.notes,
    )


def _tier_place(tier: Tier) -> str:
    return "社区以外" if tier is Tier.REFERRED else tier.label


def _referral_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return ReferralTarget(code).label
    except ValueError:
        return code


def _route_label(code: str) -> str:
    try:
        return FailureRoute(code).label
    except ValueError:
        return code


def case_text(db: Database, ref: str | int, today: date | None = None) -> str:
    """What ``case show`` prints: the case for a volunteer to read."""
    detail, beyond, audit = _read(db, ref)
    return detail_text(detail, beyond, audit, today or date.today())
