"""卷宗情况说明 — free notes on the dossier (what is missing and why, papers kept elsewhere…).

The case's 卷宗情况说明 as typed, paragraph by paragraph, or ruled lines to write it by hand;
the person who filed the dossier signs, and dates it.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import form_document
from app.documents.forms.application import section
from app.documents.text import cn_date, paragraphs
from app.documents.tree import Block, Document, FieldLine, SignatureBlock, Title
from app.views import CaseDetail, CommitteeInfo

TITLE = "卷宗情况说明"


def build_file_note(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The notes on the dossier of `case`, or the blank sheet."""
    blocks: list[Block] = [
        Title(TITLE),
        FieldLine("卷号", case.number if case else ""),
        *section("情况说明：", paragraphs(case.dossier_note) if case else [], blank_lines=14),
        SignatureBlock(
            left=("立卷人（签名）：",),
            date_text=cn_date(None),  # the day it is signed, which is not recorded
            seal_mm=0,
        ),
    ]
    return form_document(TITLE, case, blocks, committee)
