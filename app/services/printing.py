"""Printing forms to PDF or Word files (written atomically: see `app.services.files`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

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


def print_agreement(
    db: Database, case_ref: str | int, fmt: str, target: Path | str, today: date | None = None
) -> Path:
    """人民调解协议书 of a case, written to `target` as PDF or DOCX; returns the path."""
    # Imported here: reportlab and python-docx cost ~150 ms to import and most starts never print.
    from app.documents import render
    from app.documents.forms.agreement import build_agreement

    fmt = check_format(fmt)
    case = get_case(db, case_ref)
    document = build_agreement(case, get_committee(db), today=today)
    return write_atomically(Path(target), lambda handle: render(document, fmt, handle))
