"""The whole dossier as one PDF: a bookmark per paper, a contents list whose page numbers are the
bookmarks' pages, continuous page numbers, attachments bound in at their rows, the agreement's
verification mark, metadata; and as one DOCX."""

from __future__ import annotations

import itertools
import re
import struct
import zlib
from pathlib import Path

from docx import Document as WordDocument
from pypdf import PdfReader
from sqlalchemy import select

from app.db.models import PrintedDocument
from app.domain.codes import AttachmentKind
from app.services.cases import list_cases
from app.services.database import Database, get_committee
from app.services.detail import get_case
from app.services.printing import agreement_title, print_blank, print_dossier
from app.services.sittings import add_attachment
from app.services.verification import agreement_digest, code_of, verify
from tests.conftest import artifacts_dir


def a_png(path: Path) -> Path:
    """A small real PNG (a grey square): what a phone photo of a receipt stands for."""
    width = height = 40
    raw = b"".join(b"\x00" + b"\x80" * width * 3 for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def rich_case(db) -> int:  # type: ignore[no-untyped-def]
    for row in list_cases(db, limit=100):
        case = get_case(db, row.id)
        if case.agreement is not None and case.sessions and case.follow_ups:
            return case.id
    raise AssertionError("the demo has a case with sittings, an agreement and a follow-up")


def bookmarks_matching_contents(reader: PdfReader) -> list[tuple[str, int]]:
    """The bookmarks (title, page index), after checking that the contents list gives each
    paper's first page where its bookmark points, counted from the first numbered page (after
    the cover and the contents list), and that every numbered page prints its number."""
    marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert [t for t, _ in marks[:2]] == ["卷宗封面", "卷内目录"] and marks[-1][0] == "封底"
    contents = reader.pages[marks[1][1]].extract_text()
    numbered_from = marks[2][1]
    for title, index in marks[2:]:
        first = index - numbered_from + 1
        assert re.search(
            rf"{re.escape(title[:6])}.*?\s{first}(?:-\d+)?\s", contents.replace("\n", " ") + " "
        ), (title, first)
    for index in range(numbered_from, len(reader.pages)):
        assert f"第 {index - numbered_from + 1} 页" in reader.pages[index].extract_text(), index
    return marks


def test_the_dossier_pdf_has_bookmarks_matching_its_contents(demo_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = rich_case(demo_db)
    case = get_case(demo_db, case_id)
    photo = a_png(tmp_path / "收据.png")
    add_attachment(demo_db, case_id, photo, "维修费收据", kind=AttachmentKind.RECEIPT)
    extra = tmp_path / "other.pdf"
    print_dossier(demo_db, case_id, "pdf", extra)  # any PDF will do as a bound-in scan
    add_attachment(demo_db, case_id, extra, "现场勘验材料", kind=AttachmentKind.EVIDENCE)
    target = artifacts_dir("documents", "dossier") / "dossier.pdf"
    print_dossier(demo_db, case_id, "pdf", target)

    reader = PdfReader(str(target))
    marks = bookmarks_matching_contents(reader)
    titles = [t for t, _ in marks]
    for form in (
        "人民调解受理登记表",
        "人民调解调查记录"
        if any(s.kind.value == "investigation" for s in case.sessions)
        else "人民调解记录",
        "人民调解回访记录",
    ):
        assert form in titles
    assert any("维修费收据" in t for t in titles) and any("现场勘验材料" in t for t in titles)
    # The cover and the contents list print no page number.
    assert not re.search(r"第 \d+ 页", reader.pages[0].extract_text())
    meta = reader.metadata
    assert meta is not None and meta.title == f"人民调解卷宗 {case.number}"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_the_dossier_docx_has_every_paper(demo_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = rich_case(demo_db)
    photo = a_png(tmp_path / "收据.png")
    add_attachment(demo_db, case_id, photo, "维修费收据", kind=AttachmentKind.RECEIPT)
    target = tmp_path / "dossier.docx"
    print_dossier(demo_db, case_id, "docx", target)
    word = WordDocument(str(target))
    text = "\n".join(p.text for p in word.paragraphs)
    for title in ("卷内目录", "人民调解受理登记表", "人民调解回访记录", "封底"):
        assert title in text.replace(" ", "")
    # The attachment is not in the Word file: its row names it, with no page and 另附; the
    # forms keep the pages of the PDF made without it, which the Word file follows.
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "序号")
    rows = [[c.text for c in r.cells] for r in table.rows]
    titles = [r[1] for r in rows[1:] if r[1]]
    receipt = next(r for r in rows if r[1] == "收据或凭证：维修费收据")
    assert receipt[2] == "" and receipt[3] == "另附"
    assert titles[titles.index(agreement_title(get_case(demo_db, case_id))) + 1] == receipt[1]
    pages = [r[2] for r in rows[1:] if r[1] and r[3] != "另附"]
    assert pages[0].startswith("1")
    for before, after in itertools.pairwise(pages):
        assert int(after.split("-")[0]) == int(before.split("-")[-1]) + 1, (before, after)
    with demo_db.reading() as session:  # no mark on the Word pages, so nothing recorded
        assert session.scalar(select(PrintedDocument.id)) is None


def test_attachments_at_their_rows_and_the_agreement_marked(
    demo_db: Database, tmp_path: Path
) -> None:
    case_id = rich_case(demo_db)
    case = get_case(demo_db, case_id)
    party = case.parties[0]
    scan = a_png(tmp_path / "身份证.png")
    add_attachment(
        demo_db, case_id, scan, "身份证", kind=AttachmentKind.IDENTITY, party_id=party.id
    )
    receipt = print_blank("cover", "pdf", tmp_path / "收条.pdf", get_committee(demo_db)).path
    add_attachment(demo_db, case_id, receipt, "维修费收条", kind=AttachmentKind.RECEIPT)
    case = get_case(demo_db, case_id)
    target = tmp_path / "dossier.pdf"
    print_dossier(demo_db, case_id, "pdf", target)

    reader = PdfReader(str(target))
    marks = bookmarks_matching_contents(reader)
    titles = [t for t, _ in marks]

    def where(prefix: str) -> list[int]:
        return [k for k, t in enumerate(titles) if t.startswith(prefix)]

    identity, receipt_at = where("身份证明：身份证"), where("收据或凭证：维修费收条")
    assert len(identity) == 1 and len(receipt_at) == 1
    agreement = where(agreement_title(case))
    assert len(agreement) == 1
    # Row 3 after rows 1–2, before rows 4–7; row 9 after row 8 and the sittings, before row 10.
    opening = where("人民调解受理登记表") + where("人民调解申请书")
    assert opening and max(opening) < identity[0]
    if case.accepted_on is not None:
        assert where("人民调解当事人权利义务告知书") == [identity[0] - 1]
    later = where("授权委托书") + where("人民调解调查记录") + where("人民调解记录")
    assert later and identity[0] < min(later) and max(later) < agreement[0]
    assert receipt_at == [agreement[0] + 1]
    follow_ups = where("人民调解回访记录")
    assert follow_ups and receipt_at[0] < min(follow_ups)
    # The contents list's rows are the bookmarks', in the same order, with their pages.
    contents = " ".join(reader.pages[marks[1][1]].extract_text().split())
    numbered_from = marks[2][1]
    position = 0
    for row, (title, index) in enumerate(marks[2:], 1):
        found = re.compile(
            rf"{row} {re.escape(title[:5])}.*? {index - numbered_from + 1}(?:-\d+)? "
        ).search(contents + " ", position)
        assert found, (row, title)
        position = found.end()
    # The receipt's one page carries its running number, as a form's page does.
    page = marks[receipt_at[0] + 0][1]
    assert f"第 {page - numbered_from + 1} 页" in reader.pages[page].extract_text()

    # The agreement paper carries the case number, the code and the QR code, as printed alone,
    # and the print is recorded: the code verifies.
    code = code_of(agreement_digest(case))
    first = reader.pages[marks[agreement[0]][1]].extract_text()
    assert f"核验码 {code}" in first and case.number in first
    assert sum(f"核验码 {code}" in p.extract_text() for p in reader.pages) == 1
    with demo_db.reading() as session:
        forms = list(
            session.scalars(select(PrintedDocument.form).where(PrintedDocument.code == code))
        )
    assert forms == ["oral_agreement" if case.agreement.form.value == "oral" else "agreement"]
    assert verify(demo_db, code).matches
