"""Cases built directly as view dataclasses (no database) and helpers to read documents back."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.codes import (
    AgreementForm,
    CaseStatus,
    DisputeType,
    PanelRole,
    PartyKind,
    PartyRole,
    Sex,
    Source,
    Tier,
)
from app.views import (
    AgreementView,
    CaseDetail,
    CommitteeInfo,
    PanelMemberView,
    PartyView,
    TermView,
)

REACHED = date(2026, 3, 20)
NUMBER = "（2026）飞人调字第12号"
#: Names as real rolls have them: a middle dot (U+00B7), 𠮷 outside the BMP, 㵘 in CJK Ext-A.
APPLICANT = "阿卜杜热合曼·买买提"
RESPONDENT = "王𠮷"
ORGANISATION = "新乡市㵘泉物业服务有限公司"
MEDIATOR = "周建国"
RECORDER = "郑秀兰"

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "documents"


@pytest.fixture
def committee() -> CommitteeInfo:
    return CommitteeInfo("飞机场社区人民调解委员会", "飞", "（{year}）{short}人调字第{seq}号")


def _parties() -> tuple[PartyView, ...]:
    return (
        PartyView(
            id=1,
            position=0,
            role=PartyRole.APPLICANT,
            kind=PartyKind.PERSON,
            name=APPLICANT,
            sex=Sex.MALE,
            ethnicity="维吾尔族",
            birth_date=date(1980, 5, 1),
            id_number="11010519491231002X",
            phone="13800000000",
            address="河南省新乡市卫滨区飞机场社区3号楼2单元401室",
            occupation="退休职工",
        ),
        PartyView(
            id=2,
            position=1,
            role=PartyRole.RESPONDENT,
            kind=PartyKind.PERSON,
            name=RESPONDENT,
            sex=Sex.FEMALE,
            ethnicity="汉族",
            birth_date=date(1990, 3, 21),  # turns 36 the day after the agreement
            id_number="410703199003210048",
            phone="13900000000",
            address="河南省新乡市卫滨区飞机场社区3号楼2单元501室",
            occupation="教师",
        ),
    )


def _organisation() -> PartyView:
    return PartyView(
        id=3,
        position=2,
        role=PartyRole.THIRD_PARTY,
        kind=PartyKind.ORGANIZATION,
        name=ORGANISATION,
        address="河南省新乡市卫滨区飞机场社区临街商铺8号",
        credit_code="91350100M000100Y43",
        legal_representative="赵六",
        phone="0373-5123456",
    )


def _agreement() -> AgreementView:
    return AgreementView(
        form=AgreementForm.WRITTEN,
        reached_on=REACHED,
        facts=(
            "3号楼501室卫生间防水层老化，多次向楼下401室渗水，造成401室天花板、墙面受损。\n"
            "双方因维修和赔偿问题发生争执，申请人于2026年3月2日向本委员会申请调解。"
        ),
        issues="争议焦点：渗水原因、维修责任及赔偿金额。",
        responsibility="被申请人对防水层老化未及时维修，应承担主要责任。",
        terms=(
            TermView(
                1,
                "被申请人于协议签订后十日内请专业人员修复卫生间防水层",
                obligor=1,
                obligee=0,
                due=date(2026, 3, 30),
            ),
            TermView(
                2,
                "被申请人赔偿申请人天花板、墙面维修费用",
                obligor=1,
                obligee=0,
                amount=Decimal("1250.50"),
                due=date(2026, 4, 1),
            ),
            TermView(3, "双方今后互谅互让，和睦相处"),
        ),
    )


@pytest.fixture
def case() -> CaseDetail:
    """Two persons, a written agreement with a money term."""
    return CaseDetail(
        id=1,
        uuid="5f0c3a58-0d7e-4c1e-9b57-0d1fb2d43a11",
        number=NUMBER,
        title="阿某与王某楼上渗水纠纷",
        dispute_type=DisputeType.NEIGHBOURHOOD,
        source=Source.APPLICATION,
        received_on=date(2026, 3, 2),
        tier=Tier.BUILDING,
        status=CaseStatus.AGREEMENT_REACHED,
        facts="（登记时的简要情况）楼上渗水。",
        parties=_parties(),
        panel=(
            PanelMemberView(1, "m-1", MEDIATOR, PanelRole.LEAD),
            PanelMemberView(2, "m-2", RECORDER, PanelRole.RECORDER),
        ),
        agreement=_agreement(),
    )


@pytest.fixture
def three_party_case(case: CaseDetail) -> CaseDetail:
    """The same case with an organisation as third party."""
    return dataclasses.replace(case, parties=(*case.parties, _organisation()))


@pytest.fixture
def oral_case(case: CaseDetail) -> CaseDetail:
    """The same case agreed orally (People's Mediation Law art. 28): printed as the register."""
    assert case.agreement is not None
    return dataclasses.replace(
        case, agreement=dataclasses.replace(case.agreement, form=AgreementForm.ORAL)
    )


@pytest.fixture
def blank_case(case: CaseDetail) -> CaseDetail:
    """No agreement on file yet: the form prints with lines to write on."""
    return dataclasses.replace(case, agreement=None, facts="")


# ---------------------------------------------------------------------------------------------
# Reading documents back

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed"
)


