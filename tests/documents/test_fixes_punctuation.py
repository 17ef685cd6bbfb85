"""Punctuation spacing in the PDF (CLREQ/JLREQ 标点挤压): no gap of one and a half characters
at "编号：（2026）", and a mark that hangs into the margin hangs by at most half a character.
Measured on the lines the layout code makes and on the glyph boxes of the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.documents import fonts, tree
from app.documents.fonts import BODY_FONT
from app.documents.linebreak import CENTRED, CLOSING, HANGABLE, compressions
from app.documents.pdf import TEXT_WIDTH, markup, render_pdf
from app.documents.rlfixes import CJKParagraph

from .conftest import needs_poppler, pdf_words

SIZE = 14.0
NUMBER = "编号：（2026）飞人调字第12号"


def lines_of(text: str, width: float = TEXT_WIDTH) -> list[tuple[str, float]]:
    """(text, width used) of each line reportlab draws for `text` in the body style."""
    fonts.covered("中")
    style = ParagraphStyle("t", fontName=BODY_FONT, fontSize=SIZE, leading=21, wordWrap="CJK")
    paragraph = CJKParagraph(markup(text), style)
    paragraph.wrap(width, 10_000)
    return [
        ("".join(w.text for w in line.words if not hasattr(w, "cbDefn")), line.currentWidth)
        for line in paragraph.blPara.lines
    ]


def test_a_colon_before_an_opening_bracket_takes_half_a_character() -> None:
    chars = list(NUMBER)
    widths = [SIZE if not c.isascii() else SIZE / 2 for c in chars]
    taken = compressions(chars, widths, [SIZE] * len(chars))
    assert taken[chars.index("：")] == SIZE / 2
    assert sum(taken) == SIZE / 2  # nothing else in the number is squeezed
    ((text, used),) = lines_of(NUMBER)
    assert text == NUMBER
    assert used == pytest.approx(stringWidth(NUMBER, BODY_FONT, SIZE) - SIZE / 2)


@pytest.mark.parametrize(
    ("pair", "taken"),
    [
        ("：（", 0.5),
        ("，“", 0.5),
        ("）。", 0.5),
        ("”，", 0.5),
        ("）、", 0.5),
        ("（“", 0.5),
        ("《「", 0.5),
        ("。（", 0.5),
        ("。”", 0.25),  # the body font centres 。: a quarter, or the ink would touch
        ("中（", 0.0),
        ("（中", 0.0),
        ("（）", 0.0),
    ],
)
def test_adjacent_full_width_marks_are_compressed(pair: str, taken: float) -> None:
    out = compressions(list(pair), [SIZE, SIZE], [SIZE, SIZE])
    assert out == [taken * SIZE, 0.0]


def test_a_proportional_mark_is_not_compressed() -> None:
    assert compressions(list("：“"), [SIZE, SIZE * 0.4], [SIZE, SIZE]) == [0.0, 0.0]


@needs_poppler
def test_the_printed_number_has_no_wide_gap(tmp_path: Path) -> None:
    """The glyph boxes of the PDF: the number line is half a character narrower than its
    characters set solid, and the text after the compressed mark is not shifted on the next
    lines (each line starts at the margin)."""
    doc = tree.Document(
        "t",
        (
            tree.FieldLine("编号", "（2026）飞人调字第12号"),
            tree.Paragraph("他说：（好）。“是”，" * 12, indent=False),
        ),
    )
    path = tmp_path / "number.pdf"
    render_pdf(doc, path)
    (page,) = pdf_words(path)
    (number,) = [w for w in page if w.text == NUMBER]
    assert number.x1 - number.x0 == pytest.approx(
        stringWidth(NUMBER, BODY_FONT, SIZE) - SIZE / 2, abs=0.5
    )
    starts = {round(w.x0, 1) for w in page if w.text.startswith(("他", "好", "是", "，", "（"))}
    assert len(starts) == 1  # every line of the paragraph starts at the same place


PUNCTUATED = [
    "甲" * 31 + "。乙乙",
    "甲" * 31 + "……乙",
    "甲" * 31 + "——乙",
    "甲" * 31 + "，乙乙",
    "甲" * 31 + "）乙乙",
    "甲" * 31 + "、乙乙",
    "甲" * 30 + "“乙”。丙",
]


@pytest.mark.parametrize("text", PUNCTUATED)
def test_a_mark_hangs_at_most_half_a_character_into_the_margin(text: str) -> None:
    """A line may overflow the text width only by one hanging mark whose ink is in the left
    half of its square (，：）…), so its ink ends within half a character of the margin;
    a centred 。 or a full-width …… — never hangs: a character goes down with it."""
    for line, used in lines_of(text):
        overflow = used - TEXT_WIDTH
        if overflow <= 1e-6:
            continue
        last = line[-1]
        assert last in HANGABLE and last in CLOSING, line
        ink = overflow - SIZE / 2  # the blank right half of the mark is in the margin
        assert ink <= SIZE / 2 + 1e-6, line


def test_a_centred_period_is_pushed_in_not_hung() -> None:
    lines = lines_of("甲" * 31 + "。乙乙")
    assert lines[0][1] <= TEXT_WIDTH + 1e-6
    assert lines[1][0].startswith("甲。")  # a character went down with it
    assert set("。、") == CENTRED
