"""The PDF read back: text, fonts, line starts — one test per measured reportlab trap."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.documents import render, tree
from app.documents.forms.agreement import build_agreement
from app.documents.pdf import TEXT_WIDTH, render_pdf
from app.views import CaseDetail, CommitteeInfo

from .conftest import (
    APPLICANT,
    NUMBER,
    ORGANISATION,
    RESPONDENT,
    needs_poppler,
    pdftotext,
    pypdf_text,
)

PUNCTUATION_HEAVY = (
    "他说：“好。”然后，又说：“不行！”——这是什么……意思？（括号里的话）《人民调解法》，"
    "“引号”；第三条、第四条：均已履行！是吗？是的。"
) * 8
NEVER_FIRST = "，。、；：？！）》」』〕】…—”"


@pytest.fixture
def agreement_pdf(tmp_path: Path, case: CaseDetail, committee: CommitteeInfo) -> Path:
    path = tmp_path / "agreement.pdf"
    render_pdf(build_agreement(case, committee), path)
    return path


@pytest.fixture
def three_party_pdf(tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo) -> Path:
    path = tmp_path / "three.pdf"
    render_pdf(build_agreement(three_party_case, committee), path)
    return path


def _fonts(path: Path) -> list[dict]:
    """Every font dictionary the pages use (descendants of composite fonts included)."""
    found = []
    for page in PdfReader(path).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            found.append(font)
            for descendant in font.get("/DescendantFonts", []):
                found.append(descendant.get_object())
    return found


# --- text --------------------------------------------------------------------------------------


@pytest.mark.parametrize("extract", [pypdf_text, pytest.param(pdftotext, marks=needs_poppler)])
def test_every_name_amount_and_number_reads_back(three_party_pdf: Path, extract: object) -> None:
    text = extract(three_party_pdf)  # type: ignore[operator]
    for expected in (
        APPLICANT,  # middle dot U+00B7
        RESPONDENT,  # 𠮷 U+20BB7, outside the BMP: needs the ToUnicode fix
        ORGANISATION,  # 㵘 U+3D58: needs the fallback font
        NUMBER,
        "11010519491231002X",
        "本协议一式四份",
    ):
        assert expected in text, expected
    # a term may wrap onto the next line anywhere a line may break
    assert "人民币1250.50元（大写：壹仟贰佰伍拾元伍角）" in "".join(text.split())


def test_with_reportlabs_own_cmap_the_name_outside_the_bmp_is_garbled(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The trap itself: without the fix 𠮷 does not copy out of the PDF."""
    from reportlab.pdfbase import ttfonts

    from app.documents import rlfixes

    doc = tree.Document("t", (tree.Paragraph(f"被申请人{RESPONDENT}"),))
    render_pdf(doc, tmp_path / "fixed.pdf")
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", rlfixes.REPORTLAB_TO_UNICODE_CMAP)
    render_pdf(doc, tmp_path / "broken.pdf")
    assert RESPONDENT in pypdf_text(tmp_path / "fixed.pdf")
    assert RESPONDENT not in pypdf_text(tmp_path / "broken.pdf")


def test_user_text_is_escaped_not_parsed_as_markup(tmp_path: Path) -> None:
    text = 'a <b>粗</b> & <font name="Helvetica">x</font> &amp; c'
    path = tmp_path / "escaped.pdf"
    render_pdf(tree.Document("t", (tree.Paragraph(text),)), path)
    assert text in pypdf_text(path).replace("\n", "")


def test_pages_are_numbered(agreement_pdf: Path) -> None:
    text = pypdf_text(agreement_pdf)
    assert len(PdfReader(agreement_pdf).pages) == 2  # two parties fit on two pages
    assert "第 1 页  共 2 页" in text
    assert "第 2 页  共 2 页" in text


def test_page_is_a4(agreement_pdf: Path) -> None:
    for page in PdfReader(agreement_pdf).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 0.5 and abs(height - 841.89) < 0.5


# --- fonts -------------------------------------------------------------------------------------


def test_every_font_is_embedded_and_no_helvetica(three_party_pdf: Path) -> None:
    fonts = _fonts(three_party_pdf)
    assert fonts
    for font in fonts:
        if font["/Subtype"] == "/Type0":
            continue  # its descendant carries the descriptor
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
        assert "Helvetica" not in str(font["/BaseFont"])
    # nothing declares it anywhere else either (font dictionaries are stored uncompressed)
    assert b"Helvetica" not in three_party_pdf.read_bytes()


