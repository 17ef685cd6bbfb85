"""人民调解记录 (调解笔录) — the record of one mediation sitting, one document per sitting.

At the head a ruled table: 时间, 地点, 事由, 参加人 (those invited to help — not mediators,
parties or recorder), 当事人 (every party present), 调解员, 记录人. Then the notice of rights
given, each side's statement, the facts and evidence checked, the risk warnings, and the result
— the agreement reached, or why none and which routes remain (art. 26). The record is read back
to the parties, who sign, as do the mediators and the recorder.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import (
    form_document,
    inline_date,
    party_lines,
    register,
    signers,
)
from app.documents.forms.application import heading, section
from app.documents.forms.investigation import (
    held_text,
    names,
    names_text,
    official_lines,
    pick_session,
    present_lines,
    sessions_of,
)
from app.documents.text import paragraphs, sentence
from app.documents.tree import Block, Document, FieldLine, Paragraph, SignatureBlock, Title
from app.domain.codes import FailureRoute, SessionKind
from app.views import CaseDetail, CommitteeInfo, SessionView

TITLE = "人民调解记录"
_ROUTES = {route.value: route.label for route in FailureRoute}


def build_mediation_record(
    case: CaseDetail | None,
    committee: CommitteeInfo,
    *,
    session_id: int | None = None,
    today: date | None = None,
) -> Document:
    """The record of mediation sitting `session_id` of `case` (None: the latest); the blank
    form without a case or when it has no mediation sitting. An unknown id is a `LookupError`."""
    sitting = pick_session(case, SessionKind.MEDIATION, session_id)
    rows = [
        ("时间", held_text(sitting.held_at if sitting else None)),
        ("地点", sitting.place if sitting else ""),
        ("事由", case.title if case else ""),
        ("参加人", names_text(sitting.participants_present) if sitting else ""),
        ("当事人", names_text(sitting.parties_present) if sitting else ""),
        ("调解员", names_text(sitting.mediators_present) if sitting else ""),
        ("记录人", sitting.recorder if sitting else ""),
    ]
    blocks: list[Block] = [
        Title(TITLE),
        FieldLine("编号", case.number if case else ""),
        register(rows),
    ]
    blocks += [heading("告知事项："), Paragraph(_notice(case))]
    # A record taken by hand (no sitting on file) needs more room for what each side says.
    blocks += section(
        "当事人陈述：",
        paragraphs(sitting.statements) if sitting else [],
        blank_lines=6 if sitting else 12,
    )
    blocks += section(
        "核实的事实和证据：",
        paragraphs(sitting.facts_verified) if sitting else [],
        blank_lines=3,
    )
    blocks += section("风险提示：", [], blank_lines=2)  # not recorded: written in by hand
    blocks += section("调解结果：", _result(case, sitting), blank_lines=3)
    blocks.append(Paragraph("以上记录已向当事人宣读（或经当事人阅读），当事人确认无误。"))
    labels, representatives = _party_lines(case, sitting)
    blocks.append(
        SignatureBlock(
            left=labels,
            right=official_lines(sitting, "调解员"),
            representatives=representatives,
        )
    )
    return form_document(TITLE, case, blocks, committee)


def _notice(case: CaseDetail | None) -> str:
    """The notice of rights and duties, on the day recorded (a blank date to write in)."""
    return (
        f"调解员于{inline_date(case.rights_notified_on if case else None)}向当事人送达"
        "《人民调解当事人权利义务告知书》，告知了人民调解的性质、原则和效力，以及当事人在"
        "调解活动中享有的权利和承担的义务。"
    )


def _result(case: CaseDetail | None, sitting: SessionView | None) -> list[str]:
    """The sitting's outcome; the last sitting of a failed mediation adds the routes the
    parties were told of."""
    texts = paragraphs(sitting.outcome) if sitting else []
    last = sessions_of(case, SessionKind.MEDIATION)[-1:] if case else []
    if case and sitting and last == [sitting] and (failed := failure_text(case)):
        texts.append(failed)
    return texts


def failure_text(case: CaseDetail) -> str:
    """调解不成（理由）。已告知当事人可以通过仲裁、向人民法院起诉等途径解决纠纷。 — '' unless
    the mediation failed."""
    change = next((c for c in reversed(case.status_history) if c.event == "fail"), None)
    if change is None:
        return ""
    reason = f"，{change.reason.strip().rstrip('。')}" if change.reason.strip() else ""
    routes = "、".join(_ROUTES.get(r, r) for r in change.routes)
    told = f"已告知当事人可以通过{routes}等途径解决纠纷。" if routes else ""
    return sentence(f"调解不成{reason}") + told


def _party_lines(
    case: CaseDetail | None, sitting: SessionView | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Those present sign; with nobody recorded as present, a line for every party."""
    present = names(sitting.parties_present) if sitting else []
    if present:
        return present_lines(case, present, "签名或按指印", "当事人")
    return party_lines(signers(case), "签名或按指印")
