"""卷宗完整性: which required items a case's dossier has, and for each missing one what to do.

Inspectors check archives and a mediator's subsidy is refused when the dossier is incomplete,
so the check names each gap in words a volunteer can act on, where in the program it is filled.
What is required depends on how far the case went: a case declined at the door needs no
mediation record; a case that failed needs no agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.views import CaseDetail


@dataclass(frozen=True)
class DossierItem:
    key: str
    name: str
    present: bool
    #: What to do when it is missing ("" when present).
    what_to_do: str = ""

    def __post_init__(self) -> None:
        if self.present:  # what to do is said only of what is missing
            object.__setattr__(self, "what_to_do", "")

    def line(self) -> str:
        return f"✓ {self.name}" if self.present else f"✗ {self.name}：{self.what_to_do}"


_MEDIATION_EVENTS = {"start_mediation"}
_AGREEMENT_EVENTS = {"reach_agreement"}


def check_dossier(case: CaseDetail) -> tuple[DossierItem, ...]:
    """The dossier's required items for `case`, present or not, in the dossier's order."""
    events = {step.event for step in case.status_history}
    mediated = bool(events & _MEDIATION_EVENTS) or any(
        s.kind.value == "mediation" for s in case.sessions
    )
    agreed = bool(events & _AGREEMENT_EVENTS) or case.agreement is not None
    kinds = {a.kind.value for a in case.attachments}
    items: list[DossierItem] = []

    accepted = case.accepted_on is not None or bool(case.declined_reason)
    items.append(
        DossierItem(
            "application",
            "人民调解申请书或受理登记表",
            accepted or "application" in kinds,
            "还没有办理受理：请在案件页按“受理”（或“不予受理”并写明原因），"
            "然后打印受理登记表；当事人的书面申请可以扫描后作为“申请书（签字件）”附上",
        )
    )
    if case.accepted_on is not None:
        items.append(
            DossierItem(
                "rights_notice",
                "人民调解当事人权利义务告知书",
                case.rights_notified_on is not None,
                "还没有记下告知日期：打印告知书交当事人签收后，在“卷宗”页按“记下告知日期”",
            )
        )
    with_id = {a.party_id for a in case.attachments if a.kind.value == "identity"}
    for party in case.parties:
        items.append(
            DossierItem(
                f"identity:{party.id}",
                f"{party.role.label}{party.name}的身份证明",
                party.id in with_id,
                f"请把{party.name}的身份证（或营业执照）复印件扫描或拍照，在“卷宗”页按“添加附件”，"
                f"类别选“身份证明”、当事人选{party.name}",
            )
        )
    if mediated:
        items.append(
            DossierItem(
                "mediation_record",
                "人民调解记录",
                any(s.kind.value == "mediation" for s in case.sessions),
                "还没有调解记录：在“调解记录”页按“记录一次调解”，写明时间、地点、在场的人和调解经过",
            )
        )
    if agreed:
        oral = case.agreement is not None and case.agreement.form.value == "oral"
        items.append(
            DossierItem(
                "agreement",
                "人民调解口头协议登记表" if oral else "人民调解协议书",
                case.agreement is not None and bool(case.agreement.terms),
                "还没有录入协议内容：在“协议”页录入协议的各项内容",
            )
        )
    items.append(
        DossierItem(
            "back_cover",
            "封底（结案日期）",
            case.closed_on is not None,
            # An agreed case closes when the agreement has been carried out, not when it is
            # signed (case_life): the hint must say so, or the volunteer looks in the wrong place.
            "协议还在履行中：各项义务履行完毕、在案件页按“履行完毕”后才有结案日期"
            if agreed
            else "案件还没有结束：调解不成、终止、撤回或移交等办结之后才有结案日期",
        )
    )
    return tuple(items)


def missing_items(items: tuple[DossierItem, ...]) -> tuple[DossierItem, ...]:
    return tuple(i for i in items if not i.present)


def missing_text(items: tuple[DossierItem, ...]) -> str:
    """'身份证明（张伟）、人民调解记录' — the missing items by name, for a question or a note."""
    return "、".join(i.name for i in missing_items(items))
