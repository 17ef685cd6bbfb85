"""人民调解协议书 — the written mediation agreement (People's Mediation Law art. 29).

It states the parties' particulars; the main facts, the issues and each party's responsibility;
the agreed terms with the manner and time limit of performance; the number of copies (one per
party and one for the committee). Signature, fingerprint and seal spaces are left blank: the
software never prints a signature or a seal. Without an agreement on file the same structure
prints with ruled lines, so the paper can be filled in by hand.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.common import (
    REQUESTS,
    age_text,
    committee_lines,
    facts_and_issues,
    headed,
    page_layout,
    party_signatures,
    performances,
    requests,
    sorted_terms,
    term_text,
)
from app.documents.text import cn_date, cn_number, paragraphs
from app.documents.tree import (
    Align,
    Block,
    Document,
    Field,
    FieldLine,
    NumberedTerms,
    Paragraph,
    PartyBlock,
    RuledLines,
    SignatureBlock,
    Spacer,
    Style,
    Title,
)
from app.domain.codes import PartyKind, PartyRole
from app.views import AgreementView, CaseDetail, CommitteeInfo, PartyView

TITLE = "人民调解协议书"


def build_agreement(
    case: CaseDetail, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The agreement of `case` as a document tree, ready for `render_pdf`/`render_docx`.

    Ages are given on the day the agreement was reached (or `today` while none is recorded).
    """
    agreement = case.agreement
    on = (agreement.reached_on if agreement else None) or today or date.today()
    both = "双方" if len(case.parties) == 2 else "各方"

    blocks: list[Block] = [Title(TITLE), FieldLine("编号", case.number)]
    if case.parties:
        blocks += [_party_block(p, on) for p in case.parties]
    else:
        blocks += [_blank_party(PartyRole.APPLICANT), _blank_party(PartyRole.RESPONDENT)]

    blocks += _section("纠纷主要事实、争议事项：", facts_and_issues(case), blank_lines=4)
    asked = requests(case)
    if asked:
        blocks += [Paragraph(REQUESTS), *(Paragraph(text) for text in asked)]
    blocks += _section(
        "各方责任：", paragraphs(agreement.responsibility) if agreement else [], blank_lines=2
    )

    terms = sorted_terms(agreement)
    blocks.append(_heading(f"经调解，{both}当事人自愿达成如下协议："))
    if terms:
        blocks.append(NumberedTerms(tuple(term_text(t) for t in terms)))
    else:
        blocks.append(RuledLines(4))

    blocks += _section("履行方式、时限：", performances(case, terms), blank_lines=2)

    blocks += _closing(case, committee, both)
    blocks.append(_signatures(case, committee, agreement))
    return Document(
        f"{TITLE} {case.number}".strip(), headed(blocks, committee), layout=page_layout(committee)
    )


# ---------------------------------------------------------------------------------------------
# Parties


def _party_block(party: PartyView, on: date) -> PartyBlock:
    if party.kind is PartyKind.ORGANIZATION:
        rows: tuple[tuple[Field, ...], ...] = (
            (Field("名称", party.name, 8),),
            (Field("统一社会信用代码", party.credit_code, 9),),
            (Field("住所", party.address, 12),),
            (Field("法定代表人", party.legal_representative), Field("联系方式", party.phone, 6)),
        )
    else:
        rows = (
            (
                Field("姓名", party.name),
                Field("性别", party.sex.label if party.sex else "", 2),
                Field("民族", party.ethnicity, 3),
                Field("年龄", age_text(party, on), 2),
            ),
            (Field("职业或职务", party.occupation), Field("联系方式", party.phone, 6)),
            (Field("公民身份号码", party.id_number, 9),),
            (Field("单位或住址", party.address, 12),),
        )
    return PartyBlock(party.role.label, rows)


def _blank_party(role: PartyRole) -> PartyBlock:
    return PartyBlock(
        role.label,
        (
            (Field("姓名"), Field("性别", blank_chars=2), Field("民族", blank_chars=3)),
            (Field("年龄", blank_chars=2), Field("职业或职务"), Field("联系方式", blank_chars=6)),
            (Field("公民身份号码", blank_chars=9),),
            (Field("单位或住址", blank_chars=12),),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Sections


def _heading(text: str) -> Paragraph:
    return Paragraph(text, Style.HEADING, Align.LEFT, indent=False, keep_with_next=True)


def _section(heading: str, texts: list[str], *, blank_lines: int) -> list[Block]:
    """A heading with its paragraphs, or with ruled lines to write on when there is no text."""
    body: list[Block] = [Paragraph(t) for t in texts] if texts else [RuledLines(blank_lines)]
    return [_heading(heading), *body]


def _closing(case: CaseDetail, committee: CommitteeInfo, both: str) -> list[Block]:
    """The closing sentences, marked to go with the signatures (`Paragraph.keep_with_next`)."""
    copies = f"{cn_number(case.copies)}份" if case.parties else "\u3000\u3000份"
    texts = [f"本协议一式{copies}，当事人各执一份，人民调解委员会留存一份。"]
    # The committee's wording where it changed it (app.domain.wording has the standard one).
    if committee.print_effect_sentence and committee.text("effect"):
        texts.append(committee.text("effect"))
    if committee.print_confirmation_hint and committee.text("confirmation_hint"):
        # People's Mediation Law art. 33; the court is the basic-level court where the
        # committee sits (Civil Procedure Law, judicial confirmation of mediation agreements).
        texts.append(committee.text("confirmation_hint").replace("{当事人}", f"{both}当事人"))
    # The spacer sets the closing apart from the last section, like a heading's space.
    return [Spacer(2.5), *(Paragraph(text, keep_with_next=True) for text in texts)]


def _signatures(
    case: CaseDetail, committee: CommitteeInfo, agreement: AgreementView | None
) -> SignatureBlock:
    labels, representatives = party_signatures(case, "签名盖章或按指印")
    return SignatureBlock(
        left=labels,
        right=committee_lines(case),
        seal_label="（人民调解委员会印）",
        issuer=committee.name,
        date_text=cn_date(agreement.reached_on if agreement else None),
        representatives=representatives,
    )
