"""The whole dossier (人民调解卷宗) of a case as one PDF: the cover, the contents list, every form
the case records in the customary order with continuous page numbers, the attachments that are
images or PDFs bound in at their place, one bookmark per paper, and the file's metadata.

Each form is rendered on its own, knowing the page it starts on (the page numbers are in the
bottom margin, so they never change a form's page count); the contents list is made last, when
every paper's first page is known, and the pages are then put together with pypdf. The cover
and the contents list carry no page number, as archives number the papers inside.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from app.documents import render
from app.documents.forms import registry
from app.documents.forms.back_cover import build_back_cover
from app.documents.forms.contents import ContentsEntry, build_contents
from app.documents.forms.cover import build_cover
from app.documents.tree import Document, PageBreak
from app.views import CaseDetail, CommitteeInfo

#: Forms a dossier does not bind as papers of their own: the cover, the contents list and the
#: back cover are placed by the assembly; the oral register is the agreement's paper already.
_PLACED = {"cover", "contents", "back_cover", "oral_agreement"}
#: Image files bound in as a page each; PDFs are bound in whole.
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp"}


@dataclass(frozen=True)
class Bound:
    """An attachment to bind in: its title in the contents list and its stored file."""

    title: str
    path: Path
    #: The original file's suffix (".jpg", ".pdf"): stored copies are named by their hash.
    suffix: str


@dataclass(frozen=True)
class Paper:
    """One paper of the dossier: its title, first page (0: unnumbered) and pages."""

    title: str
    first_page: int
    pages: int


@dataclass(frozen=True)
class DossierDone:
    papers: tuple[Paper, ...]
    pages: int


def papers_of(
    case: CaseDetail, committee: CommitteeInfo, *, today: date | None = None
) -> list[Document]:
    """Every form the case has something for, in dossier order (blank forms are left out)."""
    docs: list[Document] = []
    for spec in sorted(registry.FORMS.values(), key=lambda s: s.dossier_order):
        if spec.key in _PLACED or not applies(spec.key, case):
            continue
        docs += registry.documents(spec, case, committee, today=today)
    return docs


def applies(key: str, case: CaseDetail) -> bool:
    """Whether the dossier binds this form for `case`: only what the case has done."""
    agreement = case.agreement
    match key:
        case "application":
            return case.source.value == "application"
        case "acceptance":
            return True
        case "rights_notice":
            return case.accepted_on is not None
        case "agreement":
            return agreement is not None
        case "confirmation":
            return agreement is not None and agreement.form.value == "written"
        case _:
            return True


def _pdf_bytes(document: Document) -> bytes:
    out = io.BytesIO()
    render(document, "pdf", out)
    return out.getvalue()


def _image_page(path: Path, title: str) -> bytes:
    """An image on an A4 page of its own, as large as fits, with its title above."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from app.documents.fonts import BODY_FONT, covered

    covered("中")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    width, height = A4
    margin = 20 * mm
    canvas.setFont(BODY_FONT, 12)
    canvas.drawString(margin, height - margin, title)
    image = ImageReader(str(path))
    iw, ih = image.getSize()
    room_w, room_h = width - 2 * margin, height - 2 * margin - 30 * mm
    scale = min(room_w / iw, room_h / ih)
    w, h = iw * scale, ih * scale
    canvas.drawImage(image, (width - w) / 2, height - margin - 10 * mm - h, w, h)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _number_stamp(number: int) -> Any:
    """A page carrying only '第 n 页' where the forms print it, to lay over a bound-in page."""
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from app.documents import layout
    from app.documents.fonts import BODY_FONT, covered

    covered("中")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont(BODY_FONT, layout.PAGE_NUMBER_SIZE)
    canvas.drawCentredString(A4[0] / 2, layout.PAGE_NUMBER_FROM_BOTTOM_MM * mm, f"第 {number} 页")
    canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(out.getvalue())).pages[0]


