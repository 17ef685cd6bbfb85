"""The DOCX read back with python-docx: text, A4, East Asian fonts, real paragraphs and tables."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from app.documents import render
from app.documents.docx import render_docx
from app.documents.forms.agreement import build_agreement
from app.services.views import CaseDetail, CommitteeInfo

from .conftest import APPLICANT, NUMBER, ORGANISATION, RESPONDENT
from .test_pdf import _all_blocks


@pytest.fixture
def agreement_docx(tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo) -> Path:
    path = tmp_path / "agreement.docx"
    render_docx(build_agreement(three_party_case, committee), path)
    return path


def _all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def test_text_reads_back(agreement_docx: Path) -> None:
    text = _all_text(docx.Document(str(agreement_docx)))
    for expected in (
        APPLICANT,
        RESPONDENT,
        ORGANISATION,
        NUMBER,
        "人民币1250.50元（大写：壹仟贰佰伍拾元伍角）",
        "本协议一式四份，当事人各执一份，人民调解委员会留存一份。",
        "（人民调解委员会印）",
    ):
        assert expected in text, expected


def test_page_is_a4_with_official_margins(agreement_docx: Path) -> None:
    section = docx.Document(str(agreement_docx)).sections[0]
    assert abs(section.page_width.mm - 210) < 0.1
    assert abs(section.page_height.mm - 297) < 0.1
    for margin, expected in (
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(margin.mm - expected) < 0.1


def test_east_asian_font_on_defaults_styles_and_runs(agreement_docx: Path) -> None:
    document = docx.Document(str(agreement_docx))
    styles = document.styles.element
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    for name in ("文书标题", "文书小标题", "文书正文", "表格文字"):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "宋体", name
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
        assert document.styles[name].style_id.isascii()
    runs = document.element.body.iter(qn("w:r"))
    checked = 0
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "SimSun-ExtB")
        checked += 1
    assert checked > 50


def test_characters_beyond_the_bmp_get_the_ext_b_font(agreement_docx: Path) -> None:
    document = docx.Document(str(agreement_docx))
    runs = [r for r in document.element.body.iter(qn("w:r")) if "𠮷" in "".join(r.itertext())]
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "SimSun-ExtB"


def test_terms_are_real_paragraphs(agreement_docx: Path) -> None:
    paragraphs = [p.text for p in docx.Document(str(agreement_docx)).paragraphs]
    terms = [p for p in paragraphs if p[:2] in ("一、", "二、", "三、")]
    assert len(terms) == 3
    assert terms[1].startswith("二、被申请人赔偿申请人天花板、墙面维修费用")
    body = docx.Document(str(agreement_docx)).paragraphs
    term = next(p for p in body if p.text.startswith("一、"))
    ind = term._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_party_and_signature_blocks_are_tables(agreement_docx: Path) -> None:
    tables = docx.Document(str(agreement_docx)).tables
    assert len(tables) == 4  # three parties and the signatures
    assert tables[0].rows[0].cells[0].text == "申请人"
    signatures = tables[-1]
    left = [row.cells[0].text for row in signatures.rows]
    assert left[0] == "申请人（签名盖章或按指印）："
    assert "（单位盖章）" in left[2]
    assert signatures.rows[0].cells[1].text == "人民调解员（签名）："


def test_a_table_block_is_a_real_ruled_table(tmp_path: Path) -> None:
    path = tmp_path / "all.docx"
    render_docx(_all_blocks(), path)
    document = docx.Document(str(path))
    ruled = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(ruled) == 1
    table = ruled[0]
    assert [c.text for c in table.rows[0].cells] == ["条款", "履行期限"]
    assert [c.text for c in table.rows[1].cells] == ["第一项", "2026年4月1日前"]
    assert len(table.rows) == 4  # header, one row, two blank rows
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    xml = document.element.xml
    assert 'w:type="page"' in xml  # page breaks
    assert "<w:pBdr>" in xml  # ruled lines


def test_footer_has_page_fields(agreement_docx: Path) -> None:
    footer = docx.Document(str(agreement_docx)).sections[0].footer
    instructions = [f.get(qn("w:instr")).strip() for f in footer._element.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_missing_particulars_print_as_underlined_blanks(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo
) -> None:
    applicant = dataclasses.replace(case.parties[0], ethnicity="", phone="")
    unknown = dataclasses.replace(case, parties=(applicant, case.parties[1]))
    path = tmp_path / "blanks.docx"
    render_docx(build_agreement(unknown, committee), path)
    document = docx.Document(str(path))
    blanks = [
        r
        for r in document.element.body.iter(qn("w:r"))
        if r.find(qn("w:rPr")).find(qn("w:u")) is not None
    ]
    assert len(blanks) == 2
    assert all(set("".join(r.itertext())) == {"\u00a0"} for r in blanks)


def test_core_properties(agreement_docx: Path) -> None:
    properties = docx.Document(str(agreement_docx)).core_properties
    assert properties.title == f"人民调解协议书 {NUMBER}"
    assert properties.author == ""  # not python-docx's default


def test_renders_to_a_stream_through_the_facade(case: CaseDetail, committee: CommitteeInfo) -> None:
    buffer = io.BytesIO()
    render(build_agreement(case, committee), "docx", buffer)
    buffer.seek(0)
    assert APPLICANT in _all_text(docx.Document(buffer))
