from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.documents.text import BLANK_DATE, cn_date, cn_number, paragraphs, sentence, yuan_text
from app.documents.tree import Numbering, numbered


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (1, "一"),
        (3, "三"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (2026, "二千零二十六"),
    ],
)
def test_cn_number(n: int, text: str) -> None:
    assert cn_number(n) == text


def test_cn_number_rejects_out_of_range() -> None:
    with pytest.raises(ValueError):
        cn_number(-1)
    with pytest.raises(ValueError):
        cn_number(10000)


def test_dates_are_written_without_leading_zeros() -> None:
    assert cn_date(date(2026, 3, 20)) == "2026年3月20日"
    assert cn_date(date(2026, 12, 1)) == "2026年12月1日"
    assert cn_date(None) == BLANK_DATE
    assert BLANK_DATE.replace("\u3000", "") == "年月日"


def test_amount_in_figures_and_capitals() -> None:
    assert yuan_text(Decimal("1250.5")) == "人民币1250.50元（大写：壹仟贰佰伍拾元伍角）"
    assert yuan_text(Decimal("1000")) == "人民币1000.00元（大写：壹仟元整）"


def test_term_labels() -> None:
    assert numbered(1, Numbering.CHINESE) == "一、"
    assert numbered(12, Numbering.CHINESE) == "十二、"
    assert numbered(3, Numbering.ARABIC) == "3."


def test_paragraphs_and_sentences() -> None:
    assert paragraphs("第一段。\r\n\n  第二段。 \n") == ["第一段。", "第二段。"]
    assert sentence("向申请人赔礼道歉，") == "向申请人赔礼道歉。"
    assert sentence("已付清。") == "已付清。"
    assert sentence("") == ""
