"""卷内目录 — the contents list of a dossier: 序号 | 文书名称 | 页号 | 备注.

The rows come from whoever assembles the dossier, with the first page and the number of pages
of each paper once they are known (`页号` then reads 3 or 3-5); before that the page column is
left to fill in. `standard_entries` gives the customary thirteen rows, each marked 必须
(required) or 按需 (as needed) in the 备注 column; an oral agreement's register takes the
agreement's row. A few empty rows follow for papers added by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from app.documents.forms.acceptance import form_document, room
from app.documents.tree import Document, FieldLine, Table, Title
from app.domain.codes import AgreementForm, Source
from app.views import CaseDetail, CommitteeInfo

TITLE = "卷内目录"
REQUIRED, AS_NEEDED = "必须", "按需"
#: Rows left empty under the list, for papers added by hand.
BLANK_ROWS = 3


class ContentsEntry(NamedTuple):
    """One paper of the dossier; page numbers None until the dossier is put together."""

    title: str
    first_page: int | None = None
    pages: int | None = None
    remark: str = ""


Entry = ContentsEntry | tuple[str, int | None, int | None]


def build_contents(
    entries: Sequence[Entry], committee: CommitteeInfo, case: CaseDetail | None = None
) -> Document:
    """The contents list of the dossier of `case` (None: a blank list) with these rows."""
    rows = tuple(
        (str(k), e.title, page_text(e.first_page, e.pages), e.remark or room(1))
        for k, e in enumerate((ContentsEntry(*entry) for entry in entries), 1)
    )
    blocks = (
        Title(TITLE),
        FieldLine("卷号", case.number if case else ""),
        Table(("序号", "文书名称", "页号", "备注"), rows, (0.1, 0.56, 0.18, 0.16), BLANK_ROWS),
    )
    return form_document(TITLE, case, blocks, committee)


def build_standard_contents(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The customary contents list of `case`, page numbers to fill in (the registry's form)."""
    return build_contents(standard_entries(case), committee, case)


def page_text(first: int | None, pages: int | None) -> str:
    """3 for one page, 3-5 for three; blank while the pages are not known."""
    if first is None:
        return ""
    if not pages or pages == 1:
        return str(first)
    return f"{first}-{first + pages - 1}"


def standard_entries(case: CaseDetail | None) -> list[ContentsEntry]:
    """The customary rows in dossier order: the application where a party applied, else the
    acceptance form (both when unknown); the oral register in the agreement's place."""
    if case is None:
        opening = "人民调解申请书或人民调解受理登记表"
    elif case.source is Source.APPLICATION:
        opening = "人民调解申请书"
    else:
        opening = "人民调解受理登记表"
    form = case.agreement.form if case and case.agreement else None
    agreement = "人民调解口头协议登记表" if form is AgreementForm.ORAL else "人民调解协议书"
    rows = (
        (opening, REQUIRED),
        ("人民调解当事人权利义务告知书", REQUIRED),
        ("当事人身份证明", REQUIRED),
        ("授权委托书", AS_NEEDED),
        ("人民调解调查记录", AS_NEEDED),
        ("人民调解证据材料", AS_NEEDED),
        ("人民调解记录", REQUIRED),
        (agreement, REQUIRED),
        ("收条或汇款单等履行凭证", AS_NEEDED),
        ("人民调解回访记录", AS_NEEDED),
        ("司法确认有关材料", AS_NEEDED),
        ("卷宗情况说明", AS_NEEDED),
        ("封底", REQUIRED),
    )
    return [ContentsEntry(title, remark=remark) for title, remark in rows]
