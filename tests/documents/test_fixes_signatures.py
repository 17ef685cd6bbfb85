"""The signature and seal block: an organisation's seal area, a line for every mediator, and
the block never on a page without the end of the text it signs. Measured on the PDF."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app.documents import layout, tree
from app.documents.forms.agreement import build_agreement
from app.documents.forms.oral_agreement import build_oral_agreement
from app.documents.pdf import render_pdf
from app.domain.codes import PanelRole
from app.views import CaseDetail, CommitteeInfo, PanelMemberView

from .conftest import (
    MEDIATOR,
    MM,
    ORGANISATION,
    RECORDER,
    needs_poppler,
    pdf_lines,
    pdf_words,
    with_parties,
)

REPRESENTATIVE = "法定代表人（职务：＿＿＿＿）签名："
PANEL = (
    PanelMemberView(3, "m-3", "王建国", PanelRole.MEMBER),
    PanelMemberView(1, "m-1", MEDIATOR, PanelRole.LEAD),
    PanelMemberView(2, "m-2", RECORDER, PanelRole.RECORDER),
)


# --- 1. an organisation's seal area ------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("form", [build_agreement, build_oral_agreement])
def test_an_organisation_has_a_seal_area_of_40_mm_under_its_unbroken_name(
    tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo, form: object
) -> None:
    path = tmp_path / "three.pdf"
    render_pdf(form(three_party_case, committee), path)  # type: ignore[operator]
    for page in pdf_words(path):
        lines = pdf_lines(page)
        if not any(line.startswith(f"第三人{ORGANISATION}（单位盖章）") for line in lines):
            continue
        # the name on one line, whole
        name = [w for w in page if w.text.startswith("第三人")]
        (top,) = {round(w.y0) for w in name}
        name_line = [w for w in page if abs(w.y0 - top) <= 3]
        assert "".join(w.text for w in name_line).startswith(f"第三人{ORGANISATION}")
        bottom = max(w.y1 for w in name_line)
        left = min(w.x0 for w in name_line)
        # below the name, a blank area at least 40 mm tall and wide: nothing is printed there
        below = [w for w in page if w.y0 > bottom + 0.5 and w.x0 < left + 40 * MM]
        next_text = min((w.y0 for w in below), default=float("inf"))
        assert next_text - bottom >= 40 * MM, (next_text - bottom) / MM
        # and beside it the representative's line, with the office held
        (signs,) = [line for line in lines if line.startswith("法定代表人（职务：")]
        assert signs == REPRESENTATIVE
        return
    pytest.fail("no organisation's signature line")


def test_the_seal_area_is_in_the_layout_both_renderers_draw() -> None:
    block = tree.SignatureBlock(
        left=("申请人张三（签名或按指印）：", "被申请人某公司（单位盖章）："),
        right=("人民调解员（签名）：",),
        representatives=("", REPRESENTATIVE),
    )
    rows = layout.signature_rows(block)
    name, seal = rows[1], rows[2]
    assert [p.text for p in name.cells[0].pieces] == ["被申请人某公司（单位盖章）："]
    area, signs = seal.cells
    assert area.pieces == (layout.SignaturePiece(room_mm=layout.ORGANISATION_SEAL_MM),)
    assert layout.ORGANISATION_SEAL_MM >= 40
    assert seal.widths(layout.STANDARD.text_width_mm)[0] >= 40
    assert signs.pieces[0].text == REPRESENTATIVE
    assert name.keep_with_next  # the name stays with its seal area


# --- 5. every mediator signs ---------------------------------------------------------------------


def test_every_mediator_of_the_panel_and_the_recorder_get_a_line(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    panel = dataclasses.replace(case, panel=PANEL)
    written = build_agreement(panel, committee).blocks[-1]
    oral = build_oral_agreement(panel, committee).blocks[-1]
    assert isinstance(written, tree.SignatureBlock) and isinstance(oral, tree.SignatureBlock)
    lines = (f"人民调解员{MEDIATOR}（签名）：", "人民调解员王建国（签名）：")  # the lead first
    assert written.right == (*lines, f"记录人{RECORDER}（签名）：")
    assert oral.right == (*lines, f"登记人{RECORDER}（签名）：")


def test_without_a_panel_one_blank_mediator_line_and_one_recorder_line(
    case: CaseDetail, committee: CommitteeInfo
) -> None:
    alone = dataclasses.replace(case, panel=())
    written = build_agreement(alone, committee).blocks[-1]
    assert isinstance(written, tree.SignatureBlock)
    assert written.right == ("人民调解员（签名）：", "记录人（签名）：")
    no_recorder = dataclasses.replace(case, panel=PANEL[:2])
    written = build_agreement(no_recorder, committee).blocks[-1]
    assert isinstance(written, tree.SignatureBlock)
    assert written.right[-1] == "记录人（签名）："


@needs_poppler
def test_every_mediators_line_is_printed_beside_the_seal(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo
) -> None:
    path = tmp_path / "panel.pdf"
    render_pdf(build_agreement(dataclasses.replace(case, panel=PANEL), committee), path)
    last = pdf_words(path)[-1]
    text = "".join(pdf_lines(last))
    for line in (
        f"人民调解员{MEDIATOR}（签名）：",
        "人民调解员王建国（签名）：",
        f"记录人{RECORDER}",
    ):
        assert line in text, line
    (seal,) = [w for w in last if w.text == "（人民调解委员会印）"]
    (mediator,) = [w for w in last if w.text.startswith(f"人民调解员{MEDIATOR}")]
    assert abs(seal.y0 - mediator.y0) < 3 and seal.x0 > mediator.x1  # side by side


# --- 3. the block never stands without the end of the text it signs --------------------------

SENTENCE = "甲乙双方因楼上渗水发生争执，经多次协商未果。"


@needs_poppler
@pytest.mark.parametrize("repeats", range(1, 60, 3))
def test_the_signatures_take_the_last_paragraph_along(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo, repeats: int
) -> None:
    """Growing facts move the signatures through the foot of a page: wherever they break,
    the page of the first signature line also carries the closing sentences and the last
    paragraph of the agreement's text before them."""
    assert case.agreement is not None
    long = dataclasses.replace(
        case, agreement=dataclasses.replace(case.agreement, facts=SENTENCE * repeats)
    )
    path = tmp_path / "long.pdf"
    render_pdf(build_agreement(long, committee), path)
    pages = ["".join(pdf_lines(page)) for page in pdf_words(path)]
    (signed,) = [p for p in pages if "（签名盖章或按指印）" in p]
    assert "本协议一式三份" in signed
    assert "支付人民币1250.50元。" in signed  # the end of the last paragraph, 第二项


