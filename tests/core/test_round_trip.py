"""An export carries every case whole: a demo database exported and imported into an empty one
reports every case and every mediator the same, so a field that export (or import) forgets
fails here.

The demo is the data, with a few recusals and panel draws written as the panel service writes
them, a few dossiers filled in through the services (identity proofs, rights notices, an
incomplete dossier archived with its reason), and 以案定补 and 矛盾纠纷排查 as the committee
records them (its own scheme, classes decided with reasons and findings, two screening rounds):
it is checked to exercise the rich fields first, so the comparison cannot pass because there was
nothing to compare. Its cases' lives are checked against the status table and against their
records of performance.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import Case, Mediator, Obligation, PanelDraw, Recusal
from app.domain.codes import (
    AttachmentKind,
    CaseStatus,
    DisputeType,
    DrawKind,
    PanelChoice,
    PanelMode,
    Tier,
)
from app.domain.deadlines import DueKind
from app.domain.lifecycle import CaseEvent, EventInput, next_status
from app.domain.screening import FindingDraft, RoundDraft
from app.domain.subsidy import CaseClass, Ending, Scheme
from app.services.case_life import apply_event, case_facts
from app.services.case_report import case_report, case_text
from app.services.cases import CaseQuery, list_cases
from app.services.database import Database, open_database
from app.services.demo import fill_demo
from app.services.dossier import record_rights_notice
from app.services.due import due_items
from app.services.exchange import export_file, import_file
from app.services.mediators import list_mediators, mediator_record
from app.services.records import find_case
from app.services.screening import record_round
from app.services.sittings import add_attachment
from app.services.subsidy import class_decision, set_case_class, update_scheme
from app.views import MediatorRecord
from tests.conftest import TODAY

CASES = 60
PERFORMED = {CaseStatus.PERFORMED, CaseStatus.FOLLOWED_UP, CaseStatus.ARCHIVED}
#: The events whose day is the case's 结案 day (app.services.case_life.move).
CLOSING = {
    CaseEvent.DECLINE,
    CaseEvent.FAIL,
    CaseEvent.WITHDRAW,
    CaseEvent.TERMINATE,
    CaseEvent.REFER,
    CaseEvent.COMPLETE_PERFORMANCE,
}


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "demo.db")
    fill_demo(database, cases=CASES, seed=2026, today=TODAY)
    add_panel_records(database)
    add_dossier_records(database, tmp_path)
    add_subsidy_and_screening(database)
    yield database
    database.close()


def _seats(case: Case, chosen_by: str | None) -> list[dict[str, Any]]:
    """The seats of an explanation, in the shape `app.domain.panel.Proposal.to_json` writes."""
    return [
        {
            "mediator": m.mediator.uuid,
            "name": m.mediator.name,
            "role": m.role,
            "party": m.chosen_by_party_id,
            **(
                {"chosen_by": chosen_by, "points": 40, "reasons": ["综合排序第一"]}
                if chosen_by
                else {}
            ),
        }
        for m in case.panel
    ]


def add_panel_records(db: Database) -> None:
    """On the first two cases with a panel: a draw, a redraw after a recusal, a party's choice
    and a change by hand, as the panel service records them."""
    with db.operation("测试", "test.setup") as op:
        session = op.session
        ids = list(session.scalars(select(Case.id).order_by(Case.id)))
        cases = (find_case(session, i) for i in ids)
        drawn, changed = islice((c for c in cases if c.panel), 2)
        outside = [
            m
            for m in session.scalars(select(Mediator).order_by(Mediator.id))
            if all(seat.mediator_id != m.id for seat in drawn.panel + changed.panel)
        ]
        at = datetime(2026, 3, 3, 2, 10, tzinfo=UTC)

        def draw(case: Case, no: int, kind: DrawKind, mode: PanelMode, reason: str) -> PanelDraw:
            chosen_by = None if kind is DrawKind.OVERRIDE else PanelChoice.COMMITTEE.value
            explanation = {"seats": _seats(case, chosen_by)}
            if chosen_by:
                explanation.update(case=case.uuid, draw_no=no, mode=mode.value, others=[])
            return PanelDraw(
                case_id=case.id,
                draw_no=no,
                kind=kind.value,
                mode=mode.value,
                at=at,
                actor="王主任",
                reason=reason,
                explanation=json.dumps(explanation, ensure_ascii=False, sort_keys=True),
            )

        applicant = min(changed.parties, key=lambda p: p.position)
        changed.panel[0].chosen_by = PanelChoice.PARTIES.value
        changed.panel[0].chosen_by_party_id = applicant.id
        changed.panel[0].reason = "人工调整：申请人选定"
        session.add_all(
            [
                draw(drawn, 1, DrawKind.DRAW, PanelMode.COMMITTEE, ""),
                Recusal(
                    case_id=drawn.id,
                    mediator_id=outside[0].id,
                    party_id=sorted(drawn.parties, key=lambda p: p.position)[1].id,
                    on=drawn.received_on,
                    reason="调解员是被申请人的表舅",
                ),
                draw(drawn, 2, DrawKind.REDRAW, PanelMode.COMMITTEE, "当事人申请回避"),
                Recusal(
                    case_id=changed.id,
                    mediator_id=outside[1].id,
                    on=changed.received_on,
                    reason="与被申请人同在一个单位",
                ),
                draw(changed, 0, DrawKind.OVERRIDE, PanelMode.MIXED, "申请人选定主持人"),
            ]
        )


#: Why the demo's incomplete dossier was archived all the same; the note keeps it.
ARCHIVED_INCOMPLETE = "被申请人已搬离本市，身份证复印件无法补交"


def add_dossier_records(db: Database, folder: Path) -> None:
    """Through the services, as a volunteer would: on the first three accepted cases not yet
    archived, the rights notice on the day of acceptance and an identity proof of the applicant
    (the first one's of every party, with a photo of the case's own); and the first case
    followed up, whose dossier is not complete, archived with the reason."""
    scan = folder / "身份证.jpg"
    scan.write_bytes(b"scan of an identity card")
    photo = folder / "现场.jpg"
    photo.write_bytes(b"photo of the stairway")
    with db.reading() as session:
        ids = list(session.scalars(select(Case.id).order_by(Case.id)))
        cases = [find_case(session, i) for i in ids]
        accepted = [
            (c.id, c.accepted_on, [p.id for p in sorted(c.parties, key=lambda p: p.position)])
            for c in cases
            if c.accepted_on is not None and c.status != CaseStatus.ARCHIVED.value
        ][:3]
        followed_up = next(c.id for c in cases if c.status == CaseStatus.FOLLOWED_UP.value)
    for n, (case_id, on, parties) in enumerate(accepted):
        record_rights_notice(db, case_id, on, today=TODAY)
        for party_id in parties if n == 0 else parties[:1]:
            add_attachment(
                db, case_id, scan, "身份证复印件", kind=AttachmentKind.IDENTITY, party_id=party_id
            )
    add_attachment(db, accepted[0][0], photo, "楼道现场", kind=AttachmentKind.PHOTO)
    apply_event(
        db,
        followed_up,
        CaseEvent.ARCHIVE,
        EventInput(reason=ARCHIVED_INCOMPLETE),
        on=TODAY,
        today=TODAY,
    )


#: The committee's own 以案定补 scheme: amounts and shares other than the defaults, the default
#: codes kept (the demo decides classes by them).
SCHEME = Scheme(
    classes=(
        CaseClass("simple", "简易", 8_000),
        CaseClass("general", "一般", 16_000, min_amount_fen=300_000, min_persons=3),
        CaseClass(
            "complex",
            "疑难复杂",
            30_050,
            min_tier=Tier.COMMUNITY,
            dispute_types=(DisputeType.MEDICAL,),
        ),
        CaseClass("major", "重大", 60_000, min_amount_fen=50_000_000, min_persons=30),
    ),
    oral_share=Fraction(2, 5),
    useful_share=Fraction(1, 3),
)
#: Why the committee departed from the class the scheme suggested.
DEPARTED = "调解五次才达成协议，按疑难复杂"


def add_subsidy_and_screening(db: Database) -> None:
    """Through the services, as the committee would: its own scheme; the classes of a written
    and an oral agreement (proved) and of a failed but useful mediation, one of them against
    the suggestion with its reason; and two screening rounds, the first with a finding
    registered as one of the cases and one resolved on the spot."""
    update_scheme(db, SCHEME)
    with db.reading() as session:
        ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    decisions = [class_decision(db, i) for i in ids]
    by_ending = {
        ending: [d for d in decisions if d.ending is ending]
        for ending in (Ending.WRITTEN, Ending.ORAL, Ending.UNSUCCESSFUL)
    }
    written = next(d for d in by_ending[Ending.WRITTEN] if d.suggested.code != "complex")
    set_case_class(db, written.case_id, "complex", DEPARTED)
    oral = by_ending[Ending.ORAL][0]
    set_case_class(db, oral.case_id, oral.suggested.code, oral_proof=True)
    failed = by_ending[Ending.UNSUCCESSFUL][0]
    set_case_class(db, failed.case_id, failed.suggested.code, useful=True)
    record_round(
        db,
        RoundDraft(
            held_on=TODAY - timedelta(days=14),
            area="幸福里小区1至6号楼",
            screened_by="王主任、李秀英",
            note="节前排查",
            findings=[
                FindingDraft(outcome="case", case_ref=written.case_number),
                FindingDraft(
                    description="楼道堆放杂物引起口角", outcome="resolved", note="当场劝说清理"
                ),
            ],
        ),
        today=TODAY,
        actor="王主任",
    )
    record_round(
        db,
        RoundDraft(
            held_on=TODAY - timedelta(days=7), area="幸福里小区7至9号楼", screened_by="王主任"
        ),
        today=TODAY,
        actor="王主任",
    )


def reports(db: Database) -> dict[str, dict[str, Any]]:
    """Every case's report without what the database gave it (ids, audit), by case number."""
    rows = list_cases(db, CaseQuery(), 0, 10 * CASES)
    return {
        r.number: case_report(db, r.id, TODAY, include_audit=False, include_ids=False) for r in rows
    }


