"""Amounts said once, and never broken over two lines: 人民币 with its figures, the capitals
(（大写：…）) and dates stay on one line of the printed PDF."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.documents import tree
from app.documents.forms.agreement import build_agreement
from app.documents.forms.common import term_text
from app.documents.forms.oral_agreement import build_oral_agreement
from app.documents.linebreak import break_lines, glued
from app.documents.pdf import render_pdf
from app.documents.text import say_amount, yuan_text
from app.domain.schedule import Schedule
from app.views import CaseDetail, CommitteeInfo, TermView

from .conftest import needs_poppler, pdf_lines, pdf_words

AMOUNT = Decimal("1250.50")
ONCE = "人民币1250.50元（大写：壹仟贰佰伍拾元伍角）"


@pytest.mark.parametrize(
    "typed",
    [
        "被申请人赔偿申请人维修费用人民币1250.50元",
        "被申请人赔偿申请人维修费用1250.50元。",
        "被申请人赔偿申请人维修费用1,250.5元整",
        "被申请人赔偿申请人维修费用￥1250.50元",
        "被申请人赔偿申请人维修费用人民币1250.50元（大写：壹仟贰佰伍拾元伍角）",
        "被申请人赔偿申请人维修费用",
    ],
)
def test_a_terms_amount_is_said_once(typed: str) -> None:
    text = term_text(TermView(1, typed, amount=AMOUNT))
    assert text.count("1250") == 1, text
    assert text.count("大写") == 1, text
    assert ONCE in text
    assert "金额为人民币1250.50元，" not in text


def test_an_amount_the_text_names_is_written_where_it_is_named() -> None:
    assert (
        term_text(TermView(1, "被申请人于4月1日前支付人民币1250.50元维修费", amount=AMOUNT))
        == f"被申请人于4月1日前支付{ONCE}维修费。"
    )
    # the text names another amount: the term's own is added after it
    other = term_text(TermView(1, "扣除押金500元后支付", amount=AMOUNT))
    assert other == f"扣除押金500元后支付，金额为{ONCE}。"
    assert say_amount("扣除押金500元后支付", AMOUNT) is None


def test_monthly_amounts_are_said_once_with_their_schedule(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    monthly = Schedule.monthly(10, 60_000, date(2026, 4, 1), date(2027, 3, 31))
    term = TermView(
        1,
        "被申请人每月支付赡养费600元",
        obligor=1,
        obligee=0,
        amount=Decimal("600"),
        schedule=monthly,
    )
    assert term_text(term) == f"被申请人每月支付赡养费{yuan_text(Decimal('600'))}。"
    assert case.agreement is not None
    agreement = dataclasses.replace(case.agreement, terms=(term,))
    doc = build_agreement(dataclasses.replace(case, agreement=agreement), committee)
    performance = [b.text for b in doc.blocks if isinstance(b, tree.Paragraph)]
    assert any("每月10日前支付人民币600.00元" in t for t in performance)  # the schedule


@pytest.mark.parametrize("form", [build_agreement, build_oral_agreement])
def test_no_amount_appears_twice_in_the_text_of_a_term(
    case: CaseDetail, committee: CommitteeInfo, form: object
) -> None:
    assert case.agreement is not None
    typed = dataclasses.replace(
        case.agreement.terms[1], text="被申请人赔偿申请人天花板、墙面维修费用人民币1250.50元"
    )
    terms = (case.agreement.terms[0], typed, case.agreement.terms[2])
    case = dataclasses.replace(case, agreement=dataclasses.replace(case.agreement, terms=terms))
    doc = form(case, committee)  # type: ignore[operator]
    items = [
        item
        for block in doc.blocks
        for item in (
            block.items
            if isinstance(block, tree.NumberedTerms)
            else [cell for row in block.rows for cell in row]
            if isinstance(block, tree.Table)
            else []
        )
    ]
    said = [item for item in items if "1250.50" in item and "赔偿" in item]
    assert said
    for item in said:
        for term in item.split("\n"):
            assert term.count("1250.50") <= 1, term


# --- keeping spans on one line ------------------------------------------------------------------

#: Spans that must never be broken over two lines.
SPANS = re.compile(
    r"人民币[0-9.]+元|（大写：[^）]*）|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日|[0-9]{1,2}:[0-9]{2}"
)


def test_the_line_breaker_keeps_amounts_and_dates_together() -> None:
    text = "甲" * 20 + f"向申请人支付{ONCE}，于2026年12月31日前付清，每日8:00起。"
    chars = list(text)
    widths = [0.5 if c.isascii() else 1.0 for c in chars]
    glue = glued(chars)
    for width in range(16, 32):
        lines = [text[a:b] for a, b in break_lines(chars, widths, [float(width)], glue)]
        assert "".join(lines) == text
        for span in SPANS.finditer(text):
            assert any(span.group() in line for line in lines), (span.group(), lines)


@needs_poppler
def test_printed_lines_never_end_inside_an_amount_or_a_date(tmp_path: Path) -> None:
    """Each span at every offset in a line: it is found whole on one printed line."""
    texts = ["甲" * k + f"被申请人向申请人支付{ONCE}，于2026年12月31日前付清。" for k in range(31)]
    doc = tree.Document("t", tuple(tree.Paragraph(t, indent=False) for t in texts))
    path = tmp_path / "spans.pdf"
    render_pdf(doc, path)
    lines = [line for page in pdf_words(path) for line in pdf_lines(page)]
    found = 0
    for line in lines:
        for span in ("人民币1250.50元", "（大写：壹仟贰佰伍拾元伍角）", "2026年12月31日"):
            found += line.count(span)
    assert found == 3 * len(texts)


@needs_poppler
def test_the_agreements_amounts_print_whole(
    tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo
) -> None:
    path = tmp_path / "agreement.pdf"
    render_pdf(build_agreement(three_party_case, committee), path)
    text = "\n".join(line for page in pdf_words(path) for line in pdf_lines(page))
    assert ONCE in text  # on one line
    for span in ("2026年3月30日", "2026年4月1日", "2026年3月2日", "人民币1250.50元"):
        assert span in text, span
