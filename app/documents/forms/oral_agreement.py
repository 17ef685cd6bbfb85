"""人民调解口头协议登记表 — the register of an oral agreement (People's Mediation Law arts. 28, 30).

An oral agreement takes effect the day the parties reach it; the mediator records it, and the
committee keeps the record (so no copies are counted out to the parties). The register is a
ruled table of labelled cells: the parties, the facts and issues, what was agreed, how and by
when it is performed, the place, the amount, whether it was performed, the day it was reached.
Below it the parties, the mediator and the registrar sign, and the committee seals; those spaces
are left blank, as on every form. A cell with nothing on record is left blank to fill in by hand.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.common import (
    REQUESTS,
    age_text,
    committee_lines,
    facts_and_issues,
    headed,
    mediation_place,
    page_layout,
    party_signatures,
    performances,
    performed_on,
    requests,
    signing_parties,
    sorted_terms,
    term_text,
)
from app.documents.text import cn_date, cn_number, yuan_text
from app.documents.tree import (
    Document,
    FieldLine,
    Numbering,
    Paragraph,
    SignatureBlock,
    Spacer,
    Style,
    Table,
    Title,
    numbered,
)
from app.domain.codes import PartyKind
from app.views import CaseDetail, CommitteeInfo, PartyView, TermView

TITLE = "人民调解口头协议登记表"
#: Art. 30: in force from the day it is reached (no signature or seal makes it so).
EFFECT = "本口头协议自各方当事人达成协议之日起生效。"
#: Share of the text width for the labels: five characters of 小四 and the cell's padding
#: (a longer label is broken into lines of its own), which leaves the particulars and texts
#: room for 29 characters to the line.
LABEL_SHARE = 0.17
#: Room to sign under each signature label: less than the written agreement's, so that a
#: two-party register with its signatures and seal fits on one page.
SIGNATURE_ROOM_MM = 12.0
#: Column shares of the last row: 履行情况 | … | 达成日期 | …, room for the blank date to be
#: filled in by hand (eleven characters) on one line.
LAST_ROW_SHARES = (LABEL_SHARE, 0.33, LABEL_SHARE, 0.33)

Row = tuple[str, str]


def build_oral_agreement(
    case: CaseDetail, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The oral agreement register of `case` as a document tree.

    Ages are given on the day the agreement was reached (or `today` while none is recorded).
    """
    agreement = case.agreement
    reached = agreement.reached_on if agreement else None
    terms = sorted_terms(agreement)
    rows: list[Row] = [
        *_party_rows(case, reached or today or date.today()),
        ("纠纷主要\n事实、\n争议事项", _facts(case)),
        ("口头协议\n内容", _lines(_terms(terms), room=4)),
        ("履行方式、\n时限", _lines(performances(case, terms), room=2)),
        mediation_place(case),
        ("涉及金额", _amount(case)),
    ]
    # Two short fields share the last row, as on printed registers: a table of four columns
    # right under the first, its label column as wide.
    last = ("履行情况", _performed(terms), "达成日期", cn_date(reached))
    blocks = (
        Title(TITLE),
        FieldLine("编号", case.number),
        # A register is a dense form: its cells in 小四, as printed registers are.
        Table((), tuple(rows), (LABEL_SHARE, 1 - LABEL_SHARE), style=Style.SMALL),
        Table((), (last,), LAST_ROW_SHARES, style=Style.SMALL),
        Spacer(1.5),
        # A note under the register, in its cells' size.
        Paragraph(EFFECT, Style.SMALL, keep_with_next=True),
        _signatures(case, committee, reached),
    )
    return Document(
        f"{TITLE} {case.number}".strip(), headed(blocks, committee), layout=page_layout(committee)
    )


# ---------------------------------------------------------------------------------------------
# Cells


def _or_blank(text: str, chars: int) -> str:
    """The value, or room to write it by hand (ideographic spaces: a ruled cell needs no
    underline)."""
    return text or "\u3000" * chars


def _lines(texts: list[str], *, room: int) -> str:
    """Texts one to a line, or `room` lines to write on (of a blank each: empty lines would
    close up)."""
    return "\n".join(texts or [_or_blank("", 1)] * room)


def _party_rows(case: CaseDetail, on: date) -> list[Row]:
    """One row per party (an unnamed applicant and respondent when none is recorded)."""
    return [
        (p.role.label, _organisation(p) if p.kind is PartyKind.ORGANIZATION else _person(p, on))
        for p in signing_parties(case)
    ]


def _person(party: PartyView, on: date) -> str:
    """A person's particulars as the written agreement gives them (the ideographic spaces
    between fields are where a line may break: a field moves down whole)."""
    sex = party.sex.label if party.sex else ""
    return "\n".join(
        (
            f"姓名：{_or_blank(party.name, 5)}\u3000性别：{_or_blank(sex, 2)}"
            f"\u3000民族：{_or_blank(party.ethnicity, 4)}"
            f"\u3000年龄：{_or_blank(age_text(party, on), 3)}",
            f"职业或职务：{_or_blank(party.occupation, 5)}"
            f"\u3000联系方式：{_or_blank(party.phone, 8)}",
            f"公民身份号码：{_or_blank(party.id_number, 10)}",
            f"单位或住址：{_or_blank(party.address, 12)}",
        )
    )


def _organisation(party: PartyView) -> str:
    return "\n".join(
        (
            f"名称：{_or_blank(party.name, 10)}",
            f"统一社会信用代码：{_or_blank(party.credit_code, 9)}",
            f"法定代表人：{_or_blank(party.legal_representative, 4)}"
            f"\u3000联系方式：{_or_blank(party.phone, 6)}",
            f"住所：{_or_blank(party.address, 12)}",
        )
    )


def _facts(case: CaseDetail) -> str:
    """The facts and issues (or room to write them), then the requests on record."""
    facts = _lines(facts_and_issues(case), room=4)
    asked = requests(case)
    return "\n".join([facts, REQUESTS, *asked]) if asked else facts


def _terms(terms: list[TermView]) -> list[str]:
    return [numbered(k, Numbering.CHINESE) + term_text(t) for k, t in enumerate(terms, 1)]


def _amount(case: CaseDetail) -> str:
    """What the agreement comes to in money (the amount in dispute when no term has one)."""
    total = case.agreement.total_amount if case.agreement else None
    amount = total if total is not None else case.amount
    return yuan_text(amount) if amount is not None else ""


def _performed(terms: list[TermView]) -> str:
    """已履行 with the day the last term was performed, 未履行, or which terms were and which
    were not; blank without terms."""
    if not terms:
        return ""
    today = date.today()
    days = [performed_on(t, today) for t in terms]
    done = [d for d in days if d is not None]
    if not done:
        return "未履行"
    if len(done) == len(terms):
        return f"已履行（{cn_date(max(done))}履行完毕）"
    parts = [
        f"第{cn_number(k)}项" + (f"已于{cn_date(d)}履行" if d else "未履行")
        for k, d in enumerate(days, 1)
    ]
    return f"部分履行：{'；'.join(parts)}。"


def _signatures(case: CaseDetail, committee: CommitteeInfo, reached: date | None) -> SignatureBlock:
    labels, representatives = party_signatures(case, "签名或按指印")
    return SignatureBlock(
        left=labels,
        right=committee_lines(case, recorder="登记人"),
        seal_label="（人民调解委员会印）",
        issuer=committee.name,
        date_text=cn_date(reached),
        space_mm=SIGNATURE_ROOM_MM,
        representatives=representatives,
        style=Style.SMALL,
    )