def roster(db: Database) -> dict[str, MediatorRecord]:
    """Every mediator's yearly record without the database's id for them, by uuid."""
    records = (mediator_record(db, m.uuid) for m in list_mediators(db))
    return {
        r.mediator.uuid: dataclasses.replace(r, mediator=dataclasses.replace(r.mediator, id=0))
        for r in records
    }


def terms(report: dict[str, Any]) -> list[dict[str, Any]]:
    return report["agreement"]["terms"] if report["agreement"] else []


#: What the demo must hold for the round trip to say something about each kind of field.
RICH: dict[str, Any] = {
    "sessions": lambda r: bool(r["sessions"]),
    "investigation": lambda r: any(s["kind"] == "investigation" for s in r["sessions"]),
    "payments": lambda r: any(t["payments"] for t in terms(r)),
    "instalments": lambda r: any(t["schedule"]["kind"] == "instalments" for t in terms(r)),
    "monthly": lambda r: any(t["schedule"]["kind"] == "recurring" for t in terms(r)),
    "agents": lambda r: any(p["agents"] for p in r["parties"]),
    "participants": lambda r: bool(r["participants"]),
    "confirmation": lambda r: bool(r["agreement"] and r["agreement"]["confirmation_applied_on"]),
    "risk level": lambda r: r["risk_level"] is not None and bool(r["risk_measures"]),
    "follow-up met with": lambda r: any(f["met_with"] for f in r["follow_ups"]),
    "escalations": lambda r: bool(r["escalations"]),
    "multi-step history": lambda r: len(r["status_history"]) >= 5,
    "archived": lambda r: r["archived_at"] is not None,
    "closed": lambda r: r["closed_on"] is not None,
    "reasons": lambda r: any(s["reason"] for s in r["status_history"][1:]),
    "recusals": lambda r: any(x["party"] is not None for x in r["recusals"]),
    "recusals without a party": lambda r: any(x["party"] is None for x in r["recusals"]),
    "panel draws": lambda r: any(d["chosen"] for d in r["panel_draws"]),
    "redraws": lambda r: any(d["kind"] == "redraw" and d["reason"] for d in r["panel_draws"]),
    "changes by hand": lambda r: any(d["kind"] == "override" for d in r["panel_draws"]),
    "chosen by a party": lambda r: any(m["chosen_by_party"] is not None for m in r["panel"]),
    "identity proofs": lambda r: any(
        a["kind"] == "identity" and a["party"] is not None for a in r["attachments"]
    ),
    "attachments of the case": lambda r: any(
        a["kind"] == "photo" and a["party"] is None for a in r["attachments"]
    ),
    "rights notices": lambda r: r["rights_notified_on"] is not None,
    "dossier notes": lambda r: ARCHIVED_INCOMPLETE in r["dossier_note"],
    "identity proofs present": lambda r: any(
        i["key"].startswith("identity:") and i["present"] for i in r["dossier"]
    ),
    "complete dossiers": lambda r: all(i["present"] for i in r["dossier"]),
    "incomplete dossiers": lambda r: not all(i["present"] for i in r["dossier"]),
}
#: The same for the roster.
RICH_ROSTER: dict[str, Callable[[MediatorRecord], bool]] = {
    "absences": lambda m: bool(m.absences),
    "trainings": lambda m: len(m.trainings) >= 2,
    "relations": lambda m: bool(m.relations) and bool(m.relations[0].id_number),
    "committee members": lambda m: m.mediator.committee_member,
    "languages": lambda m: bool(m.mediator.languages),
    "own case limit": lambda m: m.mediator.case_limit is not None,
    "minority": lambda m: m.mediator.ethnicity not in ("", "汉族"),
}


