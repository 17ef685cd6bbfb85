"""Printing forms to PDF or Word files (written atomically: see `app.services.files`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from app.domain.codes import AgreementForm
from app.domain.errors import UserError
from app.services.cases import get_case
from app.services.database import Database, get_committee
from app.services.files import write_atomically
from app.views import CaseDetail

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
    document = build(case, get_committee(db), today=today)
    check_printable(document)  # before a temporary file is made (render checks again: cheap)
    path = write_atomically(Path(target), lambda handle: render(document, fmt, handle))
    return Saved(path, agreement_title(case))
