"""以案定补: the scheme, the suggested class, each mediator's share to the fen, and the claim
sheet of a fixture period with hand-computed amounts (tests/core/subsidy_cases.py) — on screen,
in Excel (reopened with openpyxl, converted by LibreOffice), PDF and Word."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from app.db.models import AuditEntry, Case
from app.domain.codes import DisputeType, PanelRole, Tier
from app.domain.dossier import DossierItem
from app.domain.errors import UserError, ValidationError, ValidationErrors
from app.domain.lifecycle import CaseEvent, EventInput
from app.domain.money import from_fen
from app.domain.subsidy import (
    CaseFacts,
    ClaimCase,
    Scheme,
    Seat,
    fraction_text,
    parse_fraction,
    split,
    suggest_class,
)
from app.services.case_life import apply_event
from app.services.database import Database
from app.services.subsidy import (
    claim_sheet,
    class_decision,
    save_claim,
    set_case_class,
    subsidy_scheme,
    update_scheme,
)
from app.views import CaseDetail
from tests.core import subsidy_cases as fixture

L, M, R = PanelRole.LEAD, PanelRole.MEMBER, PanelRole.RECORDER


@pytest.fixture
def period(db):  # type: ignore[no-untyped-def]
    return fixture.build(db)


# ---------------------------------------------------------------- the scheme


def test_the_default_scheme_round_trips_through_json() -> None:
    scheme = Scheme()
    assert Scheme.from_json(scheme.to_json()) == scheme
    assert Scheme.from_json("") == scheme
    data = json.loads(scheme.to_json())
    assert [c["label"] for c in data["classes"]] == ["简易", "一般", "疑难复杂", "重大"]
    assert data["classes"][1]["amount"] == "200.00"
    assert data["roles"] == {"lead": "1/2", "member": "3/10", "recorder": "1/5"}


def test_shares_are_written_as_people_write_them() -> None:
    for text, value in (("1/2", Fraction(1, 2)), ("0.3", Fraction(3, 10)), ("20%", Fraction(1, 5))):
        assert parse_fraction(text, "x", "比例") == value
    assert parse_fraction("１／３", "x", "比例") == Fraction(1, 3)  # full width, as typed
    for wrong in ("一半", "3/2", "-1", "", "1/0"):
        with pytest.raises(ValidationError):
            parse_fraction(wrong, "x", "比例")
    assert fraction_text(Fraction(1, 2)) == "50%"
    assert fraction_text(Fraction(1, 8)) == "12.5%"
    assert fraction_text(Fraction(1, 3)) == "1/3"


def test_a_wrong_scheme_names_every_problem_in_chinese() -> None:
    text = json.dumps(
        {
            "classes": [
                {"code": "simple", "label": "简易", "amount": "100"},
                {"code": "simple", "label": "一般", "amount": "50"},
                {"code": "Big", "label": "重大", "amount": "abc", "tier_at_least": "city"},
            ],
            "roles": {"lead": "1/2", "member": "1/2", "recorder": "1/5"},
            "colour": "red",
        }
    )
    with pytest.raises(ValidationErrors) as caught:
        Scheme.from_json(text)
    message = caught.value.message
    assert "“colour”：不认识这一项" in message
    assert "第3个类别的补贴金额（amount）：“abc”不是金额" in message
    assert "第3个类别的层级条件" in message
    assert "加起来应正好是1（现在是120%）" in message
    with pytest.raises(UserError, match="不是有效的 JSON"):
        Scheme.from_json("{classes: [")


def test_classes_must_not_pay_less_than_the_one_before() -> None:
    text = Scheme().to_json().replace('"200.00"', '"50.00"')
    with pytest.raises(ValidationErrors, match="不能低于前一个类别“简易”"):
        Scheme.from_json(text)


def test_updating_the_scheme_is_one_audited_operation(db) -> None:  # type: ignore[no-untyped-def]
    assert subsidy_scheme(db) == Scheme()
    custom = Scheme.from_json(Scheme().to_json().replace('"100.00"', '"80.00"'))
    scheme, changed = update_scheme(db, custom, actor="李文书")
    assert changed.settings and subsidy_scheme(db) == scheme
    assert subsidy_scheme(db).classes[0].amount_fen == 8000
    with pytest.raises(ValidationErrors):
        update_scheme(db, '{"classes": []}')
    assert subsidy_scheme(db) == custom  # nothing changed
    with db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "subsidy.scheme")
        ).one()
    assert entry.actor == "李文书" and "subsidy_scheme" in json.loads(entry.after)


# ---------------------------------------------------------------- suggestion and split


def test_the_most_serious_class_a_fact_meets_is_suggested_with_its_reasons() -> None:
    scheme = Scheme()

    def facts(amount: int | None = None, persons: int | None = None, tier: Tier = Tier.BUILDING,
              kind: DisputeType = DisputeType.NEIGHBOURHOOD) -> CaseFacts:  # fmt: skip
        return CaseFacts(amount, persons, tier, kind)

    cls, why = suggest_class(scheme, facts())
    assert cls.label == "简易" and "都没有达到更高类别的条件" in why[0]
    cls, why = suggest_class(scheme, facts(amount=600_000))
    assert cls.label == "一般" and why == ("涉及金额6,000.00元，满“一般”的5,000.00元",)
    cls, why = suggest_class(scheme, facts(persons=3, tier=Tier.COMMUNITY))
    assert cls.label == "疑难复杂" and "在社区一级化解" in why[0]
    cls, _ = suggest_class(scheme, facts(kind=DisputeType.MEDICAL))
    assert cls.label == "疑难复杂"
    cls, why = suggest_class(scheme, facts(amount=60_000_000, persons=40))
    assert cls.label == "重大" and len(why) == 2


def test_a_panel_shares_the_case_amount_by_role_to_the_fen() -> None:
    scheme = Scheme()
    full = [Seat(1, "甲", L), Seat(2, "乙", M), Seat(3, "丙", R)]
    assert [s.amount_fen for s in split(20_000, full, scheme)] == [10_000, 6_000, 4_000]
    # No recorder: lead and members share its fifth in proportion (1/2 : 3/10).
    two = [Seat(1, "甲", L), Seat(2, "乙", M), Seat(3, "丙", M)]
    assert [s.amount_fen for s in split(30_000, two, scheme)] == [18_750, 5_625, 5_625]
    # 100.01 yuan: the fen left over goes to the largest remainder.
    assert [s.amount_fen for s in split(10_001, two, scheme)] == [6_251, 1_875, 1_875]
    thirds = Scheme(lead_share=Fraction(1, 3), member_share=Fraction(1, 3),
                    recorder_share=Fraction(1, 3))  # fmt: skip
    # Equal remainders: the lead first, then members, then the recorder.
    assert [s.amount_fen for s in split(10_000, full, thirds)] == [3_334, 3_333, 3_333]
    assert [s.amount_fen for s in split(10_000, full[::-1], thirds)] == [3_333, 3_333, 3_334]
    assert split(10_000, [], scheme) == ()


@given(
    amount=st.integers(0, 10_000_000),
    roles=st.lists(st.sampled_from([L, M, R]), min_size=1, max_size=9),
    shares=st.tuples(st.integers(1, 20), st.integers(0, 20), st.integers(0, 20)),
)
def test_shares_always_add_up_to_the_case_amount(
    amount: int, roles: list[PanelRole], shares: tuple[int, int, int]
) -> None:
    total = sum(shares)
    scheme = Scheme(
        lead_share=Fraction(shares[0], total),
        member_share=Fraction(shares[1], total),
        recorder_share=Fraction(shares[2], total),
    )
    panel = [Seat(i, f"人{i}", role) for i, role in enumerate(roles)]
    result = split(amount, panel, scheme)
    assert sum(s.amount_fen for s in result) == amount
    assert all(s.amount_fen >= 0 for s in result)
    # Nobody is more than one fen from their exact share.
    weight = sum(scheme.role_shares[r] for r in set(roles))
    for seat, share in zip(panel, result, strict=True):
        if weight:
            exact = amount * scheme.role_shares[seat.role] / weight / roles.count(seat.role)
        else:
            exact = Fraction(amount, len(panel))
        assert abs(share.amount_fen - exact) < 1


# ---------------------------------------------------------------- one case's class


def test_a_class_is_set_only_on_a_closed_case_and_a_departure_needs_a_reason(db, period) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="还在办理中（调解中）"):
        set_case_class(db, period["L"], "一般")
    decision = class_decision(db, period["G"])
    assert decision.class_code is None and decision.suggested.label == "一般"
    assert "涉及3人" in decision.summary()
    with pytest.raises(ValidationError, match="与建议的“一般”不同，请写明理由"):
        set_case_class(db, period["G"], "重大")
    with pytest.raises(ValidationError, match="可以选：简易、一般、疑难复杂、重大"):
        set_case_class(db, period["G"], "特大")
    with pytest.raises(ValidationError, match="只有调解未成的案件"):
        set_case_class(db, period["G"], "一般", useful=True)
    with pytest.raises(ValidationError, match="只有口头协议"):
        set_case_class(db, period["G"], "一般", oral_proof=True)
    decision, changed = set_case_class(db, period["G"], "general", actor="王主任")
    assert decision.class_label == "一般" and changed.cases == frozenset({period["G"]})
    decision, _ = set_case_class(db, period["G"], "重大", "涉及三十户，群体性")
    assert decision.class_code == "major" and decision.reason == "涉及三十户，群体性"
    with db.reading() as session:
        uuid = session.get(Case, period["G"]).uuid
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_uuid == uuid, AuditEntry.action == "subsidy.class")
            .order_by(AuditEntry.id)
        ).all()
    assert [json.loads(e.after)["subsidy_class"] for e in entries] == ["general", "major"]
    assert json.loads(entries[1].before)["subsidy_class"] == "general"
    assert entries[0].actor == "王主任"


def test_an_archived_case_still_gets_its_class(db, period) -> None:  # type: ignore[no-untyped-def]
    apply_event(
        db, period["G"], CaseEvent.ARCHIVE, EventInput(reason="测试"), on=fixture.TODAY,
        today=fixture.TODAY,
    )  # fmt: skip
    decision, _ = set_case_class(db, period["G"], "一般")
    assert decision.class_label == "一般"


# ---------------------------------------------------------------- the claim sheet


def test_the_fixture_period_gives_the_hand_computed_amounts(db, period) -> None:  # type: ignore[no-untyped-def]
    sheet = claim_sheet(db, fixture.START, fixture.END)
    assert from_fen(sheet.total_fen) == fixture.EXPECTED_TOTAL
    assert {
        m.name: (m.cases, from_fen(m.amount_fen)) for m in sheet.mediators
    } == fixture.EXPECTED_TOTALS
    assert [m.name for m in sheet.mediators] == ["王建国", "张秀英", "赵敏", "李文"]
    by_title = {line.case.title: line for line in sheet.lines}
    keys = {spec.title: spec.key for spec in fixture.SPECS}
    for title, line in by_title.items():
        expected = fixture.EXPECTED_SHARES[keys[title]]
        assert {s.name: str(from_fen(s.amount_fen)) for s in line.shares} == expected
        assert sum(s.amount_fen for s in line.shares) == line.amount_fen
    assert by_title["宠物扰民纠纷"].basis_text == "口头协议（有证明），按50%"
    assert by_title["装修噪声纠纷"].basis_text == "调解不成但有成效，按50%"
    wang = next(m for m in sheet.mediators if m.name == "王建国")
    assert (wang.as_lead, wang.as_member, wang.as_recorder) == (1, 2, 0)
    assert sheet.summary() == (
        "本期申报案件4件，补贴合计650.00元，涉及调解员4名；暂缓申报2件（补齐后可申报200.00元）；"
        "不计补贴3件。"
    )


def test_an_incomplete_dossier_is_listed_apart_with_its_missing_items(db, period) -> None:  # type: ignore[no-untyped-def]
    sheet = claim_sheet(db, fixture.START, fixture.END)
    held = {h.case.title: h for h in sheet.held}
    assert set(held) == {"停车位纠纷", "楼道堆物纠纷"}
    parking = held["停车位纠纷"]
    assert [i.name for i in parking.missing] == [
        "人民调解当事人权利义务告知书",
        "被申请人张伟的身份证明",
    ]
    assert all(i.what_to_do for i in parking.missing)
    assert parking.problems == (
        "卷宗不完整，缺：人民调解当事人权利义务告知书、被申请人张伟的身份证明",
    )
    assert parking.amount_fen == 20_000  # what it will bring once the file is complete
    assert held["楼道堆物纠纷"].problems[0].startswith("还没有确定补贴类别（建议“一般”）")
    unpaid = {u.case.title: u.reason for u in sheet.unpaid}
    assert set(unpaid) == {"房屋租赁纠纷", "阳台漏水纠纷", "婚姻家庭纠纷"}
    assert "口头协议没有证明材料" in unpaid["阳台漏水纠纷"]
    everything = {c.case.title for c in sheet.lines} | set(held) | set(unpaid)
    assert "高空抛物纠纷" not in everything  # ended in September
    assert "噪声纠纷" not in everything  # still mediating


def test_a_period_must_run_forwards(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="请把两个日期对调"):
        claim_sheet(db, date(2026, 12, 31), date(2026, 10, 1))


def test_the_excel_sheet_reopens_with_the_same_figures(db, period, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = save_claim(db, fixture.START, fixture.END, "xlsx", tmp_path / "申报表.xlsx",
                      today=fixture.TODAY)  # fmt: skip
    book = load_workbook(path)
    assert book.sheetnames == ["补贴汇总", "案件明细", "暂缓申报", "不计补贴", "补贴办法"]
    totals = book["补贴汇总"]
    assert "以案定补补贴申报表" in totals["A1"].value
    assert "A1:G1" in {str(r) for r in totals.merged_cells.ranges}
    assert "2026年10月1日至2026年12月31日" in totals["A2"].value
    rows = list(totals.iter_rows(min_row=6, values_only=True))
    people = {row[1]: (row[2], Decimal(str(row[6])).quantize(Decimal("0.01"))) for row in rows[:4]}
    assert people == fixture.EXPECTED_TOTALS
    assert rows[4][0] == "合计" and Decimal(str(rows[4][6])) == fixture.EXPECTED_TOTAL
    assert totals.cell(6, 7).number_format == "#,##0.00"
    assert totals.column_dimensions["B"].width >= 8
    lines = book["案件明细"]
    shares = [r for r in lines.iter_rows(min_row=6, values_only=True) if isinstance(r[0], int)]
    assert len(shares) == 9
    assert sum(Decimal(str(r[9])) for r in shares) == fixture.EXPECTED_TOTAL
    assert lines.cell(6, 4).number_format == "yyyy-mm-dd"
    held = book["暂缓申报"]
    text = "\n".join(str(c) for row in held.iter_rows(values_only=True) for c in row if c)
    assert "被申请人张伟的身份证明" in text and "在“卷宗”页按“添加附件”" in text


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: install libreoffice-calc-nogui to check "
            "that the Excel sheet converts"
        )
    return found


def test_libreoffice_converts_the_excel_sheet(db, period, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    program = soffice()
    path = save_claim(db, fixture.START, fixture.END, "xlsx", tmp_path / "claim.xlsx")
    out = tmp_path / "out"
    result = subprocess.run(
        [
            program,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stderr
    converted = out / "claim.pdf"
    if not converted.exists() or converted.stat().st_size == 0:
        pytest.fail(
            "LibreOffice did not convert the sheet "
            "(a Calc component may be missing: libreoffice-calc-nogui): "
            f"{result.stdout} {result.stderr}"
        )
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(converted), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "650.00" in text and "王建国" in text


def test_the_pdf_and_word_claims_say_the_same_figures(db, period, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document as Docx
    from pypdf import PdfReader

    pdf = save_claim(db, fixture.START, fixture.END, "pdf", tmp_path / "c.pdf", today=fixture.TODAY)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = "".join(text.split())
    for figure in ("650.00", "285.00", "156.25", "187.50", "62.50", "被申请人张伟的身份证明"):
        assert figure in flat, figure
    assert "以案定补补贴申报表" in flat and "口头协议没有证明材料" in flat
    word = save_claim(db, fixture.START, fixture.END, "docx", tmp_path / "c.docx")
    document = Docx(str(word))
    cells = " ".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "285.00" in cells and "王建国" in cells
    with pytest.raises(UserError, match="只能保存为 xlsx"):
        save_claim(db, fixture.START, fixture.END, "csv", tmp_path / "c.csv")


def claimed_as_the_whole_cases_say(db: Database, start: date, end: date) -> list[ClaimCase]:
    """The claim's cases of the period, each checked against the whole case read alone: how
    it ended, the suggestion, the panel and the dossier's missing items."""
    from app.domain.dossier import check_dossier, missing_items
    from app.services.detail import get_case
    from app.services.subsidy import claim_cases, ending_of, facts_of

    scheme = subsidy_scheme(db)
    with db.reading() as session:
        claimed = claim_cases(session, scheme, start, end)
    for case in claimed:
        whole = get_case(db, case.case_id)
        assert case.missing == missing_items(check_dossier(whole)), whole.number
        assert (case.ended_on, case.ending) == ending_of(whole), whole.number
        assert (case.suggested, case.suggestion_reasons) == suggest_class(
            scheme, facts_of(whole)
        ), whole.number
        assert case.panel == tuple(Seat(m.mediator_id, m.name, m.role) for m in whole.panel)
    return claimed


