"""Small text helpers for printed forms: Chinese numerals, dates, amounts."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from app.domain.money import format_yuan, to_capital

_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")

#: What a blank date looks like on paper: room to write year, month and day by hand.
BLANK_DATE = "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"


def cn_number(n: int) -> str:
    """A count or an ordinal in ordinary Chinese numerals: 3 → 三, 11 → 十一, 105 → 一百零五.

    Used for "一、" term numbers and "一式三份"; counts on these forms stay far below 10,000.
    """
    if n < 0 or n >= 10000:
        raise ValueError(f"{n} is outside 0..9999")
    if n == 0:
        return "零"
    digits = f"{n:04d}".lstrip("0")
    out: list[str] = []
    zero_pending = False
    for index, char in enumerate(digits):
        d = int(char)
        unit = _UNITS[len(digits) - 1 - index]
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + unit)
    text = "".join(out)
    # 10–19 are said 十, 十一 … not 一十, 一十一 (but 110 stays 一百一十).
    return text[1:] if text.startswith("一十") else text


def cn_date(day: date | None) -> str:
    """2026-03-20 → 2026年3月20日; None → a blank date to fill in by hand."""
    if day is None:
        return BLANK_DATE
    return f"{day.year}年{day.month}月{day.day}日"


def yuan_text(amount: Decimal) -> str:
    """An amount as agreements write it: 人民币1250.50元（大写：壹仟贰佰伍拾元伍角）.

    No thousands separators on a document: the figures read as typed and as the exchange
    format writes them, and the capitals beside them carry the check.
    """
    return f"人民币{format_yuan(amount, grouped=False)}元（大写：{to_capital(amount)}）"


#: An amount as people type it into a term: 人民币1250.50元, ￥1,250.5元, 1250.50 元整, each
#: perhaps already followed by its capitals (（大写：…）, which are then written anew).
_TYPED_AMOUNT = re.compile(
    r"(?:人民币|RMB|[￥¥])?\s*(?P<figures>[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?)\s*元整?"
    r"(?:\s*[（(]大写[：:][^）)]*[）)])?"
)


def say_amount(text: str, amount: Decimal) -> str | None:
    """`text` with its mention of `amount` in figures written the one way agreements say an
    amount, 人民币1250.50元（大写：壹仟贰佰伍拾元伍角）; None if the text does not mention it.

    So a term typed as "赔偿维修费人民币1250.50元" says the amount once, not once as typed
    and again as "金额为人民币1250.50元（大写：…）" after it.
    """
    for match in _TYPED_AMOUNT.finditer(text):
        figures = unicodedata.normalize("NFKC", match["figures"]).replace(",", "")
        try:
            said = Decimal(figures)
        except InvalidOperation:
            continue
        if said == amount:
            return text[: match.start()] + yuan_text(amount) + text[match.end() :]
    return None


def yuan_figures(amount: Decimal) -> str:
    """人民币1250.50元 — figures only, for a summary where the capitals were already given."""
    return f"人民币{format_yuan(amount, grouped=False)}元"


def paragraphs(text: str) -> list[str]:
    """Split typed text into paragraphs at line breaks, dropping empty lines."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def sentence(text: str) -> str:
    """End a clause with 。 unless it already ends a sentence."""
    text = text.strip().rstrip("，,；;、 ")
    if not text:
        return text
    return text if text.endswith(("。", "！", "？", ".", "!", "?", "”")) else text + "。"
