"""The document tree: what a printed form says, independent of PDF or DOCX.

A form is a function `case → Document`. Both renderers walk the same immutable tree, so the
PDF and the Word file always say the same thing; only the renderers know about fonts, points
and page templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from app.documents.text import cn_number


class Style(Enum):
    """Text styles of the printed forms (sizes follow the Chinese 号 scale)."""

    TITLE = "title"  # 二号 22 pt, centred
    HEADING = "heading"  # section heading at body size, drawn bold
    BODY = "body"  # 四号 14 pt, 宋体 (三号 16 pt, 仿宋 in the GB/T 9704 layout)
    CELL = "cell"  # table cells and signature labels, at body size
    SMALL = "small"  # 小四 12 pt, notes and the cells of a dense register


class Align(Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


class Numbering(Enum):
    """How numbered terms are counted."""

    CHINESE = "chinese"  # 一、二、三、 — customary for the terms of an agreement
    ARABIC = "arabic"  # 1. 2. 3.


@dataclass(frozen=True)
class Title:
    """The document title, e.g. 人民调解协议书."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Running text. `indent` is the customary first-line indent of two characters.

    `keep_with_next` (always so for a heading) keeps the paragraph on a page with the first
    lines of what follows; the text that follows may still run on over the page break. Before
    a signature block it marks a closing sentence (copies, taking effect): those go to the
    page of the signatures together with the end of the text before them.
    """

    text: str
    style: Style = Style.BODY
    align: Align = Align.JUSTIFY
    indent: bool = True
    keep_with_next: bool = False


@dataclass(frozen=True)
class Field:
    """A labelled value; an empty value prints as an underlined blank to fill in by hand."""

    label: str
    value: str = ""
    blank_chars: int = 4


@dataclass(frozen=True)
class FieldLine:
    """One labelled value on a line of its own, e.g. 编号：（2026）飞人调字第12号 at top right."""

    label: str
    value: str = ""
    align: Align = Align.RIGHT
    blank_chars: int = 10


@dataclass(frozen=True)
class PartyBlock:
    """当事人 particulars: the role label, then rows of fields beside it."""

    role: str
    rows: tuple[tuple[Field, ...], ...]


@dataclass(frozen=True)
class NumberedTerms:
    """Numbered items as separate paragraphs: 一、… 二、… (or 1. 2.)."""

    items: tuple[str, ...]
    numbering: Numbering = Numbering.CHINESE
    start: int = 1


@dataclass(frozen=True)
class RuledLines:
    """Empty ruled lines for handwriting (a blank form, or room for notes)."""

    count: int


@dataclass(frozen=True)
class Table:
    """A ruled table. `widths` are fractions of the text width and add up to 1.

    The `header` row is centred and repeated on every page; a form laid out as a table of
    labelled cells (a register: label on the left, what was recorded beside it) has none.
    A cell's line breaks are kept. `blank_rows` adds empty rows to fill in by hand. `aligns`
    sets each column's alignment in the rows below the header (none: all left; figures of a
    statistics table are centred or set right).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    blank_rows: int = 0
    style: Style = Style.CELL
    aligns: tuple[Align, ...] = ()

    def __post_init__(self) -> None:
        columns = len(self.widths)
        if self.header and len(self.header) != columns:
            raise ValueError("one width per column")
        if self.aligns and len(self.aligns) != columns:
            raise ValueError("one alignment per column")
        if abs(sum(self.widths) - 1.0) > 0.01:
            raise ValueError("column widths must add up to 1")
        if any(len(row) != columns for row in self.rows):
            raise ValueError("every row needs one cell per column")


@dataclass(frozen=True)
class SignatureBlock:
    """Signature lines with room to sign, fingerprint and seal — never a printed signature.

    `left` are the parties' labels, `right` the mediators' and the recorder's; each label gets
    `space_mm` of blank room below it. `representatives` says, per label of `left`, on which
    line an organisation's representative signs ("" for a person, and for labels beyond its
    length): an organisation is sealed, so its name gets a seal area of its own. Last comes
    the committee's seal space (`seal_mm` tall) with `seal_label`, then `issuer` and the date
    line. How they are arranged in rows, and which rows stay on one page, is
    `layout.signature_rows`' business; the renderers also keep the end of the text before
    the block on the page of its first row.
    """

    left: tuple[str, ...]
    right: tuple[str, ...] = ()
    seal_label: str = ""
    issuer: str = ""
    date_text: str = ""
    space_mm: float = 16.0
    seal_mm: float = 40.0
    representatives: tuple[str, ...] = ()
    #: The labels' type style (a dense register sets them in its cells' 小四).
    style: Style = Style.CELL

    def representative(self, index: int) -> str:
        """The representative's line of party `index` of `left` ("" for a person)."""
        return self.representatives[index] if index < len(self.representatives) else ""


@dataclass(frozen=True)
class Spacer:
    height_mm: float


@dataclass(frozen=True)
class PageBreak:
    """A new page. With `numbering` the pages from here on are numbered anew, as
    `Document.page_numbers` says ("running" from `first_page`, "none"): in Word a section of
    its own. The PDF renderer breaks the page only (its dossier numbers paper by paper)."""

    numbering: str | None = None
    first_page: int = 1


Block = (
    Title
    | Paragraph
    | FieldLine
    | PartyBlock
    | NumberedTerms
    | RuledLines
    | Table
    | SignatureBlock
    | Spacer
    | PageBreak
)


@dataclass(frozen=True)
class Verification:
    """The mark a printed paper carries so it can be checked against the record later."""

    code: str
    #: One line printed under the QR code, e.g. 核验码 7M2QK-9XD4A.
    label: str
    #: The text the QR code holds.
    qr_text: str


PAGE_SIZES = ("A4",)
#: Page layouts (`layout.LAYOUTS`): "standard", or "gbt9704" — the official-document layout of
#: GB/T 9704 (22 lines of 28 characters in 三号), a committee setting (`CommitteeInfo`); and
#: "landscape", A4 turned sideways for wide tables (the statistics sheet), never a setting.
PAGE_LAYOUTS = ("standard", "gbt9704", "landscape")


@dataclass(frozen=True)
class Document:
    """A whole form: its title (also the file's title) and its blocks in order."""

    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    page_size: str = "A4"
    layout: str = "standard"
    #: How its pages are numbered: "own" 第 n 页  共 N 页; "running" 第 n 页 counted on from
    #: `first_page` (a paper of a dossier, whose whole is counted by the contents list);
    #: "none" (a dossier's cover and contents list).
    page_numbers: str = "own"
    first_page: int = 1
    #: 核验: the code printed with a QR code in the top margin of the first page, and what the
    #: QR code says; None prints neither.
    verification: Verification | None = None

    def __post_init__(self) -> None:
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"unsupported page size {self.page_size!r}")
        if self.layout not in PAGE_LAYOUTS:
            raise ValueError(f"unsupported page layout {self.layout!r}")
        if not isinstance(self.blocks, tuple):
            object.__setattr__(self, "blocks", tuple(self.blocks))


def numbered(index: int, numbering: Numbering) -> str:
    """The label of item `index` (1-based): 一、 or 1."""
    if numbering is Numbering.ARABIC:
        return f"{index}."
    return f"{cn_number(index)}、"
