"""Every dossier form, in both formats, read back: a rich case, a sparse one, the blank form.

A form must print every value the case records for it (names, numbers, dates as printed,
amounts, places, statements), embed its fonts, keep 𠮷 whole, and open in Word with the East
Asian font set; a blank form prints no case data at all. Page pictures of every form go to
artifacts/documents/forms/ for a person to look at.

`rich` has something for every field of every form (agents, both kinds of sitting, a
follow-up with risks, a judicial confirmation, an organisation, 𠮷 in a name); `sparse` is a
case just registered, one applicant known by name only; `expected` lists what each form must
print of a case.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from app.documents import render
from app.documents.forms.acceptance import SOURCE_CHOICES
from app.documents.forms.closing_report import result
from app.documents.forms.common import age_text, term_text
from app.documents.forms.contents import standard_entries
from app.documents.forms.cover import file_title, mediators
from app.documents.forms.follow_up import follow_ups_of
from app.documents.forms.investigation import held_text, names, sessions_of
from app.documents.forms.power_of_attorney import agents_of
from app.documents.forms.registry import FORMS, FormSpec, items
from app.documents.text import cn_date, paragraphs, yuan_text
from app.documents.tree import (
    Document,
    FieldLine,
    NumberedTerms,
    Paragraph,
    PartyBlock,
    SignatureBlock,
    Table,
    Title,
)
from app.domain.codes import (
    AgreementForm,
    AuthorityKind,
    CaseStatus,
    DisputeType,
    PartyKind,
    PartyRole,
    Satisfaction,
    SessionKind,
    Source,
    Tier,
)
from app.services.cases import count_cases, get_case, list_cases
from app.services.database import get_committee, open_database
from app.services.demo import fill_demo
from app.views import (
    AgentView,
    CaseDetail,
    CommitteeInfo,
    FollowUpView,
    PartyView,
    SessionView,
)
from tests.conftest import TODAY, artifacts_dir

from .conftest import APPLICANT, MEDIATOR, RECORDER, RESPONDENT, docx_paragraph_texts

AGENT = "阿依古丽·托乎提"
SPARSE_NAME = "张三"
COURT = "新乡市卫滨区人民法院"


def rich(three_party_case: CaseDetail) -> CaseDetail:
    """The agreement tests' three-party case with everything the dossier forms print."""
    case = three_party_case
    assert case.agreement is not None
    applicant = dataclasses.replace(
        case.parties[0],
        agents=(
            AgentView(
                7,
                AGENT,
                "13700001111",
                AuthorityKind.SPECIAL,
                date(2026, 3, 3),
                "代为承认、放弃、变更调解请求，代为签署调解协议",
            ),
        ),
    )
    return dataclasses.replace(
        case,
        source=Source.COURT,
        parties=(applicant, *case.parties[1:]),
        requests=("被申请人修复卫生间防水层", "被申请人赔偿天花板、墙面维修费用1250.50元"),
        accepted_on=date(2026, 3, 3),
        rights_notified_on=date(2026, 3, 5),
        performed_on=date(2026, 4, 1),
        closed_on=date(2026, 4, 2),
        status=CaseStatus.PERFORMED,
        dossier_note="申请人身份证复印件一份，原件已当场核对。\n现场照片三张另袋保存。",
        sessions=(
            SessionView(
                31,
                SessionKind.INVESTIGATION,
                datetime(2026, 3, 6, 2, 0, tzinfo=UTC),
                place="3号楼2单元501室",
                mediators_present=f"{MEDIATOR}\n{RECORDER}",
                parties_present=RESPONDENT,
                participants_present="物业经理孙立",
                recorder=RECORDER,
                statements="问：卫生间何时开始向楼下渗水？\n答：去年冬天开始，我请人看过一次。",
                facts_verified="501室卫生间防水层老化，地面有裂缝。",
                outcome="建议双方到调解室当面协商。",
            ),
            SessionView(
                32,
                SessionKind.MEDIATION,
                datetime(2026, 3, 12, 7, 0, tzinfo=UTC),
                place="飞机场社区老娘舅调解室",
                mediators_present=f"{MEDIATOR}\n{RECORDER}",
                parties_present=f"{APPLICANT}\n{RESPONDENT}",
                participants_present="楼栋长刘秀芝",
                recorder=RECORDER,
                statements="申请人称：天花板已经发霉。\n被申请人称：愿意修，但赔偿太高。",
                facts_verified="经查看现场，401室天花板约三平方米受损。",
                outcome="双方分歧较大，约定三日后再调。",
            ),
            SessionView(
                33,
                SessionKind.MEDIATION,
                datetime(2026, 3, 20, 7, 30, tzinfo=UTC),
                place="飞机场社区老娘舅调解室",
                mediators_present=MEDIATOR,
                parties_present=f"{APPLICANT}\n{RESPONDENT}",
                recorder=RECORDER,
                statements="被申请人称：同意赔偿维修费用。",
                outcome="经调解，双方当场达成调解协议。",
            ),
        ),
        follow_ups=(
            FollowUpView(
                date(2026, 4, 20),
                "m-1",
                MEDIATOR,
                True,
                Satisfaction.SATISFIED,
                notes="双方已按协议履行，未再发生渗水。",
                id=51,
                met_with=f"{APPLICANT}、{RESPONDENT}",
                risks="雨季仍可能渗水。",
                measures="请物业每月巡查一次。",
            ),
        ),
        agreement=dataclasses.replace(
            case.agreement,
            confirmation_applied_on=date(2026, 3, 25),
            confirmation_court=COURT,
            confirmation_result="裁定确认调解协议有效",
            confirmation_decided_on=date(2026, 4, 2),
        ),
    )


