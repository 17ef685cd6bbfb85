"""卷宗封面 — the cover of a case's dossier.

The committee's name and 调解卷宗, then a ruled table: 卷名 (the parties' names and the kind
of dispute), 卷号 (the case number, （年）X人调字第N号), 人民调解员, 调解日期 (from acceptance to
closing), 立卷人, 立卷日期, 保管期限 (no national period: written in as the committee keeps
its files), 册号 (a large file may be bound in several volumes), 备注. Who files the dossier and
when are not recorded by the program: blanks to write in.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import cell_lines, dispute_name, form_document, register
from app.documents.text import BLANK_DATE, cn_date
from app.documents.tree import Document, Spacer, Title
from app.domain.codes import PanelRole, PartyRole
from app.views import CaseDetail, CommitteeInfo

TITLE = "卷宗封面"
HEADING = "调解卷宗"


def build_cover(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The dossier cover of `case`, or the blank cover."""
    since = cn_date(case.accepted_on if case else None)
    until = cn_date(case.closed_on if case else None)
    rows = [
        ("卷名", file_title(case) if case else ""),
        ("卷号", case.number if case else ""),
        ("人民调解员", mediators(case) if case else ""),
        ("调解日期", f"自{since}\n至{until}"),
        ("立卷人", ""),
        ("立卷日期", BLANK_DATE),
        ("保管期限", ""),
        ("册号", "第\u3000\u3000册\u3000共\u3000\u3000册"),
        ("备注", cell_lines([], lines=3)),
    ]
    blocks = (
        Spacer(12),
        Title(committee.name),
        Spacer(4),
        Title(HEADING),
        Spacer(16),
        register(rows),
    )
    return form_document(TITLE, case, blocks, committee)


def file_title(case: CaseDetail) -> str:
    """卷名: the parties' names and the kind of dispute, 姜华与吕保国邻里纠纷."""
    applicants = "、".join(p.name for p in case.parties_in(PartyRole.APPLICANT))
    others = "、".join(p.name for p in case.parties if p.role is not PartyRole.APPLICANT)
    names = "与".join(n for n in (applicants, others) if n)
    return f"{names}{dispute_name(case.dispute_type)}"


def mediators(case: CaseDetail) -> str:
    """The mediators on the case's panel, the one presiding first (the recorder is named on the
    records, not here)."""
    order = {PanelRole.LEAD: 0, PanelRole.MEMBER: 1}
    panel = sorted((m for m in case.panel if m.role in order), key=lambda m: order[m.role])
    return "、".join(m.name for m in panel)