def test_export_then_import_reports_every_case_the_same(demo: Database, tmp_path: Path) -> None:
    before = reports(demo)
    assert len(before) == CASES
    missing = [name for name, has in RICH.items() if not any(has(r) for r in before.values())]
    assert missing == [], f"the demo exercises none of: {missing}"
    mediators = roster(demo)
    missing = [n for n, has in RICH_ROSTER.items() if not any(has(m) for m in mediators.values())]
    assert missing == [], f"the demo's roster has none of: {missing}"

    exported = tmp_path / "all.json"
    assert export_file(demo, exported) == CASES
    target = open_database(tmp_path / "copy.db")
    try:
        import_file(target, exported)
        after = reports(target)
        mediators_after = roster(target)
    finally:
        target.close()

    assert after.keys() == before.keys()
    for number, report in before.items():
        assert after[number] == report, number
    assert mediators_after == mediators


def test_export_import_export_writes_the_same_file(demo: Database, tmp_path: Path) -> None:
    """The file of a database imported from a file is that file, byte for byte: nothing is
    lost, added or reordered on the way, the subsidy and the screening included."""
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert export_file(demo, first) == CASES
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["version"] == 4
    assert data["committee"]["subsidy_scheme"] == SCHEME.to_data()
    cases = data["cases"]
    departed = next(c for c in cases if c["subsidy_reason"] == DEPARTED)
    assert departed["subsidy_class"] == "complex"
    assert any(
        c["subsidy_oral_proof"] and c["subsidy_class"] and c["agreement"]["form"] == "oral"
        for c in cases
    )
    assert any(c["subsidy_useful"] and c["subsidy_class"] and not c["agreement"] for c in cases)
    rounds = data["screening_rounds"]
    assert [(len(r["findings"]), r["screened_by"]) for r in rounds] == [
        (2, "王主任、李秀英"),
        (0, "王主任"),
    ]
    linked, resolved = rounds[0]["findings"]
    assert (linked["outcome"], linked["case"], linked["description"]) == (
        "case",
        departed["uuid"],
        departed["title"],
    )
    assert (resolved["outcome"], resolved["case"], resolved["note"]) == (
        "resolved",
        None,
        "当场劝说清理",
    )

    target = open_database(tmp_path / "copy.db")
    try:
        report = import_file(target, first)
        assert (report.cases_added, report.rounds_added, report.unknown_classes) == (CASES, 2, {})
        assert export_file(target, second) == CASES
    finally:
        target.close()
    assert second.read_bytes() == first.read_bytes()


