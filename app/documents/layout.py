"""Page and type measurements shared by the PDF and DOCX renderers, so both print alike."""

from __future__ import annotations

from app.documents.tree import SignatureBlock, Style

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

#: Height of a ruled line to write on by hand.
RULE_PITCH_MM = 10.0

#: Page-number size and its distance from the bottom edge of the paper.
PAGE_NUMBER_SIZE = 12.0
PAGE_NUMBER_FROM_BOTTOM_MM = 20.0

#: Width of the role column of a party block, in body characters ("被申请人" and a space).
ROLE_COLUMN_CHARS = 5

#: Signature block: share of the text width for the parties' column.
SIGNATURE_LEFT_SHARE = 0.55


def points(mm: float) -> float:
    return mm * 72.0 / 25.4


def signature_grid(block: SignatureBlock) -> list[tuple[str, str]]:
    """Rows of (left label, right label) for a signature block; the right column's last row is
    left for the seal space when there is one. Both renderers lay the block out this way."""
    sealed = bool(block.seal_label or block.issuer or block.date_text)
    right = list(block.right)
    rows = max(len(block.left), len(right) + sealed)
    left = list(block.left) + [""] * (rows - len(block.left))
    right += [""] * (rows - len(right))
    return list(zip(left, right, strict=True))
