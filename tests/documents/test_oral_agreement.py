"""人民调解口头协议登记表: what the tree says, and the PDF and Word files read back."""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from app.documents import check_printable, tree
from app.documents.docx import render_docx
from app.documents.forms.oral_agreement import EFFECT, TITLE, build_oral_agreement
from app.documents.pdf import render_pdf
from app.documents.text import BLANK_DATE
from app.domain.codes import AgreementForm
from app.domain.errors import UserError
from app.domain.values import Place
from app.views import CaseDetail, CommitteeInfo, TermView

from .conftest import (
    APPLICANT,
    MEDIATOR,
    NUMBER,
    ORGANISATION,
    RECORDER,
    RESPONDENT,
    needs_poppler,
    pdftotext,
    pypdf_text,
)
from .test_agreement import joined
from .test_docx import _all_text as docx_all_text

LABELS = [
    "申请人",
    "被申请人",
    "纠纷主要\n事实、\n争议事项",
    "口头协议\n内容",
    "履行方式、\n时限",
    "调解地点",
    "涉及金额",
    "履行情况",
    "达成日期",
]
FACTS, TERMS_LABEL, PERFORMANCE = LABELS[2:5]
CAPITALS = "人民币1250.50元（大写：壹仟贰佰伍拾元伍角）"
TERMS = (
    "一、被申请人于协议签订后十日内请专业人员修复卫生间防水层。",
    f"二、被申请人赔偿申请人天花板、墙面维修费用，金额为{CAPITALS}。",
    "三、双方今后互谅互让，和睦相处。",
)
NEVER_FIRST = "，。、；：？！）》」』〕】…—”"
LONG_FACTS = "甲乙双方因楼上渗水发生争执，经多次协商未果。" * 50


def register(doc: tree.Document) -> dict[str, str]:
    """The register's cells by label (a label used twice, like 申请人, keeps the last): the
    rows of its two tables, the last of which pairs two fields in one row."""
    cells: dict[str, str] = {}
    for label, value in labelled(doc):
        cells[label] = value
    return cells


def labelled(doc: tree.Document) -> list[tuple[str, str]]:
    """(label, value) of every field of the register, in order."""
    tables = [b for b in doc.blocks if isinstance(b, tree.Table)]
    assert [t.header for t in tables] == [(), ()]
    pairs = []
    for table in tables:
        for row in table.rows:
            pairs += [(row[k], row[k + 1]) for k in range(0, len(row), 2)]
    return pairs


def with_terms(case: CaseDetail, *terms: TermView) -> CaseDetail:
    assert case.agreement is not None
    return dataclasses.replace(case, agreement=dataclasses.replace(case.agreement, terms=terms))


def flat(text: str) -> str:
    """Text without the line breaks and spaces a renderer puts where lines wrap."""
    return "".join(text.split())


# --- the tree ----------------------------------------------------------------------------------


def test_title_number_and_the_ruled_table(oral_case: CaseDetail, committee: CommitteeInfo) -> None:
    doc = build_oral_agreement(oral_case, committee)
    assert doc.blocks[0] == tree.Title("人民调解口头协议登记表") == tree.Title(TITLE)
    assert doc.blocks[1] == tree.FieldLine("编号", NUMBER)  # at the top right
    assert doc.title == f"人民调解口头协议登记表 {NUMBER}"
    assert doc.page_size == "A4"
    first, last = [b for b in doc.blocks if isinstance(b, tree.Table)]
    assert [label for label, _ in labelled(doc)] == LABELS
    assert first.widths == (0.17, 0.83)
    assert len(last.rows) == 1 and last.widths[0] == 0.17  # the label column as wide


def test_party_particulars(
    oral_case: CaseDetail, three_party_case: CaseDetail, committee: CommitteeInfo
) -> None:
    cells = dict(build_oral_agreement(oral_case, committee).blocks[2].rows)  # type: ignore[union-attr]
    assert cells["申请人"] == (
        f"姓名：{APPLICANT}\u3000性别：男\u3000民族：维吾尔族\u3000年龄：45岁\n"
        "职业或职务：退休职工\u3000联系方式：13800000000\n"
        "公民身份号码：11010519491231002X\n"
        "单位或住址：河南省新乡市卫滨区飞机场社区3号楼2单元401室"
    )
    assert "年龄：35岁" in cells["被申请人"]  # on the day reached, the day before her birthday
    organisation = register(build_oral_agreement(three_party_case, committee))["第三人"]
    assert organisation.splitlines() == [
        f"名称：{ORGANISATION}",
        "统一社会信用代码：91350100M000100Y43",
        "法定代表人：赵六\u3000联系方式：0373-5123456",
        "住所：河南省新乡市卫滨区飞机场社区临街商铺8号",
    ]


