"""Page and type measurements shared by the PDF and DOCX renderers, so both print alike.

A `PageLayout` is a committee setting (`Document.layout`): "standard", or "gbt9704", the
official-document layout of GB/T 9704. The signature block is laid out here too
(`signature_rows`), as rows of cells both renderers draw the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from app.documents.tree import Align, SignatureBlock, Style

#: A4 in millimetres.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0

#: Margins after GB/T 9704 (official documents): top 37, bottom 35, left 28, right 26 mm.
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37.0, 35.0, 28.0, 26.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - LEFT_MM - RIGHT_MM

#: Font sizes in points on the Chinese 号 scale: 二号 22 for the title, 四号 14 for text (31
#: characters to the line, so a two-party agreement fits on two pages), 小四 12 for notes.
SIZES = {
    Style.TITLE: 22.0,
    Style.HEADING: 14.0,
    Style.BODY: 14.0,
    Style.CELL: 14.0,
    Style.SMALL: 12.0,
}
BODY_SIZE = SIZES[Style.BODY]

#: Line pitch as a multiple of the font size.
LINE_SPACING = 1.5
#: The title's, closer: it is one line (two at most) and has space of its own below it.
TITLE_LINE_SPACING = 1.25
#: Line pitch inside a ruled table: the rules and the cells' padding already set the rows
#: apart, so a register's rows are set closer than running text (as printed forms are).
TABLE_LINE_SPACING = 1.25
#: Padding inside a ruled table's cells, as a share of the font size: above and below, and
#: (half a character) left and right, where a mark hanging at the end of a line stays inside
#: the cell's rules.
CELL_PADDING = 0.2
CELL_SIDE_PADDING = 0.5

#: Height of a ruled line to write on by hand.
RULE_PITCH_MM = 10.0

#: Page-number size and its distance from the bottom edge of the paper.
PAGE_NUMBER_SIZE = 12.0
PAGE_NUMBER_FROM_BOTTOM_MM = 20.0

#: Width of the role column of a party block, in body characters ("被申请人" and a space).
ROLE_COLUMN_CHARS = 5

#: Signature block: the gap (in characters) a cell's text keeps from the cell beside it.
SIGNATURE_GAP_CHARS = 1
#: The least blank room left under a signature label whose name needed a line of its own.
SIGNATURE_MIN_ROOM_MM = 10.0
#: Room for an organisation's seal under its name (a company seal is at most 42 mm across,
#: and some of it may lie over the name), and the width of that room.
ORGANISATION_SEAL_MM = 40.0
ORGANISATION_SEAL_WIDTH_MM = 45.0
#: The committee's row: the share of the text width for the mediators' and recorder's lines
#: (wide enough to sign a name after the colon), the rest holding the seal space; and the
#: room under each line (they sign their name, no fingerprint).
COMMITTEE_SHARE = 0.6
COMMITTEE_ROOM_MM = 5.0
#: Up to this many parties the whole signature block stays on one page.
KEPT_WHOLE_PARTIES = 2

_PT_PER_MM = 72.0 / 25.4


def points(mm: float) -> float:
    return mm * _PT_PER_MM


@dataclass(frozen=True)
class PageLayout:
    """Margins, type sizes and line pitch of one page layout."""

    name: str
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    title: float
    body: float
    cell: float
    small: float
    #: Line pitch of body text and headings in points; 0 for the size times LINE_SPACING.
    body_pitch: float = 0.0
    #: Body characters to the line (GB/T 9704: 28, drawn a little closer than their size);
    #: 0 for as many whole characters as the margins leave room for.
    chars_per_line: int = 0
    #: The faces Word is told to use for Chinese text, body and title (the PDF embeds the
    #: bundled fonts whatever the layout).
    word_body_font: str = "宋体"
    word_title_font: str = "宋体"
    #: The paper as it lies: A4 upright, or turned sideways (297 × 210) for wide tables.
    page_width_mm: float = PAGE_WIDTH_MM
    page_height_mm: float = PAGE_HEIGHT_MM

    def size(self, style: Style) -> float:
        return {
            Style.TITLE: self.title,
            Style.HEADING: self.body,
            Style.BODY: self.body,
            Style.CELL: self.cell,
            Style.SMALL: self.small,
        }[style]

    def leading(self, style: Style) -> float:
        """Line pitch of `style` in points."""
        if self.body_pitch and style in (Style.BODY, Style.HEADING):
            return self.body_pitch
        if style is Style.TITLE:
            return self.size(style) * TITLE_LINE_SPACING
        return self.size(style) * LINE_SPACING

    def table_leading(self, style: Style) -> float:
        return self.size(style) * TABLE_LINE_SPACING

    @property
    def available_pt(self) -> float:
        return points(self.page_width_mm - self.left_mm - self.right_mm)

    @property
    def text_width_pt(self) -> float:
        """The width lines of text fill. Without a set number of characters it is trimmed to
        a whole number of body characters, so that lines of Chinese end flush with the right
        margin (reportlab cannot justify CJK text); the remainder goes to both margins."""
        if self.chars_per_line:
            return self.available_pt
        return math.floor(self.available_pt / self.body) * self.body

    @property
    def text_width_mm(self) -> float:
        return self.text_width_pt / _PT_PER_MM

    @property
    def slack_pt(self) -> float:
        """What `text_width_pt` leaves of the width between the margins, half on each side."""
        return (self.available_pt - self.text_width_pt) / 2

    @property
    def text_height_pt(self) -> float:
        return points(self.page_height_mm - self.top_mm - self.bottom_mm)

    def char_space(self, style: Style) -> float:
        """Points added after each character of `style` (negative: drawn closer) so that
        `chars_per_line` characters of body size fill the line exactly."""
        if not self.chars_per_line or self.size(style) != self.body:
            return 0.0
        return self.text_width_pt / self.chars_per_line - self.body

    def pitch(self, style: Style) -> float:
        """The advance of one Chinese character of `style`, in points."""
        return self.size(style) + self.char_space(style)


STANDARD = PageLayout(
    "standard",
    TOP_MM,
    BOTTOM_MM,
    LEFT_MM,
    RIGHT_MM,
    title=SIZES[Style.TITLE],
    body=SIZES[Style.BODY],
    cell=SIZES[Style.CELL],
    small=SIZES[Style.SMALL],
)

#: GB/T 9704-2012: text block 156 × 225 mm, 37 mm from the top and 28 mm from the left edge;
#: body in 三号 (16 pt) 仿宋, 22 lines of 28 characters; title in 二号 (22 pt).
GBT9704 = PageLayout(
    "gbt9704",
    37.0,
    35.0,
    28.0,
    26.0,
    title=22.0,
    body=16.0,
    cell=16.0,
    small=14.0,
    # A hair under 225 mm / 22, so that floating-point sums of 22 lines still fit the frame.
    body_pitch=points(225.0) / 22 - 0.01,
    chars_per_line=28,
    word_body_font="仿宋",
)

#: A4 landscape for wide tables (the periodic statistics sheet): 12 mm margins at the sides,
#: 15 at the head and 25 at the foot (for the page number); title in 小二 (18 pt), text in
#: 小四 (12 pt), cells in 五号 (10.5 pt), the cells of a dense table in 小五 (9 pt).
LANDSCAPE = PageLayout(
    "landscape",
    15.0,
    25.0,
    12.0,
    12.0,
    title=18.0,
    body=12.0,
    cell=10.5,
    small=9.0,
    page_width_mm=PAGE_HEIGHT_MM,
    page_height_mm=PAGE_WIDTH_MM,
)

LAYOUTS = {layout.name: layout for layout in (STANDARD, GBT9704, LANDSCAPE)}


def page_layout(name: str) -> PageLayout:
    return LAYOUTS[name]


# ---------------------------------------------------------------------------------------------
# The signature block


@dataclass(frozen=True)
class SignaturePiece:
    """A line of a signature cell with blank room below it, or (no text) blank room only."""

    text: str = ""
    room_mm: float = 0.0
    style: Style = Style.CELL
    align: Align = Align.LEFT


@dataclass(frozen=True)
class SignatureCell:
    pieces: tuple[SignaturePiece, ...] = ()


@dataclass(frozen=True)
class SignatureRow:
    """One cell across the text width, or two side by side (`shares` of the text width, halves
    unless told). `keep_with_next` keeps the row on a page with the row after it."""

    cells: tuple[SignatureCell, ...]
    keep_with_next: bool = False
    shares: tuple[float, ...] = ()

    def widths(self, total: float) -> list[float]:
        shares = self.shares or (1 / len(self.cells),) * len(self.cells)
        return [share * total for share in shares]


def signature_rows(block: SignatureBlock, lay: PageLayout = STANDARD) -> list[SignatureRow]:
    """How a signature block is laid out, for both renderers:

    - persons sign two to a row, each label with `space_mm` of room under it (one without a
      neighbour on a row of its own);
    - an organisation has a row across the text width for its name, kept whole (the seal
      goes on it), then one holding the seal area (`ORGANISATION_SEAL_MM` tall) under the
      name and beside it its representative's line;
    - last, the committee's row: the mediators' and the recorder's lines down the left
      (`COMMITTEE_SHARE`), the seal space with the committee's name and the date beside them.

    The committee's row stays on a page with the last party's row, so the page bearing the
    seal also bears a party's signature; with up to `KEPT_WHOLE_PARTIES` parties the whole
    block stays together. The renderers keep its first row with the end of the text above.
    """
    half = lay.text_width_pt / 2
    rows: list[SignatureRow] = []
    waiting: str | None = None  # a person's label waiting for a neighbour

    def alone(label: str) -> SignatureRow:
        """A person without a neighbour signs on a line of the full width."""
        return SignatureRow((SignatureCell((_labelled(label, 2 * half, block, lay, gap=False),)),))

    for index, label in enumerate(block.left):
        representative = block.representative(index)
        if not representative:
            if waiting is None:
                waiting = label
            else:
                # Only a left cell keeps a gap from its neighbour.
                left = _labelled(waiting, half, block, lay, gap=True)
                right = _labelled(label, half, block, lay, gap=False)
                rows.append(SignatureRow((SignatureCell((left,)), SignatureCell((right,)))))
                waiting = None
            continue
        if waiting is not None:
            rows.append(alone(waiting))
            waiting = None
        text = break_label(label, _chars(2 * half, lay, block.style))
        name = SignatureCell((SignaturePiece(text, style=block.style),))
        seal = SignatureCell((SignaturePiece(room_mm=ORGANISATION_SEAL_MM),))
        share = ORGANISATION_SEAL_WIDTH_MM / lay.text_width_mm
        rest = (1 - share) * 2 * half
        signs = SignatureCell((_labelled(representative, rest, block, lay, gap=False),))
        rows += [
            SignatureRow((name,), keep_with_next=True),
            SignatureRow((seal, signs), shares=(share, 1 - share)),
        ]
    if waiting is not None:
        rows.append(alone(waiting))
    committee = _committee_row(block, half, lay)
    if committee is not None:
        whole = len(block.left) <= KEPT_WHOLE_PARTIES
        rows = [
            SignatureRow(row.cells, row.keep_with_next or whole or k == len(rows) - 1, row.shares)
            for k, row in enumerate(rows)
        ]
        rows.append(committee)
    return rows


def _committee_row(block: SignatureBlock, half: float, lay: PageLayout) -> SignatureRow | None:
    room = min(block.space_mm, COMMITTEE_ROOM_MM)
    # The seal space is as wide as the committee's name is long (a long name, or the larger
    # type of GB/T 9704, takes some of the signers' share), up to half the text width.
    needed = (text_width(block.issuer) + 1) * lay.pitch(Style.BODY) / (2 * half)
    seal_share = min(max(1 - COMMITTEE_SHARE, needed), 0.5)
    width = (1 - seal_share) * 2 * half
    signers = SignatureCell(
        tuple(_labelled(label, width, block, lay, gap=True, room=room) for label in block.right)
    )
    seal_lines = [
        (text, style)
        for text, style in (
            (block.seal_label, block.style),
            (block.issuer, Style.BODY),
            (block.date_text, Style.BODY),
        )
        if text
    ]
    if not seal_lines and not block.right:
        return None
    seal = SignatureCell()
    if seal_lines:
        # The label at the top of the seal's room; the committee and the date at its foot,
        # where the seal customarily covers them.
        lines = sum(points_to_mm(lay.leading(style)) for _, style in seal_lines)
        room = max(block.seal_mm - lines, 0.0)
        (first, first_style), *rest = seal_lines
        seal = SignatureCell(
            (
                SignaturePiece(first, room, first_style, Align.CENTER),
                *(SignaturePiece(text, 0.0, style, Align.CENTER) for text, style in rest),
            )
        )
    return SignatureRow((signers, seal), shares=(1 - seal_share, seal_share))


def _labelled(
    label: str,
    width_pt: float,
    block: SignatureBlock,
    lay: PageLayout,
    *,
    gap: bool,
    room: float | None = None,
) -> SignaturePiece:
    """A signature label broken to fit a cell `width_pt` wide (less the gap a left cell keeps
    from its neighbour), with its blank room below: `room` (the block's `space_mm` unless
    told), less the height of the lines breaking the label added (one signs after the colon
    of its last line as well as under it), but never less than `SIGNATURE_MIN_ROOM_MM`."""
    space = block.space_mm if room is None else room
    text = break_label(label, _chars(width_pt, lay, block.style, gap))
    added = text.count("\n") - label.count("\n")
    line_mm = points_to_mm(lay.leading(block.style))
    left = max(space - added * line_mm, min(SIGNATURE_MIN_ROOM_MM, space))
    return SignaturePiece(text, left, block.style)


def _chars(width_pt: float, lay: PageLayout, style: Style, gap: bool = False) -> float:
    """Characters of signature text a cell `width_pt` wide holds, less the gap a left cell
    keeps from the cell beside it."""
    return width_pt / lay.pitch(style) - (SIGNATURE_GAP_CHARS if gap else 0)


def break_label(label: str, chars: float) -> str:
    """A signature label as printed in a cell `chars` characters wide: a line too long for it
    is broken before its bracket, so that "（签名盖章或按指印）" goes down whole rather than
    split (申请人阿卜杜热合曼·买买提 / （签名盖章或按指印）：), and the name before it stays
    whole as long as it fits a line."""
    lines = []
    for line in label.split("\n"):
        head, bracket, rest = line.partition("（")
        # Not counting on the colon to hang into the margin: Word and LibreOffice might not.
        if head and bracket and text_width(line) > chars:
            lines += [head, bracket + rest]
        else:
            lines.append(line)
    return "\n".join(lines)


def text_width(text: str) -> float:
    """Width in characters: Latin letters and figures count half."""
    return sum(0.5 if char.isascii() else 1.0 for char in text)


def points_to_mm(value: float) -> float:
    return value / _PT_PER_MM


def piece_mm(piece: SignaturePiece, lay: PageLayout) -> float:
    """The height of a piece: its lines and the room below them."""
    lines = piece.text.count("\n") + 1 if piece.text else 0
    return lines * points_to_mm(lay.leading(piece.style)) + piece.room_mm


def cell_mm(cell: SignatureCell, lay: PageLayout) -> float:
    return sum(piece_mm(piece, lay) for piece in cell.pieces)


def row_mm(row: SignatureRow, lay: PageLayout) -> float:
    """The least height of a signature row: its tallest cell."""
    return max((cell_mm(cell, lay) for cell in row.cells), default=0.0)


def signature_texts(rows: list[SignatureRow]) -> Iterator[str]:
    """Every text of the rows, in reading order (for checks)."""
    for row in rows:
        for cell in row.cells:
            for piece in cell.pieces:
                if piece.text:
                    yield piece.text
