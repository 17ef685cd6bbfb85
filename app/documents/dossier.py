"""The whole dossier (人民调解卷宗) of a case as one PDF: the cover, the contents list, every form
the case records in the customary order with continuous page numbers, the attachments that are
images or PDFs bound in at their place, one bookmark per paper, and the file's metadata.

Each form is rendered on its own, knowing the page it starts on (the page numbers are in the
bottom margin, so they never change a form's page count); the contents list is made last, when
every paper's first page is known, and the pages are then put together with pypdf. The cover
and the contents list carry no page number, as archives number the papers inside.

Forms and attachments share one order, the forms' `dossier_order` (registry.py): an attachment
is bound at the row of the contents list its kind belongs to (`ATTACHMENT_ORDER`).
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
from app.domain.codes import AttachmentKind
from app.views import CaseDetail, CommitteeInfo

#: Forms a dossier does not bind as papers of their own: the cover, the contents list and the
#: back cover are placed by the assembly; the oral register is the agreement's paper already.
_PLACED = {"cover", "contents", "back_cover", "oral_agreement"}
#: Image files bound in as a page each; PDFs are bound in whole.
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp"}

#: Where each kind of attachment is bound, on the scale of the forms' `dossier_order`
#: (application 10, acceptance 11, rights notice 20, power of attorney 40, investigation 50,
#: mediation record 70, agreement 80, follow-up 100, confirmation 110, closing report 115,
#: file note 120, back cover 130), so that it sits at its row of the contents list (forms.md,
#: "Dossier order"). A form and an attachment of the same number: the form first.
ATTACHMENT_ORDER: dict[AttachmentKind, int] = {
    # The application as the party signed it, right after row 1's printed application and
    # acceptance form.
    AttachmentKind.APPLICATION: 12,
    # Row 3 当事人身份证明, after the rights notice (row 2), before powers of attorney (row 4).
    AttachmentKind.IDENTITY: 30,
    # Row 6 证据材料, after the investigation records (row 5): documents and photos of the
    # scene alike, in the order they were added.
    AttachmentKind.EVIDENCE: 60,
    AttachmentKind.PHOTO: 60,
    # Row 9 收条或汇款单等履行凭证: after the agreement (row 8; the program keeps no
    # performance record of its own, the payments are in the agreement and the follow-ups),
    # before the follow-up records (row 10).
    AttachmentKind.RECEIPT: 90,
    # Signed copies of papers, and material of no row of its own: after the judicial
    # confirmation's papers (row 11, the last of the work on the case) and before the closing
    # papers (结案报告表; row 12 卷宗情况说明), which sum up the file, may refer to them and by
    # custom close it before the back cover.
    AttachmentKind.SIGNED: 112,
    AttachmentKind.OTHER: 113,
}


@dataclass(frozen=True)
class Bound:
    """An attachment to bind in: its title in the contents list, its stored file and its kind
    (which says where it is bound: `order`)."""

    title: str
    path: Path
    #: The original file's suffix (".jpg", ".pdf"): stored copies are named by their hash.
    suffix: str
    kind: AttachmentKind = AttachmentKind.OTHER

    @property
    def order(self) -> int:
        """Its place among the forms' `dossier_order` numbers."""
        return ATTACHMENT_ORDER[self.kind]

    @property
    def bindable(self) -> bool:
        """Whether it can be bound into a PDF: an image or a PDF."""
        return self.suffix == ".pdf" or self.suffix in IMAGE_SUFFIXES


@dataclass(frozen=True)
class Paper:
    """One paper of the dossier: its title, first page (0: unnumbered) and pages, and its
    place in the dossier's order (a form's `dossier_order`, an attachment's `Bound.order`)."""

    title: str
    first_page: int
    pages: int
    order: int = 0
    #: An attachment bound in, not a form.
    attached: bool = False


@dataclass(frozen=True)
class DossierDone:
    papers: tuple[Paper, ...]
    pages: int


@dataclass(frozen=True)
class Form:
    """A form of the dossier: its registry key, its place in the order and the document."""

    key: str
    order: int
    document: Document


def forms_of(
    case: CaseDetail, committee: CommitteeInfo, *, today: date | None = None
) -> list[Form]:
    """Every form the case has something for, in dossier order (blank forms are left out)."""
    forms: list[Form] = []
    for spec in sorted(registry.FORMS.values(), key=lambda s: s.dossier_order):
        if spec.key in _PLACED or not applies(spec.key, case):
            continue
        forms += [
            Form(spec.key, spec.dossier_order, document)
            for document in registry.documents(spec, case, committee, today=today)
        ]
    return forms


def papers_of(
    case: CaseDetail, committee: CommitteeInfo, *, today: date | None = None
) -> list[Document]:
    """The documents of `forms_of`, in dossier order."""
    return [form.document for form in forms_of(case, committee, today=today)]


