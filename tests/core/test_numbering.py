"""Case numbers: per-year sequences, never reused, from a configurable pattern."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete

from app.db.models import Case
from app.domain.drafts import CaseDraft, PartyDraft
from app.domain.errors import ValidationError
from app.domain.numbering import DEFAULT_PATTERN, check_pattern, format_number, parse_number
from app.services.cases import register_case
from app.services.database import update_committee

TODAY = date(2026, 11, 25)


def draft(received: date, title: str = "噪音扰邻纠纷") -> CaseDraft:
    return CaseDraft(
        title=title,
        received_on=received,
        parties=[
            PartyDraft(role="applicant", name="李秀英"),
            PartyDraft(role="respondent", name="张伟"),
        ],
    )


def test_the_customary_form() -> None:
    assert format_number(DEFAULT_PATTERN, "飞", 2026, 12) == "（2026）飞人调字第12号"


@given(
    year=st.integers(1990, 2100),
    seq=st.integers(1, 9_999_999),
    short=st.text(alphabet="飞机场社区西东南北铁卫滨", min_size=1, max_size=4),
)
def test_format_then_parse_gives_back_year_and_sequence(year: int, seq: int, short: str) -> None:
    number = format_number(DEFAULT_PATTERN, short, year, seq)
    parts = parse_number(DEFAULT_PATTERN, short, number)
    assert parts is not None and (parts.year, parts.seq) == (year, seq)


def test_foreign_numbers_are_not_parsed() -> None:
    assert parse_number(DEFAULT_PATTERN, "飞", "调协字〔2026〕第3号") is None
    assert parse_number(DEFAULT_PATTERN, "飞", "（2026）西人调字第3号") is None


@pytest.mark.parametrize(
    "pattern", ["第{seq}号", "{year}{short}{seq}{seq}", "（{year}）人调字第号"]
)
def test_a_pattern_must_hold_each_placeholder_once(pattern: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_pattern(pattern)
    assert "案件编号格式" in caught.value.message


def test_sequence_counts_up_and_restarts_each_year(db) -> None:
    update_committee(db, short_name="飞")
    numbers = [
        register_case(db, draft(d), today=TODAY)[0].number
        for d in (date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 2), date(2026, 1, 3))
    ]
    assert numbers == [
        "（2025）飞人调字第1号",
        "（2025）飞人调字第2号",
        "（2026）飞人调字第1号",
        "（2026）飞人调字第2号",
    ]


def test_a_number_is_never_reused_even_after_a_case_is_removed(db) -> None:
    first = register_case(db, draft(date(2026, 3, 1)), today=TODAY)[0]
    with db.transaction() as session:
        session.execute(delete(Case).where(Case.id == first.id))
    second = register_case(db, draft(date(2026, 3, 2)), today=TODAY)[0]
    assert first.number.endswith("第1号") and second.number.endswith("第2号")


def test_the_pattern_is_a_setting(db) -> None:
    update_committee(db, short_name="西", number_pattern="调协字〔{year}〕{short}第{seq}号")
    case = register_case(db, draft(date(2026, 5, 1)), today=TODAY)[0]
    assert case.number == "调协字〔2026〕西第1号"
