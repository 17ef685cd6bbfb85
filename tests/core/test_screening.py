"""矛盾纠纷排查: rounds with their findings (linked to a case, a new case registered through the
usual path, resolved on the spot, watched), the weekly and monthly report with the zero report,
as data, JSON, PDF and Word."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import AuditEntry
from app.domain.codes import CaseStatus, FindingOutcome
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import UserError, ValidationErrors
from app.domain.screening import FindingDraft, RoundDraft, period_kind, weeks_without
from app.services.cases import get_case, register_case
from app.services.screening import (
    get_round,
    list_rounds,
    record_round,
    remove_round,
    report_data,
    save_report,
    screening_report,
    update_finding,
)
from tests.core.test_case_life import draft

D = date
TODAY = D(2026, 11, 30)


def new_case() -> CaseDraft:
    return CaseDraft(
        title="5号楼停车位纠纷",
        source="own_initiative",
        received_on=D(2026, 11, 20),
        parties=[
            PartyDraft(role="applicant", name="周大海"),
            PartyDraft(role="respondent", name="吴小丽"),
        ],
    )


def a_round(db, case_number: str):  # type: ignore[no-untyped-def]
    return record_round(
        db,
        RoundDraft(
            held_on=D(2026, 11, 20),
            area="幸福里小区1至6号楼",
            screened_by="王建国、李秀英",
            findings=[
                FindingDraft("3号楼602与502因漏水争吵", "resolved", note="已当场说和"),
                FindingDraft("", "case", case_ref=case_number),
                FindingDraft("停车位争执", "case", new_case=new_case()),
                FindingDraft("6号楼邻里不和", "watch"),
            ],
        ),
        actor="王建国",
        today=TODAY,
    )


def test_a_round_links_registers_and_notes_its_findings(db) -> None:  # type: ignore[no-untyped-def]
    existing, _ = register_case(db, draft(), today=D(2026, 10, 8))
    view, changed = a_round(db, existing.number)
    assert [f.outcome for f in view.findings] == [
        FindingOutcome.RESOLVED,
        FindingOutcome.CASE,
        FindingOutcome.CASE,
        FindingOutcome.WATCH,
    ]
    linked, registered = view.findings[1], view.findings[2]
    assert linked.description == "楼上渗水纠纷"  # the case's title when none is written
    assert linked.case_number == existing.number and linked.case_status == "已登记"
    new = get_case(db, registered.case_number)
    assert new.title == "5号楼停车位纠纷" and new.status is CaseStatus.REGISTERED
    assert changed.case_list and {existing.id, new.id} <= changed.cases
    assert "现已登记" in registered.line()
    with db.reading() as session:
        actions = [
            (e.action, e.entity)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "screening.add")
        ).one()
    # The new case has its own registration in its history; the round is one entry.
    assert ("case.register", "case") in actions and ("screening.add", "screening_round") in actions
    after = json.loads(entry.after)
    assert after["area"] == "幸福里小区1至6号楼" and after["findings.2.case_id"] == existing.id
    assert entry.actor == "王建国"
    assert get_round(db, view.uuid) == view == list_rounds(db)[0]


def test_a_wrong_round_registers_nothing_and_names_every_problem(db) -> None:  # type: ignore[no-untyped-def]
    bad_case = new_case()
    bad_case.parties = []
    with pytest.raises(ValidationErrors) as caught:
        record_round(
            db,
            RoundDraft(
                held_on=D(2026, 12, 5),
                area="",
                screened_by="王建国",
                findings=[
                    FindingDraft("", "resolved"),
                    FindingDraft("x", "case", case_ref="（2026）飞人调字第999号"),
                    FindingDraft("y", "case", new_case=bad_case),
                    FindingDraft("z", "watch", case_ref="（2026）飞人调字第1号"),
                    FindingDraft("w", "case"),
                ],
            ),
            today=TODAY,
        )
    message = caught.value.message
    for words in (
        "排查日期：2026-12-05还没到",
        "排查范围：请写明排查了哪里",
        "第1项排查发现的情况：请写明发现了什么纠纷",
        "第2项排查发现的案件：找不到案件“（2026）飞人调字第999号”",
        "第3项排查发现登记的纠纷的当事人：纠纷至少要有一位申请人和一位被申请人",
        "第4项排查发现的案件：“继续关注”的发现不登记案件",
        "第5项排查发现的案件：登记为案件时，请选一件已登记的案件，或者登记一件新的纠纷",
    ):
        assert words in message, words
    assert list_rounds(db) == []
    with db.reading() as session:
        assert session.scalars(select(AuditEntry.action)).all() == ["committee.create"]


def test_a_watched_finding_later_becomes_a_case_and_a_round_can_be_removed(db) -> None:  # type: ignore[no-untyped-def]
    existing, _ = register_case(db, draft(), today=D(2026, 10, 8))
    view, _ = a_round(db, existing.number)
    later, changed = update_finding(db, view.id, 4, "case", case_ref=existing.number)
    assert later.findings[3].outcome is FindingOutcome.CASE
    assert later.findings[3].case_id == existing.id and changed.cases == {existing.id}
    with pytest.raises(UserError, match="没有第9项发现"):
        update_finding(db, view.id, 9, "resolved")
    with pytest.raises(ValidationErrors, match="登记为案件时"):
        update_finding(db, view.id, 1, "case")
    remove_round(db, view.uuid)
    assert list_rounds(db) == []
    assert get_case(db, existing.id).number == existing.number  # cases stay
    with pytest.raises(UserError, match="找不到排查记录"):
        get_round(db, view.id)


def test_the_monthly_report_counts_and_names_the_weeks_not_screened(db) -> None:  # type: ignore[no-untyped-def]
    existing, _ = register_case(db, draft(), today=D(2026, 10, 8))
    a_round(db, existing.number)
    record_round(
        db,
        RoundDraft(held_on=D(2026, 11, 27), area="幸福里小区7至9号楼", screened_by="王建国"),
        today=TODAY,
    )
    report = screening_report(db, D(2026, 11, 1), D(2026, 11, 30), today=TODAY)
    assert report.kind == "monthly" and report.period_text() == "2026年11月（月报）"
    assert not report.zero_report and report.title == "矛盾纠纷排查情况报告"
    assert report.summary() == (
        "本期共开展矛盾纠纷排查2次，排查范围：幸福里小区1至6号楼、幸福里小区7至9号楼。"
        "共排查发现矛盾纠纷4件，其中当场化解1件，登记为案件调解2件，继续关注1件。"
    )
    assert (
        report.gaps_text() == "以下各周没有排查记录：11月1日、11月2日—8日、11月9日—15日、11月30日。"
    )
    data = report_data(report)
    assert (data["rounds"], data["findings"], data["registered_as_cases"]) == (2, 4, 2)
    assert (data["resolved_on_the_spot"], data["watched"]) == (1, 1)
    assert data["weeks_without_screening"] == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-30",
    ]
    json.dumps(data, ensure_ascii=False)  # plain JSON all through


def test_a_week_screened_with_nothing_found_is_the_zero_report(db) -> None:  # type: ignore[no-untyped-def]
    record_round(
        db,
        RoundDraft(held_on=D(2026, 11, 25), area="幸福里小区", screened_by="王建国"),
        today=TODAY,
    )
    report = screening_report(db, D(2026, 11, 23), D(2026, 11, 29), today=TODAY)
    assert report.zero_report and report.kind == "weekly"
    assert report.title == "矛盾纠纷排查零报告"
    assert report.summary().endswith("经排查，未发现矛盾纠纷，特此零报告。")
    assert report.period_text() == "2026年11月23日至2026年11月29日（周报）"
    nothing = screening_report(db, D(2026, 11, 16), D(2026, 11, 22), today=TODAY)
    assert not nothing.zero_report and nothing.title == "矛盾纠纷排查情况报告"
    assert "本期没有开展矛盾纠纷排查" in nothing.summary()
    with pytest.raises(UserError, match="请把两个日期对调"):
        screening_report(db, D(2026, 11, 30), D(2026, 11, 1))


def test_weeks_and_kinds_of_period() -> None:
    assert period_kind(D(2026, 11, 23), D(2026, 11, 29)) == "weekly"
    assert period_kind(D(2026, 2, 1), D(2026, 2, 28)) == "monthly"
    assert period_kind(D(2026, 12, 1), D(2026, 12, 31)) == "monthly"
    assert period_kind(D(2026, 11, 1), D(2026, 12, 31)) == "custom"
    assert period_kind(D(2026, 11, 24), D(2026, 11, 30)) == "custom"  # not Monday to Sunday
    assert weeks_without(D(2026, 11, 23), D(2026, 11, 29), {D(2026, 11, 29)}) == ()
    assert weeks_without(D(2026, 11, 23), D(2026, 12, 6), {D(2026, 11, 29)}) == (D(2026, 11, 30),)


def test_the_report_prints_as_pdf_and_word(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document as Docx
    from pypdf import PdfReader

    existing, _ = register_case(db, draft(), today=D(2026, 10, 8))
    a_round(db, existing.number)
    pdf = save_report(db, D(2026, 11, 1), D(2026, 11, 30), "pdf", tmp_path / "r.pdf", today=TODAY)
    flat = "".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    for words in (
        "矛盾纠纷排查情况报告",
        "报送：司法所",
        "3号楼602与502因漏水争吵",
        existing.number,
        "继续关注",
        "填报人（签名）",
    ):
        assert words in flat, words
    word = save_report(db, D(2026, 11, 1), D(2026, 11, 30), "docx", tmp_path / "r.docx")
    text = "\n".join(p.text for p in Docx(str(word)).paragraphs)
    cells = " ".join(c.text for t in Docx(str(word)).tables for row in t.rows for c in row.cells)
    assert "登记为案件调解2件" in text and "停车位争执" in cells
    zero = save_report(db, D(2026, 12, 7), D(2026, 12, 13), "pdf", tmp_path / "z.pdf", today=TODAY)
    flat = "".join("".join(p.extract_text() for p in PdfReader(zero).pages).split())
    assert "本期没有排查记录" in flat
    with pytest.raises(UserError, match="只能保存为 pdf 或 docx"):
        save_report(db, D(2026, 11, 1), D(2026, 11, 30), "xlsx", tmp_path / "r.xlsx")
