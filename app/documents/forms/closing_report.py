"""人民调解结案报告表 — the local case-closing report (a ruled table).

卷号 (as on the cover), 填表时间 (the filing date, written in by hand), 承办单位, 承办人 (the
mediators), 受案时间, 结案时间, the parties with their addresses and phones, 案件来源 (tick
boxes), the dispute in brief and the result, as the case's record says it ended. Below it the
mediator in charge signs and the committee seals.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import (
    SOURCE_CHOICES,
    cell_lines,
    choices,
    form_document,
    inline_date,
    register,
    room,
)
from app.documents.forms.cover import mediators
from app.documents.forms.mediation_record import failure_text
from app.documents.text import BLANK_DATE, cn_date, paragraphs, sentence
from app.documents.tree import Document, Style, Title
from app.domain.codes import AgreementForm, CaseStatus, ReferralTarget
from app.views import CaseDetail, CommitteeInfo, PartyView

TITLE = "人民调解结案报告表"
_TARGETS = {target.value: target.label for target in ReferralTarget}
#: The mediator signs at the left of the cell; the committee's seal and the date stand towards
#: its right (set off by spaces: a cell's text cannot be aligned right).
SEALED = f"{room(12)}（人民调解委员会印）\n{room(13)}{BLANK_DATE}"


def build_closing_report(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The closing report of `case`, or the blank form."""
    rows = [
        ("卷号", case.number if case else ""),
        ("填表时间", BLANK_DATE),  # the day the dossier is filed, which is not recorded
        ("承办单位", committee.name),
        ("承办人", mediators(case) if case else ""),
        ("受案时间", cn_date(case.accepted_on if case else None)),
        ("结案时间", cn_date(case.closed_on if case else None)),
        (
            "当事人",
            "\n".join(_party(p) for p in case.parties) if case and case.parties else room(1),
        ),
        ("案件来源", choices(SOURCE_CHOICES, case.source if case else None, per_line=2)),
        ("纠纷简要事实", cell_lines(paragraphs(case.facts) if case else [], lines=5)),
        ("调解结果", cell_lines(result(case) if case else [], lines=3)),
        # Signed and sealed inside the table: a signature block with its seal space would not
        # fit under a full table, and would stand alone on a second page.
        ("承办人（签名）", SEALED),
    ]
    # In the small size of a dense register: the parties and the result fit with the sign-off
    # on one page.
    blocks = (Title(TITLE), register(rows, style=Style.SMALL))
    return form_document(TITLE, case, blocks, committee)


def _party(party: PartyView) -> str:
    """申请人姜华，住址：…，电话：… — what is not recorded is left out of the line."""
    parts = [f"{party.role.label}{party.name}"]
    parts += [
        f"{label}：{text}"
        for label, text in (("住址", party.address), ("电话", party.phone))
        if text
    ]
    return "，".join(parts)


def result(case: CaseDetail) -> list[str]:
    """How the case ended, in the record's words: the agreement and its performance, the
    failure and the routes told, a withdrawal, a referral; nothing while it is open."""
    status = case.status
    reason = {c.event: c for c in case.status_history}
    out: list[str] = []
    if case.agreement is not None:
        kind = "口头" if case.agreement.form is AgreementForm.ORAL else "书面"
        out.append(f"于{inline_date(case.agreement.reached_on)}达成{kind}调解协议。")
        if case.performed_on:
            out.append(f"协议已于{cn_date(case.performed_on)}履行完毕。")
        elif status is CaseStatus.PERFORMING:
            out.append("协议正在履行。")
        out += _confirmation(case)
    elif (failed := failure_text(case)) and status is CaseStatus.FAILED:
        out.append(failed)
    elif status is CaseStatus.WITHDRAWN and "withdraw" in reason:
        change = reason["withdraw"]
        out.append(_because(f"当事人{change.withdrawn_by}撤回调解申请", change.reason))
    elif status is CaseStatus.TERMINATED and "terminate" in reason:
        out.append(_because("当事人拒绝继续调解，调解终止", reason["terminate"].reason))
    elif status is CaseStatus.REFERRED and "refer" in reason:
        change = reason["refer"]
        to = _TARGETS.get(change.referred_to or "", "有关部门")
        out.append(_because(f"已移交{to}", change.reason))
    elif status is CaseStatus.DECLINED:
        out.append(_because("不予受理", case.declined_reason))
    return out


def _because(what: str, reason: str) -> str:
    """What happened, then why as recorded: 已移交公安机关。原因：…。"""
    return sentence(what) + (f"原因：{sentence(reason)}" if reason.strip() else "")


def _confirmation(case: CaseDetail) -> list[str]:
    agreement = case.agreement
    if agreement is None or agreement.confirmation_applied_on is None:
        return []
    court = agreement.confirmation_court or "人民法院"
    line = f"当事人于{cn_date(agreement.confirmation_applied_on)}向{court}申请司法确认"
    if agreement.confirmation_result:
        decided = agreement.confirmation_decided_on
        line += f"，{cn_date(decided) if decided else ''}{agreement.confirmation_result}"
    return [sentence(line)]
