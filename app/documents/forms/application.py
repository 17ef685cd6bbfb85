"""人民调解申请书 — a party's application for mediation (People's Mediation Law art. 17).

A letter: each applicant's and each respondent's particulars, the dispute in brief, the
requests numbered 1. 2. (as the agreement repeats them), the statement that the committee
explained the rules and the applicant applies of their own will, then the applicants'
signatures and the date.

The particulars blocks and the section headings here are shared by the other letters (the power
of attorney, the joint application for judicial confirmation), so that they describe a party in
the same fields and words.
"""

from __future__ import annotations

from datetime import date

from app.documents.forms.acceptance import form_document, party_lines
from app.documents.forms.common import age_text, requests
from app.documents.text import cn_date, paragraphs
from app.documents.tree import (
    Align,
    Block,
    Document,
    Field,
    Paragraph,
    PartyBlock,
    RuledLines,
    SignatureBlock,
    Spacer,
    Style,
    Title,
)
from app.domain.codes import PartyKind, PartyRole
from app.views import CaseDetail, CommitteeInfo, PartyView

TITLE = "人民调解申请书"

Rows = tuple[tuple[Field, ...], ...]


def build_application(
    case: CaseDetail | None, committee: CommitteeInfo, *, today: date | None = None
) -> Document:
    """The application of `case` (its applicants and respondents), or the blank form.

    Ages are given on the day the application was received.
    """
    on = case.received_on if case else (today or date.today())
    blocks: list[Block] = [Title(TITLE)]
    for role in (PartyRole.APPLICANT, PartyRole.RESPONDENT):
        # Third parties join later, on the committee's initiative: not on the applicant's form.
        parties = case.parties_in(role) if case else ()
        blocks += [particulars(p, on) for p in parties] or [blank_particulars(role.label)]

    blocks += section("纠纷简要情况：", paragraphs(case.facts) if case else [], blank_lines=4)
    # Numbered 1. 2. as the agreement repeats them (`common.requests`).
    blocks += section("当事人申请事项：", requests(case) if case else [], blank_lines=2)

    blocks.append(Spacer(2.5))  # the statement stands apart from the requests
    blocks.append(
        Paragraph(
            f"{committee.name}已向申请人告知人民调解的性质、原则和效力，以及当事人在调解活动中"
            "享有的权利和承担的义务。申请人自愿申请人民调解。"
        )
    )
    applicants = (case.parties_in(PartyRole.APPLICANT) if case else ()) or (_unnamed(),)
    labels, representatives = party_lines(applicants, "签名盖章或按指印")
    blocks.append(
        SignatureBlock(
            left=labels,
            representatives=representatives,
            date_text=cn_date(case.received_on if case else None),
            seal_mm=0,  # no seal: the applicant's own letter
        )
    )
    return form_document(TITLE, case, blocks, committee)


def _unnamed() -> PartyView:
    return PartyView(0, 0, PartyRole.APPLICANT, PartyKind.PERSON, "")


# ---------------------------------------------------------------------------------------------
# Shared by the letters


def particulars(
    party: PartyView, on: date, *, role: str | None = None, identity: bool = False
) -> PartyBlock:
    """A party's particulars under its role (or `role`): a person's 姓名, 性别, 民族, 年龄;
    职业或职务, 联系方式; 单位或住址 (with `identity`, the 公民身份号码 a court needs); an
    organisation's name, credit code, address and legal representative. What is not recorded
    prints as a blank to fill in."""
    label = role or party.role.label
    if party.kind is PartyKind.ORGANIZATION:
        return PartyBlock(
            label,
            (
                (Field("名称", party.name, 8),),
                (Field("统一社会信用代码", party.credit_code, 9),),
                (Field("住所", party.address, 12),),
                (
                    Field("法定代表人", party.legal_representative),
                    Field("联系方式", party.phone, 6),
                ),
            ),
        )
    rows: Rows = (
        (
            Field("姓名", party.name),
            Field("性别", party.sex.label if party.sex else "", 2),
            Field("民族", party.ethnicity, 3),
            Field("年龄", age_text(party, on), 2),
        ),
        (Field("职业或职务", party.occupation), Field("联系方式", party.phone, 6)),
        *(((Field("公民身份号码", party.id_number, 9),),) if identity else ()),
        (Field("单位或住址", party.address, 12),),
    )
    return PartyBlock(label, rows)


def blank_particulars(role: str, *, identity: bool = False) -> PartyBlock:
    """The particulars of a person to write in by hand."""
    rows: Rows = (
        (Field("姓名"), Field("性别", blank_chars=2), Field("民族", blank_chars=3)),
        (Field("年龄", blank_chars=2), Field("职业或职务"), Field("联系方式", blank_chars=6)),
        *(((Field("公民身份号码", blank_chars=9),),) if identity else ()),
        (Field("单位或住址", blank_chars=12),),
    )
    return PartyBlock(role, rows)


def heading(text: str) -> Paragraph:
    """A section heading of a letter (kept with the first lines of its text)."""
    return Paragraph(text, Style.HEADING, Align.LEFT, indent=False, keep_with_next=True)


def section(title: str, texts: list[str], *, blank_lines: int) -> list[Block]:
    """A heading with its paragraphs, or with ruled lines to write on when there is no text."""
    if texts:
        return [heading(title), *(Paragraph(t) for t in texts)]
    # Ruled lines in groups of a few: a group cannot break over a page, a long run of them
    # would carry its heading to the next page and leave this one half empty.
    groups = [min(4, blank_lines - k) for k in range(0, blank_lines, 4)]
    return [heading(title), *(RuledLines(n) for n in groups)]
