"""Where the agreement breaks into pages, read back from the PDF with word positions.

A heading stays with the first lines of its text but the text runs on over the page (no page
left mostly blank); with many parties, the signature lines may run on over a page, but the
mediator's and recorder's lines, the seal space, the committee and the date stay together, and
the first signature line stays with the text above it.
"""

from __future__ import annotations

import dataclasses
import html
import re
import subprocess
from pathlib import Path

import pytest

from app.documents import layout
from app.documents.forms.agreement import build_agreement
from app.documents.pdf import render_pdf
from app.views import CaseDetail, CommitteeInfo

from .conftest import needs_poppler, with_parties

pytestmark = needs_poppler

HEADINGS = ("纠纷主要事实、争议事项：", "各方责任：", "履行方式、时限：")
SENTENCE = "甲乙双方因楼上渗水发生争执，经多次协商未果。"  # 22 characters
NEVER_FIRST = "，。、；：？！）》」』〕】…—”"
_PT = 72 / 25.4
#: Where the text frame ends, from the top of the page, and where the page number begins.
FRAME_BOTTOM = (layout.PAGE_HEIGHT_MM - layout.BOTTOM_MM) * _PT
PAGE_NUMBER_TOP = (layout.PAGE_HEIGHT_MM - layout.PAGE_NUMBER_FROM_BOTTOM_MM - 8) * _PT
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>'
)


#: Where the right half of the signature block begins.
RIGHT_COLUMN = (layout.LEFT_MM + 0.5 * layout.TEXT_WIDTH_MM - 5) * _PT


@dataclasses.dataclass
class Page:
    lines: list[str]  # body lines top to bottom (the page number left out)
    bottom: float  # where the last body line ends, in points from the top of the paper
    left: str  # the text of the words that begin left of the signatures' right column

    @property
    def text(self) -> str:
        return "".join(self.lines)


def pages(path: Path) -> list[Page]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    result = []
    for chunk in out.split("<page ")[1:]:
        words = [
            (round(float(y0)), float(x0), float(y1), html.unescape(t))
            for x0, y0, y1, t in _WORD.findall(chunk)
        ]
        body = sorted(w for w in words if w[0] < PAGE_NUMBER_TOP)
        lines: dict[int, list[str]] = {}
        for y0, _, _, text in body:
            key = next((k for k in lines if abs(k - y0) <= 3), y0)
            lines.setdefault(key, []).append(text)
        result.append(
            Page(
                ["".join(lines[k]) for k in sorted(lines)],
                max((w[2] for w in body), default=0.0),
                "".join(w[3] for w in body if w[1] < RIGHT_COLUMN),
            )
        )
    return result


def render(tmp_path: Path, case: CaseDetail, committee: CommitteeInfo, name: str) -> list[Page]:
    path = tmp_path / f"{name}.pdf"
    render_pdf(build_agreement(case, committee), path)
    return pages(path)


def with_facts(case: CaseDetail, facts: str) -> CaseDetail:
    assert case.agreement is not None
    return dataclasses.replace(case, agreement=dataclasses.replace(case.agreement, facts=facts))


@pytest.mark.parametrize("repeats", [23, 40, 70, 140])  # about 500, 900, 1500 and 3000 characters
def test_long_facts_start_under_their_heading_on_the_first_page(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo, repeats: int
) -> None:
    """The reviewer's case: the heading and the whole text used to move to page 2."""
    facts = SENTENCE * repeats
    first, second, *_ = render(tmp_path, with_facts(case, facts), committee, "long")
    assert HEADINGS[0] in first.text
    assert facts[:40] in first.text + second.text[:40]
    assert SENTENCE in first.text.split(HEADINGS[0])[1]  # the text begins on page 1
    # and page 1 is filled down to its last lines
    assert first.bottom > FRAME_BOTTOM - 3 * layout.BODY_SIZE * layout.LINE_SPACING
    everything = "".join(p.text for p in pages(tmp_path / "long.pdf"))
    assert facts in everything  # nothing lost where the text runs over the page


