"""Panels on a real database: dry runs record nothing, draws and redraws are in the history with
their reasons, recusals are honoured, changes by hand never seat an excluded mediator."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEntry, PanelDraw
from app.domain.codes import DrawKind, PanelMode, PanelRole
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import UserError
from app.domain.panel import PartyPick
from app.domain.roster import MediatorDraft
from app.services.cases import get_case, register_case
from app.services.mediators import save_mediator
from app.services.panels import (
    ManualSeat,
    fairness_report,
    override_panel,
    propose_panel,
    record_draw,
    record_recusal,
)

D = date
TODAY = D(2026, 11, 25)


@pytest.fixture
def roster_db(db):  # type: ignore[no-untyped-def]
    """Six elders, one living in 铁西小区5号楼4单元 like the applicant, and a case."""
    names = ["王建国", "刘芳", "陈志强", "赵淑兰", "孙德海", "周桂英"]
    ids = []
    for i, name in enumerate(names):
        view, _ = save_mediator(
            db,
            MediatorDraft(
                name=name,
                sex="female" if i % 2 else "male",
                elder_category=["party_member", "cadre", "teacher"][i % 3],
                compound="铁西小区",
                building="5号楼" if i == 0 else f"{i + 10}号楼",
                unit="4单元",
                specialties=["neighbourhood"] if i in (0, 2) else [],
            ),
            today=TODAY,
        )
        ids.append(view.id)
    detail, _ = register_case(
        db,
        CaseDraft(
            title="楼上渗水纠纷",
            received_on=D(2026, 11, 20),
            tier="community",
            dispute_type="neighbourhood",
            parties=[
                PartyDraft(
                    role="applicant", name="李秀英", address="新乡市卫滨区铁西小区5号楼4单元102室"
                ),
                PartyDraft(
                    role="respondent", name="张伟", address="新乡市卫滨区铁西小区5号楼4单元202室"
                ),
            ],
        ),
        today=TODAY,
    )
    return db, detail, ids


def test_a_dry_run_records_nothing_and_repeats_itself(roster_db) -> None:  # type: ignore[no-untyped-def]
    db, case, ids = roster_db
    with db.reading() as s:
        audits = s.scalar(select(func.count()).select_from(AuditEntry))
    first = propose_panel(db, case.uuid, on=TODAY)
    second = propose_panel(db, case.uuid, on=TODAY)
    assert first == second and first.draw_no == 1
    assert len(first.seats) == 3
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audits
        assert s.scalar(select(func.count()).select_from(PanelDraw)) == 0
    assert get_case(db, case.uuid).panel == ()
    # The neighbour of both parties is never proposed, and the reason says so.
    wang = next(v for v in first.others if v.mediator_id == ids[0])
    assert wang.excluded and "与当事人李秀英同住5号楼4单元，是邻居，需回避" in wang.reasons


def test_a_draw_and_its_redraw_are_in_the_history_with_their_reasons(roster_db) -> None:  # type: ignore[no-untyped-def]
    db, case, _ids = roster_db
    proposal = propose_panel(db, case.uuid, on=TODAY)
    (drawn, detail), changed = record_draw(db, case.uuid, on=TODAY, actor="王主任")
    assert drawn == proposal and changed.mediators
    assert [m.mediator_id for m in detail.panel] == [s.mediator_id for s in proposal.seats]
    assert [m.role for m in detail.panel] == [PanelRole.LEAD, PanelRole.MEMBER, PanelRole.RECORDER]
    with pytest.raises(UserError, match="重新抽选要写明原因"):
        record_draw(db, case.uuid, on=TODAY)
    with pytest.raises(UserError, match="第1次抽选已经记录过"):
        record_draw(db, case.uuid, draw_no=1, reason="再抽", on=TODAY)
    (redrawn, _), _ = record_draw(db, case.uuid, reason="当事人对调解员有意见", on=TODAY)
    assert redrawn.draw_no == 2
    with db.reading() as s:
        draws = list(s.scalars(select(PanelDraw).order_by(PanelDraw.id)))
        entries = list(
            s.scalars(
                select(AuditEntry).where(AuditEntry.action == "panel.draw").order_by(AuditEntry.id)
            )
        )
    assert [(d.draw_no, d.kind, d.actor) for d in draws] == [
        (1, DrawKind.DRAW.value, "王主任"),
        (2, DrawKind.REDRAW.value, "本机用户"),
    ]
    assert draws[1].reason == "当事人对调解员有意见"
    kept = json.loads(draws[0].explanation)
    assert [s["mediator"] for s in kept["seats"]] == [s.uuid for s in proposal.seats]
    assert all(v["reasons"] for v in kept["others"])
    assert [e.actor for e in entries] == ["王主任", "本机用户"]
    assert "当事人对调解员有意见" in entries[1].after


def test_a_recusal_is_honoured_now_and_in_every_later_draw(roster_db) -> None:  # type: ignore[no-untyped-def]
    db, case, _ids = roster_db
    (proposal, detail), _ = record_draw(db, case.uuid, on=TODAY)
    lead = proposal.seats[0]
    applicant = detail.parties[0]
    detail, _ = record_recusal(
        db, case.uuid, lead.mediator_id, "是对方的老同事", party_id=applicant.id, on=TODAY
    )
    assert lead.mediator_id not in {m.mediator_id for m in detail.panel}
    again = propose_panel(db, case.uuid, on=TODAY)
    assert lead.mediator_id not in {s.mediator_id for s in again.seats}
    why = next(v for v in again.others if v.mediator_id == lead.mediator_id)
    assert why.excluded and "当事人李秀英申请回避（是对方的老同事）" in why.reasons
    with pytest.raises(UserError, match="不能参加本案"):
        override_panel(
            db, case.uuid, [ManualSeat(lead.mediator_id, PanelRole.LEAD)], "当事人要求", on=TODAY
        )


def test_a_change_by_hand_needs_a_reason_and_is_recorded(roster_db) -> None:  # type: ignore[no-untyped-def]
    db, case, ids = roster_db
    with pytest.raises(UserError, match="写明原因"):
        override_panel(db, case.uuid, [ManualSeat(ids[1], PanelRole.LEAD)], "  ", on=TODAY)
    with pytest.raises(UserError, match="同住5号楼4单元"):
        override_panel(db, case.uuid, [ManualSeat(ids[0], PanelRole.LEAD)], "熟悉情况", on=TODAY)
    detail, _ = override_panel(
        db,
        case.uuid,
        [ManualSeat(ids[1], PanelRole.LEAD), ManualSeat(ids[2], PanelRole.MEMBER, party_id=None)],
        "双方当事人共同选定",
        mode=PanelMode.PARTIES,
        on=TODAY,
    )
    assert [m.mediator_id for m in detail.panel] == [ids[1], ids[2]]
    with db.reading() as s:
        draw = s.scalar(select(PanelDraw))
    assert (
        draw is not None
        and draw.kind == DrawKind.OVERRIDE.value
        and draw.reason == "双方当事人共同选定"
    )


def test_a_party_may_choose_and_the_committee_draws_the_rest(roster_db) -> None:  # type: ignore[no-untyped-def]
    db, case, ids = roster_db
    respondent = case.parties[1].id
    (proposal, detail), _ = record_draw(
        db, case.uuid, mode=PanelMode.MIXED, picks=[PartyPick(respondent, ids[3])], on=TODAY
    )
    assert proposal.seats[0].mediator_id == ids[3]
    seat = next(m for m in detail.panel if m.mediator_id == ids[3])
    assert seat.role is PanelRole.LEAD
    with db.reading() as s:
        from app.db.models import PanelMember

        row = s.scalar(select(PanelMember).where(PanelMember.mediator_id == ids[3]))
        assert (
            row is not None and row.chosen_by == "parties" and row.chosen_by_party_id == respondent
        )


def test_the_fairness_report_counts_every_active_mediator(demo_db) -> None:  # type: ignore[no-untyped-def]
    report = fairness_report(demo_db, D(2020, 1, 1), TODAY)
    assert report.mediators and report.cases > 0
    assert sum(s.cases for s in report.mediators) == report.total_seats
    assert sum(s.cases for s in report.categories) == report.total_seats
    assert report.lowest <= report.mean <= report.highest
    assert "平均每人" in report.summary()
    with pytest.raises(UserError, match="结束日期不能早于开始日期"):
        fairness_report(demo_db, TODAY, D(2020, 1, 1))
