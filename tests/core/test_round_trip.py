"""An export carries every case whole: a demo database exported and imported into an empty one
reports every case the same, so a field that export (or import) forgets fails here.

The demo is the data: it is checked to exercise the rich fields first, so the comparison cannot
pass because there was nothing to compare. Its cases' lives are checked against the status table
and against their records of performance.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import Case, Obligation
from app.domain.codes import CaseStatus
from app.domain.deadlines import DueKind
from app.domain.lifecycle import CaseEvent, next_status
from app.services.case_life import case_facts
from app.services.case_report import case_report
from app.services.cases import CaseQuery, list_cases
from app.services.database import Database, open_database
from app.services.demo import fill_demo
from app.services.due import due_items
from app.services.exchange import export_file, import_file
from app.services.records import find_case
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
    yield database
    database.close()


def reports(db: Database) -> dict[str, dict[str, Any]]:
    """Every case's report without what the database gave it (ids, audit), by case number."""
    rows = list_cases(db, CaseQuery(), 0, 10 * CASES)
    return {
        r.number: case_report(db, r.id, TODAY, include_audit=False, include_ids=False) for r in rows
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
}


def test_export_then_import_reports_every_case_the_same(demo: Database, tmp_path: Path) -> None:
    before = reports(demo)
    assert len(before) == CASES
    missing = [name for name, has in RICH.items() if not any(has(r) for r in before.values())]
    assert missing == [], f"the demo exercises none of: {missing}"

    exported = tmp_path / "all.json"
    assert export_file(demo, exported) == CASES
    target = open_database(tmp_path / "copy.db")
    try:
        import_file(target, exported)
        after = reports(target)
    finally:
        target.close()

    assert after.keys() == before.keys()
    for number, report in before.items():
        assert after[number] == report, number


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