def test_the_set_based_dossier_check_agrees_with_each_case_s_own(db, period) -> None:  # type: ignore[no-untyped-def]
    """The fixture's cases, F's dossier incomplete: the same missing items, case by case."""
    claimed = {c.title: c for c in claimed_as_the_whole_cases_say(db, fixture.START, fixture.END)}
    assert set(claimed) == {s.title for s in fixture.SPECS if s.key not in ("K", "L")}
    assert [i.name for i in claimed["停车位纠纷"].missing] == [
        "人民调解当事人权利义务告知书",
        "被申请人张伟的身份证明",
    ]
    assert all(not c.missing for t, c in claimed.items() if t != "停车位纠纷")


def test_the_claims_set_based_reading_agrees_with_the_whole_case(demo_db) -> None:  # type: ignore[no-untyped-def]
    """Every case of the demo whose mediation has ended, read for a claim of all time."""
    from app.services.detail import get_case
    from app.services.subsidy import ending_of

    claimed = claimed_as_the_whole_cases_say(demo_db, date(2000, 1, 1), date(2100, 12, 31))
    with demo_db.reading() as session:
        ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    ended = [i for i in ids if ending_of(get_case(demo_db, i)) is not None]
    assert sorted(c.case_id for c in claimed) == ended and len(ended) > 20
    assert any(c.missing for c in claimed)


