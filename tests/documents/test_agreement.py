"""人民调解协议书 as a document tree: what it says, before any rendering."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from app.documents import tree
from app.documents.forms.agreement import build_agreement
from app.documents.text import BLANK_DATE
from app.domain.schedule import Instalment, Schedule
from app.views import CaseDetail, CommitteeInfo, TermView

from .conftest import APPLICANT, MEDIATOR, NUMBER, ORGANISATION, RECORDER, RESPONDENT


def texts(doc: tree.Document) -> list[str]:
    """Every string the document prints, block by block."""
    out: list[str] = []
    for block in doc.blocks:
        match block:
            case tree.Title(text) | tree.Paragraph(text):
                out.append(text)
            case tree.FieldLine(label, value):
                out.append(f"{label}：{value}")
            case tree.PartyBlock(role, rows):
                out.append(role)
                out.extend(f"{f.label}：{f.value}" for row in rows for f in row)
            case tree.NumberedTerms(items):
                out.extend(items)
            case tree.Table(header, rows):
                out.extend(header)
                out.extend(cell for row in rows for cell in row)
            case tree.SignatureBlock(left, right, seal, issuer, date_text):
                out.extend([*left, *right, seal, issuer, date_text])
    return out


def joined(doc: tree.Document) -> str:
    return "\n".join(texts(doc))


def test_heading_number_and_title(case: CaseDetail, committee: CommitteeInfo) -> None:
    doc = build_agreement(case, committee)
    assert doc.blocks[0] == tree.Title("人民调解协议书")
    assert doc.blocks[1] == tree.FieldLine("编号", NUMBER)
    assert doc.title == f"人民调解协议书 {NUMBER}"
    assert doc.page_size == "A4"


def test_copies_are_parties_plus_one(
    case: CaseDetail, three_party_case: CaseDetail, committee: CommitteeInfo
) -> None:
    two = joined(build_agreement(case, committee))
    three = joined(build_agreement(three_party_case, committee))
    assert "本协议一式三份，当事人各执一份，人民调解委员会留存一份。" in two
    assert "本协议一式四份，当事人各执一份，人民调解委员会留存一份。" in three
    assert "经调解，双方当事人自愿达成如下协议：" in two
    assert "经调解，各方当事人自愿达成如下协议：" in three


def test_party_particulars(case: CaseDetail, committee: CommitteeInfo) -> None:
    doc = build_agreement(case, committee)
    parties = [b for b in doc.blocks if isinstance(b, tree.PartyBlock)]
    assert [p.role for p in parties] == ["申请人", "被申请人"]
    fields = {f.label: f.value for row in parties[1].rows for f in row}
    assert fields == {
        "姓名": RESPONDENT,
        "性别": "女",
        "民族": "汉族",
        "年龄": "35岁",  # on the day the agreement was reached, the day before her birthday
        "职业或职务": "教师",
        "联系方式": "13900000000",
        "公民身份号码": "410703199003210048",  # in full: the agreement identifies the party
        "单位或住址": "河南省新乡市卫滨区飞机场社区3号楼2单元501室",
    }


def test_organisation_particulars_and_signature(
    three_party_case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_agreement(three_party_case, committee)
    organisation = [b for b in doc.blocks if isinstance(b, tree.PartyBlock)][2]
    fields = {f.label: f.value for row in organisation.rows for f in row}
    assert organisation.role == "第三人"
    assert fields["名称"] == ORGANISATION
    assert fields["统一社会信用代码"] == "91350100M000100Y43"
    assert fields["住所"] and fields["法定代表人"] == "赵六"
    signatures = doc.blocks[-1]
    assert isinstance(signatures, tree.SignatureBlock)
    assert signatures.left == (
        f"申请人{APPLICANT}（签名盖章或按指印）：",
        f"被申请人{RESPONDENT}（签名盖章或按指印）：",
        f"第三人{ORGANISATION}（单位盖章）：",
    )
    # the organisation's representative signs on a line of its own, with the office held
    assert signatures.representatives == ("", "", "法定代表人（职务：＿＿＿＿）签名：")


def test_parties_of_one_role_get_a_signature_line_each(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    """Two applicants: each line names who signs on it, so the lines are not the same."""
    second = dataclasses.replace(case.parties[0], id=9, position=2, name="王秀英")
    doc = build_agreement(dataclasses.replace(case, parties=(*case.parties, second)), committee)
    signatures = doc.blocks[-1]
    assert isinstance(signatures, tree.SignatureBlock)
    assert signatures.left[0] == f"申请人{APPLICANT}（签名盖章或按指印）："
    assert signatures.left[2] == "申请人王秀英（签名盖章或按指印）："
    assert len(set(signatures.left)) == 3


def test_facts_issues_and_responsibility(case: CaseDetail, committee: CommitteeInfo) -> None:
    all_text = texts(build_agreement(case, committee))
    assert "纠纷主要事实、争议事项：" in all_text
    assert "双方因维修和赔偿问题发生争执，申请人于2026年3月2日向本委员会申请调解。" in all_text
    assert "争议焦点：渗水原因、维修责任及赔偿金额。" in all_text
    assert "各方责任：" in all_text
    assert "（登记时的简要情况）楼上渗水。" not in all_text  # the agreement's facts win

    no_facts = dataclasses.replace(case.agreement, facts="")
    all_text = texts(build_agreement(dataclasses.replace(case, agreement=no_facts), committee))
    assert "（登记时的简要情况）楼上渗水。" in all_text


def test_terms_amounts_and_performance(case: CaseDetail, committee: CommitteeInfo) -> None:
    doc = build_agreement(case, committee)
    (terms,) = [b for b in doc.blocks if isinstance(b, tree.NumberedTerms)]
    assert terms.numbering is tree.Numbering.CHINESE
    assert terms.items == (
        "被申请人于协议签订后十日内请专业人员修复卫生间防水层。",
        "被申请人赔偿申请人天花板、墙面维修费用，"
        "金额为人民币1250.50元（大写：壹仟贰佰伍拾元伍角）。",
        "双方今后互谅互让，和睦相处。",
    )
    all_text = texts(doc)
    assert "履行方式、时限：" in all_text
    assert f"第一项：由被申请人{RESPONDENT}于2026年3月30日前按约定自行履行。" in all_text
    assert (
        f"第二项：由被申请人{RESPONDENT}于2026年4月1日前向申请人{APPLICANT}支付人民币1250.50元。"
    ) in all_text
    assert not any(t.startswith("第三项") for t in all_text)  # nothing to say about it


def test_instalments_and_monthly_payments_are_worded_as_agreed(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    parts = Schedule.in_instalments(
        [Instalment(date(2026, 4, 1), 60_000), Instalment(date(2026, 5, 1), 65_050)]
    )
    monthly = Schedule.monthly(10, 60_000, date(2026, 4, 1), date(2027, 3, 31))
    assert case.agreement is not None
    _one, two, three = case.agreement.terms
    terms = (
        dataclasses.replace(two, schedule=parts),
        TermView(
            3,
            "被申请人每月支付申请人赡养费",
            obligor=1,
            obligee=0,
            amount=Decimal("600"),
            schedule=monthly,
        ),
        three,
    )
    agreement = dataclasses.replace(case.agreement, terms=terms)
    doc = build_agreement(dataclasses.replace(case, agreement=agreement), committee)
    all_text = texts(doc)
    assert (
        f"第一项：由被申请人{RESPONDENT}向申请人{APPLICANT}分2期支付：2026年4月1日前支付"
        "人民币600.00元；2026年5月1日前支付人民币650.50元。"
    ) in all_text
    (second,) = [t for t in all_text if t.startswith("第二项")]
    assert "每月10日前支付人民币600.00元" in second and "2027年3月" in second
    (terms_block,) = [b for b in doc.blocks if isinstance(b, tree.NumberedTerms)]
    assert "每月金额为人民币600.00元" in terms_block.items[1]


def test_terms_pointing_nowhere_do_not_break_the_form(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    term = TermView(1, "支付补偿", obligor=7, obligee=-1, due=date(2026, 5, 1))
    odd = dataclasses.replace(case.agreement, terms=(term,))
    all_text = texts(build_agreement(dataclasses.replace(case, agreement=odd), committee))
    assert "第一项：于2026年5月1日前按约定自行履行。" in all_text


@pytest.mark.parametrize(
    ("obligor", "obligee", "expected"),
    [
        (None, None, "第一项：于2026年4月1日前支付人民币100.00元（付款人、收款人见协议第一项）。"),
        (
            1,
            None,
            f"第一项：由被申请人{RESPONDENT}于2026年4月1日前支付人民币100.00元"
            "（收款人见协议第一项）。",
        ),
        (
            None,
            0,
            f"第一项：于2026年4月1日前向申请人{APPLICANT}支付人民币100.00元"
            "（付款人见协议第一项）。",
        ),
    ],
)
def test_a_payment_without_payer_or_payee_refers_to_the_term(
    case: CaseDetail,
    committee: CommitteeInfo,
    obligor: int | None,
    obligee: int | None,
    expected: str,
) -> None:
    """Older data may hold a money term with nobody recorded to pay: never "支付…" from no one."""
    term = TermView(
        1, "赔偿", obligor=obligor, obligee=obligee, amount=Decimal("100.00"), due=date(2026, 4, 1)
    )
    odd = dataclasses.replace(case.agreement, terms=(term,))
    all_text = texts(build_agreement(dataclasses.replace(case, agreement=odd), committee))
    assert expected in all_text


def test_committee_settings_choose_the_closing_sentences(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    effect = (
        "本协议自各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
    )
    hint = "三十日内，共同向人民调解委员会所在地基层人民法院申请司法确认"
    text = joined(build_agreement(case, committee))
    assert effect in text and hint in text
    quiet = dataclasses.replace(
        committee, print_effect_sentence=False, print_confirmation_hint=False
    )
    text = joined(build_agreement(case, quiet))
    assert effect not in text and hint not in text


def test_never_prints_a_signature_or_seal(case: CaseDetail, committee: CommitteeInfo) -> None:
    """The mediator's and the recorder's names say whose line it is; nothing fills it."""
    doc = build_agreement(case, committee)
    signatures = doc.blocks[-1]
    assert isinstance(signatures, tree.SignatureBlock)
    assert signatures.right == (f"人民调解员{MEDIATOR}（签名）：", f"记录人{RECORDER}（签名）：")
    others = "\n".join(texts(dataclasses.replace(doc, blocks=doc.blocks[:-1])))
    assert MEDIATOR not in others and RECORDER not in others
    assert signatures.seal_label == "（人民调解委员会印）"
    assert signatures.issuer == "飞机场社区人民调解委员会"
    assert signatures.date_text == "2026年3月20日"
    assert signatures.seal_mm >= 40


def test_blank_form_without_agreement(blank_case: CaseDetail, committee: CommitteeInfo) -> None:
    doc = build_agreement(blank_case, committee, today=date(2026, 3, 21))
    assert not any(isinstance(b, tree.NumberedTerms) for b in doc.blocks)
    ruled = [b for b in doc.blocks if isinstance(b, tree.RuledLines)]
    assert len(ruled) == 4  # facts, responsibility, terms, performance
    signatures = doc.blocks[-1]
    assert isinstance(signatures, tree.SignatureBlock)
    assert signatures.date_text == BLANK_DATE
    respondent = [b for b in doc.blocks if isinstance(b, tree.PartyBlock)][1]
    assert {f.label: f.value for row in respondent.rows for f in row}["年龄"] == "36岁"  # today
    assert "本协议一式三份" in joined(doc)


def test_no_terms_yet_still_gives_lines_to_write_on(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    empty = dataclasses.replace(case.agreement, terms=())
    doc = build_agreement(dataclasses.replace(case, agreement=empty), committee)
    heads = [isinstance(b, tree.Paragraph) and b.text.startswith("经调解") for b in doc.blocks]
    lead = heads.index(True)
    assert isinstance(doc.blocks[lead + 1], tree.RuledLines)


def test_case_without_parties_prints_blank_particulars(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_agreement(dataclasses.replace(case, parties=()), committee)
    parties = [b for b in doc.blocks if isinstance(b, tree.PartyBlock)]
    assert [p.role for p in parties] == ["申请人", "被申请人"]
    assert all(not f.value for p in parties for row in p.rows for f in row)
    assert "本协议一式\u3000\u3000份" in joined(doc)
