"""Wording check before an agreement is printed: common mistakes that make a term hard to
enforce, each a warning in plain Chinese that never blocks printing.

The checks look at the words and amounts as stored: a vague or missing time limit, words often
confused (定金/订金; 抚养/扶养/赡养), an obligation without an obligor, amounts that do not add
up to a total the text states, and a person named in a term who is not a party.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from app.views import AgreementView, PartyView, TermView

#: Words that set no date a court could enforce.
VAGUE_TIME = ("尽快", "近期", "适当时候", "尽早", "择日", "有空时", "方便时", "以后", "日后")
#: A definite time limit: a date, a number of days, or a month day.
_TIME_LIMIT = re.compile(
    r"\d{4}\s*年|\d+\s*月\s*\d+\s*日|\d+\s*日[前内]|\d+\s*天[内前]|当[日天]|当场|即日|签字后|每月"
)
#: "共计 / 合计 / 总计 / 共 … 元" with the amount in figures.
_TOTAL = re.compile(
    r"(?:共计|合计|总计|总额|共)\s*(?:人民币)?\s*([0-9][0-9,，]*(?:\.[0-9]{1,2})?)\s*元"
)
#: Someone who pays, hands over or does something: 由张三支付 / 张三向李四支付.
_ACTOR = re.compile(
    r"由([\u4e00-\u9fff]{2,4}?)(?:负责|支付|赔偿|给付|返还|承担|向|于|在|一次性|分期)"
)
_CHILD = ("子女", "孩子", "儿子", "女儿", "小孩", "未成年")
_PARENT = ("父亲", "母亲", "父母", "老人", "爷爷", "奶奶", "外公", "外婆")
_SPOUSE = ("配偶", "丈夫", "妻子", "夫妻", "老伴")


def _term_label(term: TermView) -> str:
    return f"第{term.position + 1}项"


def _time_warnings(term: TermView) -> list[str]:
    text = term.text
    vague = [w for w in VAGUE_TIME if w in text]
    if vague:
        return [
            f"{_term_label(term)}写的是“{vague[0]}”，没有明确的期限，对方不履行时难以执行。"
            "建议写明具体日期，例如“于2026年12月31日前”。"
        ]
    is_obligation = term.amount is not None or term.obligor is not None
    has_limit = term.due is not None or term.schedule is not None or _TIME_LIMIT.search(text)
    if is_obligation and not has_limit:
        return [f"{_term_label(term)}没有写履行期限，建议写明在哪一天以前履行。"]
    return []


def _word_warnings(term: TermView) -> list[str]:
    text = term.text
    out: list[str] = []
    if "定金" in text or "订金" in text:
        out.append(
            f"{_term_label(term)}用了“{'定金' if '定金' in text else '订金'}”：定金有担保作用"
            "（收受方违约要双倍返还），订金只是预付款。请确认用的是哪一个。"
        )
    if "赡养" in text and any(w in text for w in _CHILD) and not any(w in text for w in _PARENT):
        out.append(f"{_term_label(term)}说的是对子女的“赡养”：对子女应写“抚养”，对父母才是“赡养”。")
    if "抚养" in text and any(w in text for w in _PARENT) and not any(w in text for w in _CHILD):
        out.append(f"{_term_label(term)}说的是对父母的“抚养”：对父母应写“赡养”，对子女才是“抚养”。")
    if (
        "扶养" in text
        and not any(w in text for w in _SPOUSE)
        and any(w in text for w in _CHILD + _PARENT)
    ):
        out.append(
            f"{_term_label(term)}用了“扶养”：扶养一般指夫妻之间；对子女写“抚养”，对父母写“赡养”。"
        )
    return out


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def check_agreement_wording(
    agreement: AgreementView | None, parties: tuple[PartyView, ...]
) -> list[str]:
    """Warnings for the agreement's terms, in term order; empty when nothing looks wrong."""
    if agreement is None:
        return []
    terms = sorted(agreement.terms, key=lambda t: t.position)
    names = {p.name for p in parties}
    warnings: list[str] = []
    for term in terms:
        warnings += _time_warnings(term)
        warnings += _word_warnings(term)
        parts = term.schedule.instalments if term.schedule is not None else ()
        if term.amount is not None and parts and all(p.amount_fen is not None for p in parts):
            paid_in_parts = Decimal(sum(p.amount_fen or 0 for p in parts)) / 100
            if paid_in_parts != term.amount:
                warnings.append(
                    f"{_term_label(term)}的金额是{term.amount}元，"
                    f"但各期加起来是{paid_in_parts:.2f}元，请核对。"
                )
        if term.amount is not None and term.obligor is None:
            warnings.append(f"{_term_label(term)}有金额，但没有写由哪一方支付。")
        for name in dict.fromkeys(_ACTOR.findall(term.text)):
            if name not in names and not any(name in n or n in name for n in names):
                warnings.append(
                    f"{_term_label(term)}写到的“{name}”不是本案的当事人，请核对姓名，"
                    "或先把他（她）添加为当事人。"
                )
    amounts = [t.amount for t in terms if t.amount is not None]
    if amounts:
        total = sum(amounts, Decimal("0"))
        stated_in = [agreement.facts, agreement.issues, agreement.responsibility] + [
            t.text for t in terms
        ]
        for text in stated_in:
            for figure in _TOTAL.findall(text or ""):
                stated = _money(figure)
                if stated is not None and stated != total and len(amounts) > 1:
                    warnings.append(
                        f"协议写的合计是{stated}元，但各项金额加起来是{total}元，请核对。"
                    )
    return list(dict.fromkeys(warnings))
