"""A character no bundled font has is refused before anything is written, saying which and where."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.documents import check_printable, fonts, render, tree
from app.documents.fonts import BODY_FONT, FALLBACK_FONT
from app.documents.forms.agreement import build_agreement
from app.domain.errors import UserError
from app.views import CaseDetail, CommitteeInfo

from .conftest import pypdf_text

#: 𪚥 (U+2A6A5, CJK Ext-B): in neither AR PL UMing nor LXGW WenKai.
RARE = "\U0002a6a5"


def test_rare_character_is_in_neither_font() -> None:
    assert fonts.missing(f"张{RARE}") == {RARE}
    assert fonts.missing("王𠮷与㵘泉，阿卜杜热合曼·买买提\n\t \u00a0") == set()


@pytest.mark.parametrize("font", [BODY_FONT, FALLBACK_FONT])
def test_coverage_read_from_the_file_agrees_with_reportlab(font: str) -> None:
    """The light character-map reader answers what reportlab can draw: same code points."""
    fonts.register()
    drawn = {code for code, glyph in fonts._cmap(font).items() if glyph}
    assert fonts.coverage(font) == drawn


def test_the_coverage_check_needs_no_reportlab_and_is_quick() -> None:
    script = (
        "import sys, time\n"
        "from app.documents import fonts\n"
        "t = time.perf_counter(); fonts.missing('张'); first = time.perf_counter() - t\n"
        "t = time.perf_counter(); fonts.missing('张三' * 5000); warm = time.perf_counter() - t\n"
        "print('reportlab' in sys.modules, first, warm)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    loaded, first, warm = out.stdout.split()
    assert loaded == "False"  # the Word file is checked without loading reportlab
    assert float(first) < 0.5 and float(warm) < 0.01


def _with_name(case: CaseDetail, name: str) -> CaseDetail:
    return dataclasses.replace(case, parties=(dataclasses.replace(case.parties[0], name=name),))


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_name_with_a_missing_character_is_refused_naming_it(
    case: CaseDetail, committee: CommitteeInfo, fmt: str
) -> None:
    doc = build_agreement(_with_name(case, f"张{RARE}"), committee)
    out = io.BytesIO()
    with pytest.raises(UserError) as refused:
        render(doc, fmt, out)  # type: ignore[arg-type]
    assert out.getvalue() == b""  # nothing written
    message = refused.value.message
    assert message.startswith(f"申请人姓名“张{RARE}”中的“{RARE}”字无法打印")
    assert "本程序的字体里没有这个字" in message and "同音字" in message
    assert message.count(RARE) == 2  # said once, although the name is printed three times


def test_each_missing_character_is_named_once_with_its_place(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    assert case.agreement is not None
    facts = "甲乙双方因楼上渗水发生争执，经多次协商未果。" * 3 + "\U0002b740" + "后来又。" * 5
    agreement = dataclasses.replace(case.agreement, facts=facts)
    subject = dataclasses.replace(_with_name(case, f"张{RARE}"), agreement=agreement)
    with pytest.raises(UserError) as refused:
        check_printable(build_agreement(subject, committee))
    message = refused.value.message
    assert f"申请人姓名“张{RARE}”中的“{RARE}”字；" in message
    assert (
        "“纠纷主要事实、争议事项”部分“……经多次协商未果。\U0002b740后来又。后来又。……”中的“\U0002b740”字"
        in message
    )
    assert "本程序的字体里没有这些字" in message


def test_terms_and_committee_are_checked_too(case: CaseDetail, committee: CommitteeInfo) -> None:
    doc = tree.Document(
        "t",
        (
            tree.NumberedTerms(("赔偿", f"修复{RARE}")),
            tree.SignatureBlock(("申请人（签名）：",), issuer=f"{RARE}社区人民调解委员会"),
        ),
    )
    with pytest.raises(UserError, match=f"协议第二项“修复{RARE}”中的“{RARE}”字"):
        check_printable(doc)
    unlucky = dataclasses.replace(committee, name=f"{RARE}社区人民调解委员会")
    with pytest.raises(UserError, match="调解委员会名称"):
        check_printable(build_agreement(case, unlucky))


def test_printable_agreements_pass_and_print(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_agreement(case, committee)
    started = time.perf_counter()
    for _ in range(20):
        check_printable(doc)
    assert (time.perf_counter() - started) / 20 < 0.005  # well within the printing budget
    render(doc, "pdf", tmp_path / "ok.pdf")
    assert "王𠮷" in pypdf_text(tmp_path / "ok.pdf")
