"""A fixture period for 以案定补 (2026-10-01 to 2026-12-31) with amounts worked out by hand.

Four mediators; the default scheme (简易 100 / 一般 200 / 疑难复杂 300 / 重大 500 元; oral with
proof and failed-but-useful at 1/2; lead 1/2, member 3/10, recorder 1/5). Cases:

  A 书面协议 一般 200.00   张秀英 lead 100.00 · 王建国 member 60.00 · 李文 recorder 40.00
  B 书面协议 疑难复杂 300.00 (suggested 一般: departs, with a reason)
                          王建国 lead 187.50 · 张秀英 member 56.25 · 赵敏 member 56.25
                          (no recorder: its 1/5 goes to the others in proportion; 4/5 left)
  C 口头协议有证明 简易 100 × 1/2 = 50.00   赵敏 lead 50.00
  D 调解不成但有成效 一般 200 × 1/2 = 100.00  李文 lead 62.50 · 王建国 member 37.50
  F 书面协议 一般 — dossier lacks the rights notice and 张伟's identity proof: held (200.00)
  G 书面协议, class not decided (suggested 一般): held
  H 调解不成, not useful: not paid     I 口头协议 without proof: not paid
  J 不予受理: not paid     K ended in September: outside     L still mediating: outside

Per mediator: 王建国 285.00 (3 cases), 张秀英 156.25 (2), 赵敏 106.25 (2), 李文 102.50 (2);
in all 650.00 for 4 cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from app.domain.codes import CaseStatus, PanelRole
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.roster import MediatorDraft
from app.domain.rules import check_agreement, check_case
from app.services.cases import (
    AttachmentRecord,
    CaseHistory,
    CaseLife,
    SessionRecord,
    StatusStep,
    add_case,
)
from app.services.database import Database
from app.services.mediators import save_mediator
from app.services.subsidy import set_case_class

START, END = date(2026, 10, 1), date(2026, 12, 31)
TODAY = date(2026, 12, 31)
MEDIATORS = ("张秀英", "王建国", "李文", "赵敏")
L, M, R = PanelRole.LEAD, PanelRole.MEMBER, PanelRole.RECORDER


@dataclass
class Spec:
    key: str
    title: str
    ended: str  # reach_agreement / fail / decline / none (open)
    on: date
    panel: tuple[tuple[str, PanelRole], ...] = ()
    oral: bool = False
    amount: str = ""
    persons: int | None = None
    complete: bool = True
    cls: str | None = None
    reason: str = ""
    useful: bool | None = None
    oral_proof: bool | None = None
    extra: dict[str, object] = field(default_factory=dict)


SPECS = (
    Spec("A", "楼上渗水纠纷", "reach_agreement", date(2026, 10, 12),
         (("张秀英", L), ("王建国", M), ("李文", R)), amount="6000", cls="一般"),
    Spec("B", "邻里通道纠纷", "reach_agreement", date(2026, 11, 3),
         (("王建国", L), ("张秀英", M), ("赵敏", M)), persons=4, cls="疑难复杂",
         reason="涉及四户，调解五次才达成协议"),
    Spec("C", "宠物扰民纠纷", "reach_agreement", date(2026, 11, 20), (("赵敏", L),),
         oral=True, cls="简易", oral_proof=True),
    Spec("D", "装修噪声纠纷", "fail", date(2026, 12, 5), (("李文", L), ("王建国", M)),
         amount="8000", cls="一般", useful=True),
    Spec("F", "停车位纠纷", "reach_agreement", date(2026, 12, 10),
         (("张秀英", L), ("王建国", M)), amount="5000", complete=False, cls="一般"),
    Spec("G", "楼道堆物纠纷", "reach_agreement", date(2026, 12, 12), (("赵敏", L),),
         persons=3),
    Spec("H", "房屋租赁纠纷", "fail", date(2026, 10, 20), (("李文", L),), cls="简易"),
    Spec("I", "阳台漏水纠纷", "reach_agreement", date(2026, 11, 11), (("赵敏", L),),
         oral=True, cls="简易"),
    Spec("J", "婚姻家庭纠纷", "decline", date(2026, 10, 8)),
    Spec("K", "高空抛物纠纷", "reach_agreement", date(2026, 9, 28), (("张秀英", L),),
         cls="简易"),
    Spec("L", "噪声纠纷", "none", date(2026, 12, 1), (("王建国", L),)),
)  # fmt: skip

EXPECTED_TOTALS = {
    "王建国": (3, Decimal("285.00")),
    "张秀英": (2, Decimal("156.25")),
    "赵敏": (2, Decimal("106.25")),
    "李文": (2, Decimal("102.50")),
}
EXPECTED_SHARES = {
    "A": {"张秀英": "100.00", "王建国": "60.00", "李文": "40.00"},
    "B": {"王建国": "187.50", "张秀英": "56.25", "赵敏": "56.25"},
    "C": {"赵敏": "50.00"},
    "D": {"李文": "62.50", "王建国": "37.50"},
}
EXPECTED_TOTAL = Decimal("650.00")


def build(db: Database) -> dict[str, int]:
    """The fixture's mediators and cases; their ids by key."""
    ids = {
        name: save_mediator(db, MediatorDraft(name=name, sex="female"), today=TODAY)[0].id
        for name in MEDIATORS
    }
    cases: dict[str, int] = {}
    for spec in SPECS:
        cases[spec.key] = _case(db, spec, ids)
    for spec in SPECS:
        if spec.cls is not None or spec.useful is not None or spec.oral_proof is not None:
            set_case_class(
                db,
                cases[spec.key],
                spec.cls,
                spec.reason,
                useful=spec.useful,
                oral_proof=spec.oral_proof,
            )
    return cases


