"""Printing forms to PDF or Word files (written atomically: see `app.services.files`).

The file is written beside the target under a temporary name and renamed over it; only a new
name or a plain file the user may write is replaced (`app.services.files.check_target`, which
every output shares); a link, a device, a pipe or a read-only file is refused before anything
is made.

The agreement paper (人民调解协议书, or the oral agreement's register) carries a verification mark
wherever it is printed, alone or in the dossier, and each print is recorded (`record_print`)
with the digest its mark was made from. `record=False` makes the file without recording it (a
preview); `record_printed` records it once the paper is printed or saved after all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from app.domain.codes import AgreementForm
from app.domain.errors import UserError
from app.services.database import Database, get_committee
from app.services.detail import case_for_paper
from app.services.files import check_target, write_atomically
from app.services.sittings import stored_path
from app.services.verification import (
    Printed,
    agreement_digest,
    code_of,
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
    #: The agreement digest its verification mark was made from (None: the paper has none).
    digest: str | None = field(default=None, compare=False)

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


def printed_form(key: str, case: CaseDetail) -> str | None:
    """What printing `key` ("agreement", "oral_agreement", "dossier" or another form) records
    as printed: the agreement paper it carries ("agreement", or "oral_agreement" for the oral
    register), or None for a paper that carries no verification mark."""
    if case.agreement is None or key not in ("agreement", "oral_agreement", "dossier"):
        return None
    return "oral_agreement" if key == "oral_agreement" or is_oral(case) else "agreement"


def print_agreement(
    db: Database,
    case_ref: str | int,
    fmt: str,
    target: Path | str,
    today: date | None = None,
    *,
    record: bool = True,
) -> Saved:
    """The agreement of a case, written to `target` as PDF or DOCX: the 人民调解协议书, or the
    人民调解口头协议登记表 for an oral agreement (`agreement_title`); recorded as printed
    unless `record` is False.

    Refused (`UserError`, nothing written) for a text with a character the bundled fonts lack.
    """
    # Imported here: reportlab and python-docx cost ~150 ms to import and most starts never print.
    from app.documents import check_printable, render
    from app.documents.forms.agreement import build_agreement
    from app.documents.forms.oral_agreement import build_oral_agreement

    fmt = check_format(fmt)
    target = check_target(target)
    case = case_for_paper(db, case_ref)
    build = build_oral_agreement if is_oral(case) else build_agreement
    digest = agreement_digest(case)
    document = marked(case, build(case, get_committee(db), today=today), digest)
    check_printable(document)  # before a temporary file is made (render checks again: cheap)
    path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    if record:
        form = "oral_agreement" if is_oral(case) else "agreement"
        record_print(db, case.id, form, digest=digest)
    return Saved(path, agreement_title(case), digest)


def marked(case: CaseDetail, document: Document, digest: str | None = None) -> Document:
    """The agreement paper with its verification mark: the case number, the code and a QR code
    derived from the stored content (`digest`, the case's `agreement_digest`: computed when
    not given), the same code `record_print` records."""
    from dataclasses import replace

    from app.documents.tree import Verification

    code = code_of(digest or agreement_digest(case))
    label = f"{case.number}　核验码 {code}"
    return replace(document, verification=Verification(code, label, qr_text(case.number, code)))


def record_printed(
    db: Database, case_ref: str | int, what: str, digest: str | None = None
) -> Printed | None:
    """Record that the paper `what` of the case (a form's key, or "dossier") made earlier
    with `record=False` was printed or saved after all: the agreement paper it carries is
    recorded as `record_print` records it (None: `what` carries no agreement paper).

    `digest` is the paper's own (`Saved.digest`), so the code recorded is the one printed on
    it even when the case changed since; without it the record as it stands now is used."""
    if what not in ("agreement", "oral_agreement", "dossier"):
        return None
    case = case_for_paper(db, case_ref)
    form = printed_form(what, case)
    if form is None:
        return None
    printed, _ = record_print(db, case.id, form, digest=digest or agreement_digest(case))
    return printed


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
    record: bool = True,
) -> Saved:
    """Form `key` (see `registry.FORMS`) of a case, written to `target` as PDF or DOCX; for a
    form printed per sitting, follow-up or agent, `item_id` picks which (None: the latest
    sitting or follow-up, the first agent). An agreement paper carries its verification mark
    and is recorded as printed unless `record` is False.

    Refused (`UserError`, nothing written) for an unknown form, an item the case lacks, or a
    character the bundled fonts lack.
    """
    from app.documents import check_printable, render

    fmt = check_format(fmt)
    target = check_target(target)
    spec = form_spec(key)
    case = case_for_paper(db, case_ref)
    check_item(spec, case, item_id)
    document = spec.make(case, get_committee(db), item_id=item_id, today=today)
    form = printed_form(spec.key, case)
    digest = agreement_digest(case) if form is not None else None
    if digest is not None:
        document = marked(case, document, digest)
    check_printable(document)  # before a temporary file is made
    path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    if form is not None and record:
        record_print(db, case.id, form, digest=digest)
    return Saved(path, agreement_title(case) if spec.key == "agreement" else spec.name, digest)


def print_blank(key: str, fmt: str, target: Path | str, committee: CommitteeInfo) -> Saved:
    """The blank form `key`, every field a blank to fill in by hand (for a walk-in party)."""
    from app.documents import check_printable, render

    fmt = check_format(fmt)
    target = check_target(target)
    spec = form_spec(key)
    document = spec.make(None, committee)
    check_printable(document)  # the committee's name is the one text that could fail
    path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    return Saved(path, f"空白{spec.name}")


def print_dossier(
    db: Database,
    case_ref: str | int,
    fmt: str,
    target: Path | str,
    today: date | None = None,
    *,
    record: bool = True,
) -> Saved:
    """The whole dossier of a case in one file: every form the case records in the customary
    order, with the attachments that are images or PDFs bound in at their rows (PDF only),
    continuous page numbers, a contents list that matches them and a bookmark per paper.

    In the PDF the agreement paper carries its verification mark, as printed alone, and is
    recorded as printed (unless `record` is False): a paper signed or checked later may as well
    come from the dossier. The Word file carries no mark (its pages have one header, the
    cover's) and so records nothing.

    For a case referred out of the community this is the hand-over bundle: the file so far.
    """
    from app.documents import check_printable, render
    from app.documents.dossier import Bound, build_dossier_pdf, combined, papers_of

    fmt = check_format(fmt)
    target = check_target(target)
    case = case_for_paper(db, case_ref)
    committee = get_committee(db)
    for document in papers_of(case, committee, today=today):
        check_printable(document)
    bound = []
    for a in case.attachments:
        stored = stored_path(db, a.sha256)
        if stored.exists():  # a copy lost from the folder is not bound, never half-bound
            title = f"{a.kind.label}：{a.description or a.original_name}"
            bound.append(Bound(title, stored, Path(a.original_name).suffix.lower(), a.kind))

    digest: str | None = None
    if fmt == "pdf":
        form = printed_form("dossier", case)
        digest = agreement_digest(case) if form is not None else None

        def mark(document: Document) -> Document:
            return marked(case, document, digest)

        def write_pdf(handle: BinaryIO) -> None:
            build_dossier_pdf(
                case,
                committee,
                handle,
                bound=bound,
                today=today,
                mark=mark if digest is not None else None,
            )

        path = write_atomically(Path(target), write_pdf)
        if form is not None and record:
            record_print(db, case.id, form, digest=digest)
    else:
        # Word has no pages of its own until it lays them out: the contents list takes the
        # page numbers of the PDF made without the attachments, which are not in the Word
        # file: the Word file follows that PDF form for form, and its contents list names the
        # attachments at their rows as 另附 (`combined`).
        import io

        done = build_dossier_pdf(case, committee, io.BytesIO(), bound=(), today=today)
        document = combined(case, committee, done.papers, bound=bound, today=today)
        path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    return Saved(path, "人民调解卷宗", digest)