def test_a_particular_not_on_record_leaves_room_to_write(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    applicant = dataclasses.replace(oral_case.parties[0], ethnicity="", phone="")
    case = dataclasses.replace(oral_case, parties=(applicant, oral_case.parties[1]))
    cell = register(build_oral_agreement(case, committee))["申请人"]
    assert "民族：\u3000\u3000\u3000\u3000\u3000年龄：45岁" in cell
    assert "联系方式：" + "\u3000" * 8 in cell


def test_facts_terms_and_performance_as_the_written_agreement_states_them(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    cells = register(build_oral_agreement(oral_case, committee))
    assert cells[FACTS].splitlines() == [
        "3号楼501室卫生间防水层老化，多次向楼下401室渗水，造成401室天花板、墙面受损。",
        "双方因维修和赔偿问题发生争执，申请人于2026年3月2日向本委员会申请调解。",
        "争议焦点：渗水原因、维修责任及赔偿金额。",
    ]
    assert tuple(cells[TERMS_LABEL].splitlines()) == TERMS
    assert cells[PERFORMANCE].splitlines() == [
        f"第一项：由被申请人{RESPONDENT}于2026年3月30日前按约定自行履行。",
        f"第二项：由被申请人{RESPONDENT}于2026年4月1日前向申请人{APPLICANT}支付人民币1250.50元。",
    ]
    assert cells["达成日期"] == "2026年3月20日"


def test_place_and_amount(
    oral_case: CaseDetail, committee: CommitteeInfo, blank_case: CaseDetail
) -> None:
    cells = register(build_oral_agreement(oral_case, committee))
    assert cells["调解地点"] == ""  # not recorded: a blank cell to write in
    assert cells["涉及金额"] == CAPITALS  # what the terms come to
    # Only where the dispute arose is known: labelled so, not passed off as the place of
    # mediation (the place of the mediation session is test_fixes_register's).
    placed = dataclasses.replace(oral_case, place=Place("飞机场社区", "3号楼", "2单元", "401"))
    cells = register(build_oral_agreement(placed, committee))
    assert cells["纠纷发生地"] == "飞机场社区3号楼2单元401室"
    assert "调解地点" not in cells
    disputed = dataclasses.replace(oral_case, amount=Decimal("300"))
    no_money = with_terms(disputed, TermView(1, "道歉"))
    assert register(build_oral_agreement(no_money, committee))["涉及金额"] == (
        "人民币300.00元（大写：叁佰元整）"  # the amount in dispute
    )
    assert register(build_oral_agreement(blank_case, committee))["涉及金额"] == ""


@pytest.mark.parametrize(
    ("performed", "expected"),
    [
        ((None, None), "未履行"),
        ((date(2026, 3, 20), date(2026, 3, 25)), "已履行（2026年3月25日履行完毕）"),
        ((date(2026, 3, 22), None), "部分履行：第一项已于2026年3月22日履行；第二项未履行。"),
    ],
)
def test_whether_performed_comes_from_the_terms(
    oral_case: CaseDetail,
    committee: CommitteeInfo,
    performed: tuple[date | None, date | None],
    expected: str,
) -> None:
    terms = [TermView(k, f"第{k}项", performed_on=on) for k, on in enumerate(performed, 1)]
    cells = register(build_oral_agreement(with_terms(oral_case, *terms), committee))
    assert cells["履行情况"] == expected


def test_it_takes_effect_when_reached_and_is_not_counted_out_in_copies(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_oral_agreement(oral_case, committee)
    assert tree.Paragraph(EFFECT, tree.Style.SMALL, keep_with_next=True) in doc.blocks
    assert EFFECT == "本口头协议自各方当事人达成协议之日起生效。"
    text = joined(doc)
    assert "一式" not in text and "各执一份" not in text
    assert "司法确认" not in text  # the hint belongs to the written agreement


def test_signatures_seal_and_date(three_party_case: CaseDetail, committee: CommitteeInfo) -> None:
    doc = build_oral_agreement(three_party_case, committee)
    signatures = doc.blocks[-1]
    assert isinstance(signatures, tree.SignatureBlock)
    assert signatures.left == (
        f"申请人{APPLICANT}（签名或按指印）：",
        f"被申请人{RESPONDENT}（签名或按指印）：",
        f"第三人{ORGANISATION}（单位盖章）：",
    )
    assert signatures.representatives == ("", "", "法定代表人（职务：＿＿＿＿）签名：")
    assert signatures.right == (f"人民调解员{MEDIATOR}（签名）：", f"登记人{RECORDER}（签名）：")
    assert signatures.seal_label == "（人民调解委员会印）"
    assert signatures.issuer == "飞机场社区人民调解委员会"
    assert signatures.date_text == "2026年3月20日"
    # the names say whose line it is; nothing fills a line
    text = joined(dataclasses.replace(doc, blocks=doc.blocks[:-1]))
    assert MEDIATOR not in text and RECORDER not in text


def test_a_blank_register_has_room_to_write(
    blank_case: CaseDetail, committee: CommitteeInfo
) -> None:
    doc = build_oral_agreement(dataclasses.replace(blank_case, parties=()), committee)
    cells = register(doc)
    assert [label for label, _ in doc.blocks[2].rows][:2] == ["申请人", "被申请人"]  # type: ignore[union-attr]
    assert cells[TERMS_LABEL] == "\n".join(["\u3000"] * 4)
    assert cells["履行情况"] == "" and cells["达成日期"] == BLANK_DATE
    assert doc.blocks[-1].date_text == BLANK_DATE  # type: ignore[union-attr]


def test_a_table_may_go_without_a_header_but_not_with_a_wrong_one() -> None:
    tree.Table((), (("标签", "内容"),), (0.3, 0.7))
    with pytest.raises(ValueError):
        tree.Table(("一列",), (("标签", "内容"),), (0.3, 0.7))


def test_a_missing_character_is_named_by_its_row(
    oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    rare = "\U0002a6a5"  # 𪚥, in neither bundled font
    applicant = dataclasses.replace(oral_case.parties[0], name=f"张{rare}")
    case = dataclasses.replace(oral_case, parties=(applicant, oral_case.parties[1]))
    with pytest.raises(UserError, match=f"“申请人”一栏.*“{rare}”字无法打印"):
        check_printable(build_oral_agreement(case, committee))


# --- the PDF -----------------------------------------------------------------------------------


@pytest.fixture
def oral_pdf(tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo) -> Path:
    assert three_party_case.agreement is not None
    oral = dataclasses.replace(
        three_party_case,
        agreement=dataclasses.replace(three_party_case.agreement, form=AgreementForm.ORAL),
    )
    path = tmp_path / "oral.pdf"
    render_pdf(build_oral_agreement(oral, committee), path)
    return path


def expected_texts() -> list[str]:
    return [TITLE, NUMBER, APPLICANT, RESPONDENT, ORGANISATION, *TERMS, "1250.50", EFFECT]


@pytest.mark.parametrize("extract", [pypdf_text, pytest.param(pdftotext, marks=needs_poppler)])
def test_pdf_text_reads_back(oral_pdf: Path, extract: object) -> None:
    text = flat(extract(oral_pdf))  # type: ignore[operator]
    for expected in (
        *expected_texts(),
        CAPITALS,
        "（人民调解委员会印）",
        f"登记人{RECORDER}（签名）：",
    ):
        assert flat(expected) in text, expected
    assert "一式" not in text


@needs_poppler
def test_pdf_fonts_are_all_embedded(oral_pdf: Path) -> None:
    listing = subprocess.run(
        ["pdffonts", str(oral_pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert listing
    for line in listing:
        name, emb = line.split()[0], line.split()[-5]  # name type encoding emb sub uni id
        assert emb == "yes", line
        assert "Helvetica" not in name
    assert any("LXGWWenKai" in line for line in listing)  # 𠮷 and 㵘 drawn, not dropped


@needs_poppler
def test_pdf_is_a4_and_no_line_starts_with_a_closing_mark(
    tmp_path: Path, oral_case: CaseDetail, oral_pdf: Path, committee: CommitteeInfo
) -> None:
    for page in PdfReader(oral_pdf).pages:
        assert abs(float(page.mediabox.width) - 595.28) < 0.5
        assert abs(float(page.mediabox.height) - 841.89) < 0.5
    assert oral_case.agreement is not None
    punctuated = dataclasses.replace(
        oral_case,
        agreement=dataclasses.replace(
            oral_case.agreement, facts="他说：“好。”然后，又说：“不行！”——是吗？（括号）" * 12
        ),
    )
    long = tmp_path / "punctuated.pdf"
    render_pdf(build_oral_agreement(punctuated, committee), long)
    for path in (oral_pdf, long):
        for line in pdftotext(path).splitlines():
            assert not line.strip() or line.strip()[0] not in NEVER_FIRST, line


@needs_poppler
def test_a_long_text_runs_on_over_the_page_under_its_label(
    tmp_path: Path, oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    """Facts longer than a page split inside their row; each part keeps the row's label, and
    not a character is lost."""
    assert oral_case.agreement is not None
    long = dataclasses.replace(
        oral_case, agreement=dataclasses.replace(oral_case.agreement, facts=LONG_FACTS, issues="")
    )
    path = tmp_path / "long.pdf"
    render_pdf(build_oral_agreement(long, committee), path)
    pages = pdftotext(path).split("\f")
    holding = [k for k, page in enumerate(pages) if "甲乙双方" in page]
    assert len(holding) >= 2, holding
    for k in holding:
        assert "纠纷主要" in pages[k]
    text = pypdf_text(path)
    assert all(text.count(char) == LONG_FACTS.count(char) for char in "甲乙渗执果")
    assert all(flat(t) in flat(text) for t in TERMS)


# --- the Word file -----------------------------------------------------------------------------


@pytest.fixture
def oral_docx(tmp_path: Path, three_party_case: CaseDetail, committee: CommitteeInfo) -> Path:
    path = tmp_path / "oral.docx"
    render_docx(build_oral_agreement(three_party_case, committee), path)
    return path


def test_docx_reads_back_the_same_text(oral_docx: Path) -> None:
    text = docx_all_text(docx.Document(str(oral_docx)))
    for expected in (
        *expected_texts(),
        CAPITALS,
        "（人民调解委员会印）",
        f"登记人{RECORDER}（签名）：",
    ):
        assert expected in text, expected
    assert "一式" not in text


def test_docx_is_a4_with_east_asian_fonts(oral_docx: Path) -> None:
    document = docx.Document(str(oral_docx))
    section = document.sections[0]
    assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1
    runs = list(document.element.body.iter(qn("w:r")))
    assert len(runs) > 30
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "SimSun-ExtB")
    ext_b = [r for r in runs if "𠮷" in "".join(r.itertext())]
    assert ext_b
    for run in ext_b:
        assert run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "SimSun-ExtB"


def test_docx_register_is_one_ruled_table_of_labelled_rows(
    tmp_path: Path, oral_docx: Path, oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    document = docx.Document(str(oral_docx))
    ruled, last = [
        t for t in document.tables if t.style is not None and t.style.name == "Table Grid"
    ]
    labels = [row.cells[0].text for row in ruled.rows]
    assert labels == ["申请人", "被申请人", "第三人", *LABELS[2:7]]
    assert [c.text for c in last.rows[0].cells][::2] == LABELS[7:]
    assert [kept_whole(r) for r in ruled.rows] == [True] * 8
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in ruled.rows)  # no header
    # A row too long to stay on one page may break over it.
    assert oral_case.agreement is not None
    long = dataclasses.replace(
        oral_case, agreement=dataclasses.replace(oral_case.agreement, facts=LONG_FACTS)
    )
    path = tmp_path / "long.docx"
    render_docx(build_oral_agreement(long, committee), path)
    ruled, _ = [t for t in docx.Document(str(path)).tables if t.style.name == "Table Grid"]
    assert [kept_whole(r) for r in ruled.rows] == [True, True, False, *[True] * 4]


def kept_whole(row) -> bool:  # type: ignore[no-untyped-def]
    properties = row._tr.trPr
    return properties is not None and properties.find(qn("w:cantSplit")) is not None


def test_an_oral_agreement_of_a_hundred_terms_prints_as_pdf_and_word(
    tmp_path: Path, oral_case: CaseDetail, committee: CommitteeInfo
) -> None:
    """The terms run on over pages under their label in the PDF as they do in Word (the
    register's row once overflowed a page and reportlab gave up with a LayoutError)."""
    assert oral_case.agreement is not None
    terms = tuple(
        TermView(k, f"第{k}项：被申请人于协议签订后{k}日内修复卫生间防水层并赔偿损失")
        for k in range(1, 101)
    )
    many = dataclasses.replace(
        oral_case, agreement=dataclasses.replace(oral_case.agreement, terms=terms)
    )
    pdf = tmp_path / "many.pdf"
    render_pdf(build_oral_agreement(many, committee), pdf)
    text = flat(pypdf_text(pdf))
    assert all(f"第{k}项" in text for k in (1, 50, 100))
    assert len(PdfReader(pdf).pages) >= 3
    render_docx(build_oral_agreement(many, committee), tmp_path / "many.docx")
