"""Identifier checks: published samples, the messages a volunteer sees, and check-digit laws."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.codes import Sex
from app.domain.errors import ValidationError
from app.domain.validation import (
    check_credit_code,
    check_mobile,
    check_phone,
    check_resident_id,
    credit_code_check_char,
    require_text,
    resident_id_birth_date,
    resident_id_check_char,
    resident_id_sex,
)

SAMPLE_ID = "11010519491231002X"
SAMPLE_CREDIT_CODE = "91350100M000100Y43"
TODAY = date(2024, 6, 1)
#: GB 32100 alphabet: digits and capitals without I, O, S, V, Z.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_id_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def problem_of(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- require_text -----------------------------------------------------------------------------


def test_require_text_strips_and_returns() -> None:
    assert require_text("  张三\u3000", "name", "姓名") == "张三"


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000"])
def test_require_text_refuses_blank(blank: str | None) -> None:
    error = problem_of(require_text, blank, "name", "姓名")
    assert error.field == "name"
    assert error.message.startswith("姓名：")
    assert "不能为空" in error.message


def test_require_text_gives_the_example_once() -> None:
    error = problem_of(require_text, "", "name", "姓名", example="李秀英")
    assert error.message == "姓名：不能为空，请填写，例如 李秀英"


def test_require_text_names_the_limit() -> None:
    assert require_text("a" * 5, "title", "案由", max_length=5) == "aaaaa"
    error = problem_of(require_text, "a" * 6, "title", "案由", max_length=5)
    assert "最多5个字" in error.message
    assert "现在有6个字" in error.message


# --- Resident ID ------------------------------------------------------------------------------


def test_published_sample_id_passes() -> None:
    assert check_resident_id(SAMPLE_ID, today=TODAY) == SAMPLE_ID
    assert resident_id_birth_date(SAMPLE_ID) == date(1949, 12, 31)
    assert resident_id_sex(SAMPLE_ID) is Sex.FEMALE
    assert resident_id_check_char(SAMPLE_ID[:17]) == "X"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２ｘ",  # full-width, as a Chinese IME types it
    ],
)
def test_id_is_normalised(typed: str) -> None:
    assert check_resident_id(typed, today=TODAY) == SAMPLE_ID


def test_odd_17th_digit_is_male() -> None:
    male = with_id_check("11010519491231001")
    assert resident_id_sex(male) is Sex.MALE
    assert check_resident_id(male, sex=Sex.MALE, today=TODAY) == male


def test_id_agreeing_sex_and_birth_date_pass() -> None:
    assert (
        check_resident_id(SAMPLE_ID, sex=Sex.FEMALE, birth_date=date(1949, 12, 31), today=TODAY)
        == SAMPLE_ID
    )


def test_id_wrong_check_char_names_the_expected_one() -> None:
    error = problem_of(check_resident_id, SAMPLE_ID[:17] + "3", today=TODAY)
    assert error.field == "id_number"
    assert error.message.startswith("身份证号：")
    assert "校验码" in error.message
    assert "应为X" in error.message


@pytest.mark.parametrize("typed", [SAMPLE_ID[:16], SAMPLE_ID + "1"])
def test_id_wrong_length_says_eighteen_with_example(typed: str) -> None:
    error = problem_of(check_resident_id, typed, today=TODAY)
    assert "应为18位" in error.message
    assert f"现在是{len(typed)}位" in error.message
    assert SAMPLE_ID in error.message


def test_id_old_fifteen_digit_number_is_explained() -> None:
    error = problem_of(check_resident_id, "110105491231002", today=TODAY)
    assert "15位" in error.message
    assert "18位" in error.message


def test_id_empty_says_fill_in() -> None:
    error = problem_of(check_resident_id, "  ", today=TODAY)
    assert "不能为空" in error.message


@pytest.mark.parametrize(
    ("typed", "where"),
    [("1101051949A231002X", "第11位“A”"), ("1101051949123100X2", "第17位“X”")],
)
def test_id_letters_point_at_the_position(typed: str, where: str) -> None:
    error = problem_of(check_resident_id, typed, today=TODAY)
    assert where in error.message
    assert "最后一位是数字或X" in error.message


def test_id_area_code_must_start_with_1_to_8() -> None:
    error = problem_of(check_resident_id, with_id_check("91010519491231002"), today=TODAY)
    assert "地区代码" in error.message


@pytest.mark.parametrize("birth", ["19490230", "19491331", "19490000"])
def test_id_invalid_birth_date(birth: str) -> None:
    error = problem_of(check_resident_id, with_id_check(f"110105{birth}002"), today=TODAY)
    assert f"出生日期部分（第7到14位）{birth}不是有效日期" in error.message
    assert "例如 19491231" in error.message


def test_id_future_birth_date() -> None:
    number = with_id_check("11010520300101002")
    error = problem_of(check_resident_id, number, today=TODAY)
    assert "20300101" in error.message
    assert "还没有到" in error.message
    # The same number is fine once the day has come.
    assert check_resident_id(number, today=date(2030, 1, 1)) == number


def test_id_birth_year_before_1900() -> None:
    error = problem_of(check_resident_id, with_id_check("11010518991231002"), today=TODAY)
    assert "早于1900年" in error.message


def test_id_sex_mismatch() -> None:
    error = problem_of(check_resident_id, SAMPLE_ID, sex=Sex.MALE, today=TODAY)
    assert error.message == ("身份证号：第17位表示性别，这个号码是女性，但性别填的是男，请核对")


def test_id_birth_date_mismatch() -> None:
    error = problem_of(check_resident_id, SAMPLE_ID, birth_date=date(1950, 1, 1), today=TODAY)
    assert "第7到14位" in error.message
    assert "1949年12月31日" in error.message
    assert "1950年1月1日" in error.message


def test_id_error_keeps_custom_field_and_label() -> None:
    error = problem_of(check_resident_id, "123", "parties[0].id_number", "申请人身份证号")
    assert error.field == "parties[0].id_number"
    assert error.message.startswith("申请人身份证号：")


def test_id_check_char_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        resident_id_check_char("1234")
    with pytest.raises(ValueError):
        resident_id_check_char("1101051949123100X")


id_bodies = st.builds(
    lambda area, born, serial: f"{area}{born:%Y%m%d}{serial}",
    st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
    st.dates(date(1900, 1, 1), date(2020, 12, 31)),
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)


@given(id_bodies)
def test_any_well_formed_body_with_its_check_char_passes(body: str) -> None:
    number = body + resident_id_check_char(body)
    assert check_resident_id(number, today=TODAY) == number
    born = resident_id_birth_date(number)
    assert f"{born:%Y%m%d}" == body[6:14]
    assert (
        check_resident_id(number, sex=resident_id_sex(number), birth_date=born, today=TODAY)
        == number
    )


@given(id_bodies, st.data())
def test_any_single_character_substitution_is_caught(body: str, data: st.DataObject) -> None:
    number = body + resident_id_check_char(body)
    position = data.draw(st.integers(0, 17), label="position")
    allowed = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from(allowed.replace(number[position], "")))
    typo = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        check_resident_id(typo, today=TODAY)


# --- Unified social credit code ---------------------------------------------------------------


def test_published_sample_credit_code_passes() -> None:
    assert check_credit_code(SAMPLE_CREDIT_CODE) == SAMPLE_CREDIT_CODE
    assert credit_code_check_char(SAMPLE_CREDIT_CODE[:17]) == "3"


def test_credit_code_is_upper_cased_and_unspaced() -> None:
    assert check_credit_code(" 91350100m000100y43 ") == SAMPLE_CREDIT_CODE
    assert check_credit_code("9135 0100 M000 100Y 43") == SAMPLE_CREDIT_CODE


def test_credit_code_wrong_check_char_names_the_expected_one() -> None:
    error = problem_of(check_credit_code, SAMPLE_CREDIT_CODE[:17] + "4")
    assert error.field == "credit_code"
    assert error.message.startswith("统一社会信用代码：")
    assert "应为3" in error.message


def test_credit_code_wrong_length() -> None:
    error = problem_of(check_credit_code, SAMPLE_CREDIT_CODE[:10])
    assert "应为18位" in error.message
    assert "现在是10位" in error.message
    assert SAMPLE_CREDIT_CODE in error.message


def test_credit_code_letter_o_is_probably_zero() -> None:
    error = problem_of(check_credit_code, "91350100MO00100Y43")
    assert "第10位“O”" in error.message
    assert "数字0" in error.message


def test_credit_code_punctuation_is_refused() -> None:
    error = problem_of(check_credit_code, "91350100M000100Y4#")
    assert "第18位“#”" in error.message


def test_credit_code_empty() -> None:
    assert "不能为空" in problem_of(check_credit_code, "").message


credit_bodies = st.text(alphabet=CREDIT_ALPHABET, min_size=17, max_size=17)


@given(credit_bodies)
def test_any_body_with_its_credit_check_char_passes(body: str) -> None:
    code = body + credit_code_check_char(body)
    assert check_credit_code(code) == code
    assert check_credit_code(code.lower()) == code


@given(credit_bodies, st.data())
def test_any_single_credit_char_substitution_is_caught(body: str, data: st.DataObject) -> None:
    code = body + credit_code_check_char(body)
    position = data.draw(st.integers(0, 17), label="position")
    replacement = data.draw(st.sampled_from(CREDIT_ALPHABET.replace(code[position], "")))
    typo = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        check_credit_code(typo)


# --- Mobile and landline numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_is_normalised_to_eleven_digits(typed: str) -> None:
    assert check_mobile(typed) == "13812345678"


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("", "不能为空"),
        ("1381234567", "现在是10位"),
        ("138123456789", "现在是12位"),
        ("12812345678", "13到19开头"),
        ("1381234567a", "只能填数字"),
    ],
)
def test_mobile_failures_say_how_to_fix(typed: str, hint: str) -> None:
    error = problem_of(check_mobile, typed)
    assert error.message.startswith("手机号：")
    assert "手机号：手机号" not in error.message
    assert hint in error.message
    assert "13812345678" in error.message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0373-1234567", "0373-1234567"),
        ("03731234567", "0373-1234567"),
        ("0373 1234567", "0373-1234567"),
        ("(0373)1234567", "0373-1234567"),
        ("（0373）1234567", "0373-1234567"),
        ("010-12345678", "010-12345678"),
        ("021 6123 4567", "021-61234567"),
        ("0373-1234567转123", "0373-1234567转123"),
        ("0373-1234567 转 8", "0373-1234567转8"),
        ("0373-1234567-123", "0373-1234567转123"),
        ("010-1234-5678", "010-12345678"),
        ("138 1234 5678", "13812345678"),
    ],
)
def test_phone_accepts_mobile_or_landline(typed: str, expected: str) -> None:
    assert check_phone(typed) == expected
    assert check_phone(expected) == expected


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("", "不能为空"),
        ("1234567", "要加区号"),
        ("0373-123456", "0373-1234567"),
        ("1381234567", "现在是10位"),
        ("1381234", "手机号应为11位数字，现在是7位"),  # a mobile cut short, not a landline
        ("+86 138 1234", "手机号应为11位数字"),
        ("电话见附件", "只能填数字"),
    ],
)
def test_phone_failures_say_how_to_fix(typed: str, hint: str) -> None:
    error = problem_of(check_phone, typed)
    assert error.field == "phone"
    assert error.message.startswith("联系电话：")
    assert hint in error.message
    if typed.startswith(("13", "+86")):
        assert "区号" not in error.message and "13812345678" in error.message


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
separators = st.sampled_from(["", "", " ", "-", "\u3000"])


@st.composite
def typed_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    digits = draw(mobiles)
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "86", "0086 "]))
    typed = "".join(char + draw(separators) for char in digits)
    return digits, prefix + typed


@given(typed_mobiles())
def test_mobile_normalisation_is_idempotent(case: tuple[str, str]) -> None:
    digits, typed = case
    once = check_mobile(typed)
    assert once == digits
    assert check_mobile(once) == once
    assert check_phone(typed) == once


@st.composite
def typed_landlines(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.from_regex(r"0(?:10|2[0-9]|[3-9][0-9]{2})", fullmatch=True))
    local = draw(st.from_regex(r"[1-9][0-9]{6,7}", fullmatch=True))
    between = draw(st.sampled_from(["", "-", " ", "—"]))
    bracketed = draw(st.booleans())
    typed = f"({area}){local}" if bracketed else f"{area}{between}{local}"
    return f"{area}-{local}", typed


@given(typed_landlines())
def test_landline_normalisation_is_idempotent(case: tuple[str, str]) -> None:
    expected, typed = case
    once = check_phone(typed)
    assert once == expected
    assert check_phone(once) == once