@pytest.mark.parametrize("repeats", range(1, 48, 2))
def test_no_heading_is_left_at_the_foot_of_a_page(
    tmp_path: Path, case: CaseDetail, committee: CommitteeInfo, repeats: int
) -> None:
    """Growing facts move every later heading through the foot of a page."""
    printed = render(tmp_path, with_facts(case, SENTENCE * repeats), committee, "grow")
    for number, page in enumerate(printed[:-1], 1):
        assert page.lines[-1] not in HEADINGS, f"page {number} ends with {page.lines[-1]}"
        assert not page.lines[-1].startswith("经调解"), number
    for page in printed:
        for line in page.lines:
            assert line[0] not in NEVER_FIRST, line


#: Headings of the blank form and the ruled lines under each.
RULED = {"纠纷主要事实、争议事项：": 4, "各方责任：": 2, "经调解，": 4, "履行方式、时限：": 2}


@pytest.mark.parametrize("persons", range(1, 7))
def test_a_heading_of_the_blank_form_keeps_its_ruled_lines(
    tmp_path: Path, blank_case: CaseDetail, committee: CommitteeInfo, persons: int
) -> None:
    """More parties move each heading of the blank form through the foot of a page; ruled
    lines cannot split, so they must fit under the heading or the heading goes over too."""
    printed = render(tmp_path, with_parties(blank_case, persons, 1), committee, "blank")
    assert all(heading in "".join(p.text for p in printed) for heading in HEADINGS)
    for number, page in enumerate(printed[:-1], 1):
        last = page.lines[-1]
        rows = next((n for heading, n in RULED.items() if last.startswith(heading)), 0)
        room = FRAME_BOTTOM - page.bottom
        assert room >= rows * layout.RULE_PITCH_MM * _PT, f"page {number} ends with {last}"


@pytest.mark.parametrize("persons, organisations", [(1, 1), (2, 1), (2, 2), (3, 3), (4, 4)])
@pytest.mark.parametrize("repeats", range(1, 60, 6))
def test_the_committee_part_of_the_signatures_stays_whole(
    tmp_path: Path,
    case: CaseDetail,
    committee: CommitteeInfo,
    persons: int,
    organisations: int,
    repeats: int,
) -> None:
    """The reviewer's cases: the seal, committee and date used to stand on a page of their
    own beside one party's line, the mediator's and recorder's lines a page before."""
    many = with_facts(with_parties(case, persons, organisations), SENTENCE * repeats)
    printed = render(tmp_path, many, committee, "many")
    (seal,) = [p for p in printed if "（人民调解委员会印）" in p.text]
    for piece in (
        "人民调解员周建国（签名）：",
        "记录人郑秀兰（签名）：",
        committee.name,
        "2026年3月20日",
    ):
        assert piece in seal.text, piece
    assert printed[-1] is seal
    if persons + organisations <= layout.KEPT_WHOLE_PARTIES:  # one group, with the text
        assert "申请司法确认" in seal.text
        assert seal.text.count("（签名盖章或按指印）") == persons
        assert seal.text.count("（单位盖章）") == organisations
    else:  # the seal's page also carries the last party's signature line
        last = (
            f"被申请人新乡市第{'甲乙丙丁'[organisations - 1]}物业服务有限公司（单位盖章）"
            if organisations
            else f"申请人申请人{'甲乙丙丁'[persons - 1]}"
        )
        assert last in seal.text
    # the first signature line is on the page with the closing text above it
    (first_line,) = [p for p in printed if "申请人申请人甲" in p.left]
    assert "人民调解委员会所在地基层人民法院申请司法确认" in first_line.text
    # every party's line is printed, each naming who signs on it
    signing = "".join(p.text for p in printed).split("申请司法确认。")[-1]
    for k in range(persons):
        assert f"申请人申请人{'甲乙丙丁'[k]}" in signing
    for k in range(organisations):
        assert f"被申请人新乡市第{'甲乙丙丁'[k]}物业服务有限公司（单位盖章）：" in signing
    assert signing.count("（签名盖章或按指印）：") == persons
    assert signing.count("法定代表人（职务：＿＿＿＿）签名：") == organisations
    for page in printed:
        for line in page.lines:
            assert line[0] not in NEVER_FIRST, line
