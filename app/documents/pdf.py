"""Render a `Document` to PDF with reportlab platypus: A4, GB/T 9704 margins, embedded fonts.

Every glyph comes from an embedded TrueType font (`fonts`): the canvas is created with the body
font as its initial font, because otherwise reportlab declares an unembedded Helvetica in every
file. Line breaking follows the Chinese rules (`rlfixes.CJKParagraph`). Sizes, margins and line
pitch come from the document's page layout (`layout.PageLayout`).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, BinaryIO, Literal

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
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
from app.documents.layout import STANDARD, PageLayout, SignatureCell, SignatureRow
from app.documents.rlfixes import BoldCJKParagraph, CJKParagraph
from app.documents.tree import Align, Style

#: The text width of the standard layout (31 characters of 四号).
TEXT_WIDTH = STANDARD.text_width_pt

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
    lay = layout.page_layout(doc.layout)
    out: Any = str(target) if isinstance(target, str | Path) else target
    body = lay.size(Style.BODY)
    template = BaseDocTemplate(
        out,
        pagesize=(layout.points(lay.page_width_mm), layout.points(lay.page_height_mm)),
        topMargin=lay.top_mm * mm,
        bottomMargin=lay.bottom_mm * mm,
        leftMargin=lay.left_mm * mm + lay.slack_pt,
        rightMargin=lay.right_mm * mm + lay.slack_pt,
        title=doc.title,
        author="",
        subject="",
        creator="老娘舅",
        initialFontName=BODY_FONT,
        initialFontSize=body,
        initialLeading=lay.leading(Style.BODY),
    )
    # No frame padding (platypus adds 6 pt a side by default): the text must be exactly
    # the text width wide for lines of Chinese to fill it.
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
    canvas = functools.partial(
        _NumberedCanvas,
        numbering=doc.page_numbers,
        first_page=doc.first_page,
        verification=doc.verification,
    )
    template.build(_Story(lay).story(doc.blocks), canvasmaker=canvas)


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
def _style(
    lay: PageLayout,
    style: Style,
    align: Align = Align.JUSTIFY,
    indent: bool = False,
    in_table: bool = False,
) -> ParagraphStyle:
    size = lay.size(style)
    paragraph_style = ParagraphStyle(
        f"{lay.name}-{style.value}-{align.value}-{int(indent)}-{int(in_table)}",
        fontName=BODY_FONT,
        fontSize=size,
        leading=lay.table_leading(style) if in_table else lay.leading(style),
        alignment=_ALIGN[align],
        firstLineIndent=2 * lay.pitch(style) if indent else 0,
        wordWrap="CJK",
        # A paragraph may run on over a page break, but never leaves one line behind at the foot
        # of a page (orphan) or carries one alone to the top of the next (widow).
        allowOrphans=0,
        allowWidows=0,
        spaceBefore=size * 0.5 if style is Style.HEADING else 0,
        spaceAfter=size * 0.5 if style is Style.TITLE else 0,
    )
    # Read by `rlfixes.CJKParagraph` (ParagraphStyle takes unknown attributes as they come).
    paragraph_style.charSpace = lay.char_space(style)
    return paragraph_style


def _para(
    lay: PageLayout,
    text_markup: str,
    style: Style = Style.BODY,
    align: Align = Align.JUSTIFY,
    indent: bool = False,
    in_table: bool = False,
) -> CJKParagraph:
    cls = BoldCJKParagraph if style in (Style.TITLE, Style.HEADING) else CJKParagraph
    return cls(text_markup, _style(lay, style, align, indent, in_table))


# ---------------------------------------------------------------------------------------------
# Blocks


def _kept_before_signatures(block: tree.Block) -> bool:
    """A closing sentence or a spacer just before a signature block: goes with it."""
    return isinstance(block, tree.Spacer) or (
        isinstance(block, tree.Paragraph)
        and block.keep_with_next
        and block.style is not Style.HEADING
    )


class _Story:
    """Flowables for the blocks of one document, in its page layout."""

    def __init__(self, lay: PageLayout) -> None:
        self.lay = lay
        self.width = lay.text_width_pt

    def story(self, blocks: tuple[tree.Block, ...]) -> list[Flowable]:
        # The flowables of each block, so that a signature block can take the end of the
        # text before it along to its page.
        entries: list[tuple[tree.Block, list[Flowable]]] = []
        keep: _KeepWithStart | None = None  # a heading waiting for what follows it
        for block in blocks:
            if isinstance(block, tree.SignatureBlock):
                flowables = self.signatures(block, entries)
            else:
                flowables = self.flowables(block)
            if keep is not None and flowables:
                # (A heading just before a signature block goes with the block instead.)
                if not isinstance(block, tree.SignatureBlock):
                    keep.follower = flowables[0]
                keep = None
            if isinstance(block, tree.Paragraph) and (
                block.keep_with_next or block.style is Style.HEADING
            ):
                # Not reportlab's keepWithNext, which moves the heading *and the whole
                # paragraph after it* to the next page, leaving most of a page blank before a
                # long text.
                keep = _KeepWithStart(flowables[0])
                flowables = [keep, *flowables]
            entries.append((block, flowables))
        return [flowable for _, flowables in entries for flowable in flowables]

    def para(
        self,
        text_markup: str,
        style: Style = Style.BODY,
        align: Align = Align.JUSTIFY,
        indent: bool = False,
        in_table: bool = False,
    ) -> CJKParagraph:
        return _para(self.lay, text_markup, style, align, indent, in_table)

    def flowables(self, block: tree.Block) -> list[Flowable]:
        match block:
            case tree.Title(text):
                return [self.para(markup(text), Style.TITLE, Align.CENTER)]
            case tree.Paragraph(text, style, align, indent):
                return [self.para(markup(text), style, align, indent)]
            case tree.FieldLine(label, value, align, blank_chars):
                return [self.para(_field(label, value, blank_chars), Style.BODY, align)]
            case tree.PartyBlock():
                return [self.party(block)]
            case tree.NumberedTerms(items, numbering, start):
                return [
                    self.para(markup(tree.numbered(start + k, numbering) + item), indent=True)
                    for k, item in enumerate(items)
                ]
            case tree.RuledLines(count):
                return [_RuledLines(count)]
            case tree.Table():
                return [self.table(block)]
            case tree.Spacer(height_mm):
                return [RLSpacer(0, height_mm * mm)]
            case tree.PageBreak():
                return [RLPageBreak()]
        raise TypeError(f"cannot render {block!r}")

    def party(self, block: tree.PartyBlock) -> RLTable:
        """Role label in a narrow column, the rows of particulars beside it (a borderless
        table, so wrapped rows stay aligned after the label)."""
        rows = [
            self.para(
                _FIELD_GAP.join(_field(f.label, f.value, f.blank_chars) for f in row),
                align=Align.LEFT,
            )
            for row in block.rows
        ]
        label_width = layout.ROLE_COLUMN_CHARS * self.lay.pitch(Style.BODY)
        table = RLTable(
            [[self.para(markup(block.role), align=Align.LEFT), rows]],
            colWidths=[label_width, self.width - label_width],
        )
        table.setStyle(_PLAIN)
        return table

    def table(self, block: tree.Table) -> RLTable:
        """A ruled table; the header row (if any) repeats on every page. See `_RuledTable`
        for where it breaks over a page."""
        lay = self.lay
        size = lay.size(block.style)
        style = block.style

        def cell(text: str, align: Align) -> list[Flowable]:
            return [self.para(markup(text), style, align, in_table=True)]

        header = [[cell(h, Align.CENTER) for h in block.header]]
        head = header if block.header else []
        aligns = block.aligns or (Align.LEFT,) * len(block.widths)
        rows = [[cell(c, a) for c, a in zip(row, aligns, strict=True)] for row in block.rows]
        blank_height = size * layout.LINE_SPACING * 1.6
        leading = lay.table_leading(style)
        table = _RuledTable(
            [*head, *rows, *([[""] * len(block.widths)] * block.blank_rows)],
            colWidths=[w * self.width for w in block.widths],
            rowHeights=[None] * (len(head) + len(rows)) + [blank_height] * block.blank_rows,
            repeatRows=len(head),
            splitInRow=round(2 * leading + size),
        )
        table.min_room_to_split = lay.text_height_pt / 4
        pad, side = size * layout.CELL_PADDING, size * layout.CELL_SIDE_PADDING
        last = len(block.widths) - 1  # reportlab 5.1 splits these with a NameError on -1
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), BODY_FONT),
                    ("GRID", (0, 0), (-1, -1), 0.6, "black"),
                    # A row split over a page is closed at the foot of the page and at the top
                    # of the next, like every other row.
                    # (types-reportlab expects these row names in the column's place.)
                    ("LINEBELOW", (0, "inrowsplitstart"), (last, "inrowsplitstart"), 0.6, "black"),  # type: ignore[list-item]
                    ("LINEABOVE", (0, "inrowsplitend"), (last, "inrowsplitend"), 0.6, "black"),  # type: ignore[list-item]
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), side),
                    ("RIGHTPADDING", (0, 0), (-1, -1), side),
                    ("TOPPADDING", (0, 0), (-1, -1), pad),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                ]
            )
        )
        return table

    # -----------------------------------------------------------------------------------------
    # Signatures

    def signatures(
        self, block: tree.SignatureBlock, entries: list[tuple[tree.Block, list[Flowable]]]
    ) -> list[Flowable]:
        """The rows of `layout.signature_rows`. Nothing is printed where ink and seals go.

        One table per row, so that with many parties their lines run on over a page break,
        while rows marked to keep with the next (an organisation's name with its seal area,
        the last party's row with the committee's) stay together. The first rows go to a
        page with the end of the text above them — the closing sentences and at least the
        last lines of the text before those (a paragraph's, a table's last row) — so that
        the block never stands on a page of its own, which would invite a new page of terms
        to be put in front of it.
        """
        rows = layout.signature_rows(block, self.lay)
        if not rows:
            return []
        tables = [self.signature_row(row, block.style) for row in rows]
        # Half a line sets the signatures apart from the text above.
        tables[0].spaceBefore = self.lay.leading(Style.BODY) / 2
        groups: list[list[Flowable]] = [[]]
        for row, table in zip(rows, tables, strict=True):
            groups[-1].append(table)
            if not row.keep_with_next:
                groups.append([])
        groups = [group for group in groups if group]
        first, *others = groups
        out: list[Flowable] = [self.with_text_before(first, entries)]
        out += [KeepTogether(group) if len(group) > 1 else group[0] for group in others]
        return out

    def with_text_before(
        self, first: list[Flowable], entries: list[tuple[tree.Block, list[Flowable]]]
    ) -> Flowable:
        """The first rows of a signature block with the end of the text before them, taken
        out of `entries`: the closing sentences, the text before them, and the heading over
        that text if it would otherwise be left alone at the foot of a page."""
        # What goes along is kept together as a whole, so the markers that keep a heading or
        # closing sentence with what follows it have nothing left to do there.
        kept: list[Flowable] = []
        while entries and _kept_before_signatures(entries[-1][0]):
            kept[:0] = _unmarked(entries.pop()[1])
        if not entries or isinstance(entries[-1][0], tree.PageBreak | tree.SignatureBlock):
            return KeepTogether([*kept, *first])  # the block begins a page of its own
        flowables = entries[-1][1]
        text = flowables.pop()
        if not _unmarked(flowables):
            entries.pop()
            if entries and _is_heading(entries[-1][0]):
                lead = _unmarked(entries.pop()[1])  # the heading over the text
                return _KeepEnd(lead, text, [*kept, *first])
        return _KeepEnd([], text, [*kept, *first])

    def signature_row(self, row: SignatureRow, style: Style) -> RLTable:
        table = RLTable(
            [[self.signature_cell(cell) for cell in row.cells]], colWidths=row.widths(self.width)
        )
        table.setStyle(_signature_style(self.lay, style) if len(row.cells) > 1 else _PLAIN)
        return table

    def signature_cell(self, cell: SignatureCell) -> list[Flowable]:
        out: list[Flowable] = []
        for piece in cell.pieces:
            if piece.text:
                out.append(self.para(markup(piece.text), piece.style, piece.align))
            if piece.room_mm:
                out.append(RLSpacer(0, piece.room_mm * mm))
        return out


def _unmarked(flowables: list[Flowable]) -> list[Flowable]:
    return [f for f in flowables if not isinstance(f, _KeepWithStart)]


def _is_heading(block: tree.Block) -> bool:
    return isinstance(block, tree.Paragraph) and (
        block.style is Style.HEADING or block.keep_with_next
    )


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


class _KeepEnd(KeepTogether):
    """The end of a text kept on a page with what follows it (a signature block's first rows).

    If all of it does not fit where it stands, `text` is split so that at least its last two
    lines (a paragraph) or its last row (a table) go on with `rest`, rather than `rest` going
    over the page alone; a text that cannot be split so goes over whole, with the heading
    over it (`lead`) when it follows one directly.
    """

    #: Lines of a paragraph that go on with what follows.
    TAIL_LINES = 2

    def __init__(self, lead: list[Flowable], text: Flowable, rest: list[Flowable]) -> None:
        super().__init__([*lead, text, *rest])
        self.lead, self.text, self.rest = lead, text, rest

    def split(self, aW: float, aH: float) -> list[Flowable]:
        self.wrap(aW, aH)
        if aH < self._H:  # type: ignore[attr-defined]  # set by KeepTogether.wrap
            parts = self._split_text(aW, aH)
            if parts:
                return parts
        return super().split(aW, aH)

    def _split_text(self, aW: float, aH: float) -> list[Flowable]:
        text = self.text
        height = text.wrap(aW, aH)[1]
        if isinstance(text, CJKParagraph):
            tail = self.TAIL_LINES * text.style.leading
        elif isinstance(text, RLTable):
            tail = text._rowHeights[-1]  # type: ignore[attr-defined]
        else:
            return []
        lead = sum(f.getSpaceBefore() + f.wrap(aW, aH)[1] for f in self.lead)
        room = min(aH - lead, height - tail)
        if room <= 0:
            return []
        parts = text.split(aW, room)
        if len(parts) != 2:
            return []
        return [*self.lead, parts[0], KeepTogether([parts[1], *self.rest])]


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


@functools.cache
def _signature_style(lay: PageLayout, style: Style) -> TableStyle:
    """Two cells side by side: the left one's text keeps a gap from the right one."""
    gap = layout.SIGNATURE_GAP_CHARS * lay.pitch(style)
    return TableStyle([*_PLAIN.getCommands(), ("RIGHTPADDING", (0, 0), (0, -1), gap)])


class _RuledTable(RLTable):
    """A table that breaks over a page between rows, and inside a row (each cell holds a list
    of flowables, which reportlab can split; `splitInRow` keeps two lines at least on either
    side) only where moving the row to the next page would leave a quarter of this one blank,
    or the row is taller than a page: a long text runs on like a paragraph, a short row stays
    whole with its label. The first cell names the row, so both parts of a split row show it.
    """

    #: Below this much room left on a page, a row that does not fit moves to the next page
    #: (a quarter of the page's text; set per table from its layout).
    min_room_to_split = STANDARD.text_height_pt / 4

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        in_row, self.splitInRow = self.splitInRow, 0
        try:
            parts = super().split(available_width, available_height)  # between rows
        finally:
            self.splitInRow = in_row
        if not parts and in_row and available_height >= self.min_room_to_split:
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
            part.min_room_to_split = self.min_room_to_split  # type: ignore[attr-defined]
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


#: Where the verification mark sits: from the top and right edges of the page, and its size.
VERIFY_TOP_MM, VERIFY_RIGHT_MM, VERIFY_QR_MM = 6.0, 12.0, 14.0


class _NumberedCanvas(Canvas):
    """Prints 第 n 页 共 N 页 on every page: the total is only known at the end, so pages are
    kept until `save` (a standard reportlab recipe)."""

    def __init__(
        self,
        *args: Any,
        numbering: str = "own",
        first_page: int = 1,
        verification: tree.Verification | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._numbering = numbering
        self._first_page = first_page
        self._verification = verification

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

    def _mark(self) -> None:
        """The QR code and its code in the top right margin of the first page, clear of the
        text block (the top margin is at least 25 mm; the mark is 16 mm and its line)."""
        mark = self._verification
        if mark is None or self.getPageNumber() != 1:
            return
        import segno

        # Drawn module by module from segno's matrix, as the Word file's picture is made: the
        # same QR code in both, and no font (reportlab's QR widget declares Helvetica).
        matrix = segno.make(mark.qr_text, error="m").matrix
        size = VERIFY_QR_MM * mm
        cell = size / len(matrix)
        page_width, page_height = self._pagesize  # type: ignore[attr-defined]
        right = page_width - VERIFY_RIGHT_MM * mm
        top = page_height - VERIFY_TOP_MM * mm
        left = right - size
        self.saveState()
        self.setFillGray(0)
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    self.rect(left + c * cell, top - (r + 1) * cell, cell, cell, stroke=0, fill=1)
        self.restoreState()
        self.setFont(BODY_FONT, layout.PAGE_NUMBER_SIZE * 0.8)
        self.drawRightString(right, top - size - 3.5 * mm, mark.label)

    def _page_number(self, total: int) -> None:
        self._mark()
        if self._numbering == "none":
            return
        if self._numbering == "running":
            text = f"第 {self._first_page + self.getPageNumber() - 1} 页"
        else:
            text = f"第 {self.getPageNumber()} 页  共 {total} 页"
        self.setFont(BODY_FONT, layout.PAGE_NUMBER_SIZE)
        page_width = self._pagesize[0]  # type: ignore[attr-defined]  # private in reportlab
        self.drawCentredString(page_width / 2, layout.PAGE_NUMBER_FROM_BOTTOM_MM * mm, text)
