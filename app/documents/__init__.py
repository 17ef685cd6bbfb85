"""Printed documents: forms build a `Document` tree; renderers turn it into PDF or DOCX.

reportlab and python-docx are imported only when something is rendered (they cost start-up
time the main window should not pay).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Literal

from app.documents.tree import Document

__all__ = ["Document", "render"]


def render(document: Document, fmt: Literal["pdf", "docx"], target: str | Path | BinaryIO) -> None:
    """Write `document` as PDF or DOCX to a path or a binary stream."""
    if fmt == "pdf":
        from app.documents.pdf import render_pdf

        render_pdf(document, target)
    elif fmt == "docx":
        from app.documents.docx import render_docx

        render_docx(document, target)
    else:
        raise ValueError(f"unknown document format {fmt!r}")
