"""Render a `Document` to DOCX with python-docx, for committees that edit the text in Word/WPS.

Same layout as the PDF: A4, GB/T 9704 margins, 宋体 (仿宋 in the GB/T 9704 layout) for
Chinese and Times New Roman for Latin letters and figures. Word picks the font for Chinese
characters from `w:eastAsia` only, so it is set on the document defaults, on every style and
on every run; without it Word shows Chinese in whatever its theme's East Asian font is.

Word and LibreOffice lay text out by their own rules, so some of their habits are turned off
to make the file print as the PDF does: the automatic space between Chinese and Latin
letters or figures (autoSpaceDE/autoSpaceDN: "2026 年 9 月" made a page longer; LibreOffice
cannot be told, see `_no_auto_space`), and empty paragraphs with the same border (grouped
into one box: ruled lines are table rows instead). The signature rows are exactly as tall
as the PDF's, so that a block which just fits the PDF's page fits the Word file's too.
Blanks to fill in are underlined tabs to a tab stop, not underlined spaces, which Word drops
at the end of a line.
"""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from app.documents import layout, tree
from app.documents.layout import PageLayout, SignatureCell
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
    lay = layout.page_layout(doc.layout)
    _setup(out, doc.title, lay)
    _number_pages(out.sections[0], lay, doc.page_numbers, doc.first_page)
    body = _Writer(out, lay)
    for block in doc.blocks:
        body.add(block)
    if doc.verification is not None:
        _verification_header(out.sections[0], lay, doc.verification, doc.page_numbers)
    out.save(str(target) if isinstance(target, str | Path) else target)


#: The QR code's width on paper, as in the PDF.
VERIFY_QR_MM = 14.0


def _verification_header(
    section: Any, lay: PageLayout, mark: tree.Verification, numbering: str = "own"
) -> None:
    """The QR code and its code at the top right of the first page only, in its own header
    (the first page keeps its page number in a first-page footer of its own)."""
    import io

    import segno

    section.different_first_page_header_footer = True
    if numbering != "none":
        _footer_page_numbers(section, lay, section.first_page_footer, numbering)
    png = io.BytesIO()
    segno.make(mark.qr_text, error="m").save(png, kind="png", scale=6, border=0)
    png.seek(0)
    header = section.first_page_header
    picture = header.paragraphs[0]
    picture.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    picture.add_run().add_picture(png, width=Mm(VERIFY_QR_MM))
    label = header.add_paragraph()
    label.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(label, mark.label, lay.word_body_font, size=layout.PAGE_NUMBER_SIZE * 0.8)


def east_asia_font(lay: PageLayout, style: Style) -> str:
    """The face Word is told to use for Chinese text of `style`."""
    return lay.word_title_font if style is Style.TITLE else lay.word_body_font


# ---------------------------------------------------------------------------------------------
# Page, styles, properties


def _element(tag: str, **attributes: str) -> Any:
    made = OxmlElement(tag)
    for key, value in attributes.items():
        made.set(qn(f"w:{key}"), value)
    return made


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


