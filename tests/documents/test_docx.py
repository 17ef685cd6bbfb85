"""The DOCX read back with python-docx: text, A4, East Asian fonts, real paragraphs and tables."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from app.documents import render, tree
from app.documents.docx import render_docx
from app.documents.forms.agreement import build_agreement
from app.views import CaseDetail, CommitteeInfo

from .conftest import (
    APPLICANT,
    NUMBER,
    ORGANISATION,
    RESPONDENT,
    docx_paragraph_texts,
    with_parties,
)
from .test_pdf import _all_blocks


@pytest.fixture
def agreement_docx(tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo) -> Path:
    path = tmp_path / "agreement.docx"
    render_docx(build_agreement(three_party_case, committee), path)
    return path


def _all_text(document: docx.document.Document) -> str:
    parts = docx_paragraph_texts(document)  # with the numbers Word shows before the terms
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


TERMS = (
    "一、被申请人于协议签订后十日内请专业人员修复卫生间防水层。",
    "二、被申请人赔偿申请人天花板、墙面维修费用，"
    "金额为人民币1250.50元（大写：壹仟贰佰伍拾元伍角）。",
    "三、双方今后互谅互让，和睦相处。",
)


def test_terms_are_real_numbered_paragraphs(agreement_docx: Path) -> None:
    """Word numbers the terms (a term inserted in Word renumbers those after it): the number is
    not typed into the text, each term paragraph has w:numPr, and the numbering part defines
    一、 二、 (chineseCounting, "%1、") in 宋体."""
    document = docx.Document(str(agreement_docx))
    texts = docx_paragraph_texts(document)
    terms = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、")]
    assert tuple(terms) == TERMS  # each term, in order, as Word shows it
    numbered = [
        p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None
    ]
    assert [p.text for p in numbered] == [t[2:] for t in TERMS]  # the number is Word's
    with zipfile.ZipFile(agreement_docx) as package:
        assert package.read("word/document.xml").count(b"<w:numPr>") == 3
    num_id = numbered[0]._p.pPr.numPr.numId.val
    assert {p._p.pPr.numPr.numId.val for p in numbered} == {num_id}
    root = document.part.numbering_part.element
    num = next(n for n in root.iter(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a for a in root.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id
    )
    level = abstract.find(qn("w:lvl"))
    assert level.find(qn("w:numFmt")).get(qn("w:val")) == "chineseCounting"
    assert level.find(qn("w:lvlText")).get(qn("w:val")) == "%1、"
    assert level.find(qn("w:suff")).get(qn("w:val")) == "nothing"  # no tab after 一、
    fonts = level.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    ind = numbered[0]._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"


def test_each_list_of_terms_counts_from_its_own_start(tmp_path: Path) -> None:
    doc = tree.Document(
        "t",
        (
            tree.NumberedTerms(("甲", "乙")),
            tree.Paragraph("中间"),
            tree.NumberedTerms(("丙", "丁"), tree.Numbering.ARABIC, start=4),
            tree.NumberedTerms(("戊",)),
        ),
    )
    path = tmp_path / "lists.docx"
    render_docx(doc, path)
    texts = docx_paragraph_texts(docx.Document(str(path)))
    assert texts == ["一、甲", "二、乙", "中间", "4.丙", "5.丁", "一、戊"]


def test_party_fields_are_set_apart_by_tab_stops(agreement_docx: Path) -> None:
    """Not by runs of spaces: a tab to a tab stop before each field after the first, the stops
    left to right within the text width, and a field that does not fit goes down whole."""
    document = docx.Document(str(agreement_docx))
    labels = ("姓名", "性别", "民族", "年龄", "职业或职务", "联系方式", "公民身份号码")
    labels += ("单位或住址", "名称", "统一社会信用代码", "住所", "法定代表人")
    cell_width = document.tables[0].rows[0].cells[1].width
    tabs_seen = 0
    for table in document.tables[:3]:
        for paragraph in table.rows[0].cells[1].paragraphs:
            for run in paragraph.runs:
                underlined = run.font.underline
                assert underlined or "\u00a0" not in run.text, repr(run.text)
            tabs = paragraph._p.findall(f".//{qn('w:r')}/{qn('w:tab')}")
            stops = [stop.position for stop in paragraph.paragraph_format.tab_stops]
            assert len(stops) == len(tabs)
            assert stops == sorted(stops) and all(0 < stop < cell_width for stop in stops)
            fields = paragraph.text.split("\t")
            assert all(f.split("：")[0] in labels for f in fields), fields
            tabs_seen += len(tabs)
    assert tabs_seen >= 6
    text = _all_text(document)
    assert f"姓名：{APPLICANT}\t性别：男" in text
    # 民族 does not fit after the long name: it begins the next line, whole
    assert "\n民族：维吾尔族\t年龄：45岁" in text


def test_headings_keep_with_the_text_which_may_run_on(tmp_path: Path) -> None:
    """Word keeps a heading with the first lines of the next paragraph (keep with next) and
    splits that paragraph over a page (no keep-lines-together), so a long text starts under its
    heading instead of leaving a page blank."""
    doc = tree.Document(
        "t",
        (
            tree.Paragraph("纠纷主要事实：", tree.Style.HEADING, tree.Align.LEFT, indent=False),
            tree.Paragraph("甲乙双方因楼上渗水发生争执，经多次协商未果。" * 80),
        ),
    )
    path = tmp_path / "long.docx"
    render_docx(doc, path)
    document = docx.Document(str(path))
    heading, text = document.paragraphs
    assert heading.paragraph_format.keep_with_next
    assert document.styles["文书小标题"].paragraph_format.keep_with_next
    for paragraph in (text, *document.paragraphs):
        assert not paragraph.paragraph_format.keep_together
    assert not document.styles["文书正文"].paragraph_format.keep_together
    assert b"keepLines" not in zipfile.ZipFile(path).read("word/document.xml")


def cells_of(row) -> list:  # type: ignore[no-untyped-def]
    """The cells of a table row, a merged cell once (python-docx repeats it per column)."""
    seen, out = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def test_party_and_signature_blocks_are_tables(agreement_docx: Path) -> None:
    tables = docx.Document(str(agreement_docx)).tables
    assert len(tables) == 4  # three parties and the signatures
    assert tables[0].rows[0].cells[0].text == "申请人"
    signatures = tables[-1]
    rows = [[c.text for c in cells_of(row)] for row in signatures.rows]
    # Persons two to a row, broken before the bracket where the name makes the line too long
    # for its half, as in the PDF.
    assert rows[0] == [
        f"申请人{APPLICANT}\n（签名盖章或按指印）：",
        f"被申请人{RESPONDENT}\n（签名盖章或按指印）：",
    ]
    # The organisation: its name across the width, then its seal area beside the line its
    # representative signs on.
    assert rows[1] == [f"第三人{ORGANISATION}（单位盖章）："]
    assert rows[2] == ["", "法定代表人（职务：＿＿＿＿）签名："]
    seal_area = cells_of(signatures.rows[2])[0]
    assert seal_area.width is not None and seal_area.width.mm >= 40
    # The committee: the mediator's and recorder's lines beside the seal space.
    committee, seal = rows[3]
    assert committee.splitlines() == ["人民调解员周建国（签名）：", "记录人郑秀兰（签名）："]
    assert seal.startswith("（人民调解委员会印）") and seal.endswith("2026年3月20日")


def test_many_parties_sign_over_a_page_break_but_the_committee_part_stays_whole(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo
) -> None:
    """Four persons and four organisations: the parties' rows may break over pages; an
    organisation's name keeps with its seal area, the last party's rows with the committee's
    row, by keep-with-next; the closing text keeps with the first row."""
    path = tmp_path / "eight.docx"
    render_docx(build_agreement(with_parties(case, 4, 4), committee), path)
    document = docx.Document(str(path))
    signatures = document.tables[-1]
    rows = signatures.rows
    assert len(rows) == 2 + 4 * 2 + 1  # persons in pairs, two rows an organisation, committee
    committee_row = cells_of(rows[-1])
    assert committee_row[0].text.startswith("人民调解员周建国（签名）：")
    assert "飞机场社区人民调解委员会" in committee_row[1].text

    def keeps(row) -> bool:  # type: ignore[no-untyped-def]
        flags = {p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs}
        assert len(flags) == 1
        return flags.pop() is True

    # name rows keep with their seal rows; the last seal row with the committee's row
    assert [keeps(r) for r in rows] == [False, False, *[True, False] * 3, True, True, False]
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    body = list(document.element.body.iterchildren())
    lead = body[body.index(signatures._tbl) - 1]
    closing = body[body.index(signatures._tbl) - 2]
    for paragraph in (lead, closing):
        assert paragraph.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
    assert cells_of(rows[0])[1].text == "申请人申请人乙\n（签名盖章或按指印）："


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
    # Ruled lines are the rows of a table ruled below each row, not bordered paragraphs
    # (which Word and LibreOffice draw as one box).
    assert "<w:pBdr>" not in xml
    (rules,) = [t for t in document.tables if t._tbl.tblPr.find(qn("w:tblBorders")) is not None]
    assert len(rules.rows) == 2
    borders = rules._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:insideH")).get(qn("w:val")) == "single"
    assert borders.find(qn("w:bottom")).get(qn("w:val")) == "single"


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
    # Each blank is an underlined tab to a tab stop, not underlined spaces (dropped at the end
    # of a line).
    assert len(blanks) == 2
    assert all(r.find(qn("w:tab")) is not None and r.find(qn("w:t")) is None for r in blanks)


def test_core_properties(agreement_docx: Path) -> None:
    properties = docx.Document(str(agreement_docx)).core_properties
    assert properties.title == f"人民调解协议书 {NUMBER}"
    assert properties.author == ""  # not python-docx's default


def test_renders_to_a_stream_through_the_facade(case: CaseDetail, committee: CommitteeInfo) -> None:
    buffer = io.BytesIO()
    render(build_agreement(case, committee), "docx", buffer)
    buffer.seek(0)
    assert APPLICANT in _all_text(docx.Document(buffer))