def _case(db: Database, spec: Spec, mediators: dict[str, int]) -> int:
    received = date(spec.on.year, spec.on.month, 1) if spec.on.day > 3 else spec.on
    received = min(received, spec.on)
    status = {
        "reach_agreement": CaseStatus.PERFORMED,
        "fail": CaseStatus.FAILED,
        "decline": CaseStatus.DECLINED,
        "none": CaseStatus.MEDIATING,
    }[spec.ended]
    draft = CaseDraft(
        title=spec.title,
        received_on=received,
        status=status.value,
        amount=spec.amount,
        persons_involved=spec.persons,
        parties=[
            PartyDraft(role="applicant", name="李秀英", phone="13900001111"),
            PartyDraft(role="respondent", name="张伟", phone="13800002222"),
        ],
    )
    clean = check_case(draft, TODAY)
    steps = [StatusStep("register", None, CaseStatus.REGISTERED, received)]
    agreement = None
    if spec.ended == "decline":
        steps.append(
            StatusStep("decline", CaseStatus.REGISTERED, CaseStatus.DECLINED, spec.on, reason="x")
        )
    else:
        steps += [
            StatusStep("accept", CaseStatus.REGISTERED, CaseStatus.ACCEPTED, received),
            StatusStep("start_mediation", CaseStatus.ACCEPTED, CaseStatus.MEDIATING, received),
        ]
        if spec.ended == "reach_agreement":
            steps += [
                StatusStep(
                    "reach_agreement", CaseStatus.MEDIATING, CaseStatus.AGREEMENT_REACHED, spec.on
                ),
                # Performed the same day (the terms ask nothing more): the file is closed.
                StatusStep(
                    "complete_performance",
                    CaseStatus.AGREEMENT_REACHED,
                    CaseStatus.PERFORMED,
                    spec.on,
                ),
            ]
            agreement = check_agreement(
                AgreementDraft(
                    form="oral" if spec.oral else "written",
                    reached_on=spec.on,
                    terms=[TermDraft(text="双方和睦相处")],
                ),
                2,
                received_on=received,
                today=TODAY,
            )
        elif spec.ended == "fail":
            steps.append(
                StatusStep(
                    "fail", CaseStatus.MEDIATING, CaseStatus.FAILED, spec.on, routes=("court",)
                )
            )
    added = datetime(received.year, received.month, received.day, 9, tzinfo=UTC)
    identity = [
        AttachmentRecord(
            f"{spec.key}{p}".ljust(64, "0"), "身份证.jpg", 10, added, "", "identity", p
        )
        for p in ((0,) if not spec.complete else (0, 1))
    ]
    sessions: tuple[SessionRecord, ...] = ()
    if spec.ended in ("reach_agreement", "fail", "none"):
        sessions = (
            SessionRecord("mediation", added, "调解室", "王建国", "李秀英\n张伟", statements="…"),
        )
    life = CaseLife(
        accepted_on=None if spec.ended == "decline" else received,
        declined_reason="x" if spec.ended == "decline" else "",
        performed_on=spec.on if spec.ended == "reach_agreement" else None,
        closed_on=spec.on if spec.ended != "none" else None,
        rights_notified_on=received if spec.complete and spec.ended != "decline" else None,
    )
    history = CaseHistory(
        panel=tuple((mediators[name], role) for name, role in spec.panel),
        agreement=agreement,
        status_history=tuple(steps),
        life=life,
        sessions=sessions,
        attachments=tuple(identity),
    )
    with db.transaction() as session:
        case = add_case(session, clean, history=history)
        return case.id
