"""Printed documents: forms build a `Document` tree; renderers turn it into PDF or DOCX.

reportlab and python-docx are imported only when something is rendered (they cost start-up
time the main window should not pay).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Literal

from app.documents.check import check_printable
from app.documents.tree import Document

__all__ = ["Document", "check_printable", "render"]


def render(document: Document, fmt: Literal["pdf", "docx"], target: str | Path | BinaryIO) -> None:
    """Write `document` as PDF or DOCX to a path or a binary stream.

    Raises `UserError` before writing anything if a character of the text is in neither bundled
    font (`check.check_printable`): it would print as a box. The Word file names Windows' fonts,
    but is checked against the same bundled ones, so both formats accept the same texts.
    """
    if fmt not in ("pdf", "docx"):
        raise ValueError(f"unknown document format {fmt!r}")
    check_printable(document)
    if fmt == "pdf":
        from app.documents.pdf import render_pdf

        render_pdf(document, target)
    else:
        from app.documents.docx import render_docx

        render_docx(document, target)