#: Children of w:pPr that come after w:autoSpaceDN in the schema's order.
_AFTER_AUTO_SPACE = (
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _no_auto_space(p_pr: Any) -> None:
    """Turn off the space Word puts between Chinese and Latin letters (autoSpaceDE) and
    figures (autoSpaceDN): with it, "2026 年 9 月" lines run longer than the PDF's.

    LibreOffice does not read the setting from a Word file at all: its DOCX import has empty
    cases for both elements, so wherever they stand (document defaults, styles, each
    paragraph; in the schema's order or not, val "0" or "false": all tried, the print is the
    same) it keeps its own "space between Asian and non-Asian text" on, a fifth of the font
    size at each boundary. It leaves that space out only on a character grid or next to a
    character that is no letter or figure; neither is worth having (a grid sets every line of
    Word's layout too; an invisible joiner would sit in the text the committee edits and
    searches). In the standard layout the Word file's line is the whole width between the
    margins, a little more than the PDF's 31 whole characters, which takes up some of them."""
    found = (p_pr.find(qn(tag)) for tag in _AFTER_AUTO_SPACE)
    anchor = next((element for element in found if element is not None), None)
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        made = _element(tag, val="0")
        if anchor is not None:
            anchor.addprevious(made)
        else:
            p_pr.append(made)


def _setup(out: Any, title: str, lay: PageLayout) -> None:
    section = out.sections[0]
    if lay.page_width_mm > lay.page_height_mm:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width = Mm(lay.page_width_mm)
    section.page_height = Mm(lay.page_height_mm)
    section.top_margin, section.bottom_margin = Mm(lay.top_mm), Mm(lay.bottom_mm)
    section.left_margin, section.right_margin = Mm(lay.left_mm), Mm(lay.right_mm)
    # The footer's bottom edge sits where the PDF prints its page number's baseline.
    section.header_distance = Mm(15)
    section.footer_distance = Mm(layout.PAGE_NUMBER_FROM_BOTTOM_MM - 1)

    styles = out.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(r_pr, lay.word_body_font)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    p_pr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    _no_auto_space(p_pr)
    # The template's 10 pt after every paragraph would double-space the forms.
    spacing = p_pr.find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
    _chinese_settings(out)

    normal = styles["Normal"]
    for style in (normal, styles["Footer"]):
        _set_fonts(style.element.get_or_add_rPr(), lay.word_body_font)
        # On the styles as well as the defaults: some readers look only at the styles.
        _no_auto_space(style.element.get_or_add_pPr())
    for style, (name, style_id) in STYLE_NAMES.items():
        # The element-level call: styles.add_style() first scans every style for the name.
        element = styles.element.add_style_of_type(name, WD_STYLE_TYPE.PARAGRAPH, False)
        element.styleId = style_id
        element.basedOn_val = normal.style_id
        para_style = ParagraphStyle(element)
        para_style.font.size = Pt(lay.size(style))
        para_style.font.bold = style in (Style.TITLE, Style.HEADING)
        style_r_pr = para_style.element.get_or_add_rPr()
        _set_fonts(style_r_pr, east_asia_font(lay, style))
        space = lay.char_space(style)
        if space:
            # Character spacing in twentieths of a point, rounded down so that the line's
            # characters (GB/T 9704: 28) still fit it; w:spacing comes before w:sz.
            spacing_element = _element("w:spacing", val=str(math.floor(space * 20)))
            style_r_pr.find(qn("w:sz")).addprevious(spacing_element)
        fmt = para_style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        # In whole twips, rounded down: 22 lines of GB/T 9704 must still fit the page.
        fmt.line_spacing = Twips(math.floor(lay.leading(style) * 20))
        size = lay.size(style)
        fmt.space_before = Pt(size * 0.5) if style is Style.HEADING else Pt(0)
        fmt.space_after = Pt(size * 0.5) if style is Style.TITLE else Pt(0)
        fmt.widow_control = True
        _no_auto_space(para_style.element.get_or_add_pPr())
        if style is Style.TITLE:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if style is Style.HEADING:
            fmt.keep_with_next = True

    props = out.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title, props.author, props.last_modified_by = title, "", ""
    props.comments, props.subject, props.keywords = "", "", ""
    props.created, props.modified, props.revision = now, now, 1


def _chinese_settings(out: Any) -> None:
    """Document settings for Chinese: the theme's East Asian language zh-CN (python-docx's
    template says ja-JP, which makes Word and LibreOffice take Japanese glyphs and fonts), and
    compressed punctuation, as the PDF sets adjacent full-width marks."""
    settings = out.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    control = settings.find(qn("w:characterSpacingControl"))
    if control is not None:
        control.set(qn("w:val"), "compressPunctuation")


def _number_pages(section: Any, lay: PageLayout, numbering: str, first_page: int = 1) -> None:
    """Number the pages of `section` as `tree.Document.page_numbers` says: "own" 第 n 页  共 N
    页, "running" 第 n 页 counting on from `first_page`, "none" no number."""
    if numbering == "none":
        return
    if numbering == "running":
        sect_pr = section._sectPr
        for old in sect_pr.findall(qn("w:pgNumType")):
            sect_pr.remove(old)
        # Schema order: w:pgNumType comes before w:cols (and the rest) in w:sectPr.
        number_type = _element("w:pgNumType", start=str(first_page))
        cols = sect_pr.find(qn("w:cols"))
        if cols is not None:
            cols.addprevious(number_type)
        else:
            sect_pr.append(number_type)
    _footer_page_numbers(section, lay, numbering=numbering)


def _footer_page_numbers(
    section: Any, lay: PageLayout, footer: Any = None, numbering: str = "own"
) -> None:
    """第 n 页  共 N 页 ("own"; "running": 第 n 页 only, the whole is counted elsewhere),
    with real PAGE and NUMPAGES fields, all in the body's fonts."""
    paragraph = (footer or section.footer).paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pieces = (
        ("第 ", "PAGE", " 页")
        if numbering == "running"
        else ("第 ", "PAGE", " 页  共 ", "NUMPAGES", " 页")
    )
    for piece in pieces:
        if piece in ("PAGE", "NUMPAGES"):
            field = _element("w:fldSimple", instr=f" {piece} ")
            run = OxmlElement("w:r")
            r_pr = OxmlElement("w:rPr")
            _set_fonts(r_pr, lay.word_body_font)
            size = str(round(layout.PAGE_NUMBER_SIZE * 2))
            r_pr.append(_element("w:sz", val=size))
            r_pr.append(_element("w:szCs", val=size))
            run.append(r_pr)
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            paragraph._p.append(field)
        else:
            _run(paragraph, piece, lay.word_body_font, size=layout.PAGE_NUMBER_SIZE)


# ---------------------------------------------------------------------------------------------
# Runs


def _is_ext_b(char: str) -> bool:
    return ord(char) >= 0x20000


def _run(
    paragraph: DocxParagraph,
    text: str,
    east_asia: str = EAST_ASIA_FONT,
    *,
    size: float | None = None,
    underline: bool = False,
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
            _set_fonts(r_pr, east_asia)
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


def _field_width(f: tree.Field) -> float:
    return _width_chars(f"{f.label}：") + (_width_chars(f.value) if f.value else f.blank_chars)


def _field_lines(row: tuple[tree.Field, ...], chars: float) -> list[list[tuple[float, tree.Field]]]:
    """The fields of a party row in lines `chars` characters wide: (position, field) each."""
    lines: list[list[tuple[float, tree.Field]]] = [[]]
    end = 0.0
    for f in row:
        width = _field_width(f)
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


# ---------------------------------------------------------------------------------------------
# Blocks


class _Writer:
    def __init__(self, out: Any, lay: PageLayout) -> None:
        self.out = out
        self.lay = lay
        self.text_width_mm = lay.page_width_mm - lay.left_mm - lay.right_mm
        # The paragraphs a signature block would keep on its page: the closing sentences
        # and the end of the text before them.
        self.tail: list[DocxParagraph] = []
        # Styles are set by id on the XML: python-docx's setters look the style up and compare
        # it with the default by scanning every style of the template (~2 ms a paragraph).
        self.grid_id = out.styles["Table Grid"].style_id
        self.abstract_ids: dict[tree.Numbering, int] = {}

    def font(self, style: Style) -> str:
        return east_asia_font(self.lay, style)

    def run(
        self, paragraph: DocxParagraph, text: str, style: Style, *, underline: bool = False
    ) -> None:
        _run(paragraph, text, self.font(style), underline=underline)

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
            _first_line_chars(paragraph, self.lay.pitch(style))
        return paragraph

    def add(self, block: tree.Block) -> None:
        match block:
            case tree.Title(text):
                paragraph = self.paragraph(Style.TITLE, Align.CENTER)
                self.run(paragraph, text, Style.TITLE)
                self.ends([paragraph])
            case tree.Paragraph(text, style, align, indent, keep):
                paragraph = self.paragraph(style, align, indent)
                paragraph.paragraph_format.keep_with_next = keep or style is Style.HEADING
                self.run(paragraph, text, style)
                if keep and style is not Style.HEADING:
                    self.tail.append(paragraph)
                else:
                    self.ends([paragraph])
            case tree.FieldLine():
                self.ends([self.field_line(block)])
            case tree.PartyBlock():
                self.ends(self.party(block))
            case tree.NumberedTerms(items, numbering, start):
                # Real Word numbering: a term inserted in Word renumbers the ones after it.
                num_id = self.numbering(numbering, start)
                paragraphs = []
                for item in items:
                    paragraph = self.paragraph(Style.BODY, Align.JUSTIFY, indent=True)
                    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = 0
                    num_pr.get_or_add_numId().val = num_id
                    self.run(paragraph, item, Style.BODY)
                    paragraphs.append(paragraph)
                self.ends(paragraphs[-1:])
            case tree.RuledLines(count):
                self.ends(self.ruled_lines(count))
            case tree.Table():
                self.ends(self.table(block))
            case tree.SignatureBlock():
                self.signatures(block)
                self.ends([])
            case tree.Spacer(height_mm):
                paragraph = self.paragraph(Style.BODY)
                paragraph.paragraph_format.line_spacing = Mm(height_mm)
                self.tail.append(paragraph)
            case tree.PageBreak(numbering=None):
                self.paragraph(Style.BODY).add_run().add_break(WD_BREAK.PAGE)
                self.ends([])
            case tree.PageBreak(numbering=str() as numbering, first_page=first_page):
                self.section(numbering, first_page)
                self.ends([])
            case _:
                raise TypeError(f"cannot render {block!r}")

    def section(self, numbering: str, first_page: int) -> None:
        """A new page that begins a section numbered anew (its own footer, not the last's)."""
        from docx.enum.section import WD_SECTION

        section = self.out.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        section.footer.is_linked_to_previous = False
        for paragraph in section.footer.paragraphs:
            for run in list(paragraph._p):
                if run.tag != qn("w:pPr"):
                    paragraph._p.remove(run)
        _number_pages(section, self.lay, numbering, first_page)

    def ends(self, paragraphs: list[DocxParagraph]) -> None:
        """`paragraphs` end the text so far (a table's: those of its last row)."""
        self.tail = list(paragraphs)

    def numbering(self, numbering: tree.Numbering, start: int) -> int:
        """A list instance (w:num) counting from `start`, of a definition (w:abstractNum) made
        once per kind: 一、 (chineseCounting) or 1. (decimal), set in the body's font."""
        root = self.out.part.numbering_part.element
        abstract_id = self.abstract_ids.get(numbering)
        if abstract_id is None:
            taken = [int(a.get(qn("w:abstractNumId"))) for a in root.iter(qn("w:abstractNum"))]
            abstract_id = max(taken, default=-1) + 1
            definition = _abstract_numbering(abstract_id, numbering, self.lay)
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

    # -- fields and blanks ---------------------------------------------------------------------

    def field(
        self, paragraph: DocxParagraph, f: tree.Field | tree.FieldLine, at_chars: float
    ) -> None:
        """A labelled value, or the label and an underlined blank: a tab to a stop
        `blank_chars` characters after the label, underlined (`at_chars` is where the field
        begins on the line)."""
        self.run(paragraph, f"{f.label}：", Style.BODY)
        if f.value:
            self.run(paragraph, f.value, Style.BODY)
            return
        end = at_chars + _width_chars(f"{f.label}：") + f.blank_chars
        stop = Pt(end * self.lay.pitch(Style.BODY))
        paragraph.paragraph_format.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.RIGHT)
        self.run(paragraph, "\t", Style.BODY, underline=True)

    def field_line(self, block: tree.FieldLine) -> DocxParagraph:
        if block.value:
            paragraph = self.paragraph(Style.BODY, block.align)
            self.field(paragraph, block, 0.0)
            return paragraph
        # A blank is a tab to a stop, so the line is placed by a tab stop too: the label
        # begins where the label and blank end flush right (or centred) as the PDF sets them.
        paragraph = self.paragraph(Style.BODY, Align.LEFT)
        width = self.text_width_mm * 72 / 25.4 / self.lay.pitch(Style.BODY)
        total = _width_chars(f"{block.label}：") + block.blank_chars
        start = {Align.RIGHT: width - total, Align.CENTER: (width - total) / 2}.get(block.align, 0)
        start = max(start, 0.0)
        if start:
            stop = Pt(start * self.lay.pitch(Style.BODY))
            paragraph.paragraph_format.tab_stops.add_tab_stop(stop)
            self.run(paragraph, "\t", Style.BODY)
        self.field(paragraph, block, start)
        return paragraph

    # -- ruled lines and tables ----------------------------------------------------------------

    def ruled_lines(self, count: int) -> list[DocxParagraph]:
        """Lines to write on, as the rows of a table ruled below each: empty paragraphs with
        the same bottom border would be drawn by Word and LibreOffice as one box, one line."""
        table = self._table(count, 1, (self.text_width_mm,), borders=False)
        _table_borders(table, bottom=True, inside_h=True)
        for k, row in enumerate(table.rows):
            row.height = Mm(layout.RULE_PITCH_MM)
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
            _cant_split(row)
            paragraph = self._cell_paragraph(row.cells[0], Style.BODY, Align.LEFT)
            # The lines stay together on a page, as the PDF keeps them (and LibreOffice
            # would draw the rule between two rows twice where a page breaks them).
            paragraph.paragraph_format.keep_with_next = k < count - 1
        return table.rows[-1].cells[0].paragraphs

    def party(self, block: tree.PartyBlock) -> list[DocxParagraph]:
        """Role label in a narrow column, the rows of particulars beside it (no borders).

        The fields of a row are set apart by tabs to tab stops, not by spaces: each field begins
        a gap of one and a half characters after the one before (as in the PDF), and a field
        that would not fit begins a new line of its own."""
        pitch = self.lay.pitch(Style.BODY)
        label_mm = layout.ROLE_COLUMN_CHARS * pitch * 25.4 / 72
        table = self._table(1, 2, (label_mm, self.text_width_mm - label_mm), borders=False)
        role_cell, rows_cell = table.rows[0].cells
        self.run(self._cell_paragraph(role_cell, Style.BODY, Align.LEFT), block.role, Style.BODY)
        chars = (self.text_width_mm - label_mm) * 72 / 25.4 / pitch
        lines = [line for row in block.rows for line in _field_lines(row, chars)]
        paragraphs = []
        for k, line in enumerate(lines):
            paragraph = (
                self._cell_paragraph(rows_cell, Style.BODY, Align.LEFT)
                if k == 0
                else self.paragraph(Style.BODY, Align.LEFT, container=rows_cell)
            )
            for position, f in line:
                if position:
                    stop = Pt(position * pitch)
                    paragraph.paragraph_format.tab_stops.add_tab_stop(stop)
                    self.run(paragraph, "\t", Style.BODY)
                self.field(paragraph, f, position)
            paragraphs.append(paragraph)
        _cant_split(table.rows[0])
        return paragraphs

    def table(self, block: tree.Table) -> list[DocxParagraph]:
        """A ruled table (Word's Table Grid); the header row (if any) repeats on every page.
        Rows stay whole on a page, as in the PDF, unless a row is too long to: that one may
        break over the page rather than leave most of a page blank before it. Cells are
        padded and their lines set as close as the PDF's."""
        head = 1 if block.header else 0
        rows = head + len(block.rows) + block.blank_rows
        widths = tuple(w * self.text_width_mm for w in block.widths)
        table = self._table(rows, len(block.widths), widths, borders=True)
        size = self.lay.size(block.style)
        _cell_padding(table, size * layout.CELL_PADDING, size * layout.CELL_SIDE_PADDING)
        leading = Pt(self.lay.table_leading(block.style))

        def cell_text(cell: _Cell, text: str, align: Align) -> None:
            paragraph = self._cell_paragraph(cell, block.style, align)
            paragraph.paragraph_format.line_spacing = leading
            self.run(paragraph, text, block.style)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

        if head:
            header = table.rows[0]
            _repeat_header(header)
            for cell, text in zip(header.cells, block.header, strict=True):
                cell_text(cell, text, Align.CENTER)
        aligns = block.aligns or (Align.LEFT,) * len(block.widths)
        for r, values in enumerate(block.rows, head):
            for cell, text, align in zip(table.rows[r].cells, values, aligns, strict=True):
                cell_text(cell, text, align)
            if _row_lines(values, widths, size) <= _LONG_ROW_LINES:
                _cant_split(table.rows[r])
        for r in range(head + len(block.rows), rows):
            row = table.rows[r]
            row.height = Pt(size * layout.LINE_SPACING * 1.6)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell in row.cells:
                self._cell_paragraph(cell, block.style, Align.LEFT)
        for row in table.rows[:head] + table.rows[head + len(block.rows) :]:
            _cant_split(row)
        return [p for cell in table.rows[-1].cells for p in cell.paragraphs]

    # -- signatures ----------------------------------------------------------------------------

    def signatures(self, block: tree.SignatureBlock) -> None:
        """The rows of `layout.signature_rows`, as in the PDF, in one borderless table of two
        halves (a row across the width merges them). The end of the text above (closing
        sentences, the last paragraph or table row before them) keeps with the first row;
        rows marked to keep with the next are held to it by "keep with next" on their
        paragraphs, as Word keeps table rows; no row splits over a page."""
        rows = layout.signature_rows(block, self.lay)
        if not rows:
            return
        for paragraph in self.tail:
            paragraph.paragraph_format.keep_with_next = True
        # Half a line of space before the table, as in the PDF.
        lead = self.paragraph(Style.BODY)
        lead.paragraph_format.line_spacing = Twips(math.floor(self.lay.leading(Style.BODY) * 10))
        lead.paragraph_format.keep_with_next = True
        # The table's columns: every edge of a cell in any row (halves, and the narrower seal
        # area of an organisation); each cell spans the columns between its edges.
        total = self.text_width_mm
        bounds = sorted({edge for laid in rows for edge in _edges(laid, total)})
        columns = tuple(b - a for a, b in itertools.pairwise(bounds))
        table = self._table(len(rows), len(columns), columns, borders=False)
        gap = layout.SIGNATURE_GAP_CHARS * self.lay.pitch(block.style)
        for row, laid in zip(table.rows, rows, strict=True):
            # The PDF's height, no more (whole twips, rounded up: the seal area stays its
            # 40 mm): half a millimetre more on each row took a block that fits the
            # PDF's page to the next page in LibreOffice, leaving the rest of this one bare.
            row.height = Twips(math.ceil(layout.row_mm(laid, self.lay) * 1440 / 25.4))
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            cells = []
            for a, b in itertools.pairwise(_edges(laid, total)):
                first, last = bounds.index(a), bounds.index(b) - 1
                cell = row.cells[first]
                cells.append(cell.merge(row.cells[last]) if last > first else cell)
            if len(cells) > 1:
                _cell_margin(cells[0], "right", gap)
            for cell, content in zip(cells, laid.cells, strict=True):
                self.signature_cell(cell, content)
            _cant_split(row)
            if laid.keep_with_next:
                for cell in cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
        self.tail = []

    def signature_cell(self, cell: _Cell, content: SignatureCell) -> None:
        first = True
        for piece in content.pieces or (layout.SignaturePiece(),):
            paragraph = (
                self._cell_paragraph(cell, piece.style, piece.align)
                if first
                else self.paragraph(piece.style, piece.align, container=cell)
            )
            first = False
            if piece.text:
                self.run(paragraph, piece.text, piece.style)
                if piece.room_mm:
                    paragraph.paragraph_format.space_after = Mm(piece.room_mm)
            elif piece.room_mm:
                paragraph.paragraph_format.line_spacing = Mm(piece.room_mm)

    # -- helpers -------------------------------------------------------------------------------

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
            _cell_padding(table, 0.0)
        return table

    def _cell_paragraph(self, cell: _Cell, style: Style, align: Align) -> DocxParagraph:
        """The cell's first (empty) paragraph, styled."""
        paragraph = cell.paragraphs[0]
        paragraph._p.style = STYLE_NAMES[style][1]
        paragraph.alignment = _ALIGN[align]
        return paragraph


def _edges(row: layout.SignatureRow, total: float) -> list[float]:
    """Where the cells of a signature row begin and end, in millimetres (rounded, so that the
    same edge computed twice is one column edge)."""
    edges = [0.0]
    for width in row.widths(total):
        edges.append(edges[-1] + width)
    return [round(edge, 3) for edge in edges]


#: How Word counts and labels a term, for each kind of numbering in the tree.
_NUMBER_FORMATS = {
    tree.Numbering.CHINESE: ("chineseCounting", "%1、"),
    tree.Numbering.ARABIC: ("decimal", "%1."),
}


def _abstract_numbering(abstract_id: int, numbering: tree.Numbering, lay: PageLayout) -> Any:
    """<w:abstractNum> of one level: the number right before the text (no tab after it, as
    "一、" is written), in the body's fonts."""
    fmt, text = _NUMBER_FORMATS[numbering]
    element = _element
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
    pitch = lay.pitch(Style.BODY)
    p_pr.append(
        element("w:ind", left="0", firstLine=str(round(2 * pitch * 20)), firstLineChars="200")
    )
    level.append(p_pr)
    r_pr = element("w:rPr")
    _set_fonts(r_pr, lay.word_body_font)
    r_pr.find(qn("w:rFonts")).set(qn("w:hint"), "eastAsia")
    level.append(r_pr)
    definition.append(level)
    return definition


def _first_line_chars(paragraph: DocxParagraph, pitch: float) -> None:
    """First-line indent of two characters (w:firstLineChars, which Word scales with the font;
    w:firstLine for readers that only know lengths)."""
    paragraph.paragraph_format.first_line_indent = Pt(2 * pitch)  # w:ind in schema order
    paragraph._p.get_or_add_pPr().find(qn("w:ind")).set(qn("w:firstLineChars"), "200")


def _cell_margin(cell: _Cell, side: str, points: float) -> None:
    """One margin of one cell (w:tcMar, in the schema's place among the cell's properties:
    after its width, span and borders, before its text direction and alignment)."""
    margins = OxmlElement("w:tcMar")
    margins.append(_element(f"w:{side}", w=str(round(points * 20)), type="dxa"))
    tc_pr = cell._tc.get_or_add_tcPr()
    after = ("w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
    anchor = next((tc_pr.find(qn(t)) for t in after if tc_pr.find(qn(t)) is not None), None)
    if anchor is not None:
        anchor.addprevious(margins)
    else:
        tc_pr.append(margins)


def _cant_split(row: Any) -> None:
    # w:cantSplit precedes w:trHeight and w:tblHeader in the schema's order.
    row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def _repeat_header(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _cell_padding(table: DocxTable, points: float, side_points: float | None = None) -> None:
    """The margins of every cell, above and below, left and right (Word's default is 5.4 pt
    left and right, none above and below, which sets a register's text against its rules)."""
    sides = points if side_points is None else side_points
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("top", points), ("left", sides), ("bottom", points), ("right", sides)):
        margins.append(_element(f"w:{side}", w=str(round(value * 20)), type="dxa"))
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)  # schema order: … tblLayout, tblCellMar, tblLook
    else:
        tbl_pr.append(margins)


def _table_borders(table: DocxTable, *, bottom: bool, inside_h: bool) -> None:
    """Rules under the rows of a borderless table (w:tblBorders, before w:tblLayout)."""
    borders = OxmlElement("w:tblBorders")
    for side, on in (("top", False), ("left", False), ("bottom", bottom), ("right", False)):
        borders.append(_border(side, on))
    borders.append(_border("insideH", inside_h))
    borders.append(_border("insideV", False))
    tbl_pr = table._tbl.tblPr
    anchor = next(
        (
            tbl_pr.find(qn(tag))
            for tag in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
            if tbl_pr.find(qn(tag)) is not None
        ),
        None,
    )
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        tbl_pr.append(borders)


def _border(side: str, on: bool) -> Any:
    if not on:
        return _element(f"w:{side}", val="nil")
    return _element(f"w:{side}", val="single", sz="4", space="0", color="auto")