def test_the_demo_lives_by_the_status_table(demo: Database) -> None:
    """From 登记 on received_on, each step a row of the table, in order, none after today, to
    the case's status; the fields the steps set agree with them."""
    with demo.reading() as session:
        ids = list(session.scalars(select(Case.id)))
        for case_id in ids:
            case = find_case(session, case_id)
            steps = sorted(case.status_changes, key=lambda c: c.id)
            first, *moves = steps
            assert (first.event, first.from_status, first.to_status, first.on) == (
                "register",
                None,
                CaseStatus.REGISTERED.value,
                case.received_on,
            ), case.number
            previous = first
            for step in moves:
                event = CaseEvent(step.event)
                assert step.from_status == previous.to_status, case.number
                assert next_status(CaseStatus(step.from_status), event) == CaseStatus(
                    step.to_status
                ), (case.number, step.event)
                assert previous.on <= step.on <= TODAY, (case.number, step.event)
                previous = step
            assert previous.to_status == case.status, case.number
            day = {CaseEvent(s.event): s.on for s in moves}
            assert case.accepted_on == day.get(CaseEvent.ACCEPT), case.number
            assert case.performed_on == day.get(CaseEvent.COMPLETE_PERFORMANCE), case.number
            closing = [s.on for s in moves if CaseEvent(s.event) in CLOSING]
            assert case.closed_on == (closing[-1] if closing else None), case.number
            assert (case.archived_at is not None) == (CaseEvent.ARCHIVE in day), case.number
            for s in moves:
                if s.event == CaseEvent.REFER.value:
                    assert s.referred_to
                if s.event == CaseEvent.WITHDRAW.value:
                    assert s.withdrawn_by in {p.name for p in case.parties}
                if s.event == CaseEvent.FAIL.value:
                    assert s.routes
                if s.event in (CaseEvent.DECLINE.value, CaseEvent.TERMINATE.value):
                    assert s.reason
            assert all(s.held_at.date() <= TODAY for s in case.sessions)
            if CaseEvent.START_MEDIATION in day:
                assert case.sessions, case.number


