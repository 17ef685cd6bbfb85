"""Render a `Document` to DOCX with python-docx, for committees that edit the text in Word/WPS.

Same layout as the PDF: A4, GB/T 9704-like margins, 宋体 for Chinese and Times New Roman for
Latin letters and figures. Word picks the font for Chinese characters from `w:eastAsia` only,
so it is set on the document defaults, on every style and on every run; without it Word shows
Chinese in whatever its theme's East Asian font is.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from app.documents import layout, tree
from app.documents.layout import (
    LINE_SPACING,
    SIZES,
    TEXT_WIDTH_MM,
    signature_grid,
    signature_kept_rows,
    signature_label,
    signature_row_mm,
)
from app.documents.tree import Align, Style

EAST_ASIA_FONT = "宋体"
LATIN_FONT = "Times New Roman"
#: Windows' companion of 宋体 for CJK Extension B (𠮷 U+20BB7 …), which 宋体 itself lacks.
EXT_B_FONT = "SimSun-ExtB"

#: Paragraph styles: the Chinese name Word shows, and an ASCII style id (Word itself never
#: writes non-ASCII ids, and some readers mishandle them).
STYLE_NAMES = {
    Style.TITLE: ("文书标题", "DocTitle"),
    Style.HEADING: ("文书小标题", "DocHeading"),
    Style.BODY: ("文书正文", "DocBody"),
    Style.CELL: ("表格文字", "DocCell"),
    Style.SMALL: ("文书小字", "DocSmall"),
}

_ALIGN = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
}

_NBSP = "\u00a0"


def render_docx(doc: tree.Document, target: str | Path | BinaryIO) -> None:
    """Write `doc` as a .docx to a file path or a binary stream."""
    out = docx.Document()
    _setup(out, doc.title)
    body = _Writer(out)
    for block in doc.blocks:
        body.add(block)
    out.save(str(target) if isinstance(target, str | Path) else target)


# ---------------------------------------------------------------------------------------------
# Page, styles, properties


def _set_fonts(r_pr: Any, east_asia: str = EAST_ASIA_FONT, latin: str = LATIN_FONT) -> None:
    """Set explicit fonts on a w:rPr, dropping theme fonts (which would win over them)."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _setup(out: Any, title: str) -> None:
    section = out.sections[0]
    section.page_width = Mm(layout.PAGE_WIDTH_MM)
    section.page_height = Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(layout.TOP_MM), Mm(layout.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(layout.LEFT_MM), Mm(layout.RIGHT_MM)
    # The footer's bottom edge sits where the PDF prints its page number's baseline.
    section.header_distance = Mm(15)
    section.footer_distance = Mm(layout.PAGE_NUMBER_FROM_BOTTOM_MM - 1)

    styles = out.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(r_pr)
    lang = r_pr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    # The template's 10 pt after every paragraph would double-space the forms.
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")

    normal = styles["Normal"]
    for style in (normal, styles["Footer"]):
        _set_fonts(style.element.get_or_add_rPr())
    for style, (name, style_id) in STYLE_NAMES.items():
        # The element-level call: styles.add_style() first scans every style for the name.
        element = styles.element.add_style_of_type(name, WD_STYLE_TYPE.PARAGRAPH, False)
        element.styleId = style_id
        element.basedOn_val = normal.style_id
        para_style = ParagraphStyle(element)
        size = SIZES[style]
        para_style.font.size = Pt(size)
        para_style.font.bold = style in (Style.TITLE, Style.HEADING)
        _set_fonts(para_style.element.get_or_add_rPr())
        fmt = para_style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(size * LINE_SPACING)
        fmt.space_before = Pt(size * 0.5) if style is Style.HEADING else Pt(0)
        fmt.space_after = Pt(size * 0.8) if style is Style.TITLE else Pt(0)
        fmt.widow_control = True
        if style is Style.TITLE:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if style is Style.HEADING:
            fmt.keep_with_next = True

    _footer_page_numbers(section)

    props = out.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title, props.author, props.last_modified_by = title, "", ""
    props.comments, props.subject, props.keywords = "", "", ""
    props.created, props.modified, props.revision = now, now, 1


def _footer_page_numbers(section: Any) -> None:
    """第 n 页  共 N 页, with real PAGE and NUMPAGES fields."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页  共 ", "NUMPAGES", " 页"):
        if piece in ("PAGE", "NUMPAGES"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), f" {piece} ")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            paragraph._p.append(field)
        else:
            _run(paragraph, piece, size=layout.PAGE_NUMBER_SIZE)


# ---------------------------------------------------------------------------------------------
# Runs


def _is_ext_b(char: str) -> bool:
    return ord(char) >= 0x20000


def _run(
    paragraph: DocxParagraph, text: str, *, size: float | None = None, underline: bool = False
) -> None:
    """Add text as runs with explicit fonts; characters of CJK Ext-B and beyond get their own
    run in SimSun-ExtB, and line breaks become real breaks (python-docx's `Run.text` writes
    w:br for a line break and w:tab for a tab)."""
    pieces: list[tuple[bool, str]] = []
    for char in text:
        ext_b = _is_ext_b(char)
        if pieces and pieces[-1][0] == ext_b:
            pieces[-1] = (ext_b, pieces[-1][1] + char)
        else:
            pieces.append((ext_b, char))
    for ext_b, piece in pieces:
        run = paragraph.add_run()
        run.text = piece
        r_pr = run._r.get_or_add_rPr()
        if ext_b:
            _set_fonts(r_pr, EXT_B_FONT, EXT_B_FONT)
        else:
            _set_fonts(r_pr)
        # Shared punctuation (“” · — …) in the Chinese font, as a Chinese IME types it.
        r_pr.find(qn("w:rFonts")).set(qn("w:hint"), "eastAsia")
        if size is not None:
            run.font.size = Pt(size)
        if underline:
            run.font.underline = True


#: Gap between two fields of a party row, in characters (as in the PDF).
FIELD_GAP_CHARS = 1.5


def _width_chars(text: str) -> float:
    """The printed width of `text` in body characters, estimated on the safe side: Chinese and
    full-width marks one, figures half (Times New Roman), other Latin letters 0.6."""
    width = 0.0
    for char in text:
        if char.isascii():
            width += 0.5 if char.isdigit() or char == " " else 0.6
        elif char == _NBSP:
            width += 0.5
        else:
            width += 1.0
    return width


def _field_lines(row: tuple[tree.Field, ...], chars: float) -> list[list[tuple[float, tree.Field]]]:
    """The fields of a party row in lines `chars` characters wide: (position, field) each."""
    lines: list[list[tuple[float, tree.Field]]] = [[]]
    end = 0.0
    for f in row:
        width = _width_chars(f"{f.label}：{f.value or _NBSP * (2 * f.blank_chars)}")
        start = end + FIELD_GAP_CHARS if lines[-1] else 0.0
        if lines[-1] and start + width > chars:
            lines.append([])
            start = 0.0
        lines[-1].append((start, f))
        end = start + width
    return lines


#: A table row estimated longer than this many lines may break over a page (a third of one).
_LONG_ROW_LINES = 10


def _row_lines(cells: tuple[str, ...], widths_mm: tuple[float, ...], size: float) -> int:
    """How many lines the tallest cell of a table row takes, estimated (`_width_chars`)."""
    char_mm = size * 25.4 / 72
    lines = 1
    for text, width in zip(cells, widths_mm, strict=True):
        chars = max(1.0, width / char_mm - 1)  # less the cell's margins, on the safe side
        count = sum(max(1, math.ceil(_width_chars(line) / chars)) for line in text.split("\n"))
        lines = max(lines, count)
    return lines


def _blank(paragraph: DocxParagraph, chars: int) -> None:
    _run(paragraph, _NBSP * (2 * chars), underline=True)


def _field(paragraph: DocxParagraph, label: str, value: str, blank_chars: int) -> None:
    _run(paragraph, f"{label}：")
    if value:
        _run(paragraph, value)
    else:
        _blank(paragraph, blank_chars)


# ---------------------------------------------------------------------------------------------
# Blocks


class _Writer:
    def __init__(self, out: Any) -> None:
        self.out = out
        self.last: DocxParagraph | None = None
        # Styles are set by id on the XML: python-docx's setters look the style up and compare
        # it with the default by scanning every style of the template (~2 ms a paragraph).
        self.grid_id = out.styles["Table Grid"].style_id
        self.abstract_ids: dict[tree.Numbering, int] = {}

    def paragraph(
        self,
        style: Style = Style.BODY,
        align: Align | None = None,
        indent: bool = False,
        container: Any = None,
    ) -> DocxParagraph:
        target = container if container is not None else self.out
        paragraph = target.add_paragraph()
        paragraph._p.style = STYLE_NAMES[style][1]
        if align is not None:
            paragraph.alignment = _ALIGN[align]
        if indent:
            _first_line_chars(paragraph, SIZES[style])
        if container is None:
            self.last = paragraph
        return paragraph

    def add(self, block: tree.Block) -> None:
        match block:
            case tree.Title(text):
                _run(self.paragraph(Style.TITLE, Align.CENTER), text)
            case tree.Paragraph(text, style, align, indent, keep):
                paragraph = self.paragraph(style, align, indent)
                paragraph.paragraph_format.keep_with_next = keep or style is Style.HEADING
                _run(paragraph, text)
            case tree.FieldLine(label, value, align, blank_chars):
                _field(self.paragraph(Style.BODY, align), label, value, blank_chars)
            case tree.PartyBlock():
                self.party(block)
            case tree.NumberedTerms(items, numbering, start):
                # Real Word numbering: a term inserted in Word renumbers the ones after it.
                num_id = self.numbering(numbering, start)
                for item in items:
                    paragraph = self.paragraph(Style.BODY, Align.JUSTIFY, indent=True)
                    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = 0
                    num_pr.get_or_add_numId().val = num_id
                    _run(paragraph, item)
            case tree.RuledLines(count):
                for _ in range(count):
                    self.ruled_line()
            case tree.Table():
                self.table(block)
            case tree.SignatureBlock():
                self.signatures(block)
            case tree.Spacer(height_mm):
                paragraph = self.paragraph(Style.BODY)
                paragraph.paragraph_format.line_spacing = Mm(height_mm)
            case tree.PageBreak():
                self.paragraph(Style.BODY).add_run().add_break(WD_BREAK.PAGE)
            case _:
                raise TypeError(f"cannot render {block!r}")

    def numbering(self, numbering: tree.Numbering, start: int) -> int:
        """A list instance (w:num) counting from `start`, of a definition (w:abstractNum) made
        once per kind: 一、 (chineseCounting) or 1. (decimal), set in 宋体."""
        root = self.out.part.numbering_part.element
        abstract_id = self.abstract_ids.get(numbering)
        if abstract_id is None:
            taken = [int(a.get(qn("w:abstractNumId"))) for a in root.iter(qn("w:abstractNum"))]
            abstract_id = max(taken, default=-1) + 1
            definition = _abstract_numbering(abstract_id, numbering)
            first_num = root.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(definition)  # schema order: every abstractNum, then num
            else:
                root.append(definition)
            self.abstract_ids[numbering] = abstract_id
        num = root.add_num(abstract_id)
        # Instances of one definition would otherwise continue each other's count.
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId

    def ruled_line(self) -> None:
        paragraph = self.paragraph(Style.BODY)
        paragraph.paragraph_format.line_spacing = Mm(layout.RULE_PITCH_MM)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "4"),
            ("w:space", "1"),
            ("w:color", "auto"),
        ):
            bottom.set(qn(key), value)
        borders.append(bottom)
        p_pr = paragraph._p.get_or_add_pPr()
        # w:pBdr must come before w:spacing/w:ind/w:jc in pPr.
        anchor = p_pr.find(qn("w:spacing"))
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            p_pr.append(borders)

    def party(self, block: tree.PartyBlock) -> None:
        """Role label in a narrow column, the rows of particulars beside it (no borders).

        The fields of a row are set apart by tabs to tab stops, not by spaces: each field begins
        a gap of one and a half characters after the one before (as in the PDF), and a field
        that would not fit begins a new line of its own."""
        label_mm = layout.ROLE_COLUMN_CHARS * layout.BODY_SIZE * 25.4 / 72
        table = self._table(1, 2, (label_mm, TEXT_WIDTH_MM - label_mm), borders=False)
        role_cell, rows_cell = table.rows[0].cells
        _run(self._cell_paragraph(role_cell, Style.BODY, Align.LEFT), block.role)
        chars = (TEXT_WIDTH_MM - label_mm) * 72 / 25.4 / layout.BODY_SIZE
        lines = [line for row in block.rows for line in _field_lines(row, chars)]
        for k, line in enumerate(lines):
            paragraph = (
                self._cell_paragraph(rows_cell, Style.BODY, Align.LEFT)
                if k == 0
                else self.paragraph(Style.BODY, Align.LEFT, container=rows_cell)
            )
            for position, f in line:
                if position:
                    stop = Pt(position * layout.BODY_SIZE)
                    paragraph.paragraph_format.tab_stops.add_tab_stop(stop)
                    _run(paragraph, "\t")
                _field(paragraph, f.label, f.value, f.blank_chars)
        _cant_split(table.rows[0])

    def table(self, block: tree.Table) -> None:
        """A ruled table (Word's Table Grid); the header row (if any) repeats on every page.
        Rows stay whole on a page, as in the PDF, unless a row is too long to: that one may
        break over the page rather than leave most of a page blank before it."""
        head = 1 if block.header else 0
        rows = head + len(block.rows) + block.blank_rows
        widths = tuple(w * TEXT_WIDTH_MM for w in block.widths)
        table = self._table(rows, len(block.widths), widths, borders=True)
        if head:
            header = table.rows[0]
            _repeat_header(header)
            for cell, text in zip(header.cells, block.header, strict=True):
                _run(self._cell_paragraph(cell, block.style, Align.CENTER), text)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        size = SIZES[block.style]
        for r, values in enumerate(block.rows, head):
            for cell, text in zip(table.rows[r].cells, values, strict=True):
                _run(self._cell_paragraph(cell, block.style, Align.LEFT), text)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if _row_lines(values, widths, size) <= _LONG_ROW_LINES:
                _cant_split(table.rows[r])
        for r in range(head + len(block.rows), rows):
            row = table.rows[r]
            row.height = Pt(size * LINE_SPACING * 1.6)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell in row.cells:
                self._cell_paragraph(cell, block.style, Align.LEFT)
        for row in table.rows[:head] + table.rows[head + len(block.rows) :]:
            _cant_split(row)

    def signatures(self, block: tree.SignatureBlock) -> None:
        """The signature rows of `layout.signature_grid`, as in the PDF: parties on the left,
        mediator and recorder, the seal space ending with the issuer and the date at the foot
        of the right column."""
        if self.last is not None:
            self.last.paragraph_format.keep_with_next = True
        grid = signature_grid(block)
        seal = [
            (text, style)
            for text, style in (
                (block.seal_label, Style.CELL),
                (block.issuer, Style.BODY),
                (block.date_text, Style.BODY),
            )
            if text
        ]
        share = layout.SIGNATURE_LEFT_SHARE
        widths = (share * TEXT_WIDTH_MM, (1 - share) * TEXT_WIDTH_MM)
        lead = self.paragraph(Style.BODY)  # a blank line before the table, as in the PDF
        lead.paragraph_format.keep_with_next = True
        table = self._table(len(grid), 2, widths, borders=False)
        for row, labels in zip(table.rows, grid, strict=True):
            row.height = Mm(signature_row_mm(block, labels[0]) + 0.5)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            left, right = row.cells
            _run(self._cell_paragraph(left, Style.CELL, Align.LEFT), signature_label(labels[0]))
            _run(self._cell_paragraph(right, Style.CELL, Align.LEFT), labels[1])
            _cell_margin(left, "right", layout.SIGNATURE_GAP_CHARS * SIZES[Style.CELL])
        if seal:
            row = table.rows[-1]
            row.height = Mm(block.seal_mm)
            cell = row.cells[1]
            (label, label_style), *rest = seal
            _run(self._cell_paragraph(cell, label_style, Align.CENTER), label)
            # The seal's room: the label at the top, issuer and date at the bottom.
            lines = len(seal) * layout.BODY_SIZE * LINE_SPACING * 25.4 / 72
            gap = self.paragraph(Style.BODY, container=cell)
            gap.paragraph_format.line_spacing = Mm(max(block.seal_mm - lines, 1))
            for text, style in rest:
                _run(self.paragraph(style, Align.CENTER, container=cell), text)
        # The text just above stays with the first row (the closing paragraph keeps with the
        # lead line, the lead line with the table); the parties' rows may run on over a page
        # break; the committee's rows (mediator, recorder, seal, committee, date) are kept
        # together by "keep with next" on every row of them but the last, as Word keeps rows.
        group = max(len(table.rows) - signature_kept_rows(block), 0)
        for k, row in enumerate(table.rows):
            _cant_split(row)
            if group <= k < len(table.rows) - 1:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
        self._after_table()

    # helpers

    def _table(
        self, rows: int, cols: int, widths_mm: tuple[float, ...], *, borders: bool
    ) -> DocxTable:
        table = self.out.add_table(rows=rows, cols=cols)
        if borders:
            table._tbl.tblPr.style = self.grid_id
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # w:tblLayout fixed: the widths below are kept
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)  # Word reads the cell widths, LibreOffice the grid
        if not borders:
            _no_cell_margins(table)
        self._after_table()
        return table

    def _after_table(self) -> None:
        self.last = None

    def _cell_paragraph(self, cell: _Cell, style: Style, align: Align) -> DocxParagraph:
        """The cell's first (empty) paragraph, styled."""
        paragraph = cell.paragraphs[0]
        paragraph._p.style = STYLE_NAMES[style][1]
        paragraph.alignment = _ALIGN[align]
        return paragraph


#: How Word counts and labels a term, for each kind of numbering in the tree.
_NUMBER_FORMATS = {
    tree.Numbering.CHINESE: ("chineseCounting", "%1、"),
    tree.Numbering.ARABIC: ("decimal", "%1."),
}


def _abstract_numbering(abstract_id: int, numbering: tree.Numbering) -> Any:
    """<w:abstractNum> of one level: the number right before the text (no tab after it, as
    "一、" is written), in the body's fonts."""
    fmt, text = _NUMBER_FORMATS[numbering]

    def element(tag: str, **attributes: str) -> Any:
        made = OxmlElement(tag)
        for key, value in attributes.items():
            made.set(qn(f"w:{key}"), value)
        return made

    definition = element("w:abstractNum", abstractNumId=str(abstract_id))
    definition.append(element("w:nsid", val=f"{0x4C4E4A00 + abstract_id:08X}"))
    definition.append(element("w:multiLevelType", val="singleLevel"))
    level = element("w:lvl", ilvl="0")
    # Children in the schema's order: start numFmt suff lvlText lvlJc pPr rPr.
    level.append(element("w:start", val="1"))
    level.append(element("w:numFmt", val=fmt))
    level.append(element("w:suff", val="nothing"))
    level.append(element("w:lvlText", val=text))
    level.append(element("w:lvlJc", val="left"))
    p_pr = element("w:pPr")
    size = SIZES[Style.BODY]
    p_pr.append(
        element("w:ind", left="0", firstLine=str(round(2 * size * 20)), firstLineChars="200")
    )
    level.append(p_pr)
    r_pr = element("w:rPr")
    _set_fonts(r_pr)
    r_pr.find(qn("w:rFonts")).set(qn("w:hint"), "eastAsia")
    level.append(r_pr)
    definition.append(level)
    return definition


def _first_line_chars(paragraph: DocxParagraph, size: float) -> None:
    """First-line indent of two characters (w:firstLineChars, which Word scales with the font;
    w:firstLine for readers that only know lengths)."""
    paragraph.paragraph_format.first_line_indent = Pt(2 * size)  # w:ind in schema order
    paragraph._p.get_or_add_pPr().find(qn("w:ind")).set(qn("w:firstLineChars"), "200")


def _cell_margin(cell: _Cell, side: str, points: float) -> None:
    """One margin of one cell (w:tcMar, after w:tcW in the cell's properties)."""
    margins = OxmlElement("w:tcMar")
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:w"), str(round(points * 20)))
    edge.set(qn("w:type"), "dxa")
    margins.append(edge)
    tc_pr = cell._tc.get_or_add_tcPr()
    width = tc_pr.find(qn("w:tcW"))
    if width is not None:
        width.addnext(margins)
    else:
        tc_pr.insert(0, margins)


def _cant_split(row: Any) -> None:
    # w:cantSplit precedes w:trHeight and w:tblHeader in the schema's order.
    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def _repeat_header(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _no_cell_margins(table: DocxTable) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)  # schema order: … tblLayout, tblCellMar, tblLook
    else:
        tbl_pr.append(margins)
