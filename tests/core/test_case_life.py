"""A case's whole life through the services, on a real SQLite file, audited step by step."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry
from app.domain.codes import CaseStatus, FailureRoute, ReferralTarget, Tier
from app.domain.deadlines import DueKind
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import UserError, ValidationError, ValidationErrors
from app.domain.lifecycle import CaseEvent, EventInput
from app.domain.schedule import Instalment, ObligationState, Schedule, obligation_status
from app.domain.work import (
    AgentDraft,
    ConfirmationDraft,
    FollowUpDraft,
    ParticipantDraft,
    PaymentDraft,
    RiskDraft,
    SessionDraft,
)
from app.services.case_life import apply_event, escalate, extend_mediation
from app.services.cases import get_case, register_case, save_agreement
from app.services.due import due_items
from app.services.people import (
    find_returning_parties,
    remove_party,
    save_agent,
    save_participant,
    update_case,
)
from app.services.performance import (
    record_payment,
    save_confirmation,
    save_follow_up,
    save_risk,
    set_schedule,
)
from app.services.sittings import add_attachment, attachment_file, save_session
from app.views import CaseDetail

D = date


def draft() -> CaseDraft:
    return CaseDraft(
        title="楼上渗水纠纷",
        received_on=D(2026, 10, 8),
        parties=[
            PartyDraft(role="applicant", name="李秀英", phone="13900001111"),
            PartyDraft(role="respondent", name="张伟", phone="13800002222"),
        ],
    )


def edit_draft(detail: CaseDetail) -> CaseDraft:
    """The registration form as it opens on a saved case."""
    return CaseDraft(
        title=detail.title,
        dispute_type=detail.dispute_type.value,
        source=detail.source.value,
        received_on=detail.received_on,
        tier=detail.tier.value,
        status=detail.status.value,
        place=detail.place,
        facts=detail.facts,
        requests=list(detail.requests),
        parties=[
            PartyDraft(id=p.id, role=p.role.value, kind=p.kind.value, name=p.name, phone=p.phone)
            for p in detail.parties
        ],
    )


def audit_actions(db, uuid: str) -> list[str]:
    with db.reading() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_uuid == uuid).order_by(AuditEntry.id)
        )
        return [r.action for r in rows]


def mediating_case(db) -> CaseDetail:
    detail, _ = register_case(db, draft(), today=D(2026, 10, 8))
    apply_event(db, detail.id, CaseEvent.ACCEPT, on=D(2026, 10, 9), today=D(2026, 10, 9))
    detail, _ = apply_event(
        db, detail.id, CaseEvent.START_MEDIATION, on=D(2026, 10, 10), today=D(2026, 10, 10)
    )
    return detail


def test_events_move_the_status_and_record_date_actor_and_reason(db) -> None:
    detail = mediating_case(db)
    assert detail.status is CaseStatus.MEDIATING and detail.accepted_on == D(2026, 10, 9)
    history = [(h.event, h.to_status, h.on) for h in detail.status_history]
    assert history == [
        ("register", CaseStatus.REGISTERED, D(2026, 10, 8)),
        ("accept", CaseStatus.ACCEPTED, D(2026, 10, 9)),
        ("start_mediation", CaseStatus.MEDIATING, D(2026, 10, 10)),
    ]
    with pytest.raises(UserError, match="告知当事人"):
        apply_event(db, detail.id, CaseEvent.FAIL, today=D(2026, 10, 12))
    failed, _ = apply_event(
        db,
        detail.id,
        CaseEvent.FAIL,
        EventInput(reason="双方分歧过大", routes=frozenset({FailureRoute.COURT})),
        actor="王建国",
        today=D(2026, 10, 12),
    )
    last = failed.status_history[-1]
    assert (last.event, last.actor, last.reason, last.routes) == (
        "fail",
        "王建国",
        "双方分歧过大",
        ("court",),
    )
    assert failed.closed_on == D(2026, 10, 12) and failed.tier_resolved is Tier.BUILDING
    assert audit_actions(db, detail.uuid)[-1] == "case.fail"


def test_a_forbidden_event_is_refused_with_what_is_possible(db) -> None:
    detail, _ = register_case(db, draft(), today=D(2026, 10, 8))
    with pytest.raises(UserError, match="现在可以"):
        apply_event(db, detail.id, CaseEvent.ARCHIVE, today=D(2026, 10, 9))
    with pytest.raises(ValidationError, match="不能早于"):
        apply_event(db, detail.id, CaseEvent.ACCEPT, on=D(2026, 10, 1), today=D(2026, 10, 9))
    assert get_case(db, detail.id).status is CaseStatus.REGISTERED


def test_escalation_goes_up_only_and_referral_leaves_the_community(db) -> None:
    detail = mediating_case(db)
    with pytest.raises(ValidationError, match="原因"):
        escalate(db, detail.id, Tier.COURTYARD, " ", today=D(2026, 10, 11))
    up, _ = escalate(
        db, detail.id, Tier.COURTYARD, "涉及两个单元", decided_by="刘主任", today=D(2026, 10, 11)
    )
    assert up.tier is Tier.COURTYARD
    assert [(e.from_tier, e.to_tier, e.decided_by) for e in up.escalations] == [
        (Tier.BUILDING, Tier.COURTYARD, "刘主任")
    ]
    with pytest.raises(UserError, match="不能退回"):
        escalate(db, detail.id, Tier.BUILDING, "误操作", today=D(2026, 10, 11))
    out, _ = apply_event(
        db,
        detail.id,
        CaseEvent.REFER,
        EventInput(referred_to=ReferralTarget.COURT),
        today=D(2026, 10, 12),
    )
    assert out.status is CaseStatus.REFERRED and out.tier is Tier.REFERRED
    assert out.escalations[-1].to_tier is Tier.REFERRED


def test_extension_of_the_one_month_norm(db) -> None:
    detail = mediating_case(db)
    with pytest.raises(ValidationError, match="应晚于原定期限"):
        extend_mediation(db, detail.id, D(2026, 11, 1), "双方同意")
    extended, _ = extend_mediation(db, detail.id, D(2026, 12, 9), "双方同意等待鉴定")
    assert extended.mediation_extended_to == D(2026, 12, 9)
    items = due_items(db, D(2026, 12, 5))
    assert [(i.kind, i.on) for i in items] == [(DueKind.MEDIATION_NORM, D(2026, 12, 9))]


def test_parties_are_edited_in_place_and_a_party_in_a_term_cannot_go(db) -> None:
    detail = mediating_case(db)
    form = edit_draft(detail)
    form.parties[1].phone = "13700003333"
    form.parties.append(PartyDraft(role="respondent", name="张伟之妻"))
    edited, _ = update_case(db, detail.id, form, today=D(2026, 10, 11))
    assert [p.id for p in edited.parties[:2]] == [p.id for p in detail.parties]
    assert edited.parties[1].phone == "13700003333" and len(edited.parties) == 3
    with db.reading() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        changed = json.loads(entry.after)
    assert changed[f"parties.{detail.parties[1].id}.phone"] == "13700003333"
    save_agreement(
        db,
        detail.id,
        AgreementDraft(
            reached_on=D(2026, 10, 12),
            terms=[TermDraft(text="张伟之妻负责修复", obligor=2)],
        ),
    )
    with pytest.raises(UserError, match="第1项"):
        remove_party(db, detail.id, edited.parties[2].id)
    with pytest.raises(UserError, match="唯一的申请人"):
        remove_party(db, detail.id, edited.parties[0].id)
    form.tier = "community"
    with pytest.raises(ValidationError, match="移交上一级"):
        update_case(db, detail.id, form, today=D(2026, 10, 11))


def test_agents_participants_and_sessions(db) -> None:
    detail = mediating_case(db)
    with pytest.raises(ValidationErrors, match="特别授权"):
        save_agent(
            db, detail.id, detail.parties[1].id, AgentDraft(name="赵律师", authority_kind="special")
        )
    with_agent, _ = save_agent(
        db,
        detail.id,
        detail.parties[1].id,
        AgentDraft(
            name="赵律师",
            authority_kind="special",
            authorised_on=D(2026, 10, 10),
            authority="代为签署调解协议",
        ),
    )
    assert with_agent.parties[1].agents[0].name == "赵律师"
    with_participant, _ = save_participant(
        db, detail.id, ParticipantDraft(name="物业陈经理", kind="official", organisation="物业")
    )
    assert with_participant.participants[0].organisation == "物业"
    with pytest.raises(ValidationErrors, match="调解员"):
        save_session(db, detail.id, SessionDraft(held_at=datetime(2026, 10, 11, 9, 30)))
    sat, _ = save_session(
        db,
        detail.id,
        SessionDraft(
            held_at=datetime(2026, 10, 11, 9, 30),
            place="调解室",
            mediators_present="王建国、刘芳",
            parties_present="李秀英\n张伟",
            statements="申请人：卫生间漏水三个月。",
        ),
        now=datetime(2026, 10, 11, 12, 0),
    )
    session = sat.sessions[0]
    assert session.mediators_present == "王建国\n刘芳"
    assert session.held_at.tzinfo is not None


def test_returning_party_is_found_by_phone_or_id_before_typing(db) -> None:
    first = mediating_case(db)
    found = find_returning_parties(db, phone="13900001111")
    assert [(r.case_id, r.matched_on, r.party.name) for r in found] == [
        (first.id, "phone", "李秀英")
    ]
    assert find_returning_parties(db, name="张伟", exclude_case_id=first.id) == []
    assert find_returning_parties(db) == []


def test_attachment_is_kept_by_hash_after_the_original_is_deleted(db, tmp_path: Path) -> None:
    detail = mediating_case(db)
    photo = tmp_path / "漏水照片.jpg"
    photo.write_bytes(b"\xff\xd8 not really a jpeg " * 100)
    saved, _ = add_attachment(db, detail.id, photo, "卫生间顶棚")
    attachment = saved.attachments[0]
    assert (attachment.original_name, attachment.size) == ("漏水照片.jpg", photo.stat().st_size)
    content = photo.read_bytes()
    photo.unlink()
    assert attachment_file(db, attachment.sha256).read_bytes() == content
    with pytest.raises(UserError, match="找不到文件"):
        add_attachment(db, detail.id, photo)


def agreed_case(db) -> CaseDetail:
    detail = mediating_case(db)
    save_agreement(
        db,
        detail.id,
        AgreementDraft(
            form="written",
            reached_on=D(2026, 10, 20),
            terms=[
                TermDraft(text="张伟赔偿李秀英维修费1000元", obligor=1, obligee=0, amount="1000"),
                TermDraft(
                    text="张伟每月10日前支付租金补贴200元", obligor=1, obligee=0, amount="200"
                ),
                TermDraft(text="双方今后和睦相处"),
            ],
        ),
    )
    detail, _ = apply_event(db, detail.id, CaseEvent.REACH_AGREEMENT, today=D(2026, 10, 20))
    return detail


def test_performance_moves_the_case_from_the_payments(db) -> None:
    detail = agreed_case(db)
    one_off, monthly, _statement = detail.agreement.terms
    set_schedule(
        db,
        detail.id,
        one_off.id,
        Schedule.in_instalments(
            [Instalment(D(2026, 11, 1), 50_000), Instalment(D(2026, 12, 1), 50_000)]
        ),
    )
    set_schedule(
        db, detail.id, monthly.id, Schedule.monthly(10, 20_000, D(2026, 11, 1), D(2026, 12, 31))
    )
    with pytest.raises(ValidationErrors, match="履行金额"):
        record_payment(
            db, detail.id, one_off.id, PaymentDraft(on=D(2026, 10, 25)), today=D(2026, 10, 25)
        )
    part, _ = record_payment(
        db,
        detail.id,
        one_off.id,
        PaymentDraft(on=D(2026, 10, 25), amount="300"),
        today=D(2026, 10, 25),
    )
    assert part.status is CaseStatus.PERFORMING
    term = part.agreement.terms[0]
    status = obligation_status(term.schedule, term.payments, D(2026, 11, 5))
    assert status.state is ObligationState.OVERDUE and status.outstanding_fen == 20_000
    overdue = due_items(db, D(2026, 11, 5))
    assert [(i.kind, i.ref, i.days_late) for i in overdue] == [
        (DueKind.OBLIGATION, f"obligation:{one_off.id}", 4),
        (DueKind.OBLIGATION, f"obligation:{monthly.id}", 0),
        (DueKind.CONFIRMATION_WINDOW, "confirmation_window", 0),
    ]
    for on, ob, amount in [
        (D(2026, 11, 20), one_off.id, "700"),
        (D(2026, 11, 20), monthly.id, "400"),
    ]:
        done, _ = record_payment(
            db, detail.id, ob, PaymentDraft(on=on, amount=amount), today=D(2026, 11, 20)
        )
    assert done.status is CaseStatus.PERFORMED and done.performed_on == D(2026, 11, 20)
    assert [h.event for h in done.status_history][-2:] == [
        "start_performance",
        "complete_performance",
    ]
    # 31 days after the agreement the confirmation window is gone; nothing performed is listed.
    assert [i.kind for i in due_items(db, D(2026, 11, 21))] == []
    assert [i.kind for i in due_items(db, D(2026, 12, 19))] == [DueKind.FOLLOW_UP]


def test_follow_up_confirmation_risk_and_archive_then_amend(db) -> None:
    detail = agreed_case(db)
    for term in detail.agreement.terms[:2]:
        record_payment(
            db,
            detail.id,
            term.id,
            PaymentDraft(on=D(2026, 10, 21), amount=str(term.amount)),
            today=D(2026, 10, 21),
        )
    confirmed, _ = save_confirmation(
        db,
        detail.id,
        ConfirmationDraft(applied_on=D(2026, 10, 22), court="飞云区人民法院"),
        today=D(2026, 10, 22),
    )
    assert confirmed.agreement.confirmation_court == "飞云区人民法院"
    with pytest.raises(ValidationErrors, match="措施"):
        save_risk(db, detail.id, RiskDraft(level="red"), today=D(2026, 10, 22))
    risky, _ = save_risk(
        db,
        detail.id,
        RiskDraft(
            flags=["may_escalate"], level="orange", measures="约谈双方", escalation_prevented=True
        ),
        today=D(2026, 10, 22),
    )
    assert risky.escalation_prevented and risky.risk_flags[0].value == "may_escalate"
    with pytest.raises(UserError, match="回访"):
        apply_event(db, detail.id, CaseEvent.FOLLOW_UP, today=D(2026, 11, 1))
    visited, _ = save_follow_up(
        db,
        detail.id,
        FollowUpDraft(
            on=D(2026, 11, 1),
            mediator_id=_a_mediator(db),
            met_with="李秀英",
            performed=True,
            satisfaction="satisfied",
        ),
        today=D(2026, 11, 1),
    )
    assert visited.follow_ups[0].met_with == "李秀英"
    apply_event(db, detail.id, CaseEvent.FOLLOW_UP, today=D(2026, 11, 1))
    # The dossier lacks the rights notice and the identity proofs: archived only with a reason,
    # which the file's note keeps.
    with pytest.raises(
        UserError, match="卷宗还缺：人民调解当事人权利义务告知书、申请人李秀英的身份证明"
    ):
        apply_event(db, detail.id, CaseEvent.ARCHIVE, today=D(2026, 11, 2))
    archived, _ = apply_event(
        db,
        detail.id,
        CaseEvent.ARCHIVE,
        EventInput(reason="身份证明另册保管"),
        today=D(2026, 11, 2),
    )
    assert archived.status is CaseStatus.ARCHIVED
    assert "原因：身份证明另册保管" in archived.dossier_note
    assert "申请人李秀英的身份证明" in archived.dossier_note
    form = edit_draft(archived)
    form.title = "楼上卫生间渗水纠纷"
    with pytest.raises(UserError, match="已归档"):
        update_case(db, detail.id, form, today=D(2026, 11, 3))
    with pytest.raises(UserError, match="已归档"):
        save_risk(db, detail.id, RiskDraft(), today=D(2026, 11, 3))
    amended, _ = update_case(db, detail.id, form, amendment_reason="案由笔误", today=D(2026, 11, 3))
    assert amended.title == "楼上卫生间渗水纠纷" and amended.status is CaseStatus.ARCHIVED
    assert (amended.status_history[-1].event, amended.status_history[-1].reason) == (
        "amend",
        "案由笔误",
    )
    assert audit_actions(db, detail.uuid)[-1] == "case.amend"


def _a_mediator(db) -> int:
    from app.db.models import Mediator

    with db.transaction() as session:
        mediator = Mediator(uuid="00000000-0000-4000-8000-000000000001", name="王建国")
        session.add(mediator)
        session.flush()
        return mediator.id