def test_the_demo_performs_as_its_status_says(demo: Database) -> None:
    """Performed: every obligation performed as of today; being performed: one still open;
    before performance: no record at all."""
    with demo.reading() as session:
        for case_id in list(session.scalars(select(Case.id))):
            case = find_case(session, case_id)
            status = CaseStatus(case.status)
            facts = case_facts(case, TODAY)
            payments = [
                p
                for o in (case.agreement.obligations if case.agreement else [])
                for p in o.payments
            ]
            assert all(p.on <= TODAY for p in payments), case.number
            if status in PERFORMED:
                assert facts.obligations_performed == facts.obligations > 0, case.number
            elif status is CaseStatus.PERFORMING:
                assert facts.obligations_performed < facts.obligations, case.number
            else:
                assert payments == [], case.number
                if status is CaseStatus.AGREEMENT_REACHED:
                    assert facts.obligations_performed < facts.obligations, case.number


def test_a_fresh_demo_has_every_kind_of_due_item(demo: Database) -> None:
    """A volunteer trying the demo sees a 待办 list with something of each kind, late ones too."""
    items = due_items(demo, TODAY)
    kinds = {i.kind for i in items}
    assert kinds == set(DueKind)
    assert any(i.kind is DueKind.MEDIATION_NORM and i.overdue for i in items)
    assert any(i.kind is DueKind.OBLIGATION and i.overdue for i in items)
    with demo.reading() as session:
        late = [
            session.get(Obligation, int(i.ref.removeprefix("obligation:")))
            for i in items
            if i.kind is DueKind.OBLIGATION and i.overdue
        ]
        assert any(o is not None and o.schedule_kind == "instalments" for o in late)


