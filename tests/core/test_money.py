"""Money: typed amounts, exact fen and the capital numerals printed on agreements."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.money import (
    MAX_AMOUNT,
    format_yuan,
    from_fen,
    parse_exchange_money,
    parse_money,
    to_capital,
    to_fen,
)

MAX_FEN = 9_999_999_999_999


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1250.5", "1250.50"),
        ("1,250.50", "1250.50"),
        ("￥1250", "1250.00"),
        ("¥1250", "1250.00"),
        ("1250元", "1250.00"),
        (" 0 ", "0.00"),
        (Decimal("3.1"), "3.10"),
        ("１２５０．５", "1250.50"),  # full-width, as a Chinese input method types it
        ("￥1，250元", "1250.00"),
    ],
)
def test_parse_money_accepts_what_people_type(typed: str | Decimal, expected: str) -> None:
    value = parse_money(typed)
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("-1", "不能是负数"),
        ("1.234", "精确到分"),
        ("abc", "不是金额"),
        ("", "请填写金额"),
        (None, "请填写金额"),
        ("NaN", "不是金额"),
        ("100000000000", "太大"),
    ],
)
def test_parse_money_refuses_with_chinese_message(typed: str | None, hint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_money(typed, "amount", "赔偿金额")
    assert caught.value.field == "amount"
    assert caught.value.message.startswith("赔偿金额：")
    assert hint in caught.value.message


@pytest.mark.parametrize("typed", ["1000000000000000000000000000000", "1e40", "9" * 40])
def test_huge_amounts_are_too_large_not_a_crash(typed: str) -> None:
    """Quantizing these overflowed Decimal (InvalidOperation): the size is checked first."""
    with pytest.raises(ValidationError) as caught:
        parse_money(typed, "amount", "涉及金额")
    assert "金额太大" in caught.value.message


@pytest.mark.parametrize("typed", ["1e3", "1E3", "2.5e2", "1_000"])
def test_exponents_and_underscores_are_not_amounts(typed: str) -> None:
    """Decimal reads "1e3" as 1000; a person who typed it did not mean a thousand yuan."""
    with pytest.raises(ValidationError) as caught:
        parse_money(typed)
    assert "不是金额" in caught.value.message


@pytest.mark.parametrize(("typed", "hint"), [("-1", "负数"), ("1.234", "精确到分")])
def test_refusals_show_an_example(typed: str, hint: str) -> None:
    for parse in (parse_money, parse_exchange_money):
        with pytest.raises(ValidationError) as caught:
            parse(typed, "amount", "金额")
        assert hint in caught.value.message and "例如 1250.50" in caught.value.message
        assert "金额：金额" not in caught.value.message


@pytest.mark.parametrize(
    ("written", "expected"), [("1250.50", "1250.50"), ("0", "0.00"), ("7.5", "7.50")]
)
def test_exchange_money_accepts_plain_decimals(written: str, expected: str) -> None:
    assert str(parse_exchange_money(written)) == expected


@pytest.mark.parametrize(
    "written", ["1e3", "￥1,250元", "1,250.50", "1250元", " 12", "1250.", "NaN"]
)
def test_exchange_money_refuses_everything_else_naming_the_format(written: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_exchange_money(written, "amount", "涉及金额")
    assert "写法不对" in caught.value.message and "1250.50" in caught.value.message


def test_exchange_money_checks_the_size_too() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_exchange_money("9" * 40)
    assert "金额太大" in caught.value.message


def test_parse_money_accepts_the_maximum() -> None:
    assert parse_money(str(MAX_AMOUNT)) == MAX_AMOUNT


def test_format_yuan_groups_thousands() -> None:
    assert format_yuan(Decimal("1250.5")) == "1,250.50"
    assert format_yuan(Decimal("1250.5"), grouped=False) == "1250.50"
    assert format_yuan(Decimal("1234567.8"), grouped=False) == "1234567.80"


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        ("1250.50", "壹仟贰佰伍拾元伍角"),
        ("1000", "壹仟元整"),
        ("0.05", "伍分"),
        ("100000.01", "壹拾万元零壹分"),
        ("1001", "壹仟零壹元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("205000000.30", "贰亿零伍佰万元叁角"),
        ("0", "零元整"),
        ("10.05", "壹拾元零伍分"),
        ("0.5", "伍角"),
        ("12.34", "壹拾贰元叁角肆分"),
        ("10100", "壹万零壹佰元整"),
        ("11000", "壹万壹仟元整"),
        ("100000001", "壹亿零壹元整"),
        ("99999999999.99", "玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_to_capital_examples(amount: str, capital: str) -> None:
    assert to_capital(Decimal(amount)) == capital


def test_to_capital_refuses_negative() -> None:
    with pytest.raises(ValueError):
        to_capital(Decimal("-1"))


fens = st.integers(min_value=0, max_value=MAX_FEN)


@given(fens)
def test_fen_round_trip(fen: int) -> None:
    assert to_fen(from_fen(fen)) == fen


@given(fens)
def test_capital_is_well_formed(fen: int) -> None:
    capital = to_capital(from_fen(fen))
    assert "零零" not in capital
    if fen == 0:
        assert capital == "零元整"
    else:
        assert not capital.startswith("零")
    assert capital[-1] in "整角分"
