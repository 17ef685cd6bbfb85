"""授权委托书 — a party's power of attorney for its agent (委托代理人), one per agent.

The principal's particulars, the agent's, the matter (the dispute and the committee mediating
it), the authority (一般授权 or 特别授权, and what it covers as recorded), the term, and the
signatures of principal and agent with the date the authority was given. The agent's sex, age,
address and relation to the principal are not recorded by the program: they are blanks to fill
in by hand.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import (
    DATE_BLANK,
    NAME_BLANK,
    between,
    choices,
    dispute_name,
    form_document,
    inline_date,
    party_lines,
)
from app.documents.forms.application import blank_particulars, heading, particulars, section
from app.documents.text import cn_date, paragraphs, sentence
from app.documents.tree import (
    Align,
    Block,
    Document,
    Field,
    Paragraph,
    PartyBlock,
    SignatureBlock,
    Style,
    Title,
)
from app.domain.codes import AuthorityKind
from app.views import AgentView, CaseDetail, CommitteeInfo, PartyView

TITLE = "授权委托书"
AUTHORITY_CHOICES = tuple((kind, kind.label) for kind in AuthorityKind)
#: What each authority covers, as customarily printed under the choice.
AUTHORITY_NOTE = (
    "一般授权的，受托人可以代为参加调解、陈述意见、提供证据；特别授权的，受托人还可以代为"
    "承认、放弃、变更调解请求，代为达成和签署调解协议。"
)


def agents_of(case: CaseDetail) -> list[tuple[PartyView, AgentView]]:
    """Every agent of the case with the party who appointed them, in the parties' order."""
    return [(party, agent) for party in case.parties for agent in party.agents]


def build_power_of_attorney(
    case: CaseDetail | None,
    committee: CommitteeInfo,
    *,
    agent_id: int | None = None,
    today: date | None = None,
) -> Document:
    """The power of attorney for agent `agent_id` of `case` (None: its first agent); the
    blank form without a case or when the case has no agent. An unknown id is a `LookupError`.
    """
    pair = _pick(case, agent_id)
    party, agent = pair if pair else (None, None)
    authorised = agent.authorised_on if agent else None
    on = authorised or today or date.today()
    labels, representatives = (
        party_lines((party,), "签名或按指印", role="委托人")
        if party
        else (("委托人（签名或按指印）：",), ("",))
    )
    blocks: list[Block] = [
        Title(TITLE),
        particulars(party, on, role="委托人") if party else blank_particulars("委托人"),
        _agent_block(agent),
        Paragraph(_matter(case, committee, party, agent)),
        heading("代理权限："),
        Paragraph(
            choices(AUTHORITY_CHOICES, agent.authority_kind if agent else None, per_line=2),
            indent=False,
        ),
        Paragraph(AUTHORITY_NOTE, Style.SMALL),
        *section(
            "具体权限：",
            [sentence(t) for t in paragraphs(agent.authority)] if agent else [],
            blank_lines=2,
        ),
        Paragraph(
            f"委托期限：自{inline_date(authorised)}起至{DATE_BLANK}止。",
            align=Align.LEFT,
        ),
        SignatureBlock(
            # Principal and agent sign side by side, as the two parties to the authority.
            left=(*labels, f"受托人{agent.name if agent else ''}（签名）："),
            representatives=(*representatives, ""),
            date_text=cn_date(authorised),
            seal_mm=0,  # signed by the parties to it; the committee does not seal it
        ),
    ]
    return form_document(TITLE, case, blocks, committee)


def _pick(case: CaseDetail | None, agent_id: int | None) -> tuple[PartyView, AgentView] | None:
    pairs = agents_of(case) if case else []
    if agent_id is None:
        return pairs[0] if pairs else None
    for pair in pairs:
        if pair[1].id == agent_id:
            return pair
    raise LookupError(f"no agent {agent_id} in this case")


def _agent_block(agent: AgentView | None) -> PartyBlock:
    return PartyBlock(
        "受托人",
        (
            (
                Field("姓名", agent.name if agent else ""),
                Field("性别", blank_chars=2),
                Field("年龄", blank_chars=2),
            ),
            (
                Field("联系方式", agent.phone if agent else "", 6),
                Field("与委托人关系", blank_chars=3),
            ),
            (Field("工作单位或住址", blank_chars=12),),
        ),
    )


def _matter(
    case: CaseDetail | None,
    committee: CommitteeInfo,
    party: PartyView | None,
    agent: AgentView | None,
) -> str:
    dispute = (
        f"{between(case)}之间的{dispute_name(case.dispute_type)}"
        if case
        else f"{NAME_BLANK}与{NAME_BLANK}之间的{NAME_BLANK}纠纷"
    )
    principal = party.name if party else NAME_BLANK
    return (
        f"现委托{agent.name if agent else NAME_BLANK}为{principal}的委托代理人，"
        f"就{dispute}，参加{committee.name}主持的人民调解。"
    )