def test_case_show_tells_the_recusals_and_how_the_panel_was_formed(demo: Database) -> None:
    shown = [r for r in reports(demo).values() if r["panel_draws"]]
    drawn = next(r for r in shown if len(r["panel_draws"]) == 2)
    changed = next(r for r in shown if r["panel_draws"][0]["kind"] == "override")
    assert [(d["draw_no"], d["kind_label"], d["mode_label"]) for d in drawn["panel_draws"]] == [
        (1, "抽选", "调解委员会指定"),
        (2, "重新抽选", "调解委员会指定"),
    ]
    assert [c["name"] for c in drawn["panel_draws"][0]["chosen"]] == [
        m["name"] for m in drawn["panel"]
    ]
    recusal = drawn["recusals"][0]
    respondent = drawn["parties"][1]["name"]
    assert (recusal["party"], recusal["reason"]) == (1, "调解员是被申请人的表舅")

    text = case_text(demo, drawn["number"], TODAY)
    assert f"{recusal['on']} {recusal['name']}  由被申请人{respondent}申请；理由：" in text
    assert "第2次重新抽选（调解委员会指定） " in text and "王主任  原因：当事人申请回避" in text
    lead = drawn["panel"][0]["name"]
    assert f"     主持人 {lead}" in text

    text = case_text(demo, changed["number"], TODAY)
    applicant = changed["parties"][0]["name"]
    assert changed["panel"][0]["chosen_by_party"] == 0
    assert f"由申请人{applicant}选定；说明：人工调整：申请人选定" in text
    assert "人工调整（当事人选定与委员会指定结合）" in text and "第0次" not in text
    assert changed["panel_draws"][0]["chosen"][0]["chosen_by"] is None


def test_a_damaged_explanation_still_shows_the_case(demo: Database) -> None:
    """The explanation is kept as stored: one that cannot be read names nobody, and no more."""
    with demo.operation("测试", "test.setup") as op:
        draw = op.session.scalars(select(PanelDraw).order_by(PanelDraw.id)).first()
        assert draw is not None
        draw.explanation = '{"seats": [{"name": "王'
        case_id = draw.case_id
    report = case_report(demo, case_id, TODAY, include_audit=False)
    assert report["panel_draws"][0]["chosen"] == []
    assert "【调解员组的组成】" in case_text(demo, case_id, TODAY)


def test_case_show_tells_the_dossier(demo: Database) -> None:
    shown = reports(demo)
    proved = next(r for r in shown.values() if len(r["attachments"]) > 1)
    applicant = proved["parties"][0]["name"]
    identity = next(a for a in proved["attachments"] if a["kind"] == "identity")
    assert (identity["kind_label"], identity["party"], identity["party_name"]) == (
        "身份证明",
        0,
        applicant,
    )
    item = next(i for i in proved["dossier"] if i["key"] == "identity:0")
    assert (item["name"], item["present"]) == (f"申请人{applicant}的身份证明", True)
    text = case_text(demo, proved["number"], TODAY)
    assert f"  身份证明（{applicant}） 身份证.jpg  " in text and "  现场照片 现场.jpg  " in text
    dossier = text.split("【卷宗】")[1].split("【")[0]
    assert f"  ✓ 申请人{applicant}的身份证明" in dossier
    assert f"  权利义务告知书：{proved['rights_notified_on']}告知" in dossier

    archived = next(r for r in shown.values() if r["dossier_note"])
    assert any(not i["present"] for i in archived["dossier"])
    text = case_text(demo, archived["number"], TODAY)
    dossier = text.split("【卷宗】")[1].split("【")[0]
    assert "  ✗ " in dossier and f"卷宗情况说明：{archived['dossier_note']}" in dossier
    assert ARCHIVED_INCOMPLETE in dossier
