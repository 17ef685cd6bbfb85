"""Checking a case as typed: every wrong field at once, in Chinese, nothing changed."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from app.domain.codes import Sex
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import ValidationErrors
from app.domain.rules import check_agreement, check_case

TODAY = date(2026, 11, 25)


def good() -> CaseDraft:
    return CaseDraft(
        title="楼上渗水纠纷",
        received_on=date(2026, 3, 2),
        amount="1,250.50",
        parties=[
            PartyDraft(role="applicant", name="李秀英", id_number="11010519491231002x"),
            PartyDraft(
                role="respondent",
                kind="organization",
                name="某物业公司",
                credit_code="91350100M000100Y43",
            ),
        ],
    )


def test_a_good_case_is_cleaned() -> None:
    clean = check_case(good(), TODAY)
    applicant = clean.parties[0]
    assert str(clean.amount) == "1250.50"
    assert applicant.id_number == "11010519491231002X"
    # The ID card tells birth date and sex when they were not typed.
    assert applicant.birth_date == date(1949, 12, 31) and applicant.sex == Sex.FEMALE


def test_every_wrong_field_is_reported_and_the_draft_is_untouched() -> None:
    draft = good()
    draft.title = "  "
    draft.amount = "12.345"
    draft.received_on = date(2027, 1, 1)
    draft.parties[0].id_number = "110105194912310021"
    draft.parties[0].phone = "1380000"
    draft.parties[1].credit_code = "91350100M000100Y44"
    before = copy.deepcopy(draft)
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    fields = [e.field for e in caught.value.errors]
    assert fields == [
        "title",
        "received_on",
        "amount",
        "parties[0].id_number",
        "parties[0].phone",
        "parties[1].credit_code",
    ]
    messages = {e.field: e.message for e in caught.value.errors}
    assert messages["parties[0].id_number"].startswith("第1位当事人（李秀英）的身份证号：")
    assert "统一社会信用代码" in messages["parties[1].credit_code"]
    assert draft == before


def test_both_sides_of_a_dispute_are_required() -> None:
    draft = good()
    draft.parties = draft.parties[:1]
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    assert [e.field for e in caught.value.errors] == ["parties"]
    assert "被申请人" in caught.value.message


def test_id_number_must_agree_with_typed_sex() -> None:
    draft = good()
    draft.parties[0].sex = "male"
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    assert caught.value.errors[0].field == "parties[0].id_number"
    assert "性别" in caught.value.errors[0].message


def test_unknown_codes_name_the_choices_in_chinese() -> None:
    draft = good()
    draft.dispute_type = "noise"
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    assert "纠纷类型" in caught.value.message and "邻里" in caught.value.message


def test_agreement_terms_point_at_real_parties() -> None:
    draft = AgreementDraft(terms=[TermDraft(text="赔偿", obligor=5, amount="abc")])
    with pytest.raises(ValidationErrors) as caught:
        check_agreement(draft, party_count=2)
    assert [e.field for e in caught.value.errors] == ["terms[0].amount", "terms[0].obligor"]
    assert caught.value.errors[0].message.startswith("第1条协议内容的金额")