def sparse() -> CaseDetail:
    """Just registered: one applicant, of whom only the name is known."""
    return CaseDetail(
        id=9,
        uuid="0c9d7e7a-5e3c-4f1c-9f0a-3a1d2b4c5d6e",
        number="（2026）飞人调字第40号",
        title="张某噪音纠纷",
        dispute_type=DisputeType.OTHER,
        source=Source.APPLICATION,
        received_on=date(2026, 11, 20),
        tier=Tier.BUILDING,
        status=CaseStatus.REGISTERED,
        parties=(PartyView(1, 0, PartyRole.APPLICANT, PartyKind.PERSON, SPARSE_NAME),),
    )


# ---------------------------------------------------------------------------------------------
# What each form must print


def _person(party: PartyView, on: date, *, identity: bool = False) -> list[str]:
    values = [party.name, party.ethnicity, party.phone, party.address, party.occupation]
    if party.kind is PartyKind.ORGANIZATION:
        values += [party.credit_code, party.legal_representative]
    else:
        values += [age_text(party, on), party.sex.label if party.sex else ""]
    return values + ([party.id_number] if identity else [])


def _names(case: CaseDetail) -> list[str]:
    return [p.name for p in case.parties]


def _sitting(s: SessionView) -> list[str]:
    return [
        held_text(s.held_at),
        s.place,
        s.recorder,
        *names(s.mediators_present),
        *names(s.parties_present),
        *names(s.participants_present),
        *paragraphs(s.statements),
        *paragraphs(s.facts_verified),
        *paragraphs(s.outcome),
    ]


