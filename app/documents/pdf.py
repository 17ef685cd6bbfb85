"""Render a `Document` to PDF with reportlab platypus: A4, GB/T 9704-like margins, embedded fonts.

Every glyph comes from an embedded TrueType font (`fonts`): the canvas is created with the body
font as its initial font, because otherwise reportlab declares an unembedded Helvetica in every
file. Line breaking follows the Chinese rules (`rlfixes.CJKParagraph`).
"""

from __future__ import annotations

import copy
import functools
import math
from pathlib import Path
from typing import Any, BinaryIO, Literal

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    PageTemplate,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Spacer as RLSpacer
from reportlab.platypus import Table as RLTable

from app.documents import fonts, layout, tree
from app.documents.fonts import BODY_FONT
from app.documents.layout import (
    BODY_SIZE,
    LINE_SPACING,
    SIZES,
    signature_grid,
    signature_kept_rows,
    signature_label,
    signature_room_mm,
)
from app.documents.rlfixes import BoldCJKParagraph, CJKParagraph
from app.documents.tree import Align, Style

_PAGE_W, _PAGE_H = A4
_TOP, _BOTTOM = layout.TOP_MM * mm, layout.BOTTOM_MM * mm
_LEFT, _RIGHT = layout.LEFT_MM * mm, layout.RIGHT_MM * mm
# The text width is trimmed to a whole number of body characters (as GB/T 9704's 28 characters
# a line are) so that lines of Chinese end flush with the right margin: reportlab cannot
# justify CJK text. The remainder is shared by both margins.
_AVAILABLE = _PAGE_W - _LEFT - _RIGHT
TEXT_WIDTH = math.floor(_AVAILABLE / BODY_SIZE) * BODY_SIZE
_SLACK = (_AVAILABLE - TEXT_WIDTH) / 2

_ALIGN: dict[Align, Literal[0, 1, 2, 4]] = {
    Align.LEFT: TA_LEFT,
    Align.CENTER: TA_CENTER,
    Align.RIGHT: TA_RIGHT,
    Align.JUSTIFY: TA_JUSTIFY,
}

_RULE_PITCH = layout.RULE_PITCH_MM * mm
_RULE_BELOW = 2 * mm  # between the last ruled line and the text after it
#: Gap between fields on a party row: one and a half characters (no-break spaces are not
#: collapsed by the paragraph parser, unlike U+3000).
_FIELD_GAP = "\u00a0" * 3