def in_order(forms: Sequence[Form], bound: Sequence[Bound]) -> list[Form | Bound]:
    """The forms and the attachments merged in dossier order: each attachment after the forms
    of its number or lower; forms and attachments of one number keep their own order."""
    merged: list[Form | Bound] = [*forms, *bound]
    return sorted(merged, key=lambda item: (item.order, isinstance(item, Bound)))


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
    mark: Callable[[Document], Document] | None = None,
) -> DossierDone:
    """Write the dossier of `case` to `target`; returns its papers with their pages.

    Each of `bound` that is an image or a PDF is bound in at its place (`Bound.order`).
    `numbered(document, first_page)` gives the document printing its page numbers from
    `first_page` on (by default its `page_numbers` "running" from there). `mark(document)`
    gives the agreement paper (row 8: the written agreement or the oral register) its
    verification mark, as the agreement printed alone carries it (the caller makes the mark:
    the code is the record's business, not the documents').
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    number = numbered or (lambda doc, first: replace(doc, page_numbers="running", first_page=first))
    writer = PdfWriter()
    papers: list[Paper] = []
    outline: list[tuple[str, int]] = []  # (title, index of its first page in the writer)
    rendered: list[tuple[str, PdfReader, bool]] = []  # (title, pages, bound in: stamp them)
    page = 1

    for item in in_order(forms_of(case, committee, today=today), bound):
        if isinstance(item, Bound):
            if not item.bindable:
                continue
            if item.suffix == ".pdf":
                reader = PdfReader(str(item.path))
            else:
                reader = PdfReader(io.BytesIO(_image_page(item.path, item.title)))
            # Bound-in pages get their number once in the writer.
            rendered.append((item.title, reader, True))
            papers.append(Paper(item.title, page, len(reader.pages), item.order, attached=True))
        else:
            document = item.document
            if mark is not None and item.key == "agreement":
                document = mark(document)
            reader = PdfReader(io.BytesIO(_pdf_bytes(number(document, page))))
            title = document.title.removesuffix(case.number).strip()
            rendered.append((title, reader, False))
            papers.append(Paper(title, page, len(reader.pages), item.order))
        page += len(reader.pages)
    # The back cover states the pages of the file, itself included (it is one page).
    back = number(build_back_cover(case, committee, pages=page, today=today), page)
    back_reader = PdfReader(io.BytesIO(_pdf_bytes(back)))
    back_order = registry.FORMS["back_cover"].dossier_order
    rendered.append(("封底", back_reader, False))
    papers.append(Paper("封底", page, len(back_reader.pages), back_order))

    entries = [ContentsEntry(p.title, p.first_page, p.pages) for p in papers]
    front = [
        ("卷宗封面", PdfReader(io.BytesIO(_pdf_bytes(unnumbered(build_cover(case, committee)))))),
        (
            "卷内目录",
            PdfReader(io.BytesIO(_pdf_bytes(unnumbered(build_contents(entries, committee, case))))),
        ),
    ]
    before = numbered_from_page(front)
    for title, reader, stamp in [(t, r, False) for t, r in front] + rendered:
        outline.append((title, len(writer.pages)))
        for p in reader.pages:
            added = writer.add_page(p)
            if stamp:
                added.merge_page(_number_stamp(len(writer.pages) - before))
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


#: The 备注 of an attachment in the Word file's contents list: it is not in the file.
NOT_IN_WORD = "另附"


def combined(
    case: CaseDetail,
    committee: CommitteeInfo,
    papers: Sequence[Paper],
    *,
    bound: Sequence[Bound] = (),
    today: date | None = None,
) -> Document:
    """The dossier as one document for Word: the same forms one after another.

    `papers` are those of the PDF dossier made without attachments (`build_dossier_pdf` with
    no `bound`), whose page numbers the Word file follows form for form. The attachments are
    not in the Word file, so they take no page of its numbering: the contents list names each
    of `bound` that the PDF would bind at its row, with no page number and 另附 in its 备注.
    """
    listed = [
        (p.order, False, ContentsEntry(p.title, p.first_page, p.pages))
        for p in papers
        if not p.attached
    ]
    listed += [
        (b.order, True, ContentsEntry(b.title, None, None, NOT_IN_WORD))
        for b in bound
        if b.bindable
    ]
    entries = [entry for _, _, entry in sorted(listed, key=lambda t: (t[0], t[1]))]
    parts = [
        build_cover(case, committee),
        build_contents(entries, committee, case),
        *papers_of(case, committee, today=today),
        build_back_cover(case, committee, today=today),
    ]
    blocks: list[Any] = []
    for k, part in enumerate(parts):
        if k == 2:  # the papers: numbered from 1 as in the PDF, the cover and contents not
            blocks.append(PageBreak(numbering="running", first_page=1))
        elif k:
            blocks.append(PageBreak())
        blocks.extend(part.blocks)
    return Document(
        f"人民调解卷宗 {case.number}",
        tuple(blocks),
        layout=parts[0].layout,
        page_numbers="none",
    )
