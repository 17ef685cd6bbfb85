"""Printing forms to PDF or Word files (written atomically: see `app.services.files`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from app.domain.codes import AgreementForm
from app.domain.errors import UserError
from app.services.cases import get_case
from app.services.database import Database, get_committee
from app.services.files import write_atomically
from app.services.sittings import stored_path
from app.services.verification import (
    agreement_content,
    code_of,
    content_hash,
    qr_text,
    record_print,
)
from app.views import CaseDetail, CommitteeInfo

if TYPE_CHECKING:  # the forms are imported when something is printed
    from app.documents.forms.registry import FormSpec
    from app.documents.tree import Document

Format = Literal["pdf", "docx"]
FORMATS: dict[str, str] = {"pdf": "PDF 文件", "docx": "Word 文件"}


def check_format(fmt: str) -> Format:
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"不支持的格式“{fmt}”，只能选 pdf 或 docx（Word）。")
    return fmt  # type: ignore[return-value]


@dataclass(frozen=True)
class Saved:
    """A printed form: where it was written and what it is (e.g. 人民调解口头协议登记表)."""

    path: Path
    title: str

    @property
    def message(self) -> str:
        return f"已保存{self.title}：{self.path}"


def is_oral(case: CaseDetail) -> bool:
    return case.agreement is not None and case.agreement.form is AgreementForm.ORAL


def agreement_title(case: CaseDetail) -> str:
    """What printing the agreement of `case` makes: the 人民调解协议书, or for an oral
    agreement the 人民调解口头协议登记表 (People's Mediation Law arts. 28, 30: it takes
    effect when reached and is recorded by the mediator, not signed as a written agreement)."""
    from app.documents.forms import agreement, oral_agreement

    return oral_agreement.TITLE if is_oral(case) else agreement.TITLE


def print_agreement(
    db: Database, case_ref: str | int, fmt: str, target: Path | str, today: date | None = None
) -> Saved:
    """The agreement of a case, written to `target` as PDF or DOCX: the 人民调解协议书, or the
    人民调解口头协议登记表 for an oral agreement (`agreement_title`).

    Refused (`UserError`, nothing written) for a text with a character the bundled fonts lack.
    """
    # Imported here: reportlab and python-docx cost ~150 ms to import and most starts never print.
    from app.documents import check_printable, render
    from app.documents.forms.agreement import build_agreement
    from app.documents.forms.oral_agreement import build_oral_agreement

    fmt = check_format(fmt)
    case = get_case(db, case_ref)
    build = build_oral_agreement if is_oral(case) else build_agreement
    document = marked(case, build(case, get_committee(db), today=today))
    check_printable(document)  # before a temporary file is made (render checks again: cheap)
    path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    record_print(db, case.id, "oral_agreement" if is_oral(case) else "agreement")
    return Saved(path, agreement_title(case))


def marked(case: CaseDetail, document: Document) -> Document:
    """The agreement paper with its verification mark: the case number, the code and a QR code
    derived from the stored content (the same code `record_print` records)."""
    from dataclasses import replace

    from app.documents.tree import Verification

    code = code_of(content_hash(agreement_content(case)))
    label = f"{case.number}　核验码 {code}"
    return replace(document, verification=Verification(code, label, qr_text(case.number, code)))


def form_spec(key: str) -> FormSpec:
    """The form printed under `key` (registry.FORMS), or a `UserError` pointing to the list."""
    from app.documents.forms.registry import FORMS

    spec = FORMS.get(key.strip().lower())
    if spec is None:
        raise UserError(f"没有“{key}”这种文书。可以打印的文书和它们的代码用 print --list 查看。")
    return spec


#: What a per-item form is printed for, as a message names it.
_ITEM_NAMES = {
    "investigation": "调查记录",
    "mediation_record": "调解记录",
    "follow_up": "回访记录",
    "power_of_attorney": "委托代理人",
}


def check_item(spec: FormSpec, case: CaseDetail, item_id: int | None) -> None:
    """Refuse (`UserError`) an `item_id` the form does not take or the case does not have, and
    a per-item form for a case that has no such item (its blank form can still be printed)."""
    from app.documents.forms.registry import items

    if spec.per == "case":
        if item_id is not None:
            raise UserError(f"{spec.name}每个案件只有一份，不用写 --item。")
        return
    found = items(spec, case)
    what = _ITEM_NAMES.get(spec.key, spec.name)
    if not found:
        have = "没有" if spec.per == "agent" else "还没有"
        raise UserError(
            f"这个案件{have}{what}，可以打印空白表：print blank {spec.key} -o {spec.name}.pdf"
        )
    if item_id is not None and item_id not in {k for k, _ in found}:
        listed = "；".join(f"{k}（{label}）" for k, label in found)
        raise UserError(f"这个案件没有序号为 {item_id} 的{what}。可以写的 --item 有：{listed}。")


def print_form(
    db: Database,
    key: str,
    case_ref: str | int,
    fmt: str,
    target: Path | str,
    *,
    item_id: int | None = None,
    today: date | None = None,
) -> Saved:
    """Form `key` (see `registry.FORMS`) of a case, written to `target` as PDF or DOCX; for a
    form printed per sitting, follow-up or agent, `item_id` picks which (None: the latest
    sitting or follow-up, the first agent).

    Refused (`UserError`, nothing written) for an unknown form, an item the case lacks, or a
    character the bundled fonts lack.
    """
    from app.documents import check_printable, render

    fmt = check_format(fmt)
    spec = form_spec(key)
    case = get_case(db, case_ref)
    check_item(spec, case, item_id)
    document = spec.make(case, get_committee(db), item_id=item_id, today=today)
    agreement_paper = spec.key in ("agreement", "oral_agreement") and case.agreement is not None
    if agreement_paper:
        document = marked(case, document)
    check_printable(document)  # before a temporary file is made
    path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    if agreement_paper:
        record_print(db, case.id, spec.key)
    return Saved(path, agreement_title(case) if spec.key == "agreement" else spec.name)


def print_blank(key: str, fmt: str, target: Path | str, committee: CommitteeInfo) -> Saved:
    """The blank form `key`, every field a blank to fill in by hand (for a walk-in party)."""
    from app.documents import check_printable, render

    fmt = check_format(fmt)
    spec = form_spec(key)
    document = spec.make(None, committee)
    check_printable(document)  # the committee's name is the one text that could fail
    path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    return Saved(path, f"空白{spec.name}")


def print_dossier(
    db: Database, case_ref: str | int, fmt: str, target: Path | str, today: date | None = None
) -> Saved:
    """The whole dossier of a case in one file: every form the case records in the customary
    order, with the attachments that are images or PDFs bound in (PDF only), continuous page
    numbers, a contents list that matches them and a bookmark per paper.

    For a case referred out of the community this is the hand-over bundle: the file so far.
    """
    from app.documents import check_printable, render
    from app.documents.dossier import Bound, build_dossier_pdf, combined, papers_of

    fmt = check_format(fmt)
    case = get_case(db, case_ref)
    committee = get_committee(db)
    for document in papers_of(case, committee, today=today):
        check_printable(document)
    bound = []
    for a in case.attachments:
        stored = stored_path(db, a.sha256)
        if stored.exists():  # a copy lost from the folder is not bound, never half-bound
            title = f"{a.kind.label}：{a.description or a.original_name}"
            bound.append(Bound(title, stored, Path(a.original_name).suffix.lower()))

    def write_pdf(handle: BinaryIO) -> None:
        build_dossier_pdf(case, committee, handle, bound=bound, today=today)

    if fmt == "pdf":
        path = write_atomically(Path(target), write_pdf)
    else:
        # Word has no pages of its own until it lays them out: the contents list takes the
        # page numbers of the PDF, which the Word file follows form for form.
        import io

        done = build_dossier_pdf(case, committee, io.BytesIO(), bound=(), today=today)
        document = combined(case, committee, done.papers)
        path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    return Saved(path, "人民调解卷宗")