def test_body_font_is_uming_cn_and_fallback_only_when_needed(
    tmp_path: Path, three_party_pdf: Path
) -> None:
    names = {str(f["/BaseFont"]) for f in _fonts(three_party_pdf)}
    assert any("UMingCN" in n for n in names)
    assert any("LXGWWenKai" in n for n in names)  # 𠮷 and 㵘 are drawn, not dropped

    plain = tmp_path / "plain.pdf"
    render_pdf(tree.Document("t", (tree.Paragraph("张三与李四"),)), plain)
    assert not any("LXGWWenKai" in str(f["/BaseFont"]) for f in _fonts(plain))


# --- line breaking -----------------------------------------------------------------------------


@needs_poppler
def test_no_printed_line_starts_with_a_closing_mark(tmp_path: Path) -> None:
    path = tmp_path / "punctuation.pdf"
    render_pdf(tree.Document("t", (tree.Paragraph(PUNCTUATION_HEAVY),)), path)
    lines = [line.strip() for line in pdftotext(path).splitlines() if line.strip()]
    assert len(lines) > 10
    body = [line for line in lines if not re.fullmatch(r"(第|共) \d+ 页", line)]
    assert "".join(body) == PUNCTUATION_HEAVY
    for line in body:
        assert line[0] not in NEVER_FIRST, line


@pytest.mark.parametrize("size", [12.0, 14.0, 22.0])
def test_paragraph_line_breaking_follows_the_rules(size: float) -> None:
    from reportlab.lib.styles import ParagraphStyle

    from app.documents.fonts import BODY_FONT
    from app.documents.pdf import markup
    from app.documents.rlfixes import CJKParagraph

    style = ParagraphStyle("t", fontName=BODY_FONT, fontSize=size, wordWrap="CJK")
    para = CJKParagraph(markup(PUNCTUATION_HEAVY + RESPONDENT + "，完。"), style)
    para.wrap(TEXT_WIDTH, 10_000)
    lines = ["".join(word.text for word in line.words) for line in para.blPara.lines]
    assert len(lines) > 5
    for line in lines[1:]:
        assert line[0] not in NEVER_FIRST, line


# --- targets -----------------------------------------------------------------------------------


def test_renders_to_a_stream_and_through_the_facade(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    buffer = io.BytesIO()
    render(build_agreement(case, committee), "pdf", buffer)
    assert buffer.getvalue().startswith(b"%PDF")
    with pytest.raises(ValueError):
        render(build_agreement(case, committee), "odt", io.BytesIO())  # type: ignore[arg-type]


def test_every_block_kind_renders(tmp_path: Path) -> None:
    doc = _all_blocks()
    path = tmp_path / "all.pdf"
    render_pdf(doc, path)
    text = pypdf_text(path)
    for expected in (
        "标题",
        "编号：",
        "一、甲",
        "二、乙",
        "履行期限",
        "第一项",
        "记录人（签名）：",
    ):
        assert expected in text, expected
    assert len(PdfReader(path).pages) == 3  # the page break


def _all_blocks() -> tree.Document:
    return tree.Document(
        "全部",
        (
            tree.Title("标题"),
            tree.FieldLine("编号"),
            tree.PartyBlock("申请人", ((tree.Field("姓名", "张三"), tree.Field("性别")),)),
            tree.Paragraph("小标题：", tree.Style.HEADING, tree.Align.LEFT, indent=False),
            tree.Paragraph("正文\n第二行", indent=True),
            tree.NumberedTerms(("甲", "乙")),
            tree.RuledLines(2),
            tree.Spacer(5),
            tree.Table(
                ("条款", "履行期限"),
                (("第一项", "2026年4月1日前"),),
                (0.5, 0.5),
                blank_rows=2,
            ),
            tree.PageBreak(),
            tree.Paragraph("附注", tree.Style.SMALL, tree.Align.RIGHT),
            tree.PageBreak(),
            tree.SignatureBlock(
                ("申请人（签名盖章或按指印）：",),
                ("记录人（签名）：",),
                "（印）",
                "委员会",
                "年月日",
            ),
        ),
    )