def build_dossier_pdf(
    case: CaseDetail,
    committee: CommitteeInfo,
    target: BinaryIO,
    *,
    bound: Sequence[Bound] = (),
    today: date | None = None,
    numbered: Callable[[Document, int], Document] | None = None,
) -> DossierDone:
    """Write the dossier of `case` to `target`; returns its papers with their pages.

    `numbered(document, first_page)` gives the document printing its page numbers from
    `first_page` on (by default its `page_numbers` "running" from there).
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    number = numbered or (lambda doc, first: replace(doc, page_numbers="running", first_page=first))
    writer = PdfWriter()
    papers: list[Paper] = []
    outline: list[tuple[str, int]] = []  # (title, index of its first page in the writer)
    rendered: list[tuple[str, PdfReader]] = []
    stamped: set[int] = set()  # indexes into `rendered` of bound-in papers
    page = 1

    for document in [*papers_of(case, committee, today=today)]:
        reader = PdfReader(io.BytesIO(_pdf_bytes(number(document, page))))
        title = document.title.removesuffix(case.number).strip()
        rendered.append((title, reader))
        papers.append(Paper(title, page, len(reader.pages)))
        page += len(reader.pages)
    for item in bound:
        if item.suffix == ".pdf":
            reader = PdfReader(str(item.path))
        elif item.suffix in IMAGE_SUFFIXES:
            reader = PdfReader(io.BytesIO(_image_page(item.path, item.title)))
        else:
            continue
        stamped.add(len(rendered))  # bound-in pages get their number once in the writer
        rendered.append((item.title, reader))
        papers.append(Paper(item.title, page, len(reader.pages)))
        page += len(reader.pages)
    # The back cover states the pages of the file, itself included (it is one page).
    back = number(build_back_cover(case, committee, pages=page, today=today), page)
    back_reader = PdfReader(io.BytesIO(_pdf_bytes(back)))
    rendered.append(("封底", back_reader))
    papers.append(Paper("封底", page, len(back_reader.pages)))

    entries = [ContentsEntry(p.title, p.first_page, p.pages) for p in papers]
    front = [
        ("卷宗封面", PdfReader(io.BytesIO(_pdf_bytes(unnumbered(build_cover(case, committee)))))),
        (
            "卷内目录",
            PdfReader(io.BytesIO(_pdf_bytes(unnumbered(build_contents(entries, committee, case))))),
        ),
    ]
    numbered_from = len(front)
    for k, (title, reader) in enumerate([*front, *rendered]):
        outline.append((title, len(writer.pages)))
        for p in reader.pages:
            added = writer.add_page(p)
            if k - numbered_from in stamped:
                added.merge_page(_number_stamp(len(writer.pages) - numbered_from_page(front)))
    for title, index in outline:
        writer.add_outline_item(title=title, page_number=index)
    writer.add_metadata(
        {
            "/Title": f"人民调解卷宗 {case.number}",
            "/Author": committee.name,
            "/Subject": case.title,
            "/Creator": "老娘舅",
        }
    )
    writer._root_object[NameObject("/Lang")] = TextStringObject("zh-CN")
    writer.write(target)
    return DossierDone(tuple(papers), page - 1 + len(back_reader.pages))


def numbered_from_page(front: Sequence[tuple[str, Any]]) -> int:
    """Pages before page 1: the cover's and the contents list's."""
    return sum(len(reader.pages) for _, reader in front)


def unnumbered(document: Document) -> Document:
    return replace(document, page_numbers="none")


def combined(case: CaseDetail, committee: CommitteeInfo, papers: Sequence[Paper]) -> Document:
    """The dossier as one document for Word: the same papers one after another."""
    entries = [ContentsEntry(p.title, p.first_page, p.pages) for p in papers]
    parts = [
        build_cover(case, committee),
        build_contents(entries, committee, case),
        *papers_of(case, committee),
        build_back_cover(case, committee),
    ]
    blocks: list[Any] = []
    for k, part in enumerate(parts):
        if k:
            blocks.append(PageBreak())
        blocks.extend(part.blocks)
    return Document(f"人民调解卷宗 {case.number}", tuple(blocks), layout=parts[0].layout)
