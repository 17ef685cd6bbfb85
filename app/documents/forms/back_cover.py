"""封底 — the back cover of a dossier.

No national content is published; the customary back sheet (the 卷内备考表 of archive practice)
states how many pages the dossier holds and has lines for the person who filed it and the
person who checked it, with their dates. The page count is filled in when the dossier is put
together (`pages`), else written by hand.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import cell_lines, form_document, register, room
from app.documents.text import BLANK_DATE
from app.documents.tree import Document, FieldLine, Spacer, Title
from app.views import CaseDetail, CommitteeInfo

TITLE = "封底"


def build_back_cover(
    case: CaseDetail | None,
    committee: CommitteeInfo,
    *,
    pages: int | None = None,
    today: date | None = None,
) -> Document:
    """The back cover of the dossier of `case` (None: blank), with its page count if known."""
    count = str(pages) if pages else room(2)
    rows = [
        ("卷内页数", f"本卷共{count}页"),
        ("立卷人（签名）", cell_lines([], lines=2)),
        ("立卷日期", BLANK_DATE),
        ("检查人（签名）", cell_lines([], lines=2)),
        ("检查日期", BLANK_DATE),
        ("说明", cell_lines([], lines=6)),
    ]
    blocks = (
        Title(TITLE),
        FieldLine("卷号", case.number if case else ""),
        Spacer(4),
        register(rows, label_share=0.3),
    )
    return form_document(TITLE, case, blocks, committee)
