"""The Word file's XML: ruled lines that stay lines, blanks that are not trailing spaces, no
automatic space between Chinese and figures, padded cells, page numbers in the body font,
Chinese as the East Asian language."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from app.documents import tree
from app.documents.docx import STYLE_NAMES, render_docx
from app.documents.forms.agreement import build_agreement
from app.documents.forms.oral_agreement import build_oral_agreement
from app.views import CaseDetail, CommitteeInfo

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def blank_docx(tmp_path: Path, blank_case: CaseDetail, committee: CommitteeInfo) -> Path:
    """The agreement with nothing on file: ruled lines and blanks to fill in."""
    path = tmp_path / "blank.docx"
    render_docx(build_agreement(dataclasses.replace(blank_case, parties=()), committee), path)
    return path


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(name))


def test_ruled_lines_are_table_rows_not_bordered_paragraphs(blank_docx: Path) -> None:
    """Empty paragraphs with the same bottom border are drawn by Word and LibreOffice as one
    box: one line where four were meant. Each line is a row ruled below instead."""
    body = part(blank_docx, "word/document.xml")
    assert body.find(f".//{W}pBdr") is None
    ruled = [tbl for tbl in body.iter(f"{W}tbl") if tbl.find(f"{W}tblPr/{W}tblBorders") is not None]
    assert [len(tbl.findall(f"{W}tr")) for tbl in ruled] == [4, 2, 4, 2]
    for tbl in ruled:
        borders = tbl.find(f"{W}tblPr/{W}tblBorders")
        assert borders.find(f"{W}insideH").get(f"{W}val") == "single"
        assert borders.find(f"{W}bottom").get(f"{W}val") == "single"
        for side in ("top", "left", "right", "insideV"):
            assert borders.find(f"{W}{side}").get(f"{W}val") == "nil"
        for row in tbl.findall(f"{W}tr"):
            height = row.find(f"{W}trPr/{W}trHeight")
            assert height.get(f"{W}hRule") == "exact"


def test_blanks_are_underlined_tabs_to_a_stop(blank_docx: Path) -> None:
    """Underlined spaces at the end of a line are not underlined by Word: every blank is an
    underlined tab that runs to a tab stop, and no underlined run is only spaces."""
    body = part(blank_docx, "word/document.xml")
    underlined = [r for r in body.iter(f"{W}r") if r.find(f"{W}rPr/{W}u") is not None]
    assert len(underlined) >= 10  # the particulars of two unnamed parties, the number
    for run in underlined:
        assert run.find(f"{W}tab") is not None
        assert "".join(t.text or "" for t in run.iter(f"{W}t")).strip("\u00a0 \u3000") == ""
        assert run.find(f"{W}t") is None
    # each paragraph with a blank has as many tab stops as tabs
    for paragraph in body.iter(f"{W}p"):
        tabs = paragraph.findall(f"{W}r/{W}tab")
        if tabs:
            assert len(paragraph.findall(f"{W}pPr/{W}tabs/{W}tab")) == len(tabs)


def test_no_automatic_space_between_chinese_and_figures(blank_docx: Path) -> None:
    styles = part(blank_docx, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
    ours = ("Normal", "Footer", *(style_id for _, style_id in STYLE_NAMES.values()))
    held = [styles.find(f"{W}style[@{W}styleId='{style_id}']/{W}pPr") for style_id in ours]
    for holder in (defaults, *held):
        for tag in ("autoSpaceDE", "autoSpaceDN"):
            setting = holder.find(f"{W}{tag}")
            assert setting is not None and setting.get(f"{W}val") == "0", tag
        # schema order: the settings come before the spacing
        children = [etree.QName(c).localname for c in holder]
        if "spacing" in children:
            assert children.index("autoSpaceDN") < children.index("spacing")


def test_table_cells_are_padded(
    tmp_path: Path, oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    path = tmp_path / "oral.docx"
    render_docx(build_oral_agreement(oral_case, committee), path)
    document = docx.Document(str(path))
    ruled = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert ruled
    for table in ruled:
        margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
        widths = {
            side: int(margins.find(qn(f"w:{side}")).get(qn("w:w")))
            for side in ("top", "left", "bottom", "right")
        }
        assert widths["top"] > 0 and widths["bottom"] > 0  # Word's default is none
        assert widths["left"] >= 6 * 20 * 0.99  # half a character of 小四
        assert widths["left"] == widths["right"]


def test_page_numbers_are_in_the_body_font(blank_docx: Path) -> None:
    footer = part(blank_docx, "word/footer1.xml")
    runs = list(footer.iter(f"{W}r"))
    fields = [r for r in runs if r.getparent().tag == f"{W}fldSimple"]
    assert len(fields) == 2  # PAGE and NUMPAGES
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}eastAsia") == "宋体"
        assert fonts.get(f"{W}ascii") == "Times New Roman"
        assert run.find(f"{W}rPr/{W}sz").get(f"{W}val") == "24"  # 12 pt, as the PDF's


def test_the_east_asian_language_is_chinese_not_japanese(blank_docx: Path) -> None:
    with zipfile.ZipFile(blank_docx) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                assert b"ja-JP" not in package.read(name), name
    settings = part(blank_docx, "word/settings.xml")
    assert settings.find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-CN"
    styles = part(blank_docx, "word/styles.xml")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"
    # and Word compresses adjacent punctuation as the PDF does
    control = settings.find(f"{W}characterSpacingControl")
    assert control.get(f"{W}val") == "compressPunctuation"


def test_a_blank_number_line_is_placed_by_tab_stops(tmp_path: Path) -> None:
    """A right-aligned label with a blank: a tab to where the label begins, the label, and an
    underlined tab to the right margin."""
    path = tmp_path / "number.docx"
    render_docx(tree.Document("t", (tree.FieldLine("编号", blank_chars=10),)), path)
    (paragraph,) = docx.Document(str(path)).paragraphs
    stops = [stop.position.pt for stop in paragraph.paragraph_format.tab_stops]
    assert len(stops) == 2
    width = (210 - 28 - 26) * 72 / 25.4
    assert abs(stops[1] - width) < 1  # the blank ends at the right margin
    assert abs((stops[1] - stops[0]) - 13 * 14) < 1  # 编号： and ten characters of blank
    assert paragraph.text == "\t编号：\t"


def test_signature_rows_are_as_tall_as_the_pdfs(
    tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo
) -> None:
    """Each row of the signature table at least as tall as `layout.row_mm` says (the seal area
    of an organisation its 40 mm), in whole twips rounded up, and no taller: as the PDF draws
    it, so that a block which fits the PDF's page fits the Word file's too."""
    import math

    from app.documents import layout

    doc = build_agreement(three_party_case, committee)
    (block,) = [b for b in doc.blocks if isinstance(b, tree.SignatureBlock)]
    lay = layout.page_layout(doc.layout)
    rows = layout.signature_rows(block, lay)
    path = tmp_path / "three.docx"
    render_docx(doc, path)
    signatures = list(part(path, "word/document.xml").iter(f"{W}tbl"))[-1]
    heights = [
        int(row.find(f"{W}trPr/{W}trHeight").get(f"{W}val")) for row in signatures.iter(f"{W}tr")
    ]
    assert heights == [math.ceil(layout.row_mm(row, lay) * 1440 / 25.4) for row in rows]
    area = layout.SignaturePiece(room_mm=layout.ORGANISATION_SEAL_MM)
    seal = next(k for k, row in enumerate(rows) if row.cells[0].pieces == (area,))
    assert heights[seal] * 25.4 / 1440 >= layout.ORGANISATION_SEAL_MM