def render_pdf(doc: tree.Document, target: str | Path | BinaryIO) -> None:
    """Write `doc` as a PDF to a file path or a binary stream."""
    fonts.covered("中")  # registers the body font and installs the reportlab fixes
    out: Any = str(target) if isinstance(target, str | Path) else target
    template = BaseDocTemplate(
        out,
        pagesize=A4,
        topMargin=_TOP,
        bottomMargin=_BOTTOM,
        leftMargin=_LEFT + _SLACK,
        rightMargin=_RIGHT + _SLACK,
        title=doc.title,
        author="",
        subject="",
        creator="老娘舅",
        initialFontName=BODY_FONT,
        initialFontSize=BODY_SIZE,
        initialLeading=BODY_SIZE * LINE_SPACING,
    )
    # No frame padding (platypus adds 6 pt a side by default): the text must be exactly
    # TEXT_WIDTH wide for lines of Chinese to fill it.
    frame = Frame(
        template.leftMargin,
        template.bottomMargin,
        template.width,
        template.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates([PageTemplate("page", [frame])])
    template.build(_story(doc.blocks), canvasmaker=_NumberedCanvas)


# ---------------------------------------------------------------------------------------------
# Text


def escape(text: str) -> str:
    """Escape &, < and > (xml.sax.saxutils would drag in urllib and email: ~60 ms of import)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str, font: str = BODY_FONT) -> str:
    """Paragraph markup for plain user text: escaped, with runs the font lacks in the fallback."""
    parts = []
    for run_font, run in fonts.split_runs(text, font):
        # The parser collapses U+3000 like any whitespace, which would close up a blank such
        # as "　　年　　月　　日"; two no-break spaces are as wide and are kept.
        chunk = escape(run).replace("\n", "<br/>").replace("\u3000", "\u00a0\u00a0")
        parts.append(chunk if run_font == font else f'<font name="{run_font}">{chunk}</font>')
    return "".join(parts)


def _blank(chars: int) -> str:
    """An underlined blank `chars` characters wide, to fill in by hand."""
    return f"<u>{chr(0xA0) * (2 * chars)}</u>"


def _field(label: str, value: str, blank_chars: int) -> str:
    return markup(f"{label}：") + (markup(value) if value else _blank(blank_chars))


@functools.cache
def _style(style: Style, align: Align = Align.JUSTIFY, indent: bool = False) -> ParagraphStyle:
    size = SIZES[style]
    return ParagraphStyle(
        f"{style.value}-{align.value}-{int(indent)}",
        fontName=BODY_FONT,
        fontSize=size,
        leading=size * LINE_SPACING,
        alignment=_ALIGN[align],
        firstLineIndent=2 * size if indent else 0,
        wordWrap="CJK",
        # A paragraph may run on over a page break, but never leaves one line behind at the foot
        # of a page (orphan) or carries one alone to the top of the next (widow).
        allowOrphans=0,
        allowWidows=0,
        spaceBefore=size * 0.5 if style is Style.HEADING else 0,
        spaceAfter=size * 0.8 if style is Style.TITLE else 0,
    )


def _para(
    text_markup: str, style: Style = Style.BODY, align: Align = Align.JUSTIFY, indent: bool = False
) -> CJKParagraph:
    cls = BoldCJKParagraph if style in (Style.TITLE, Style.HEADING) else CJKParagraph
    return cls(text_markup, _style(style, align, indent))


# ---------------------------------------------------------------------------------------------
# Blocks


def _story(blocks: tuple[tree.Block, ...]) -> list[Flowable]:
    story: list[Flowable] = []
    keep: _KeepWithStart | None = None  # a heading waiting for what follows it
    for block in blocks:
        if isinstance(block, tree.SignatureBlock):
            flowables = _signatures(block, story)
        else:
            flowables = _flowables(block)
        if keep is not None and flowables:
            keep.follower = flowables[0]
            keep = None
        if isinstance(block, tree.Paragraph) and (
            block.keep_with_next or block.style is Style.HEADING
        ):
            # Not reportlab's keepWithNext, which moves the heading *and the whole paragraph
            # after it* to the next page, leaving most of a page blank before a long text.
            keep = _KeepWithStart(flowables[0])
            story.append(keep)
        story.extend(flowables)
    return story


class _KeepWithStart(Flowable):
    """Before a heading: a page break if the heading and the first lines of what follows it
    (`KEEP_LINES` of a paragraph, all of anything that cannot split) do not fit on this page.
    The text then runs on over the page break like any paragraph."""

    KEEP_LINES = 3

    def __init__(self, heading: Flowable) -> None:
        super().__init__()
        self.heading = heading
        self.follower: Flowable | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # types-reportlab leaves out reportlab's private members used below and in this file.
        frame = self._doctemplateAttr("frame")  # type: ignore[attr-defined]
        if frame is None or getattr(frame, "_atTop", False):
            return 0, 0  # at the top of a page a break would gain nothing
        heading = self.heading.getSpaceBefore() + self.heading.wrap(available_width, 1e6)[1]
        follower = 0.0
        if isinstance(self.follower, CJKParagraph):
            first_lines = self.KEEP_LINES * self.follower.style.leading
            if available_height >= heading + first_lines:
                return 0, 0  # the quick answer, without measuring the text that follows
            follower = min(self.follower.wrap(available_width, 1e6)[1], first_lines)
        elif isinstance(self.follower, RLTable):  # its first rows (tables split by rows)
            self.follower.wrap(available_width, 1e6)
            follower = sum(self.follower._rowHeights[:2])  # type: ignore[attr-defined]
        elif self.follower is not None:  # ruled lines and the like: whole, they cannot split
            follower = self.follower.wrap(available_width, 1e6)[1]
        if available_height < heading + follower:
            frame.add_generated_content(FrameBreak)
        return 0, 0

    def draw(self) -> None:
        pass


def _flowables(block: tree.Block) -> list[Flowable]:
    match block:
        case tree.Title(text):
            return [_para(markup(text), Style.TITLE, Align.CENTER)]
        case tree.Paragraph(text, style, align, indent):
            return [_para(markup(text), style, align, indent)]
        case tree.FieldLine(label, value, align, blank_chars):
            return [_para(_field(label, value, blank_chars), Style.BODY, align)]
        case tree.PartyBlock():
            return [_party(block)]
        case tree.NumberedTerms(items, numbering, start):
            return [
                _para(markup(tree.numbered(start + k, numbering) + item), indent=True)
                for k, item in enumerate(items)
            ]
        case tree.RuledLines(count):
            return [_RuledLines(count)]
        case tree.Table():
            return [_table(block)]
        case tree.Spacer(height_mm):
            return [RLSpacer(0, height_mm * mm)]
        case tree.PageBreak():
            return [RLPageBreak()]
    raise TypeError(f"cannot render {block!r}")


def _party(block: tree.PartyBlock) -> RLTable:
    """Role label in a narrow column, the rows of particulars beside it (a borderless table,
    so wrapped rows stay aligned after the label)."""
    rows = [
        _para(
            _FIELD_GAP.join(_field(f.label, f.value, f.blank_chars) for f in row), align=Align.LEFT
        )
        for row in block.rows
    ]
    label_width = layout.ROLE_COLUMN_CHARS * BODY_SIZE
    table = RLTable(
        [[_para(markup(block.role), align=Align.LEFT), rows]],
        colWidths=[label_width, TEXT_WIDTH - label_width],
    )
    table.setStyle(_PLAIN)
    return table


_PLAIN = TableStyle(
    [
        # String cells (even empty ones) are set in the table's font: Helvetica unless told.
        ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
)


_SIGNATURES = TableStyle(
    [
        *_PLAIN.getCommands(),
        ("RIGHTPADDING", (0, 0), (0, -1), layout.SIGNATURE_GAP_CHARS * SIZES[Style.CELL]),
    ]
)


def _table(block: tree.Table) -> RLTable:
    """A ruled table; the header row (if any) repeats on every page. See `_RuledTable` for
    where it breaks over a page."""
    size = SIZES[block.style]
    header = [[[_para(markup(h), block.style, Align.CENTER)] for h in block.header]]
    head = header if block.header else []
    rows = [[[_para(markup(c), block.style, Align.LEFT)] for c in row] for row in block.rows]
    blank_height = size * LINE_SPACING * 1.6
    table = _RuledTable(
        [*head, *rows, *([[""] * len(block.widths)] * block.blank_rows)],
        colWidths=[w * TEXT_WIDTH for w in block.widths],
        rowHeights=[None] * (len(head) + len(rows)) + [blank_height] * block.blank_rows,
        repeatRows=len(head),
        splitInRow=round(2 * size * LINE_SPACING + size),
    )
    pad = size * 0.3
    last = len(block.widths) - 1  # reportlab 5.1 splits these with a NameError on -1
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
                ("GRID", (0, 0), (-1, -1), 0.6, "black"),
                # A row split over a page is closed at the foot of the page and at the top of
                # the next, like every other row.
                # (types-reportlab expects these row names in the column's place.)
                ("LINEBELOW", (0, "inrowsplitstart"), (last, "inrowsplitstart"), 0.6, "black"),  # type: ignore[list-item]
                ("LINEABOVE", (0, "inrowsplitend"), (last, "inrowsplitend"), 0.6, "black"),  # type: ignore[list-item]
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ]
        )
    )
    return table


class _RuledTable(RLTable):
    """A table that breaks over a page between rows, and inside a row (each cell holds a list
    of flowables, which reportlab can split; `splitInRow` keeps two lines at least on either
    side) only where moving the row to the next page would leave a quarter of this one blank,
    or the row is taller than a page: a long text runs on like a paragraph, a short row stays
    whole with its label. The first cell names the row, so both parts of a split row show it.
    """

    #: Below this much room left on a page, a row that does not fit moves to the next page.
    MIN_ROOM_TO_SPLIT_A_ROW = (_PAGE_H - _TOP - _BOTTOM) / 4

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        in_row, self.splitInRow = self.splitInRow, 0
        try:
            parts = super().split(available_width, available_height)  # between rows
        finally:
            self.splitInRow = in_row
        if not parts and in_row and available_height >= self.MIN_ROOM_TO_SPLIT_A_ROW:
            # reportlab loses track of the height of a vertically centred cell it splits
            # (the rest of the row grows with every page): the split row is set at the top.
            # Private members of reportlab's Table, which types-reportlab leaves out.
            row = self._getFirstPossibleSplitRowPosition(available_height, ignoreSpans=1)  # type: ignore[attr-defined]
            for style in self._cellStyles[row] if row < len(self._cellStyles) else ():  # type: ignore[attr-defined]
                style.valign = "TOP"
            parts = self._splitRows(available_height, doInRowSplit=1)  # type: ignore[attr-defined]
            if len(parts) == 2:
                _name_both_halves(*parts)
        for part in parts:  # made while splitInRow was off; Tables, typed as Flowables
            part.splitInRow = in_row  # type: ignore[attr-defined]
        return parts


def _name_both_halves(top: RLTable, rest: RLTable) -> None:
    """After a split inside a row, the half that lacks it gets the row's first cell (reportlab
    puts a cell that needs no splitting into one half only)."""
    repeated = rest.repeatRows if isinstance(rest.repeatRows, int) else len(rest.repeatRows)
    first, second = top._cellvalues[-1], rest._cellvalues[repeated]  # type: ignore[attr-defined]
    if first[0] and not second[0]:
        second[0] = [copy.copy(f) for f in first[0]]
    elif second[0] and not first[0]:
        first[0] = [copy.copy(f) for f in second[0]]


def _signatures(block: tree.SignatureBlock, story: list[Flowable]) -> list[Flowable]:
    """The signature rows of `layout.signature_grid`: parties on the left, mediator and
    recorder, the seal space (with the issuer and date the seal customarily covers) at the
    foot of the right column. Each label has blank room below it; nothing is printed where
    ink and the seal go.

    One table per row, so that with many parties their lines run on over a page break, while
    the committee's rows (mediator, recorder, seal, committee and date) stay together, and the
    first row stays with the text just above (a page of signatures alone would invite a new
    page of terms to be put in front of it)."""

    def cell(label: str, room_mm: float) -> list[Flowable]:
        if not label:
            return []
        return [_para(markup(label), Style.CELL, Align.LEFT), RLSpacer(0, room_mm * mm)]

    seal = [
        _para(markup(text), style, Align.CENTER)
        for text, style in (
            (block.seal_label, Style.CELL),
            (block.issuer, Style.BODY),
            (block.date_text, Style.BODY),
        )
        if text
    ]
    grid = signature_grid(block)
    data: list[list[Any]] = [
        [cell(signature_label(a), signature_room_mm(block, a)), cell(b, block.space_mm)]
        for a, b in grid
    ]
    if seal:
        lines = len(seal) * BODY_SIZE * LINE_SPACING
        data[-1][1] = [seal[0], RLSpacer(0, max(block.seal_mm * mm - lines, 0)), *seal[1:]]
    share = layout.SIGNATURE_LEFT_SHARE
    widths = [share * TEXT_WIDTH, (1 - share) * TEXT_WIDTH]
    rows: list[Flowable] = []
    for row in data:
        table = RLTable([row], colWidths=widths)
        table.setStyle(_SIGNATURES)
        rows.append(table)
    rows[0].spaceBefore = BODY_SIZE
    previous = [story.pop()] if story and isinstance(story[-1], CJKParagraph) else []
    group = len(rows) - signature_kept_rows(block)  # the first row of the committee's part
    if group <= 0:
        return [KeepTogether([*previous, *rows])]
    tail = [KeepTogether(rows[group:])] if group < len(rows) else []
    return [KeepTogether([*previous, rows[0]]), *rows[1:group], *tail]


class _RuledLines(Flowable):
    """Blank ruled lines the width of the text, for handwriting."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.count * _RULE_PITCH + _RULE_BELOW

    def draw(self) -> None:
        canvas = self.canv
        canvas.setLineWidth(0.5)
        for k in range(self.count):
            y = k * _RULE_PITCH + _RULE_BELOW
            canvas.line(0, y, self.width, y)


# ---------------------------------------------------------------------------------------------
# Pages


class _NumberedCanvas(Canvas):
    """Prints 第 n 页 共 N 页 on every page: the total is only known at the end, so pages are
    kept until `save` (a standard reportlab recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # private, not in types-reportlab

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._page_number(total)
            super().showPage()
        super().save()

    def _page_number(self, total: int) -> None:
        text = f"第 {self.getPageNumber()} 页  共 {total} 页"
        self.setFont(BODY_FONT, layout.PAGE_NUMBER_SIZE)
        self.drawCentredString(_PAGE_W / 2, layout.PAGE_NUMBER_FROM_BOTTOM_MM * mm, text)
