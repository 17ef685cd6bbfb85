"""人民调解回访记录 — the record of one follow-up visit (art. 31), one document per visit.

A ruled table: 当事人 (who was met), 调解协议编号 (the agreement's number, which is the case's),
回访事由 (the dispute), 回访时间, then what was found — whether the agreement was performed,
the parties' satisfaction, the visit's notes (any lawsuit and its result, signs of a wrong
mediation), the risk that remains and the measures taken. Below it the visitor signs, with the
committee's name and the day of the visit.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import cell_lines, choices, form_document, register
from app.documents.text import cn_date, paragraphs
from app.documents.tree import Document, SignatureBlock, Title
from app.domain.codes import Satisfaction
from app.views import CaseDetail, CommitteeInfo, FollowUpView

TITLE = "人民调解回访记录"
PERFORMED_CHOICES: tuple[tuple[bool, str], ...] = ((True, "已履行"), (False, "未履行"))
SATISFACTION_CHOICES = tuple((s, s.label) for s in Satisfaction)


def build_follow_up(
    case: CaseDetail | None,
    committee: CommitteeInfo,
    *,
    follow_up_id: int | None = None,
    today: date | None = None,
) -> Document:
    """The record of follow-up `follow_up_id` of `case` (None: the latest); the blank form
    without a case or when it has no follow-up. An unknown id is a `LookupError`."""
    visit = pick_follow_up(case, follow_up_id)
    agreed = case is not None and case.agreement is not None
    rows = [
        ("当事人", visit.met_with if visit else ""),
        ("调解协议编号", case.number if case and agreed else ""),
        ("回访事由", case.title if case else ""),
        ("回访时间", cn_date(visit.on if visit else None)),
        ("回访人", visit.by_name if visit else ""),
        (
            "协议履行情况",
            choices(PERFORMED_CHOICES, visit.performed if visit else None, per_line=2),
        ),
        (
            "当事人满意程度",
            choices(SATISFACTION_CHOICES, visit.satisfaction if visit else None, per_line=3),
        ),
        ("回访情况", cell_lines(paragraphs(visit.notes) if visit else [], lines=4)),
        ("遗留风险", cell_lines(paragraphs(visit.risks) if visit else [], lines=2)),
        ("采取的措施", cell_lines(paragraphs(visit.measures) if visit else [], lines=2)),
    ]
    blocks = (
        Title(TITLE),
        # The agreement's number is the case's: no 编号 line above. Labels of seven characters
        # (当事人满意程度) need a wider column than the other registers'.
        register(rows, label_share=0.3),
        SignatureBlock(
            left=(f"回访人{visit.by_name if visit else ''}（签名）：",),
            issuer=committee.name,
            date_text=cn_date(visit.on if visit else None),
            seal_mm=0,  # the visitor's record: signed, not sealed
        ),
    )
    return form_document(TITLE, case, blocks, committee)


def follow_ups_of(case: CaseDetail | None) -> list[FollowUpView]:
    """The case's follow-ups, oldest first."""
    return sorted(case.follow_ups, key=lambda f: (f.on, f.id or 0)) if case else []


def pick_follow_up(case: CaseDetail | None, follow_up_id: int | None) -> FollowUpView | None:
    visits = follow_ups_of(case)
    if follow_up_id is None:
        return visits[-1] if visits else None
    for visit in visits:
        if visit.id == follow_up_id:
            return visit
    raise LookupError(f"no follow-up {follow_up_id} in this case")
