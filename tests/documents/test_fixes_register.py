"""The oral agreement register (and the agreement) print what the record holds: the parties'
occupation and ID number, the place the mediation was held, the requests; and a two-party
register of typical length is one page, signatures and seal included."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from app.documents import tree
from app.documents.docx import render_docx
from app.documents.forms.agreement import build_agreement
from app.documents.forms.oral_agreement import EFFECT, build_oral_agreement
from app.documents.pdf import render_pdf
from app.domain.codes import PanelRole, SessionKind
from app.domain.values import Place
from app.views import CaseDetail, CommitteeInfo, PanelMemberView, SessionView, TermView

from .conftest import needs_poppler, pdf_lines, pdf_words, pypdf_text
from .test_agreement import texts
from .test_oral_agreement import register

ROOM = "飞机场社区老娘舅调解室"
REQUESTS = ("被申请人赔偿维修费用1250.50元", "被申请人修复卫生间防水层")


def session(kind: SessionKind, day: int, place: str) -> SessionView:
    return SessionView(0, kind, datetime(2026, 3, day, 7, tzinfo=UTC), place=place)


@pytest.fixture
def typical(oral_case: CaseDetail) -> CaseDetail:
    """A two-party oral agreement as most are: names of two or three characters, a sentence
    or two of facts, one request, two terms, a panel of three, a mediation session on record.
    (The fixture's names are the longest and rarest a roll has; they stay on the parties.)"""
    assert oral_case.agreement is not None
    applicant, respondent = oral_case.parties
    parties = (
        dataclasses.replace(applicant, name="张秀英", ethnicity="汉族"),
        dataclasses.replace(respondent, name="李建军"),
    )
    one, two, _ = oral_case.agreement.terms
    agreement = dataclasses.replace(
        oral_case.agreement,
        facts="3号楼501室卫生间防水层老化，多次向楼下401室渗水，造成401室天花板、墙面受损。",
        issues="",
        terms=(one, two),
    )
    return dataclasses.replace(
        oral_case,
        parties=parties,
        agreement=agreement,
        requests=("被申请人赔偿维修费用并修复防水层",),
        panel=(
            PanelMemberView(1, "m-1", "周建国", PanelRole.LEAD),
            PanelMemberView(3, "m-3", "王建国", PanelRole.MEMBER),
            PanelMemberView(2, "m-2", "郑秀兰", PanelRole.RECORDER),
        ),
        sessions=(session(SessionKind.MEDIATION, 20, ROOM),),
        place=Place("胜利路东院", "10号楼"),  # where the dispute arose
    )


# --- 3. one page ---------------------------------------------------------------------------------


def test_a_typical_two_party_register_is_one_page(
    tmp_path: Path, typical: CaseDetail, committee: CommitteeInfo
) -> None:
    path = tmp_path / "typical.pdf"
    render_pdf(build_oral_agreement(typical, committee), path)
    assert len(PdfReader(path).pages) == 1
    text = "".join(pypdf_text(path).split())
    for expected in (EFFECT, "（人民调解委员会印）", "人民调解员王建国（签名）：", "登记人郑秀兰"):
        assert expected in text, expected


# --- 4. the parties' particulars and the place of mediation --------------------------------------


def test_the_register_gives_occupation_and_id_number_as_the_agreement_does(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    cells = register(build_oral_agreement(oral_case, committee))
    assert "职业或职务：退休职工" in cells["申请人"]
    assert "公民身份号码：11010519491231002X" in cells["申请人"]
    assert "职业或职务：教师" in cells["被申请人"]
    assert "公民身份号码：410703199003210048" in cells["被申请人"]
    unknown = dataclasses.replace(oral_case.parties[0], occupation="", id_number="")
    blank = dataclasses.replace(oral_case, parties=(unknown, oral_case.parties[1]))
    cell = register(build_oral_agreement(blank, committee))["申请人"]
    assert "职业或职务：\u3000" in cell and "公民身份号码：\u3000" in cell  # room to write


def test_the_place_of_mediation_is_where_the_last_mediation_session_was(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    held = dataclasses.replace(
        oral_case,
        place=Place("飞机场社区", "3号楼", "2单元", "401"),  # where the dispute arose
        sessions=(
            session(SessionKind.MEDIATION, 10, "3号楼楼下"),
            session(SessionKind.INVESTIGATION, 25, "3号楼501室"),  # not a mediation
            session(SessionKind.MEDIATION, 20, ROOM),
            session(SessionKind.MEDIATION, 22, ""),  # no place recorded
        ),
    )
    cells = register(build_oral_agreement(held, committee))
    assert cells["调解地点"] == ROOM
    assert "纠纷发生地" not in cells


@needs_poppler
def test_the_printed_register_reads_back_the_new_fields(
    tmp_path: Path, typical: CaseDetail, committee: CommitteeInfo
) -> None:
    path = tmp_path / "typical.pdf"
    render_pdf(build_oral_agreement(typical, committee), path)
    text = "".join("".join(pdf_lines(page)) for page in pdf_words(path))
    for expected in (
        "姓名：张秀英",
        "职业或职务：退休职工",
        "公民身份号码：11010519491231002X",
        f"调解地点{ROOM}",
        "申请事项：",
        "1.被申请人赔偿维修费用并修复防水层。",
    ):
        assert expected in text, expected
    assert "胜利路东院10号楼" not in text  # the dispute's place is not the session's


# --- 6. the requests -----------------------------------------------------------------------------


def test_the_agreement_prints_the_requests_numbered_under_the_facts(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_agreement(dataclasses.replace(case, requests=REQUESTS), committee)
    printed = texts(doc)
    facts = printed.index("纠纷主要事实、争议事项：")
    responsibility = printed.index("各方责任：")
    section = printed[facts:responsibility]
    assert section[-3:] == [
        "申请事项：",
        "1.被申请人赔偿维修费用1250.50元。",
        "2.被申请人修复卫生间防水层。",
    ]
    assert "争议焦点：渗水原因、维修责任及赔偿金额。" in section  # after the facts and issues
    # none recorded: nothing printed for them
    assert "申请事项：" not in texts(build_agreement(case, committee))


def test_the_register_prints_the_requests_in_its_facts_cell(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_oral_agreement(dataclasses.replace(oral_case, requests=REQUESTS), committee)
    lines = register(doc)["纠纷主要\n事实、\n争议事项"].splitlines()
    assert lines[-3:] == [
        "申请事项：",
        "1.被申请人赔偿维修费用1250.50元。",
        "2.被申请人修复卫生间防水层。",
    ]


@needs_poppler
@pytest.mark.parametrize("form", [build_agreement, build_oral_agreement])
def test_the_requests_read_back_from_pdf_and_word(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo, form: object
) -> None:
    doc = form(dataclasses.replace(case, requests=REQUESTS), committee)  # type: ignore[operator]
    render_pdf(doc, tmp_path / "r.pdf")
    render_docx(doc, tmp_path / "r.docx")
    pdf = "".join("".join(pdf_lines(page)) for page in pdf_words(tmp_path / "r.pdf"))
    word = docx.Document(str(tmp_path / "r.docx"))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    word_text = "".join([p.text for p in word.paragraphs] + cells)
    for expected in (
        "申请事项：",
        "1.被申请人赔偿维修费用1250.50元。",
        "2.被申请人修复卫生间防水层。",
    ):
        assert expected in pdf, expected
        assert expected in word_text, expected


def test_a_blank_form_still_prints_requests_on_record(
    blank_case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_agreement(dataclasses.replace(blank_case, requests=REQUESTS), committee)
    blocks = list(doc.blocks)
    heading = blocks.index(
        tree.Paragraph("纠纷主要事实、争议事项：", tree.Style.HEADING, tree.Align.LEFT, False, True)
    )
    assert isinstance(blocks[heading + 1], tree.RuledLines)  # room to write the facts
    assert blocks[heading + 2] == tree.Paragraph("申请事项：")


def test_a_term_without_money_keeps_its_words(case: CaseDetail, committee: CommitteeInfo) -> None:
    assert case.agreement is not None
    terms = (TermView(1, "双方互谅互让"), TermView(2, "支付", amount=Decimal("1")))
    agreement = dataclasses.replace(case.agreement, terms=terms, reached_on=date(2026, 3, 20))
    doc = build_oral_agreement(dataclasses.replace(case, agreement=agreement), committee)
    assert register(doc)["口头协议\n内容"].splitlines() == [
        "一、双方互谅互让。",
        "二、支付，金额为人民币1.00元（大写：壹元整）。",
    ]
