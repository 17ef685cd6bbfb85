"""Exact money: yuan as `Decimal` with two places, stored as integer fen, printed in capitals.

Money is never a float: 0.1 + 0.2 must not appear on a legal document.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.domain.errors import ValidationError

CENT = Decimal("0.01")
#: The largest amount the program accepts (a hundred billion yuan): beyond any community dispute,
#: and small enough that the capital numerals below stay well formed.
MAX_AMOUNT = Decimal("99999999999.99")
EXAMPLE = "例如 1250.50"
#: Digits with at most one decimal point, as a person writes an amount; no exponent ("1e3"),
#: which would turn three typed characters into a thousand yuan.
_TYPED_SHAPE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: The only spelling the exchange file allows (shared/exchange-format.md): "1250.50".
_EXCHANGE_SHAPE = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")

_TOO_LARGE = f"这个金额太大，请检查是否多打了数字（最多 {MAX_AMOUNT} 元）"
_TOO_PRECISE = f"最多精确到分（小数点后两位），{EXAMPLE}"

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿"]


def parse_money(text: str | Decimal | None, field: str = "amount", label: str = "金额") -> Decimal:
    """Read an amount of yuan as typed ("1250.5", "1,250.50", "￥1250") into an exact Decimal."""
    raw = str(text) if isinstance(text, Decimal) else (text or "").strip()
    # NFKC reads full-width digits, commas and ￥ typed by a Chinese input method as ASCII.
    cleaned = unicodedata.normalize("NFKC", raw).replace(",", "").lstrip("¥").removesuffix("元")
    cleaned = cleaned.strip()
    example = "例如 1250 或 1250.50"
    if not cleaned:
        raise ValidationError(field, label, f"请填写金额，{example}")
    not_money = ValidationError(field, label, f"“{raw}”不是金额，请只填数字，{example}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise not_money from None
    if not value.is_finite():
        raise not_money
    if value < 0:
        raise ValidationError(field, label, f"不能是负数，请填写正数，{EXAMPLE}")
    # The size is checked before quantize: quantizing a 40-digit number overflows Decimal.
    if value > MAX_AMOUNT:
        raise ValidationError(field, label, _TOO_LARGE)
    if not _TYPED_SHAPE.fullmatch(cleaned):
        if "e" in cleaned.lower():
            raise ValidationError(
                field, label, f"“{raw}”不是金额：不能用带“e”的写法，请把数字全部写出来，{example}"
            )
        raise not_money
    if value != value.quantize(CENT):
        raise ValidationError(field, label, _TOO_PRECISE)
    return value.quantize(CENT)


def parse_exchange_money(text: str, field: str = "amount", label: str = "金额") -> Decimal:
    """An amount as the exchange file must write it: digits and at most two decimals."""
    if _EXCHANGE_SHAPE.fullmatch(text):
        return parse_money(text, field, label)
    if re.fullmatch(r"-[0-9]+(?:\.[0-9]+)?", text):
        raise ValidationError(field, label, f"不能是负数，{EXAMPLE}")
    if re.fullmatch(r"[0-9]+\.[0-9]{3,}", text):
        raise ValidationError(field, label, _TOO_PRECISE)
    raise ValidationError(
        field,
        label,
        f"“{text}”的写法不对。交换文件中的金额只能写数字和小数点，最多两位小数，"
        f"不加逗号、货币符号或“元”字，{EXAMPLE}",
    )


def to_fen(amount: Decimal) -> int:
    """Yuan → integer fen, exactly."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_fen(fen: int) -> Decimal:
    """Integer fen → yuan with two places."""
    return (Decimal(fen) / 100).quantize(CENT)


def format_yuan(amount: Decimal, grouped: bool = True) -> str:
    """1250.5 → '1,250.50' on screen; grouped=False → '1250.50', as legal documents write it."""
    return f"{amount.quantize(CENT):,}" if grouped else f"{amount.quantize(CENT)}"


def _four_digits(group: int) -> str:
    """0 < group < 10000 → capitals with 拾佰仟, inner zeros collapsed to one 零."""
    out: list[str] = []
    digits = f"{group:04d}"
    zero_pending = False
    for index, char in enumerate(digits):
        d = int(char)
        unit = _SMALL_UNITS[3 - index]
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + unit)
    return "".join(out)


def to_capital(amount: Decimal) -> str:
    """Chinese capital numerals for a money amount, as on a receipt or an agreement.

    1250.50 → 壹仟贰佰伍拾元伍角; 1000 → 壹仟元整; 0.05 → 伍分; 100000.01 → 壹拾万元零壹分.
    """
    amount = amount.quantize(CENT)
    if amount < 0:
        raise ValueError("negative amount")
    fen_total = to_fen(amount)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if fen_total == 0:
        return "零元整"
    parts: list[str] = []
    if yuan:
        groups: list[int] = []
        rest = yuan
        while rest:
            rest, g = divmod(rest, 10000)
            groups.append(g)
        if len(groups) > len(_BIG_UNITS):
            raise ValueError("amount too large")
        text = ""
        need_zero = False
        for level in range(len(groups) - 1, -1, -1):
            g = groups[level]
            if g == 0:
                need_zero = bool(text)
                continue
            if text and (need_zero or g < 1000):
                text += "零"
            need_zero = False
            text += _four_digits(g) + _BIG_UNITS[level]
        # 壹拾 is customary on money ("壹拾万元"), so the leading 拾 keeps its 壹.
        parts.append(text + "元")
    if jiao == 0 and fen == 0:
        parts.append("整")
    else:
        if jiao:
            parts.append(_DIGITS[jiao] + "角")
        elif yuan:
            parts.append("零")
        if fen:
            parts.append(_DIGITS[fen] + "分")
    return "".join(parts)
