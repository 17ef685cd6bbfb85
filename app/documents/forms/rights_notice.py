"""人民调解当事人权利义务告知书 — what the parties are told before mediation begins.

A letter to the parties: what a people's mediation committee is (art. 7), that mediation is free
(art. 4), its principles (art. 3), the parties' rights (art. 23) and duties (art. 24), and what
an agreement means (arts. 31–33), with what local versions add: agents may take part, and an
agreement is to be performed of the parties' own accord. The parties sign for it, the mediator
who told them signs, and the date is the day they were told.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import NAME_BLANK, form_document, party_lines, signers
from app.documents.forms.application import heading
from app.documents.text import cn_date
from app.documents.tree import Align, Block, Document, Paragraph, SignatureBlock, Title
from app.domain.wording import sections_of
from app.views import CaseDetail, CommitteeInfo

TITLE = "人民调解当事人权利义务告知书"

#: (heading, paragraphs) — the People's Mediation Law in the words of its articles.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "一、人民调解委员会的性质",
        (
            "人民调解委员会是依法设立的调解民间纠纷的群众性组织。人民调解委员会通过说服、疏导"
            "等方法，促使当事人在平等协商基础上自愿达成调解协议，解决民间纠纷。",
            "人民调解委员会调解民间纠纷，不收取任何费用。",
        ),
    ),
    (
        "二、人民调解的原则",
        (
            "（一）在当事人自愿、平等的基础上进行调解；",
            "（二）不违背法律、法规和国家政策；",
            "（三）尊重当事人的权利，不得因调解而阻止当事人依法通过仲裁、行政、司法等途径"
            "维护自己的权利。",
        ),
    ),
    (
        "三、当事人在人民调解活动中享有的权利",
        (
            "（一）选择或者接受人民调解员；",
            "（二）接受调解、拒绝调解或者要求终止调解；",
            "（三）要求调解公开进行或者不公开进行；",
            "（四）自主表达意愿、自愿达成调解协议；",
            # Not in art. 23, but on the local versions: agents take part (委托代理人).
            "（五）委托代理人参加调解活动。",
        ),
    ),
    (
        "四、当事人在人民调解活动中履行的义务",
        (
            "（一）如实陈述纠纷事实；",
            "（二）遵守调解现场秩序，尊重人民调解员；",
            "（三）尊重对方当事人行使权利。",
        ),
    ),
    (
        "五、调解协议的效力",
        (
            "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定自觉履行。"
            "人民调解委员会对调解协议的履行情况进行监督，督促当事人履行约定的义务。",
            "经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效"
            "之日起三十日内共同向人民法院申请司法确认。人民法院依法确认调解协议有效，一方当事人"
            "拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。",
            "当事人之间就调解协议的履行或者调解协议的内容发生争议的，一方当事人可以向人民法院"
            "提起诉讼。",
        ),
    ),
)


def build_rights_notice(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The notice addressed to the parties of `case` (or to be addressed by hand), dated the
    day they were told (`rights_notified_on`), a blank date while that is not recorded."""
    names = "、".join(p.name for p in case.parties if p.name) if case else ""
    blocks: list[Block] = [
        Title(TITLE),
        Paragraph(f"{names or NAME_BLANK}：", align=Align.LEFT, indent=False),
        Paragraph(
            f"为保障当事人在人民调解活动中的合法权益，根据《中华人民共和国人民调解法》，"
            f"{committee.name}现将有关事项告知如下："
        ),
    ]
    # The committee's reworded notice where it has one (文书用语), else the standard text.
    for title, texts in sections_of(committee.text("rights_notice")) or SECTIONS:
        blocks.append(heading(title))
        blocks += [Paragraph(t) for t in texts]
    blocks.append(Paragraph("以上内容，当事人已经知悉。"))
    labels, representatives = party_lines(signers(case), "签名或按指印")
    blocks.append(
        SignatureBlock(
            left=labels,
            representatives=representatives,
            right=("告知人（签名）：",),
            issuer=committee.name,
            date_text=cn_date(case.rights_notified_on if case else None),
            seal_mm=0,  # the parties sign for what they were told: no seal on the form
        )
    )
    return form_document(TITLE, case, blocks, committee)
