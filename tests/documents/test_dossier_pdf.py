"""The whole dossier as one PDF: a bookmark per paper, a contents list whose page numbers are the
bookmarks' pages, continuous page numbers, attachments bound in, metadata; and as one DOCX."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from docx import Document as WordDocument
from pypdf import PdfReader

from app.domain.codes import AttachmentKind
from app.services.cases import list_cases
from app.services.detail import get_case
from app.services.printing import print_dossier
from app.services.sittings import add_attachment
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
    marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    titles = [t for t, _ in marks]
    assert titles[:2] == ["卷宗封面", "卷内目录"] and titles[-1] == "封底"
    for form in (
        "人民调解受理登记表",
        "人民调解调查记录"
        if any(s.kind.value == "investigation" for s in case.sessions)
        else "人民调解记录",
        "人民调解回访记录",
    ):
        assert form in titles
    assert any("维修费收据" in t for t in titles) and any("现场勘验材料" in t for t in titles)

    # The contents list: each row's first page is where its bookmark points, counted from the
    # first numbered page (after the cover and the contents list).
    contents = reader.pages[marks[1][1]].extract_text()
    numbered_from = marks[2][1]
    for title, index in marks[2:]:
        first = index - numbered_from + 1
        assert re.search(
            rf"{re.escape(title[:6])}.*?\s{first}(?:-\d+)?\s", contents.replace("\n", " ") + " "
        ), (title, first)
    # Every numbered page prints its number; the cover and the contents list print none.
    for index in range(numbered_from, len(reader.pages)):
        assert f"第 {index - numbered_from + 1} 页" in reader.pages[index].extract_text(), index
    assert not re.search(r"第 \d+ 页", reader.pages[0].extract_text())
    meta = reader.metadata
    assert meta is not None and meta.title == f"人民调解卷宗 {case.number}"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_the_dossier_docx_has_every_paper(demo_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = rich_case(demo_db)
    target = tmp_path / "dossier.docx"
    print_dossier(demo_db, case_id, "docx", target)
    text = "\n".join(p.text for p in WordDocument(str(target)).paragraphs)
    for title in ("卷内目录", "人民调解受理登记表", "人民调解回访记录", "封底"):
        assert title in text.replace(" ", "")