def test_the_dossier_is_asked_case_by_case_if_it_answers_otherwise(db, period, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Should the dossier check one day answer for a case's parties together (here: one more
    item when a case has more than one party), the claim asks it of each case alone, and the
    answers are still each case's own."""
    from app.domain import dossier
    from app.services import subsidy

    def together(case: CaseDetail) -> tuple[dossier.DossierItem, ...]:
        items = dossier.check_dossier(case)
        if len(case.parties) > 1:
            count = f"{len(case.parties)}方当事人"
            items += (dossier.DossierItem("parties", count, False, "请核对当事人"),)
        return items

    monkeypatch.setattr(subsidy, "check_dossier", together)
    claimed = {c.title: c for c in claimed_as_the_whole_cases_say_with(db, together)}
    parking = claimed["停车位纠纷"]
    assert [i.key for i in parking.missing][-1] == "parties"
    assert [i.name for i in parking.missing][-1] == "2方当事人"


def claimed_as_the_whole_cases_say_with(
    db: Database, check: Callable[[CaseDetail], tuple[DossierItem, ...]]
) -> list[ClaimCase]:
    from app.domain.dossier import missing_items
    from app.services.detail import get_case
    from app.services.subsidy import claim_cases

    with db.reading() as session:
        claimed = claim_cases(session, subsidy_scheme(db), fixture.START, fixture.END)
    for case in claimed:
        assert case.missing == missing_items(check(get_case(db, case.case_id)))
    return claimed