def expected(
    key: str, case: CaseDetail, committee: CommitteeInfo, today: date, item: int = -1
) -> list[str]:
    """The values of `case` form `key` prints, built on `today` (`item`: the index of the
    sitting, follow-up or agent)."""
    agreement = case.agreement
    terms = [term_text(t) for t in agreement.terms] if agreement else []
    facts = paragraphs(case.facts)
    match key:
        case "cover":
            out = [committee.name, "调解卷宗", file_title(case), case.number, mediators(case)]
            return [*out, cn_date(case.accepted_on), cn_date(case.closed_on)]
        case "contents":
            return [case.number, *(e.title for e in standard_entries(case))]
        case "application":
            shown = [p for p in case.parties if p.role is not PartyRole.THIRD_PARTY]
            people = [v for p in shown for v in _person(p, case.received_on)]
            return people + facts + list(case.requests) + [cn_date(case.received_on)]
        case "acceptance":
            ticked = dict(SOURCE_CHOICES)[case.source]
            out = [case.number, *_names(case), case.dispute_type.label, f"■{ticked}", *facts]
            return [*out, cn_date(case.accepted_on) if case.accepted_on else "", committee.name]
        case "rights_notice":
            on = case.rights_notified_on
            return [*_names(case), committee.name, cn_date(on) if on else ""]
        case "power_of_attorney":
            party, agent = agents_of(case)[item] if agents_of(case) else (None, None)
            if party is None or agent is None:
                return []
            on = agent.authorised_on or today
            authority = paragraphs(agent.authority)
            return [
                *_person(party, on),
                agent.name,
                agent.phone,
                *authority,
                f"■{agent.authority_kind.label}",
            ]
        case "investigation" | "mediation_record":
            kind = SessionKind.INVESTIGATION if key == "investigation" else SessionKind.MEDIATION
            sittings = sessions_of(case, kind)
            out = [case.number, *(_sitting(sittings[item]) if sittings else [])]
            if key == "mediation_record":
                on = case.rights_notified_on
                out += [case.title, cn_date(on) if on else ""]
            return out
        case "agreement" | "oral_agreement":
            return [case.number, *_names(case), *terms]
        case "follow_up":
            visits = follow_ups_of(case)
            if not visits:
                return []
            v = visits[item]
            out = [case.title, cn_date(v.on), v.by_name, v.met_with, committee.name]
            out += paragraphs(v.notes) + paragraphs(v.risks) + paragraphs(v.measures)
            out += [f"■{v.satisfaction.label}"] if v.satisfaction else []
            out += [case.number] if agreement else []
            return out + (
                [f"■{'已履行' if v.performed else '未履行'}"] if v.performed is not None else []
            )
        case "confirmation":
            out = [v for p in case.parties for v in (p.name, p.id_number, p.address, p.phone)]
            said = paragraphs(agreement.facts) if agreement and agreement.facts else facts
            out += [committee.name, *terms, *said]
            if agreement:
                out += [agreement.confirmation_court, cn_date(agreement.reached_on)]
                if agreement.confirmation_applied_on:
                    out.append(cn_date(agreement.confirmation_applied_on))
            return out
        case "closing_report":
            out = [case.number, committee.name, mediators(case), *facts, *result(case)]
            out += [v for p in case.parties for v in (p.name, p.address, p.phone)]
            return out + [cn_date(d) for d in (case.accepted_on, case.closed_on) if d]
        case "file_note":
            return [case.number, *paragraphs(case.dossier_note)]
        case "back_cover":
            return [case.number]
    raise KeyError(key)


def amounts(case: CaseDetail) -> list[str]:
    """The money terms as the agreement and the joint application print them."""
    agreement = case.agreement
    return [yuan_text(t.amount) for t in agreement.terms if t.amount] if agreement else []


# ---------------------------------------------------------------------------------------------
# Reading back

FORMATS = ("pdf", "docx")
KEYS = list(FORMS)
#: Forms that print the parties' names (the rest are about the dossier, not the people).
NAMED = [k for k in KEYS if k not in ("contents", "file_note", "back_cover")]


def read_back(path: Path) -> str:
    """The text of a PDF (pypdf) or of a Word file (python-docx: paragraphs with Word's term
    numbers, then every table cell)."""
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    document = docx.Document(str(path))
    parts = docx_paragraph_texts(document)
    parts += [
        p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs
    ]
    return "\n".join(parts)


def tree_text(doc: Document) -> str:
    """Every string the document tree prints, one block or cell after another."""
    out: list[str] = []
    for block in doc.blocks:
        match block:
            case Title(text) | Paragraph(text):
                out.append(text)
            case FieldLine(label, value):
                out.append(f"{label}：{value}")
            case PartyBlock(role, rows):
                out += [role, *(f"{f.label}：{f.value}" for row in rows for f in row)]
            case NumberedTerms(items=terms):
                out += terms
            case Table(header, rows):
                out += [*header, *(cell for row in rows for cell in row)]
            case SignatureBlock(left, right, seal, issuer, date_text):
                out += [*left, *right, seal, issuer, date_text]
    return "\n".join(out)


def squeezed(text: str) -> str:
    """Without white space: a value may wrap onto the next line anywhere a line may break."""
    return "".join(text.split())


def printed(doc: Document, fmt: str, path: Path) -> str:
    render(doc, fmt, path)  # type: ignore[arg-type]
    return squeezed(read_back(path))


