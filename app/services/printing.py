"""Printing forms to PDF or Word files (written atomically: see `app.services.files`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from app.domain.codes import AgreementForm
from app.domain.errors import UserError
from app.services.cases import get_case
from app.services.database import Database, get_committee
from app.services.files import write_atomically

Format = Literal["pdf", "docx"]
FORMATS: dict[str, str] = {"pdf": "PDF 文件", "docx": "Word 文件"}


def check_format(fmt: str) -> Format:
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(f"不支持的格式“{fmt}”，只能选 pdf 或 docx（Word）。")
    return fmt  # type: ignore[return-value]


ORAL_AGREEMENT = (
    "本案达成的是口头协议。口头协议自各方当事人达成之日起生效，"
    "应记入“人民调解口头协议登记表”（本程序以后的版本提供），不打印书面的人民调解协议书。"
    "如果当事人要求签订书面协议，请在“录入/修改协议”中把“协议形式”改为“书面协议”，再打印。"
)


def print_agreement(
    db: Database, case_ref: str | int, fmt: str, target: Path | str, today: date | None = None
) -> Path:
    """人民调解协议书 of a case, written to `target` as PDF or DOCX; returns the path.

    Refused (`UserError`, nothing written) for an oral agreement — it takes effect when reached
    (People's Mediation Law art. 30) and is recorded in the oral agreement register, not signed
    as a written agreement — and for a text with a character the bundled fonts lack.
    """
    # Imported here: reportlab and python-docx cost ~150 ms to import and most starts never print.
    from app.documents import check_printable, render
    from app.documents.forms.agreement import build_agreement

    fmt = check_format(fmt)
    case = get_case(db, case_ref)
    if case.agreement is not None and case.agreement.form is AgreementForm.ORAL:
        raise UserError(ORAL_AGREEMENT)
    document = build_agreement(case, get_committee(db), today=today)
    check_printable(document)  # before a temporary file is made (render checks again: cheap)
    return write_atomically(Path(target), lambda handle: render(document, fmt, handle))