@needs_poppler
@pytest.mark.parametrize("persons", range(1, 9))
def test_many_parties_still_carry_the_text_to_the_first_signature_page(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo, persons: int
) -> None:
    path = tmp_path / "many.pdf"
    render_pdf(build_agreement(with_parties(case, persons, 0), committee), path)
    pages = ["".join(pdf_lines(page)) for page in pdf_words(path)]
    (first,) = [p for p in pages if "申请人申请人甲" in p]
    assert "第二项：" in first and "本协议一式" in first


@needs_poppler
def test_a_register_carries_its_last_row_to_the_signatures(
    tmp_path: Path, oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    """A register too long for one page: its last row goes over with the signatures, never
    the signatures alone."""
    path = tmp_path / "oral.pdf"
    render_pdf(build_oral_agreement(oral_case, committee), path)
    pages = ["".join(pdf_lines(page)) for page in pdf_words(path)]
    assert len(pages) == 2
    (signed,) = [p for p in pages if "（签名或按指印）" in p]
    assert "达成日期2026年3月20日" in signed


@needs_poppler
def test_any_document_keeps_its_last_paragraph_with_the_signatures(tmp_path: Path) -> None:
    """A form that marks nothing (another form's blocks): the last paragraph still goes."""
    filler = tuple(tree.Paragraph(f"第{k}段：" + SENTENCE * 2) for k in range(1, 40))
    block = tree.SignatureBlock(left=("申请人（签名）：", "被申请人（签名）："), date_text="年月日")
    for cut in range(14, 24):
        path = tmp_path / f"any{cut}.pdf"
        render_pdf(tree.Document("t", (*filler[:cut], block)), path)
        pages = ["".join(pdf_lines(page)) for page in pdf_words(path)]
        (signed,) = [p for p in pages if "申请人（签名）：" in p]
        assert f"第{cut}段：" in signed, cut