def every(spec: FormSpec, case: CaseDetail, committee: CommitteeInfo) -> list[tuple[int, Document]]:
    """(index of the item, document) for everything in the case the form prints for."""
    if spec.per == "case":
        return [(-1, spec.make(case, committee, today=TODAY))]
    found = items(spec, case)
    return [
        (k, spec.make(case, committee, item_id=item_id, today=TODAY))
        for k, (item_id, _) in enumerate(found)
    ]


def assert_prints(
    key: str, case: CaseDetail, committee: CommitteeInfo, fmt: str, tmp_path: Path
) -> None:
    spec = FORMS[key]
    documents = every(spec, case, committee) or [(-1, spec.make(case, committee, today=TODAY))]
    for k, doc in documents:
        assert doc.title == f"{spec.name} {case.number}" or key == "agreement"
        text = printed(doc, fmt, tmp_path / f"{key}-{k}.{fmt}")
        for title in (b.text for b in doc.blocks if isinstance(b, Title)):
            assert squeezed(title) in text, title
        for value in expected(key, case, committee, TODAY, k):
            assert squeezed(value) in text, (key, k, value)
        if key in ("agreement", "oral_agreement", "confirmation"):
            for amount in amounts(case):
                assert squeezed(amount) in text, amount


@pytest.fixture
def rich_case(three_party_case: CaseDetail) -> CaseDetail:
    return rich(three_party_case)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", KEYS)
def test_a_rich_case_prints_every_recorded_value(
    key: str, fmt: str, rich_case: CaseDetail, committee: CommitteeInfo, tmp_path: Path
) -> None:
    assert_prints(key, rich_case, committee, fmt, tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", KEYS)
def test_a_sparse_case_prints_its_name_and_blanks(
    key: str, fmt: str, committee: CommitteeInfo, tmp_path: Path
) -> None:
    case = sparse()
    assert_prints(key, case, committee, fmt, tmp_path)
    text = printed(FORMS[key].make(case, committee, today=TODAY), fmt, tmp_path / f"s.{fmt}")
    assert "None" not in text
    if key in NAMED and key not in ("power_of_attorney", "follow_up", "investigation"):
        assert SPARSE_NAME in text  # the forms of sittings and visits not yet held print blank


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", KEYS)
def test_the_blank_form_prints_no_case_data(
    key: str, fmt: str, committee: CommitteeInfo, tmp_path: Path
) -> None:
    doc = FORMS[key].make(None, committee, today=TODAY)
    assert doc.title == FORMS[key].name
    text = printed(doc, fmt, tmp_path / f"blank.{fmt}")
    for title in (b.text for b in doc.blocks if isinstance(b, Title)):
        assert squeezed(title) in text
    assert "2026" not in text and "None" not in text  # no date, number or year filled in
    assert "（签名" in text or key in ("cover", "contents")  # room to sign (the cover has none)


# --- the demo's cases ------------------------------------------------------------------------

#: Which demo case shows each form at its fullest.
PICKS: dict[str, Callable[[CaseDetail], bool]] = {
    "power_of_attorney": lambda c: any(p.agents for p in c.parties),
    "investigation": lambda c: bool(sessions_of(c, SessionKind.INVESTIGATION)),
    "mediation_record": lambda c: len(sessions_of(c, SessionKind.MEDIATION)) > 1,
    "follow_up": lambda c: bool(c.follow_ups),
    "confirmation": lambda c: bool(c.agreement and c.agreement.confirmation_applied_on),
    "agreement": lambda c: bool(c.agreement and c.agreement.form is AgreementForm.WRITTEN),
    "oral_agreement": lambda c: bool(c.agreement and c.agreement.form is AgreementForm.ORAL),
    "closing_report": lambda c: c.closed_on is not None and c.agreement is not None,
}


def fullest(c: CaseDetail) -> bool:
    """Sittings of both kinds, an agreement and a follow-up."""
    kinds = {s.kind for s in c.sessions}
    return len(kinds) == 2 and c.agreement is not None and bool(c.follow_ups)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[CaseDetail], CommitteeInfo]:
    """The demo's 40 cases (as `demo_db` fills them), read once for the module."""
    db = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    try:
        fill_demo(db, cases=40, seed=11, today=TODAY)
        cases = [get_case(db, row.id) for row in list_cases(db, limit=count_cases(db))]
        return cases, get_committee(db)
    finally:
        db.close()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", KEYS)
