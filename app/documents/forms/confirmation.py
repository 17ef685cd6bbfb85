"""司法确认申请书 — the parties' joint application to a court to confirm their agreement
(People's Mediation Law art. 33; Supreme People's Court rules 法释〔2011〕5号).

Every party applies: one 申请人 block each, with the identity number and a service address the
court needs. The request that the court confirm the agreement reached on [date] under [the
committee]; the facts and the agreed terms; the applicants' undertaking that they agreed freely,
to settle the dispute, without collusion or evasion of law, and bear the liability if it harms
others; 此致 the court; the attachments; the signatures and the date of filing.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import (
    NAME_BLANK,
    form_document,
    inline_date,
    party_lines,
    signers,
)
from app.documents.forms.application import blank_particulars, heading, particulars
from app.documents.forms.common import sorted_terms, term_text
from app.documents.text import cn_date, cn_number, paragraphs
from app.documents.tree import (
    Align,
    Block,
    Document,
    Field,
    NumberedTerms,
    Numbering,
    Paragraph,
    PartyBlock,
    RuledLines,
    SignatureBlock,
    Title,
)
from app.views import CaseDetail, CommitteeInfo, PartyView

TITLE = "司法确认申请书"
UNDERTAKING = (
    "出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的行为；",
    "如果因为该调解协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任。",
)


def build_confirmation(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The joint application of all the parties of `case`, or the blank form (two applicants).

    Ages are given on the day of filing (or `today` while that is not recorded).
    """
    agreement = case.agreement if case else None
    filed = agreement.confirmation_applied_on if agreement else None
    on = filed or today or date.today()
    court = (agreement.confirmation_court if agreement else "") or f"{NAME_BLANK}人民法院"
    parties = case.parties if case else ()

    blocks: list[Block] = [Title(TITLE)]
    blocks += [_applicant(p, on) for p in parties] or [
        _with_service_address(blank_particulars("申请人", identity=True))
    ] * 2
    names = "、".join(p.name for p in parties) or NAME_BLANK
    reached = inline_date(agreement.reached_on if agreement else None)
    blocks += [
        heading("请求事项："),
        Paragraph(
            f"请求{court}确认申请人{names}于{reached}经{committee.name}主持调解达成的调解协议有效。"
        ),
        heading("事实和理由："),
    ]
    facts = (agreement.facts if agreement and agreement.facts else case.facts) if case else ""
    blocks += [Paragraph(t) for t in paragraphs(facts)] or [RuledLines(3)]
    blocks.append(Paragraph(f"{reached}，经{committee.name}主持调解，申请人自愿达成如下调解协议："))
    terms = sorted_terms(agreement)
    blocks.append(NumberedTerms(tuple(term_text(t) for t in terms)) if terms else RuledLines(4))
    # All sign as applicants, whatever their part in the mediation.
    labels, representatives = party_lines(signers(case), "签名或者盖章", role="申请人")
    blocks += [
        heading("申请人承诺："),
        NumberedTerms(UNDERTAKING),
        Paragraph("此致"),
        Paragraph(court, align=Align.LEFT, indent=False),
        heading("附："),
        NumberedTerms(_attachments(case), Numbering.ARABIC),
        SignatureBlock(
            left=labels,
            representatives=representatives,
            date_text=cn_date(filed),
            seal_mm=0,  # the parties' own application: no committee seal
        ),
    ]
    return form_document(TITLE, case, blocks, committee)


def _applicant(party: PartyView, on: date) -> PartyBlock:
    return _with_service_address(particulars(party, on, role="申请人", identity=True))


def _with_service_address(block: PartyBlock) -> PartyBlock:
    """The court serves its papers at an address the party gives for it, which may not be the
    one on record: left to fill in."""
    return PartyBlock(block.role, (*block.rows, (Field("送达地址", blank_chars=12),)))


def _attachments(case: CaseDetail | None) -> tuple[str, ...]:
    def copies(n: int) -> str:
        return f"{cn_number(n)}份" if n else "\u3000\u3000份"

    parties = len(case.parties) if case else 0
    agents = sum(len(p.agents) for p in case.parties) if case else 0
    items = [
        "人民调解协议书一份；",
        f"申请人身份证明、资格证明{copies(parties)}；",
        f"与调解协议相关的财产权利证明材料{copies(0)}；",
    ]
    if agents or case is None:  # a power of attorney when an agent files (art. 3)
        items.append(f"授权委托书{copies(agents)}；")
    items[-1] = items[-1].rstrip("；") + "。"
    return tuple(items)
