"""Page and type measurements shared by the PDF and DOCX renderers, so both print alike."""

from __future__ import annotations

import math

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

#: Signature block: share of the text width for the parties' column, and the gap (in
#: characters) its text keeps from the mediator's column beside it.
SIGNATURE_LEFT_SHARE = 0.55
SIGNATURE_GAP_CHARS = 1
#: The least blank room left under a signature label whose name needed a line of its own.
SIGNATURE_MIN_ROOM_MM = 10.0


def points(mm: float) -> float:
    return mm * 72.0 / 25.4


def signature_grid(block: SignatureBlock) -> list[tuple[str, str]]:
    """Rows of (left label, right label) for a signature block; the last row's right cell is
    left empty for the seal space when there is one. Both renderers lay the block out this way.

    Up to three parties sign beside the committee's column: parties down the left, mediator and
    recorder down the right, the seal under them — one compact group. With more parties, each
    party has a row of its own (these may run on over a page break), then come the committee's
    rows: mediator beside recorder, then the seal space. Those last rows are what
    `signature_kept_rows` keeps on one page, and they stay small, so a page break before them
    leaves little blank.
    """
    right = list(block.right)
    if len(block.left) <= len(right) + _sealed(block):
        right += [""] * _sealed(block)
        rows = len(right)
        return list(zip([*block.left, *[""] * (rows - len(block.left))], right, strict=True))
    committee = [
        (right[k], right[k + 1] if k + 1 < len(right) else "") for k in range(0, len(right), 2)
    ]
    return [(label, "") for label in block.left] + committee + [("", "")] * _sealed(block)


def signature_label(label: str) -> str:
    """A signature label as printed in the parties' column: a line too long for the column is
    broken before its bracket, so that "（签名盖章或按指印）" goes down whole rather than split
    (申请人阿卜杜热合曼·买买提 / （签名盖章或按指印）：)."""
    chars = math.floor(TEXT_WIDTH_MM * SIGNATURE_LEFT_SHARE / (SIZES[Style.CELL] * 25.4 / 72))
    chars -= SIGNATURE_GAP_CHARS
    lines = []
    for line in label.split("\n"):
        head, bracket, rest = line.partition("（")
        if head and bracket and _width(line) > chars:
            lines += [head, bracket + rest]
        else:
            lines.append(line)
    return "\n".join(lines)


def signature_room_mm(block: SignatureBlock, label: str) -> float:
    """Blank room to leave under a signature label, in millimetres: `space_mm`, less the height
    of a line `signature_label` had to add for a long name (one signs after the colon of the
    last line as well as under it), but never less than `SIGNATURE_MIN_ROOM_MM`. So a line
    naming the party makes the row hardly taller and two parties still sign on page two."""
    added = signature_label(label).count("\n") - label.count("\n")
    line_mm = SIZES[Style.CELL] * LINE_SPACING * 25.4 / 72
    return max(block.space_mm - added * line_mm, min(SIGNATURE_MIN_ROOM_MM, block.space_mm))


def signature_row_mm(block: SignatureBlock, label: str) -> float:
    """The least height of a signature row whose left label is `label`: its lines and room."""
    lines = signature_label(label).count("\n") + 1 if label else 1
    return lines * SIZES[Style.CELL] * LINE_SPACING * 25.4 / 72 + signature_room_mm(block, label)


def _width(text: str) -> float:
    """Width in characters: Latin letters and figures count half."""
    return sum(0.5 if char.isascii() else 1.0 for char in text)


def signature_kept_rows(block: SignatureBlock) -> int:
    """How many rows at the foot of the signature grid must stay on one page: those holding
    the mediator and recorder lines, the seal space, the committee's name and the date (with
    up to three parties, the whole block), and with them the last party's row, so that the
    page bearing the seal also bears a party's signature and never stands apart from the
    agreement. The parties' rows above them may run on over a page break."""
    if len(block.left) <= len(block.right) + _sealed(block):
        return len(signature_grid(block))
    return 1 + (len(block.right) + 1) // 2 + _sealed(block)


def _sealed(block: SignatureBlock) -> bool:
    return bool(block.seal_label or block.issuer or block.date_text)