def pdftotext(path: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pypdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_paragraph_texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    """The body paragraphs' text as Word shows it: with the number Word puts before a numbered
    paragraph (python-docx's `paragraph.text` leaves it out), worked out from the numbering part
    as Word does for a one-level list: per list instance, from its start or start override."""
    from docx.oxml.ns import qn

    from app.documents.text import cn_number

    root = document.part.numbering_part.element
    abstracts = {a.get(qn("w:abstractNumId")): a for a in root.iter(qn("w:abstractNum"))}
    formats: dict[str, tuple[str, str, int]] = {}
    for num in root.iter(qn("w:num")):
        abstract = abstracts[num.find(qn("w:abstractNumId")).get(qn("w:val"))]
        level = next(lvl for lvl in abstract.iter(qn("w:lvl")) if lvl.get(qn("w:ilvl")) == "0")
        start = int(level.find(qn("w:start")).get(qn("w:val")))
        override = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        if override is not None:
            start = int(override.get(qn("w:val")))
        fmt = level.find(qn("w:numFmt")).get(qn("w:val"))
        formats[num.get(qn("w:numId"))] = (fmt, level.find(qn("w:lvlText")).get(qn("w:val")), start)
    counters: dict[str, int] = {}
    out = []
    for paragraph in document.paragraphs:
        num_id = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        label = ""
        if num_id is not None:
            key = num_id.get(qn("w:val"))
            fmt, pattern, start = formats[key]
            n = counters[key] = counters.get(key, start - 1) + 1
            number = {"chineseCounting": cn_number(n), "decimal": str(n)}[fmt]
            label = pattern.replace("%1", number)
        out.append(label + paragraph.text)
    return out


def with_parties(case: CaseDetail, persons: int, organisations: int) -> CaseDetail:
    """The case with `persons` applicants and `organisations` respondents (names all differ)."""
    person, organisation = _parties()[0], _organisation()
    parties = [
        dataclasses.replace(person, id=10 + k, position=k, name=f"申请人{cn(k)}")
        for k in range(persons)
    ] + [
        dataclasses.replace(
            organisation,
            id=20 + k,
            position=persons + k,
            role=PartyRole.RESPONDENT,
            name=f"新乡市第{cn(k)}物业服务有限公司",
        )
        for k in range(organisations)
    ]
    return dataclasses.replace(case, parties=tuple(parties))


def cn(k: int) -> str:
    return "甲乙丙丁戊己庚辛壬癸"[k]


@dataclasses.dataclass(frozen=True)
class Word:
    """A word pdftotext found on a page, in points from the top left of the paper."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pdf_words(path: Path) -> list[list[Word]]:
    """The words of each page, with their boxes (`pdftotext -bbox`)."""
    import html
    import re

    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    )
    return [
        [
            Word(float(a), float(b), float(c), float(d), html.unescape(t))
            for a, b, c, d, t in pattern.findall(chunk)
        ]
        for chunk in out.split("<page ")[1:]
    ]


def pdf_lines(page: list[Word]) -> list[str]:
    """The page's words joined into lines, top to bottom (words within 3 pt of a line's top
    belong to it), left to right; the page number left out."""
    rows: dict[float, list[Word]] = {}
    for word in sorted(page, key=lambda w: (w.y0, w.x0)):
        key = next((k for k in rows if abs(k - word.y0) <= 3), word.y0)
        rows.setdefault(key, []).append(word)
    lines = ["".join(w.text for w in sorted(rows[k], key=lambda w: w.x0)) for k in sorted(rows)]
    return [line for line in lines if not re.fullmatch(r"第\d+页共\d+页", line)]


MM = 72 / 25.4  # points in a millimetre
