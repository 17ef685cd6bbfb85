"""The GB/T 9704 page layout, a committee setting: text block 156 × 225 mm, 37 mm from the top
and 28 mm from the left, body in 三号 (16 pt), 22 lines of 28 characters, title in 二号."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from app.documents import layout, tree
from app.documents.docx import render_docx
from app.documents.forms.agreement import build_agreement
from app.documents.forms.oral_agreement import build_oral_agreement
from app.documents.pdf import render_pdf
from app.views import CaseDetail, CommitteeInfo

from .conftest import MM, needs_poppler, pdf_words

SENTENCE = "甲乙双方因楼上渗水发生争执经多次协商未果"  # 20 characters, no punctuation to hang


def long_document(page_layout: str) -> tree.Document:
    return tree.Document(
        "t",
        (
            tree.Title("人民调解协议书"),
            tree.Paragraph("纠纷主要事实：", tree.Style.HEADING, tree.Align.LEFT, indent=False),
            tree.Paragraph(SENTENCE * 70),
        ),
        layout=page_layout,
    )


def test_a_document_says_its_layout_and_refuses_an_unknown_one() -> None:
    assert tree.Document("t").layout == "standard"
    with pytest.raises(ValueError):
        tree.Document("t", layout="letter")
    gb = layout.page_layout("gbt9704")
    assert (gb.top_mm, gb.left_mm) == (37.0, 28.0)
    assert gb.text_width_mm == pytest.approx(156.0)
    assert gb.text_height_pt / MM == pytest.approx(225.0)
    assert gb.size(tree.Style.BODY) == 16.0 and gb.size(tree.Style.TITLE) == 22.0
    assert 28 * gb.pitch(tree.Style.BODY) == pytest.approx(gb.text_width_pt)
    assert 22 * gb.leading(tree.Style.BODY) <= gb.text_height_pt < 23 * gb.leading(tree.Style.BODY)


@needs_poppler
def test_the_gbt9704_page_has_its_text_block_and_22_lines_of_28_characters(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gb.pdf"
    render_pdf(long_document("gbt9704"), path)
    pages = pdf_words(path)
    assert len(pages) >= 3
    first = pages[0]
    title = next(w for w in first if w.text == "人民调解协议书")
    assert title.y0 / MM == pytest.approx(37, abs=1.5)  # the text starts 37 mm from the top
    heading = next(w for w in first if w.text == "纠纷主要事实：")
    assert heading.x0 / MM == pytest.approx(28, abs=0.2)  # and 28 mm from the left
    full = pages[1]  # a page of body text only
    body = [w for w in full if w.y1 < (297 - 30) * MM]  # the page number left out
    rows = sorted({round(w.y0) for w in body})
    assert len(rows) == 22
    for word in body:
        assert len(word.text) == 28, word.text  # every line holds 28 characters
        assert word.x0 / MM == pytest.approx(28, abs=0.2)
        assert word.x1 / MM == pytest.approx(28 + 156, abs=0.3)
    assert rows[0] / MM == pytest.approx(37, abs=1.5)
    # and the standard layout is unchanged: 31 characters of 14 pt
    render_pdf(long_document("standard"), tmp_path / "standard.pdf")
    standard = pdf_words(tmp_path / "standard.pdf")[1]
    lines = sorted((w for w in standard if w.y1 < (297 - 30) * MM), key=lambda w: w.y0)
    assert {len(w.text) for w in lines[:-1]} == {31}  # all but the paragraph's last line


def test_the_gbt9704_word_file_names_fangsong_and_sets_the_grid(tmp_path: Path) -> None:
    path = tmp_path / "gb.docx"
    render_docx(long_document("gbt9704"), path)
    document = docx.Document(str(path))
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.page_width.mm - section.left_margin.mm - section.right_margin.mm) == 156
    body = document.styles["文书正文"]
    assert body.font.size.pt == 16
    assert body.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert document.styles["文书标题"].font.size.pt == 22
    # 22 lines: the line pitch in whole twips, not above 225 mm / 22
    pitch = int(body.element.pPr.find(qn("w:spacing")).get(qn("w:line")))
    assert 22 * pitch <= 225 / 25.4 * 1440 < 23 * pitch
    # 28 characters: drawn a little closer than their size, never so wide that 28 do not fit
    spacing = int(body.element.rPr.find(qn("w:spacing")).get(qn("w:val")))
    assert 28 * (16 + spacing / 20) <= 156 * 72 / 25.4 < 29 * (16 + spacing / 20)
    runs = list(document.element.body.iter(qn("w:r")))
    assert all(
        r.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) in ("仿宋", "宋体")
        for r in runs
    )


@pytest.mark.parametrize("form", [build_agreement, build_oral_agreement])
def test_the_forms_take_the_layout_from_the_committee(
    case: CaseDetail, committee: CommitteeInfo, form: object
) -> None:
    assert form(case, committee).layout == "standard"  # type: ignore[operator]
    official = dataclasses.replace(committee, page_layout="gbt9704")
    assert form(case, official).layout == "gbt9704"  # type: ignore[operator]
    newer = dataclasses.replace(committee, page_layout="a-layout-of-a-newer-version")
    assert form(case, newer).layout == "standard"  # type: ignore[operator]


@needs_poppler
def test_an_agreement_prints_in_the_gbt9704_layout(
    tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo
) -> None:
    official = dataclasses.replace(committee, page_layout="gbt9704")
    path = tmp_path / "gb-agreement.pdf"
    render_pdf(build_agreement(three_party_case, official), path)
    words = [w for page in pdf_words(path) for w in page]
    assert min(w.x0 for w in words) / MM == pytest.approx(28, abs=0.2)
    assert max(w.x1 for w in words) / MM <= 28 + 156 + 16 / 2 / MM + 0.1  # at most a hung mark