def test_a_demo_case_prints_every_recorded_value(
    key: str, fmt: str, demo: tuple[list[CaseDetail], CommitteeInfo], tmp_path: Path
) -> None:
    cases, committee = demo
    case = next(c for c in cases if PICKS.get(key, fullest)(c))
    assert_prints(key, case, committee, fmt, tmp_path)


def test_failed_and_referred_cases_say_how_they_ended(
    demo: tuple[list[CaseDetail], CommitteeInfo], tmp_path: Path
) -> None:
    cases, committee = demo
    failed = next(c for c in cases if c.status is CaseStatus.FAILED and c.sessions)
    record = printed(FORMS["mediation_record"].make(failed, committee), "pdf", tmp_path / "m.pdf")
    report = printed(FORMS["closing_report"].make(failed, committee), "pdf", tmp_path / "c.pdf")
    for text in (record, report):
        assert "调解不成" in text and "已告知当事人可以通过向人民法院起诉等途径解决纠纷" in text
    referred = next(c for c in cases if c.status is CaseStatus.REFERRED)
    report = printed(FORMS["closing_report"].make(referred, committee), "pdf", tmp_path / "r.pdf")
    assert "已移交公安机关。原因：有治安违法情节" in report


# --- fonts -----------------------------------------------------------------------------------


def pdf_fonts(path: Path) -> list[Any]:
    """Every font dictionary the pages use, descendants of composite fonts included."""
    found = []
    for page in PdfReader(path).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            found += [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]
    return found


@pytest.mark.parametrize("key", KEYS)
def test_every_pdf_font_is_embedded_and_rare_names_extract_whole(
    key: str, rich_case: CaseDetail, committee: CommitteeInfo, tmp_path: Path
) -> None:
    path = tmp_path / f"{key}.pdf"
    render(FORMS[key].make(rich_case, committee, today=TODAY), "pdf", path)
    fonts = pdf_fonts(path)
    assert fonts
    for font in fonts:
        if font["/Subtype"] == "/Type0":
            continue  # its descendant carries the descriptor
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    assert b"Helvetica" not in path.read_bytes()
    if key in NAMED:
        assert RESPONDENT in read_back(path)  # 王𠮷: U+20BB7, outside the BMP
        # with its middle dot (the investigation questioned only the respondent)
        assert APPLICANT in squeezed(read_back(path)) or key == "investigation"


@pytest.mark.parametrize("key", KEYS)
def test_the_word_file_reopens_with_its_east_asian_fonts(
    key: str, rich_case: CaseDetail, committee: CommitteeInfo, tmp_path: Path
) -> None:
    path = tmp_path / f"{key}.docx"
    render(FORMS[key].make(rich_case, committee, today=TODAY), "docx", path)
    document = docx.Document(str(path))
    styles = document.styles.element
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    runs = list(document.element.body.iter(qn("w:r")))
    assert runs
    for run in runs:
        east_asia = run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))
        text = "".join(run.itertext())
        assert east_asia == ("SimSun-ExtB" if "𠮷" in text else "宋体") or not text.strip()
    if key in NAMED:
        assert RESPONDENT in read_back(path)


# --- pictures --------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_save_form_pictures(
    rich_case: CaseDetail, demo: tuple[list[CaseDetail], CommitteeInfo], committee: CommitteeInfo
) -> None:
    """Every form of the rich case, a demo case and blank, as PDF, DOCX and PNG pages."""
    folder = artifacts_dir("documents", "forms")
    for old in folder.iterdir():
        old.unlink()
    cases, demo_committee = demo
    for key, spec in FORMS.items():
        demo_case = next(c for c in cases if PICKS.get(key, fullest)(c))
        for variant, doc in (
            ("rich", spec.make(rich_case, committee, today=TODAY)),
            ("demo", spec.make(demo_case, demo_committee, today=TODAY)),
            ("blank", spec.make(None, committee, today=TODAY)),
        ):
            stem = folder / f"{key}-{variant}"
            render(doc, "pdf", stem.with_suffix(".pdf"))
            render(doc, "docx", stem.with_suffix(".docx"))
            pdf = str(stem.with_suffix(".pdf"))
            subprocess.run(["pdftoppm", "-png", "-r", "60", pdf, str(stem)], check=True)
            assert sorted(folder.glob(f"{key}-{variant}-*.png")), stem
