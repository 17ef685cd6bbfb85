"""Checking a case as typed: every wrong field at once, in Chinese, nothing changed."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from app.domain.codes import PanelRole, Sex
from app.domain.drafts import AgreementDraft, CaseDraft, PartyDraft, TermDraft
from app.domain.errors import ValidationError, ValidationErrors
from app.domain.rules import check_agreement, check_case, check_mediator_birth_date, choose

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
    assert caught.value.errors[0].message.startswith("协议第1条的金额")


def test_no_word_is_said_twice() -> None:
    with pytest.raises(ValidationErrors) as caught:
        check_agreement(AgreementDraft(terms=[TermDraft(text=" ")]), party_count=2)
    message = caught.value.errors[0].message
    assert caught.value.errors[0].field == "terms[0].text"
    assert "内容的内容" not in message and "例如" in message


def test_a_missing_choice_is_called_missing_not_none() -> None:
    with pytest.raises(ValidationError) as caught:
        choose(PanelRole, None, "role", "角色")
    assert "None" not in caught.value.message
    assert "没有填写" in caught.value.message and "主持人（lead）" in caught.value.message


# --- fields that belong to the other kind of party ----------------------------------------------


def test_a_person_has_no_credit_code_or_legal_representative() -> None:
    draft = good()
    draft.parties[0].credit_code = "91350100M000100Y43"
    draft.parties[0].legal_representative = "张卫国"
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    assert [e.field for e in caught.value.errors] == [
        "parties[0].credit_code",
        "parties[0].legal_representative",
    ]
    assert caught.value.errors[0].message.startswith("第1位当事人（李秀英）的统一社会信用代码：")


def test_an_organization_has_no_id_number_sex_birth_date_or_ethnicity() -> None:
    draft = good()
    draft.parties[1].id_number = "11010519491231002X"
    draft.parties[1].sex = "male"
    draft.parties[1].birth_date = date(1980, 1, 1)
    draft.parties[1].ethnicity = "汉族"
    with pytest.raises(ValidationErrors) as caught:
        check_case(draft, TODAY)
    assert sorted(e.field for e in caught.value.errors) == [
        "parties[1].birth_date",
        "parties[1].ethnicity",
        "parties[1].id_number",
        "parties[1].sex",
    ]
    assert all("单位没有这一项" in e.message for e in caught.value.errors)


# --- agreement rules ------------------------------------------------------------------------------

RECEIVED = date(2026, 3, 2)


def agreement(**changes) -> AgreementDraft:
    term = TermDraft(
        text="被申请人赔偿申请人维修费",
        obligor=1,
        obligee=0,
        amount="800",
        due=date(2026, 4, 1),
    )
    draft = AgreementDraft(form="written", reached_on=date(2026, 3, 20), terms=[term])
    for key, value in changes.items():
        setattr(draft, key, value)
    return draft


def agreement_errors(draft: AgreementDraft) -> dict[str, str]:
    with pytest.raises(ValidationErrors) as caught:
        check_agreement(draft, party_count=2, received_on=RECEIVED, today=TODAY)
    return {e.field: e.message for e in caught.value.errors}


def test_a_good_agreement_passes() -> None:
    clean = check_agreement(agreement(), party_count=2, received_on=RECEIVED, today=TODAY)
    assert clean.terms[0].obligor == 1 and str(clean.terms[0].amount) == "800.00"


def test_a_written_agreement_needs_a_term_an_oral_one_does_not() -> None:
    errors = agreement_errors(agreement(terms=[]))
    assert list(errors) == ["terms"] and "协议至少要有一条内容" in errors["terms"]
    oral = agreement(form="oral", terms=[])
    assert check_agreement(oral, party_count=2, received_on=RECEIVED, today=TODAY).terms == ()


def test_nobody_owes_themselves() -> None:
    draft = agreement()
    draft.terms[0].obligee = 1
    errors = agreement_errors(draft)
    assert list(errors) == ["terms[0].obligee"] and "同一位当事人" in errors["terms[0].obligee"]


def test_a_money_term_says_who_pays() -> None:
    draft = agreement()
    draft.terms[0].obligor = None
    errors = agreement_errors(draft)
    assert list(errors) == ["terms[0].obligor"]
    assert "付款的条款要写明由谁支付" in errors["terms[0].obligor"]


def test_a_term_without_money_may_have_no_obligor() -> None:
    draft = agreement()
    draft.terms[0].amount = ""
    draft.terms[0].obligor = None
    assert check_agreement(draft, party_count=2, received_on=RECEIVED, today=TODAY)


def test_nothing_falls_due_before_the_agreement() -> None:
    draft = agreement()
    draft.terms[0].due = date(2026, 3, 19)
    errors = agreement_errors(draft)
    assert list(errors) == ["terms[0].due"] and "2026-03-20" in errors["terms[0].due"]


@pytest.mark.parametrize(
    ("reached_on", "hint"),
    [
        (date(2026, 11, 26), "不能晚于今天"),
        (date(2026, 3, 1), "不能早于这件纠纷的受理日期2026-03-02"),
    ],
)
def test_the_agreement_date_lies_between_receiving_and_today(reached_on: date, hint: str) -> None:
    draft = agreement(reached_on=reached_on)
    draft.terms[0].due = None
    errors = agreement_errors(draft)
    assert list(errors) == ["reached_on"] and hint in errors["reached_on"]


# --- mediators ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "hint"), [(date(2026, 12, 1), "还没到"), (date(2008, 11, 26), "只有17岁")]
)
def test_a_mediator_is_an_adult(born: date, hint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_mediator_birth_date(born, TODAY)
    assert hint in caught.value.message and caught.value.field == "birth_date"


def test_a_mediator_of_exactly_eighteen_is_accepted() -> None:
    assert check_mediator_birth_date(date(2008, 11, 25), TODAY) == date(2008, 11, 25)
