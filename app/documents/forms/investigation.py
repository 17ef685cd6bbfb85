"""人民调解调查记录 — the record of one investigation (调查), one document per sitting.

At the head a ruled table: 时间, 地点, 参加人, 调查人, 被调查人, 记录人. Then the record as typed
(questions and answers, 问：/答：, line by line), the facts it established and its result, and
the signatures of the person questioned, the investigators and the recorder. A sitting records
those present as names, one per line: the mediators present are the investigators, the parties
present the persons questioned, those invited (art. 20) the other participants.

The helpers for picking a sitting and printing its time and names serve the mediation record.
"""

from __future__ import annotations

from datetime import date, datetime

from app.documents.forms.acceptance import form_document, party_lines, register
from app.documents.forms.application import heading, section
from app.documents.text import BLANK_DATE, cn_date, paragraphs
from app.documents.tree import (
    Block,
    Document,
    FieldLine,
    Paragraph,
    RuledLines,
    SignatureBlock,
    Title,
)
from app.domain.codes import SessionKind
from app.views import CaseDetail, CommitteeInfo, SessionView

TITLE = "人民调解调查记录"
BLANK_TIME = f"{BLANK_DATE}\u3000\u3000时\u3000\u3000分"


def build_investigation(
    case: CaseDetail | None,
    committee: CommitteeInfo,
    *,
    session_id: int | None = None,
    today: date | None = None,
) -> Document:
    """The record of investigation `session_id` of `case` (None: the latest); the blank form
    without a case or when it has no investigation. An unknown id is a `LookupError`."""
    sitting = pick_session(case, SessionKind.INVESTIGATION, session_id)
    rows = [
        ("时间", held_text(sitting.held_at if sitting else None)),
        ("地点", sitting.place if sitting else ""),
        ("参加人", names_text(sitting.participants_present) if sitting else ""),
        ("调查人", names_text(sitting.mediators_present) if sitting else ""),
        ("被调查人", names_text(sitting.parties_present) if sitting else ""),
        ("记录人", sitting.recorder if sitting else ""),
    ]
    blocks: list[Block] = [
        Title(TITLE),
        FieldLine("编号", case.number if case else ""),
        register(rows),
    ]
    if sitting and sitting.statements.strip():
        blocks += [heading("调查内容："), *(Paragraph(t) for t in paragraphs(sitting.statements))]
    else:
        blocks += [heading("调查内容："), *_questions_and_answers()]
    blocks += section(
        "调查核实的情况：", paragraphs(sitting.facts_verified) if sitting else [], blank_lines=3
    )
    blocks += section("调查结果：", paragraphs(sitting.outcome) if sitting else [], blank_lines=2)
    blocks.append(Paragraph("以上记录已经被调查人核对（或向其宣读），确认无误。"))
    questioned = names(sitting.parties_present) if sitting else []
    labels, representatives = present_lines(case, questioned, "签名或按指印", "被调查人")
    blocks.append(
        SignatureBlock(
            left=labels or ("被调查人（签名或按指印）：",),
            right=official_lines(sitting, "调查人"),
            representatives=representatives,
        )
    )
    return form_document(TITLE, case, blocks, committee)


def _questions_and_answers() -> list[Block]:
    """问：/答： with lines to write on, for a record taken by hand."""
    out: list[Block] = []
    for _ in range(2):
        # Each label stays on the page of the lines written after it.
        out += [Paragraph("问：", indent=False, keep_with_next=True), RuledLines(2)]
        out.append(Paragraph("答：", indent=False, keep_with_next=True))
        out.append(RuledLines(4))
    return out


# ---------------------------------------------------------------------------------------------
# Sittings: shared with the mediation record


def sessions_of(case: CaseDetail | None, kind: SessionKind) -> list[SessionView]:
    """The case's sittings of one kind, oldest first."""
    found = [s for s in case.sessions if s.kind is kind] if case else []
    return sorted(found, key=lambda s: (s.held_at, s.id))


def pick_session(
    case: CaseDetail | None, kind: SessionKind, session_id: int | None
) -> SessionView | None:
    """Sitting `session_id` of that kind, or the latest one (None if there is none)."""
    found = sessions_of(case, kind)
    if session_id is None:
        return found[-1] if found else None
    for sitting in found:
        if sitting.id == session_id:
            return sitting
    raise LookupError(f"no {kind.value} sitting {session_id} in this case")


def held_text(moment: datetime | None) -> str:
    """2026年8月20日9时30分 in the computer's time zone (the room's; stored as UTC), or the
    blanks to write a time in."""
    if moment is None:
        return BLANK_TIME
    local = moment.astimezone()
    return f"{cn_date(local.date())}{local.hour}时{local.minute:02d}分"


def names(text: str) -> list[str]:
    """The names of those present, recorded one per line."""
    return paragraphs(text)


def names_text(text: str) -> str:
    """Those present on one line: 姜华、吕保国."""
    return "、".join(names(text))


def official_lines(sitting: SessionView | None, role: str) -> tuple[str, ...]:
    """The signature labels of the mediators present (调查人龚振华（签名）：) and the recorder.
    A recorder who is also a mediator signs once, as recorder, unless nobody else is there."""
    recorder = sitting.recorder.strip() if sitting else ""
    present = names(sitting.mediators_present) if sitting else []
    others = [n for n in present if n != recorder] or present
    return (
        *([f"{role}{n}（签名）：" for n in others] or [f"{role}（签名）："]),
        f"记录人{recorder}（签名）：",
    )


def present_lines(
    case: CaseDetail | None, present: list[str], person: str, fallback: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Signature labels (and representatives' lines) of those present: a party of the case
    signs under its role (申请人姜华（签名或按指印）：), anyone else after `fallback`."""
    labels: list[str] = []
    representatives: list[str] = []
    for name in present:
        party = next((p for p in case.parties if p.name == name), None) if case else None
        label, representative = (
            party_lines((party,), person)
            if party
            else ((f"{fallback}{name}（{person}）：",), ("",))
        )
        labels += label
        representatives += representative
    return tuple(labels), tuple(representatives)
